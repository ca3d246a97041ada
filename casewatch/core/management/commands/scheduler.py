"""`casewatch scheduler`: the scheduler on its own (no jobs), or a look at / a nudge to the schedules."""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from casewatch.core import scheduler
from casewatch.core.models_ops import Schedule, SchedulerLease


class Command(BaseCommand):
    help = (
        "Run the scheduler loop without running jobs (workers run them), or --list the schedules, "
        "--tick once, --run NAME now. Only one scheduler is active at a time (a lease row); others stand by."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print every schedule and exit")
        parser.add_argument("--tick", action="store_true", help="one scheduler step now, then exit")
        parser.add_argument("--run", metavar="NAME", help="queue this schedule's job now and exit")

    def handle(self, *args, **opts):
        scheduler.ensure_defaults()
        if opts["list"]:
            return self._list()
        if opts["run"]:
            schedule = Schedule.objects.filter(name=opts["run"]).first()
            if schedule is None:
                names = ", ".join(Schedule.objects.values_list("name", flat=True))
                raise CommandError(f"no schedule named {opts['run']!r} / 没有该计划任务 (known: {names})")
            job = scheduler.run_now(schedule)
            self.stdout.write(f"queued job #{job.pk} {job.kind}")
            return
        holder = scheduler.holder_name()
        if opts["tick"]:
            queued = scheduler.tick(holder)
            scheduler.release_lease(holder)
            self.stdout.write(
                f"queued {len(queued)} job(s)" + "".join(f"\n  #{j.pk} {j.kind}" for j in queued)
            )
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(1))
        signal.signal(signal.SIGINT, lambda *a: stopping.append(1))
        self.stdout.write(f"scheduler {holder} started")
        self.stdout.flush()
        try:
            while not stopping:
                close_old_connections()
                for job in scheduler.tick(holder):
                    self.stdout.write(f"scheduled job #{job.pk} {job.kind}")
                    self.stdout.flush()
                for _ in range(scheduler.TICK_SECONDS * 2):
                    if stopping:
                        break
                    time.sleep(0.5)
        finally:
            scheduler.release_lease(holder)
            self.stdout.write("scheduler stopped")

    def _list(self):
        scheduler.refresh_outcomes()
        lease = SchedulerLease.objects.filter(name=scheduler.LEASE_NAME).first()
        now = timezone.now()
        if lease and lease.expires_at > now:
            self.stdout.write(
                f"active scheduler: {lease.holder} (lease until {timezone.localtime(lease.expires_at):%H:%M:%S})"
            )
        else:
            self.stdout.write("active scheduler: none")
        fmt = "{:<26}{:<28}{:<14}{:<18}{:<11}{:>5}  {}"
        self.stdout.write(fmt.format("name", "job kind", "when", "last run", "outcome", "fail", "next run"))
        for s in Schedule.objects.all():
            when = f"daily {s.daily_at:%H:%M}" if s.daily_at else f"every {s.interval_minutes} min"
            last = f"{timezone.localtime(s.last_run_at):%Y-%m-%d %H:%M}" if s.last_run_at else "—"
            nxt = (
                f"{timezone.localtime(s.next_run_at):%Y-%m-%d %H:%M}"
                if s.enabled and s.next_run_at
                else "off"
            )
            self.stdout.write(fmt.format(s.name, s.kind, when, last, s.last_status or "—", s.failures, nxt))

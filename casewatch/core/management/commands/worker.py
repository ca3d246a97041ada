import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from casewatch.core import jobs, scheduler


class Command(BaseCommand):
    help = (
        "Run background jobs from the database queue (imports, analysis runs, reports), and the "
        "scheduler (only one worker at a time holds its lease; the others stand by)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued now, then exit")
        parser.add_argument(
            "--sleep", type=float, default=1.0, help="seconds to wait when the queue is empty"
        )
        parser.add_argument("--no-scheduler", action="store_true", help="only run jobs, never schedule")

    def handle(self, *args, **opts):
        if opts["once"]:
            self.stdout.write(f"ran {jobs.run_pending()} job(s)")
            return
        holder = None if opts["no_scheduler"] else scheduler.holder_name()
        self.stdout.write(
            "worker started; waiting for jobs" + ("" if holder is None else f"; scheduler candidate {holder}")
        )
        self.stdout.flush()
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_tick = 0.0
        try:
            while not stopping:
                close_old_connections()
                if holder is not None and time.monotonic() - last_tick >= scheduler.TICK_SECONDS:
                    last_tick = time.monotonic()
                    try:
                        for job in scheduler.tick(holder):
                            self.stdout.write(f"scheduled job #{job.pk} {job.kind}")
                    except Exception as exc:  # a scheduler error must not stop the job loop
                        self.stderr.write(f"scheduler tick failed: {exc}")
                if not jobs.run_pending(limit=1):
                    time.sleep(opts["sleep"])
        finally:
            if holder is not None:
                scheduler.release_lease(holder)
            self.stdout.write("worker stopped")

"""``casewatch problems-tick``: the daily run of the problem list's scheduled steps."""

from __future__ import annotations

import datetime as dt
import json
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from casewatch.core import audit, jobs


class Command(BaseCommand):
    help = (
        "Mark overdue problems and notify their owners and unit supervisors, turn problems overdue "
        "beyond the grace period into supervision orders, escalate overdue orders one level, run the "
        "accountability triggers and send daily e-mail digests. Idempotent: safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as of this day (YYYY-MM-DD); default today")
        parser.add_argument("--grace-days", type=int, help="days past the deadline before escalation")
        parser.add_argument("--no-digest", action="store_true", help="do not send the daily e-mail digests")
        parser.add_argument(
            "--enqueue", action="store_true", help="queue a problems.tick job for the worker instead"
        )
        parser.add_argument(
            "--daily",
            metavar="HH:MM",
            help="keep running and tick once a day at this local time (for `make demo`, next to the worker)",
        )

    def handle(self, *args, **opts):
        from casewatch.problems.tasks import tick

        today = dt.date.fromisoformat(opts["date"]) if opts.get("date") else None
        if opts["enqueue"]:
            params = {"today": today.isoformat() if today else None, "grace_days": opts.get("grace_days")}
            job = jobs.enqueue("problems.tick", None, **params)
            self.stdout.write(f"queued job #{job.pk}")
            return
        if opts.get("daily"):
            hour, minute = (int(x) for x in opts["daily"].split(":"))
            self.stdout.write(f"ticking every day at {hour:02d}:{minute:02d}; first run now")
            while True:
                self._run(tick, None, opts)
                now = timezone.localtime()
                nxt = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
                if nxt <= now:
                    nxt += dt.timedelta(days=1)
                time.sleep((nxt - now).total_seconds())
                close_old_connections()
        self._run(tick, today, opts)

    def _run(self, tick, today, opts):
        token = audit.begin()
        try:
            result = tick(today, opts.get("grace_days"), digests=not opts["no_digest"])
        finally:
            audit.end(token)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

"""``casewatch deadlines-refresh``: recompute deadline state and lights, store them in bulk."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from casewatch.core import audit, jobs


class Command(BaseCommand):
    help = "Recompute every pending case's deadline state, lights and custody chains (DuckDB) and store them."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="reference date YYYY-MM-DD (default today)")
        parser.add_argument(
            "--as-user",
            help="the username recorded as having run the refresh (orders are never issued here: "
            "escalations wait for a supervisor's confirmation on /deadlines/escalations/)",
        )
        parser.add_argument("--enqueue", action="store_true", help="queue a deadlines.refresh job instead")

    def handle(self, *args, **opts):
        from casewatch.core.models import User
        from casewatch.deadlines.services import refresh

        try:
            as_of = dt.date.fromisoformat(opts["as_of"]) if opts.get("as_of") else None
        except ValueError:
            raise CommandError("--as-of must be YYYY-MM-DD") from None
        actor = User.objects.filter(username=opts["as_user"]).first() if opts.get("as_user") else None
        if opts.get("as_user") and actor is None:
            raise CommandError("unknown user")
        if opts["enqueue"]:
            job = jobs.enqueue("deadlines.refresh", actor, as_of=as_of.isoformat() if as_of else None)
            self.stdout.write(f"queued job {job.pk}")
            return
        token = audit.begin(None, None, actor)
        try:
            result = refresh(as_of, actor=actor)
        finally:
            audit.end(token)
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))

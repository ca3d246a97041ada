"""``casewatch enforcement-refresh``: late and overdue deletions and wrongful listings become problems."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from casewatch.core import audit


class Command(BaseCommand):
    help = "Compute listing deadlines (DuckDB) and open problems for late deletions and wrongful listings."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="reference date YYYY-MM-DD (default today)")
        parser.add_argument(
            "--as-user", required=True, help="the user the problems are opened as (scope applies)"
        )

    def handle(self, *args, **opts):
        from casewatch.core.models import User
        from casewatch.enforcement.services import open_problems

        try:
            as_of = dt.date.fromisoformat(opts["as_of"]) if opts.get("as_of") else dt.date.today()
        except ValueError:
            raise CommandError("--as-of must be YYYY-MM-DD / 日期格式应为 YYYY-MM-DD") from None
        user = User.objects.filter(username=opts["as_user"]).first()
        if user is None:
            raise CommandError(f"unknown user {opts['as_user']!r} / 用户不存在")
        token = audit.begin(None, None, user)
        try:
            counts = open_problems(user, as_of)
        finally:
            audit.end(token)
        self.stdout.write(
            f"problems: {counts['deletion']} deletion, {counts['wrongful']} wrongful listing (as of {as_of})"
        )

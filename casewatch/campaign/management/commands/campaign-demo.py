from django.core.management.base import BaseCommand, CommandError

from casewatch.core.models import User


class Command(BaseCommand):
    help = (
        "Load the demo campaign (tasks, warning education, norms, research topics, key cases, listed leads)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", default="city_supervisor", help="the committee account that records them"
        )

    def handle(self, *args, **opts):
        from casewatch.campaign import demo

        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"no user {opts['user']!r}: run `casewatch demo-accounts` first")
        result = demo.load(user)
        analyzed = refresh_statistics()
        self.stdout.write(
            f"campaign demo loaded: {result}" + (f"; analysed {analyzed} tables" if analyzed else "")
        )


def refresh_statistics() -> int:
    """``ANALYZE`` the campaign's tables after the bulk load (PostgreSQL only): with autovacuum
    off (or not yet run) the planner keeps "empty" statistics and plans the coverage page's
    attendance joins as nested loops over every sign-in (318-805 ms at 1M instead of tens)."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    tables = [m._meta.db_table for m in apps.get_app_config("campaign").get_models()]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    return len(tables)

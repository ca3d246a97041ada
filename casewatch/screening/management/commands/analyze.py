import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from casewatch.core.models import User


class Command(BaseCommand):
    help = "Screen cases with the rule catalogue (全面排查) and load the findings."

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        parser.add_argument(
            "--lake", help="read a Parquet data lake (one <table>.parquet per table) instead of the database"
        )
        parser.add_argument("--as-of", help="reference date (YYYY-MM-DD); default today")
        parser.add_argument(
            "--incremental", action="store_true", help="re-check only cases changed since the last run"
        )
        parser.add_argument("--rules", help="comma-separated rule ids (default: all)")
        parser.add_argument("--user", help="username recorded as the actor")

    def handle(self, *args, **opts):
        from casewatch.screening.services import analyze

        actor = None
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                raise CommandError(f"no such user: {opts['user']}")
        as_of = dt.date.fromisoformat(opts["as_of"]) if opts["as_of"] else None
        run = analyze(
            actor,
            engine=opts["engine"],
            as_of=as_of,
            mode="incremental" if opts["incremental"] else "full",
            lake=opts["lake"],
            rule_ids=opts["rules"].split(",") if opts["rules"] else None,
        )
        self.stdout.write(
            f"run #{run.pk} {run.engine} {run.mode}: {run.findings_new} new, {run.findings_unchanged} unchanged, "
            f"{run.findings_resolved} resolved in {run.seconds:.2f} s (snapshot {run.snapshot_seconds or 0:.2f} s)"
        )
        for rule_id, seconds in sorted(run.rule_seconds.items()):
            self.stdout.write(
                f"  {rule_id:<8} {run.rule_counts.get(rule_id, 0):>7} findings  {seconds:.3f} s"
            )
        for warning in run.warnings[:10]:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))

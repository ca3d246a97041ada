import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from casewatch.core.models import Unit, User


class Command(BaseCommand):
    help = "Compute and freeze the campaign report for a scope and period; prints every figure."

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="330200", help="scope unit code (the city by default)")
        parser.add_argument("--start", default="2026-01-01")
        parser.add_argument("--as-of", default="2026-09-30")
        parser.add_argument("--user", default="city_supervisor")
        parser.add_argument("--staged", action="store_true", help="mark it as a monthly staged report")
        parser.add_argument(
            "--enforcement-until",
            default=None,
            help="end the enforcement figures' period earlier (e.g. 2026-07-31)",
        )

    def handle(self, *args, **opts):
        from casewatch.campaign import reports, services

        user = User.objects.filter(username=opts["user"]).first()
        unit = Unit.objects.filter(code=opts["unit"]).first()
        if user is None or unit is None:
            raise CommandError("unknown --user or --unit")
        try:
            start, end = dt.date.fromisoformat(opts["start"]), dt.date.fromisoformat(opts["as_of"])
            until = dt.date.fromisoformat(opts["enforcement_until"]) if opts["enforcement_until"] else None
        except ValueError as exc:
            raise CommandError(f"bad date: {exc}") from exc
        snap = services.freeze_report(user, unit, start, end, staged=opts["staged"], enforcement_until=until)
        self.stdout.write(
            f"report #{snap.pk} {unit.code} {start}..{end} in {snap.seconds:.2f} s, digest {snap.digest[:16]}"
        )
        for f in snap.payload["figures"]:
            detail = reports.detail_text(f)
            self.stdout.write(f"  {f['label_zh']:<24} {reports.value_text(f):>14}  {detail}")

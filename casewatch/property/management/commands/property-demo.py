"""``casewatch property-demo``: fill the seized-property centre from the imported demo city."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Register the demo city's property items in the centres, plant violations, refresh alerts."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--truth", default="", help="ground-truth JSON (default var/property-demo-truth.json)"
        )
        parser.add_argument(
            "--as-user", default="city_supervisor", help="who refreshes alerts and opens problems"
        )
        parser.add_argument("--custodian", default="yinzhou_custodian")
        parser.add_argument("--reset", action="store_true", help="remove the centre's rows first")

    def handle(self, *args, **opts):
        from casewatch.core import audit
        from casewatch.core.models import User
        from casewatch.property import demo, demo_plants
        from casewatch.property.alerts import refresh
        from casewatch.property.models import Item

        try:
            supervisor = User.objects.get(username=opts["as_user"])
            custodian = User.objects.get(username=opts["custodian"])
        except User.DoesNotExist as exc:
            raise CommandError("run demo-accounts first / 请先运行 demo-accounts") from exc
        token = audit.begin(user=supervisor)
        try:
            if opts["reset"]:
                demo.reset()
            if Item.objects.exists() and not opts["reset"]:
                self.stdout.write(
                    "the centre already holds items; nothing registered (use --reset to start again)"
                )
                return
            counts = demo.fill(seed=opts["seed"], out=self.stdout.write)
            truth = demo_plants.plant(custodian)
            result = refresh(supervisor)
        finally:
            audit.end(token)
        path = Path(opts["truth"] or Path(settings.VAR_DIR) / "property-demo-truth.json")
        demo.write_truth(path, truth)
        self.stdout.write(
            f"{counts['items']:,} items; {len(truth)} planted cases listed in {path}; "
            f"{result['alerts']:,} alerts, {result['problems_opened']:,} problems opened"
        )

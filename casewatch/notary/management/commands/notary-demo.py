"""notary-demo: a year of notarisation applications at the demo city's notary offices."""

import datetime as dt

from django.core.management.base import BaseCommand

from casewatch.notary import demo


class Command(BaseCommand):
    help = "Generate a year of notarisation applications, certificates and reviews (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", default="2026-09-30", help="last day of the year (YYYY-MM-DD)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--per-office", type=int, default=300, help="at most this many applications per office"
        )

    def handle(self, *args, as_of, seed, per_office, **opts):
        counts = demo.generate(dt.date.fromisoformat(as_of), seed=seed, per_office=per_office)
        if counts.get("skipped"):
            self.stdout.write("notary demo already loaded")
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))

"""``casewatch falselit-scan [--source DIR]``: run the false-litigation pipeline on the registry
(the warm analytics store, else a bulk snapshot) or a Parquet lake and store the lead clusters as
leads."""

from django.core.management.base import BaseCommand

from casewatch.analytics.falselit import Config, run
from casewatch.falselit import services


class Command(BaseCommand):
    help = "Score civil cases for false-litigation risk and create leads."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="Parquet folder in the canonical schema (default: the registry)")

    def handle(self, *args, source=None, **opts):
        from django.conf import settings

        cfg = Config.from_dict(getattr(settings, "FALSELIT_CONFIG", None))
        result = run(source, cfg) if source else services.run_scan(cfg)
        scan = services.load_scan(result, source=source or "registry")
        self.stdout.write(
            f"cases with indicators: {result.cases.num_rows}; new leads: {scan.n_leads}; "
            + ", ".join(f"{k} {v:.2f}s" for k, v in result.times.items())
        )

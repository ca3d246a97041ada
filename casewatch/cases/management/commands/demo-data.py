import datetime as dt
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Write a Ningbo-like demo city in the canonical format (one file per table) with a ground-truth "
        "file of every planted problem. Same seed, same output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--out", required=True, help="output folder")
        parser.add_argument("--as-of", default="2026-09-30", help="reference date of the demo data")
        parser.add_argument("--format", choices=["parquet", "csv", "jsonl"], default="parquet")
        parser.add_argument(
            "--divisions",
            default=settings.DIVISIONS_DIR or None,
            help="folder with streets.csv for realistic addresses",
        )

    def handle(self, *args, **opts):
        from casewatch.demo.generator import generate

        if opts["cases"] < 1:
            raise CommandError("--cases must be at least 1")
        kwargs = {"fmt": opts["format"], "as_of": dt.date.fromisoformat(opts["as_of"])}
        if opts["divisions"]:
            kwargs["divisions_dir"] = opts["divisions"]
        manifest = generate(opts["cases"], opts["seed"], opts["out"], **kwargs)
        self.stdout.write(json.dumps(manifest, ensure_ascii=False, indent=2, default=str))

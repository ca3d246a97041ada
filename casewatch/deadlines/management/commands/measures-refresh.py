"""``casewatch measures-refresh``: build the court measures' fact table for the current data."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Build the per-case fact table the measures page, API and export read (once per data version; "
        "run after imports and deadline refreshes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="queue a deadlines.measures job instead")

    def handle(self, *args, **opts):
        import pyarrow.parquet as pq

        from casewatch.core import jobs
        from casewatch.deadlines import measures_store

        if opts["enqueue"]:
            job = jobs.enqueue("deadlines.measures", None)
            self.stdout.write(f"queued job {job.pk}")
            return
        t = time.perf_counter()
        path = measures_store.ensure_facts()
        rows = pq.ParquetFile(path).metadata.num_rows
        self.stdout.write(f"{path} · {rows:,} cases · {time.perf_counter() - t:.2f} s")

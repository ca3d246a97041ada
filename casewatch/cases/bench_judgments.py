"""``casewatch bench judgments --n N``: parse and import N generated judgment documents.

Prints, each beside its baseline:

* parsing: documents per second in worker processes vs one process;
* import: the whole path (find, parse, type, validate, one set-based upsert per table, provenance)
  vs one transaction per document (each document imported on its own, on a sample, rolled back);
* re-import of the same documents (must change nothing), peak memory, and the accuracy per field
  of the parser on the generated corpus.

Refuses to run on a database that already holds cases unless ``--reset`` is given (the registry
tables are emptied then — use a scratch database).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction


def arguments(parser):
    parser.add_argument("--n", type=int, default=10_000, help="documents to generate (default 10,000)")
    parser.add_argument("--workers", type=int, help="parsing processes (default: one per core)")
    parser.add_argument("--baseline", type=int, default=200, help="documents in the per-document baseline")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--reset", action="store_true", help="empty the case registry tables first")


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s" if seconds > 0 else "n/a"


def handler(cmd, opts):
    from casewatch.analytics.judgments import accuracy, batch, corpus
    from casewatch.cases.importing import Options, run_import
    from casewatch.cases.importing.judgments import courts_of
    from casewatch.cases.importing.pipeline import _units_frame
    from casewatch.cases.management.commands.bench import PeakRss, _mb, reset_tables
    from casewatch.cases.models import Case
    from casewatch.core.services_org import seed_ningbo

    out = cmd.stdout.write
    call_command("migrate", verbosity=0)
    seed_ningbo()
    if Case.objects.exists():
        if not opts["reset"]:
            raise CommandError("the database already holds cases; use a scratch database or --reset")
        with connection.cursor() as cur:
            cur.execute("DELETE FROM cases_judgmentdocument")
            for table in reset_tables():
                cur.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    n = opts["n"]
    with tempfile.TemporaryDirectory(prefix="cw-bench-judgments-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        t = time.perf_counter()
        docs = corpus.generate(n, opts["seed"])
        for i, (text, _truth) in enumerate(docs):
            (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")
        out(f"generated {n:,} documents in {time.perf_counter() - t:.1f} s ({connection.vendor})")

        items = [(str(p), p.name) for p in sorted(folder.iterdir())]
        courts = courts_of(_units_frame())
        sample = items[: min(len(items), 2_000)]
        t = time.perf_counter()
        batch.parse_many(sample, courts, workers=1)
        single = time.perf_counter() - t
        t = time.perf_counter()
        parsed = batch.parse_many(items, courts, workers=opts["workers"])
        multi = time.perf_counter() - t
        errors = sum(1 for r in parsed if "error" in r)
        out(
            f"parse     {n:,} docs {multi:6.1f} s  {_rate(n, multi):>9}   "
            f"baseline one process ({len(sample):,} docs): {_rate(len(sample), single)}   errors {errors}"
        )

        with PeakRss() as rss:
            t = time.perf_counter()
            result = run_import([folder], Options(workers=opts["workers"]))
            total = time.perf_counter() - t
        rows = sum(c.get("valid", 0) for c in result.counts.values())
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items() if k != "total")
        out(
            f"import    {n:,} docs {total:6.1f} s  {_rate(n, total):>9}   {rows:,} rows ({_rate(rows, total)}) "
            f"status {result.status}, peak RSS {_mb(rss.peak)}  [{timing}]"
        )
        if result.status != "imported":
            out(str(result.problems.head(5).to_dicts()))

        t = time.perf_counter()
        again = run_import([folder], Options(workers=opts["workers"]))
        out(
            f"re-import {n:,} docs {time.perf_counter() - t:6.1f} s  created {again.totals()['created']}, "
            f"updated {again.totals()['updated']}"
        )

        k = min(opts["baseline"], n)
        if k:
            base = Path(tmp) / "baseline"
            base.mkdir()
            chosen = []
            for i, (text, _truth) in enumerate(corpus.generate(k, opts["seed"] + 1)):
                p = base / f"b{i:06d}.txt"
                p.write_text(text, encoding="utf-8")
                chosen.append(p)
            t = time.perf_counter()
            with transaction.atomic():
                for p in chosen:  # the baseline: one import (and one transaction) per document
                    run_import([p], Options(workers=1))
                transaction.set_rollback(True)
            seconds = time.perf_counter() - t
            out(
                f"baseline  one transaction per document ({k:,} docs): {seconds:.1f} s  {_rate(k, seconds)}"
                f"  → {n:,} docs ≈ {n * seconds / k:,.0f} s"
            )

    scores, failed, _misses = accuracy.score([(t, f"{i}.txt", tr) for i, (t, tr) in enumerate(docs[:2_000])])
    out(
        "accuracy on the generated corpus (2,000 docs): "
        + ", ".join(f"{f} {v:.3f}" for f, v in scores.items())
    )

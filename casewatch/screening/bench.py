"""``casewatch bench screening``: the rule catalogue's speed on DuckDB (and Spark), with baselines.

Figures printed, never asserted:

* the full catalogue over an N-case Parquet lake on DuckDB: load (the snapshot's stand-in),
  per-rule and total seconds, peak memory;
* an incremental run: the catalogue restricted to 1% of the cases (as after an import that
  changed them), engine already loaded;
* when the configured database holds cases: the real snapshot (database → Arrow) time, and the
  baseline — three representative rules written as a plain ORM loop over a sample of cases;
* with ``--spark``: the same catalogue on Spark local mode over the same lake.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError


def screening_arguments(parser):
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the generated lake")
    parser.add_argument("--lake", help="use this Parquet lake instead of generating one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-09-30")
    parser.add_argument("--spark", action="store_true", help="also run the catalogue on Spark local mode")
    parser.add_argument(
        "--baseline", type=int, default=20_000, help="cases in the ORM-loop baseline (0: skip)"
    )


def _lake(opts, write) -> Path:
    if opts.get("lake"):
        path = Path(opts["lake"])
        if not (path / "cases.parquet").exists():
            raise CommandError(f"{path} holds no cases.parquet")
        return path
    path = Path(settings.VAR_DIR) / f"bench-lake-{opts['cases']}-{opts['seed']}"
    if not (path / "manifest.json").exists():
        write(f"generating a {opts['cases']:,}-case lake in {path} …")
        t = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "casewatch.demo.generator", "--cases", str(opts["cases"]), "--seed",
             str(opts["seed"]), "--out", str(path)],
            check=True,
        )  # fmt: skip
        write(f"  generated in {time.perf_counter() - t:.1f} s")
    return path


def _orm_baseline(sample: int, as_of: dt.date) -> tuple[int, float, int]:
    """CR-01, PP-02 and DE-04 as a plain ORM loop over `sample` cases: (cases, seconds, findings)."""
    from casewatch.cases.models import Case

    t = time.perf_counter()
    findings = 0
    cases = list(Case.objects.order_by("id")[:sample])
    for case in cases:
        # DE-04: closed without a closing date or outcome.
        if case.status == "closed" and (case.closed_at is None or not case.outcome):
            findings += 1
        if case.case_type == "police_criminal":
            events = list(case.events.order_by("occurred_at"))
            detained = {e.person_party_id: e.occurred_at for e in events if e.kind == "detained"}
            for person, when in detained.items():
                requests = [e for e in events if e.kind == "arrest_requested" and e.person_party_id == person]
                if requests:
                    limit = {"special": 7, "major_roving": 30}.get(requests[0].reason, 3)
                    if (requests[0].occurred_at.date() - when.date()).days > limit:
                        findings += 1  # CR-01
            for item in case.property_items.all():
                if item.custodian_staff_no and item.custodian_staff_no == case.handler_id:
                    findings += 1  # PP-02
    return len(cases), time.perf_counter() - t, findings


def screening_handler(cmd, opts):
    from casewatch.analytics.bench import bench_screening
    from casewatch.analytics.engines import DuckDBEngine
    from casewatch.cases.models import Case

    write = cmd.stdout.write
    as_of = dt.date.fromisoformat(opts["as_of"])
    lake = _lake(opts, write)

    result = bench_screening(str(lake), engine="duckdb", as_of=as_of)
    write("== DuckDB, full catalogue ==")
    write(result.report())
    write(f"total incl. load: {result.load_seconds + result.total_seconds:.2f} s")

    engine = DuckDBEngine().load_parquet_dir(lake)
    keys = engine.con.execute(
        "SELECT unit_code, case_number FROM lake.cases ORDER BY hash(case_key) LIMIT (SELECT count(*) // 100 FROM lake.cases)"
    ).fetchall()
    t = time.perf_counter()
    inc = engine.run(as_of=as_of, case_keys=keys)
    write("== DuckDB, incremental (1% of cases changed) ==")
    write(
        f"{len(keys):,} cases re-checked in {time.perf_counter() - t:.2f} s · {inc.findings.num_rows:,} findings"
    )

    n_db = Case.objects.count()
    if n_db:
        from casewatch.cases.snapshot import snapshot

        t = time.perf_counter()
        tables = snapshot()
        write(
            f"== snapshot of the configured database ({n_db:,} cases): {time.perf_counter() - t:.2f} s "
            f"({sum(tb.num_rows for tb in tables.values()):,} rows) =="
        )
        if opts["baseline"]:
            cases, seconds, found = _orm_baseline(opts["baseline"], as_of)
            engine_db = DuckDBEngine().load(tables)
            t = time.perf_counter()
            engine_db.run(rules=["CR-01", "PP-02", "DE-04"], as_of=as_of)
            fast = time.perf_counter() - t
            write(
                f"== baseline: 3 rules (CR-01, PP-02, DE-04) as an ORM loop over {cases:,} cases: {seconds:.2f} s "
                f"({found} findings) · same 3 rules on DuckDB over all {n_db:,} cases: {fast:.2f} s · "
                f"per case {seconds / max(cases, 1) * 1e6:.0f} µs vs {fast / n_db * 1e6:.1f} µs "
                f"(ratio {seconds / max(cases, 1) / max(fast / n_db, 1e-12):.0f}×) =="
            )
    else:
        write(
            "(the configured database holds no cases: snapshot and ORM baseline skipped — run `make demo` or "
            "`casewatch bench import` first)"
        )

    if opts["spark"]:
        spark = bench_screening(str(lake), engine="spark", as_of=as_of)
        write("== Spark local[2], full catalogue ==")
        write(spark.report())

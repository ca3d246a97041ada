"""``casewatch bench measures LAKE``: the court measures on a Parquet lake, beside the old code.

Prints, for one lake (``casewatch demo-data`` / ``python -m casewatch.demo.generator``):

* load: Parquet → DuckDB (what every measures request paid, after a registry snapshot, before);
* baseline: :func:`casewatch.analytics.measures_baseline.measures` for a year by case type —
  the previous per-request computation (its ``group_by=()`` is a syntax error, so by case type);
* facts: :func:`casewatch.analytics.measures.build_facts` over the whole lake and the Parquet
  write — the once-per-data-version cost paid by the ``deadlines.measures`` job;
* per request: :func:`casewatch.analytics.measures.compute` read from the stored facts file for
  several groupings, for the whole city and for one district's codes;
* peak RSS of the process.

Figures, not assertions. Django-free (the lake is read with DuckDB).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("lake", help="Parquet lake directory (<lake>/<table>.parquet)")
    parser.add_argument(
        "--year", type=int, default=None, help="measured year (default: the lake's last full year)"
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", default=None, help="where to write the facts file (default: a temp dir)")


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_measures(args, out=None) -> dict:
    """Run the benchmark; ``args`` is a dict (management-command options) or a namespace."""
    import duckdb
    import pyarrow.parquet as pq

    from casewatch.analytics import measures as ms
    from casewatch.analytics import measures_baseline
    from casewatch.analytics.engines.duckdb_engine import DuckDBEngine

    opts = args if isinstance(args, dict) else vars(args)
    write = out or (lambda line: print(line, file=sys.stdout))
    engine = DuckDBEngine(threads=opts.get("threads"))
    t0 = time.perf_counter()
    engine.load_parquet_dir(opts["lake"])
    con = engine.con
    last = con.execute("SELECT max(closed_at), count(*) FROM lake.cases").fetchall()[0]
    n_cases = last[1]
    year = int(opts.get("year") or (last[0].year - 1 if last[0].month < 12 else last[0].year))
    engine._expose(dt.date(year, 12, 31), None)
    load_s = time.perf_counter() - t0
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    write(f"measures bench · lake {opts['lake']} · {n_cases:,} cases · year {year}")
    write(
        f"load (Parquet → DuckDB): {load_s:.2f} s — paid on every request before, after a registry snapshot"
    )

    t1 = time.perf_counter()
    base = measures_baseline.measures(con, start, end, group_by=("case_type",))
    base_s = time.perf_counter() - t1
    write(
        f"baseline (previous code, one year by case type): {base_s:.2f} s · {sum(map(len, base.values())):,} rows"
    )

    t2 = time.perf_counter()
    facts = ms.build_facts(con)
    facts_s = time.perf_counter() - t2
    folder = Path(opts.get("out") or tempfile.mkdtemp(prefix="cw-measures-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "facts.parquet"
    t3 = time.perf_counter()
    pq.write_table(facts, path, compression="zstd")
    write_s = time.perf_counter() - t3
    write(
        f"facts (once per data version, in the job): build {facts_s:.2f} s + write {write_s:.2f} s · "
        f"{facts.num_rows:,} rows · {path.stat().st_size / 1e6:.1f} MB"
    )
    del facts
    engine.close()

    runs = [
        ("city · one year · by case type", (start, end), ("case_type",), None),
        ("city · one year · no grouping", (start, end), (), None),
        ("city · 3 years · court × year", (dt.date(year - 2, 1, 1), end), ("court", "year"), None),
        ("city · one year · handler", (start, end), ("handler",), None),
        ("one district · one year · court × quarter", (start, end), ("court", "quarter"), "district"),
    ]
    figures = {}
    for label, (a, b), group_by, scope in runs:
        rcon = duckdb.connect()
        if opts.get("threads"):
            rcon.execute(f"SET threads = {int(opts['threads'])}")
        src = f"read_parquet('{path.as_posix()}')"
        t = time.perf_counter()
        if scope:
            code = rcon.execute(
                f"SELECT district_code FROM {src} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"  # noqa: S608 - our file
            ).fetchall()[0][0]
            rcon.execute(
                f"CREATE TABLE measure_facts AS SELECT * FROM {src} WHERE district_code = ?",  # noqa: S608
                [code],
            )
        else:
            rcon.execute(f"CREATE VIEW measure_facts AS SELECT * FROM {src}")  # noqa: S608 - our file
        m = ms.compute(rcon, a, b, group_by=group_by)
        secs = time.perf_counter() - t
        rcon.close()
        figures[label] = round(secs, 3)
        write(f"per request · {label}: {secs:.2f} s · {sum(map(len, m.values())):,} rows")
    write(f"peak RSS {_rss_mb():,.0f} MB")
    return {
        "cases": n_cases,
        "year": year,
        "load_seconds": round(load_s, 2),
        "baseline_seconds": round(base_s, 2),
        "facts_seconds": round(facts_s + write_s, 2),
        "per_request_seconds": figures,
        "peak_rss_mb": round(_rss_mb()),
    }


def measures_handler(command, opts: dict) -> None:
    """Adapter for the ``casewatch bench`` SUBCOMMANDS registry."""
    bench_measures(opts, command.stdout.write)


def main() -> None:  # pragma: no cover - `python -m casewatch.deadlines.bench_measures LAKE`
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    bench_measures(parser.parse_args())


if __name__ == "__main__":  # pragma: no cover
    main()

"""``casewatch bench deadlines``: deadline state + lights and the measures on a Parquet lake.

Reads the lake with DuckDB directly (not the database). ``--all-pending`` treats every case of
the lake as pending (closing dates ignored) so a 1,000,000-case demo lake yields 1,000,000
pending cases. A per-case Python loop (:func:`casewatch.analytics.deadlines.compute_case`) runs
on a sample as the baseline and is extrapolated to the whole set. Figures, not assertions.
"""

from __future__ import annotations

import datetime as dt
import sys
import time


def add_arguments(parser) -> None:
    parser.add_argument("lake", help="Parquet lake directory (<lake>/<table>.parquet)")
    parser.add_argument("--as-of", default="2026-06-30", help="reference date (YYYY-MM-DD)")
    parser.add_argument("--all-pending", action="store_true", help="treat every case as pending")
    parser.add_argument("--sample", type=int, default=20000, help="cases for the Python baseline loop")
    parser.add_argument("--threads", type=int, default=None)


def bench_deadlines(args, out=None) -> dict:
    """Run the benchmark; ``args`` is a dict (management-command options) or a namespace."""
    from casewatch.analytics import deadlines as dl
    from casewatch.analytics.engines.duckdb_engine import DuckDBEngine

    opts = args if isinstance(args, dict) else vars(args)
    write = out or (lambda line: print(line, file=sys.stdout))
    as_of = dt.date.fromisoformat(str(opts.get("as_of") or "2026-06-30"))
    engine = DuckDBEngine(threads=opts.get("threads"))
    t0 = time.perf_counter()
    engine.load_parquet_dir(opts["lake"])
    engine._expose(as_of, None)
    con = engine.con
    if opts.get("all_pending"):
        con.execute(
            "CREATE OR REPLACE VIEW main.cases AS SELECT * REPLACE ('pending' AS status, CAST(NULL AS DATE) AS closed_at) "
            "FROM lake.cases"
        )
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    state = dl.deadline_state(con, as_of)
    con.register("dl_state", state)
    counts = dict(con.execute("SELECT light, COUNT(*) FROM dl_state GROUP BY light").fetchall())
    per_unit = con.execute("SELECT COUNT(DISTINCT unit_code) FROM dl_state").fetchone()[0]
    state_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    custody = dl.custody_state(con, as_of)
    custody_s = time.perf_counter() - t2
    if opts.get("all_pending"):
        con.execute("CREATE OR REPLACE VIEW main.cases AS SELECT * FROM lake.cases")
    year_end = dt.date(as_of.year - 1, 12, 31)
    t3 = time.perf_counter()
    m = dl.measures(con, dt.date(year_end.year, 1, 1), year_end)
    measures_s = time.perf_counter() - t3

    sample = int(opts.get("sample") or 20000)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE dl_sample AS SELECT * FROM dl_scope USING SAMPLE {sample} ROWS"  # noqa: S608 - int
    )
    cases = con.sql("SELECT * FROM dl_sample").to_arrow_table().to_pylist()
    events = (
        con.sql(
            "SELECT e.* FROM events AS e JOIN dl_sample AS s ON s.unit_code = e.unit_code AND s.case_number = e.case_number"
        )
        .to_arrow_table()
        .to_pylist()
    )
    by_case: dict = {}
    for e in events:
        by_case.setdefault((e["unit_code"], e["case_number"]), []).append(e)
    t4 = time.perf_counter()
    for c in cases:
        dl.compute_case(c, by_case.get((c["unit_code"], c["case_number"]), ()), as_of)
    loop_s = time.perf_counter() - t4
    per_case = loop_s / max(len(cases), 1)
    result = {
        "as_of": as_of.isoformat(),
        "cases_with_state": state.num_rows,
        "units": per_unit,
        "lights": counts,
        "load_seconds": round(load, 2),
        "state_and_lights_seconds": round(state_s, 2),
        "custody_persons": custody.num_rows,
        "custody_seconds": round(custody_s, 2),
        "measures_year": year_end.year,
        "measures_seconds": round(measures_s, 2),
        "measure_rows": {k: len(v) for k, v in m.items()},
        "python_loop_sample": len(cases),
        "python_loop_seconds": round(loop_s, 2),
        "python_loop_extrapolated_seconds": round(per_case * state.num_rows, 1),
    }
    write(f"deadlines bench · lake {opts['lake']} · as of {as_of}")
    write(f"load (Parquet → DuckDB) {load:.2f} s")
    write(
        f"deadline state + lights: {state.num_rows:,} cases in {per_unit} units: {state_s:.2f} s · lights {counts}"
    )
    write(f"custody chain: {custody.num_rows:,} persons in {custody_s:.2f} s")
    write(f"measures for {year_end.year}: {measures_s:.2f} s ({result['measure_rows']})")
    write(
        f"per-case Python loop baseline: {len(cases):,} cases in {loop_s:.2f} s → "
        f"≈ {result['python_loop_extrapolated_seconds']:,} s for {state.num_rows:,} cases "
        f"(SQL is ≈ {result['python_loop_extrapolated_seconds'] / max(state_s, 0.001):,.0f}× faster)"
    )
    engine.close()
    return result


def main() -> None:  # pragma: no cover - `python -m casewatch.deadlines.bench LAKE`
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    bench_deadlines(parser.parse_args())


if __name__ == "__main__":  # pragma: no cover
    main()

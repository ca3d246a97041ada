"""``python -m casewatch.analytics.deadline_bench STORE [--as-of DAY]``: deadline state on a warm
analytics store, wall and CPU beside a floor measured in the same run.

Prints: the floor (one scan of the ``cases`` and ``events`` columns the state reads, every value
hashed), the state of the pending cases, of every case counted as pending (twice: the second run
is warm), and of 1 % of the cases (a Bernoulli sample, seed 42) through a scoped engine as an
incremental run sees them; then the time of folding that recomputation into the full state with
:func:`~casewatch.analytics.deadlines.merge_state`. No Django.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os

from casewatch.analytics.bench import Clock

CASE_COLUMNS = (
    "unit_code",
    "case_number",
    "case_type",
    "procedure",
    "status",
    "handler_staff_no",
    "filed_at",
    "closed_at",
)
EVENT_COLUMNS = (
    "unit_code",
    "case_number",
    "kind",
    "seq",
    "occurred_at",
    "approved_at",
    "new_due_date",
    "approver_level",
)


def bench(store: str, as_of: dt.date, write=print) -> dict:
    from casewatch.analytics import deadlines as dl
    from casewatch.analytics.engines import DuckDBEngine

    engine = DuckDBEngine().attach_store(store)
    engine._expose(as_of, None)
    con = engine.con
    figures = {}
    with Clock() as floor:
        for table, cols in (("cases", CASE_COLUMNS), ("events", EVENT_COLUMNS)):
            agg = ", ".join(f"max(hash({c}))" for c in cols)
            con.execute(f"SELECT count(*), {agg} FROM lake.{table}").fetchall()  # noqa: S608 - constants
    write(f"deadline state · store {store} · as of {as_of} · load average {os.getloadavg()[0]:.1f}")
    write(f"floor: one scan of the {len(CASE_COLUMNS) + len(EVENT_COLUMNS)} columns read   {floor}")
    with Clock() as c:
        pending = dl.deadline_state(con, as_of)
    write(f"pending cases ({pending.num_rows:,})                 {c}")
    figures["pending"] = (c.wall, c.cpu)
    con.execute(
        "CREATE OR REPLACE VIEW main.cases AS SELECT * REPLACE ('pending' AS status, CAST(NULL AS DATE) AS closed_at) "
        "FROM lake.cases"
    )
    for i in (1, 2):
        with Clock() as c:
            every = dl.deadline_state(con, as_of)
        write(f"every case as pending ({every.num_rows:,}), run {i}  {c}   target ≤ 3 s for 1M")
        figures[f"all{i}"] = (c.wall, c.cpu)
    con.execute("CREATE OR REPLACE VIEW main.cases AS SELECT * FROM lake.cases")
    full = dl.deadline_state(con, as_of)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE bench_changed AS SELECT unit_code, case_number FROM lake.cases "
        "USING SAMPLE 1% (bernoulli, 42)"
    )
    changed = con.sql("SELECT * FROM bench_changed").to_arrow_table()
    engine.expose(as_of, case_keys=[tuple(r) for r in con.execute("SELECT * FROM bench_changed").fetchall()])
    with Clock() as c:
        fresh = dl.deadline_state(con, as_of)
    write(f"the 1% changed cases ({changed.num_rows:,}; {fresh.num_rows:,} pending)  {c}")
    figures["changed"] = (c.wall, c.cpu)
    with Clock() as c:
        merged = dl.merge_state(full, changed, fresh)
    write(f"merge into the full pending state ({merged.num_rows:,} rows)  {c}")
    figures["merge"] = (c.wall, c.cpu)
    engine.close()
    return figures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("store")
    ap.add_argument("--as-of", default="2026-09-30")
    a = ap.parse_args(argv)
    bench(a.store, dt.date.fromisoformat(a.as_of))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

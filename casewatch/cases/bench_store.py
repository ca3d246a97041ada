"""``casewatch bench store``: the warm analytics store on an N-case Parquet lake, beside its floor.

Figures printed, never asserted (CPU = ``time.process_time``: every thread of this process):

* **floor** — one DuckDB scan of exactly the columns the rule catalogue reads (parsed from the
  rules' SQL with sqlglot), over the store: what any engine must at least pay to read the data;
* **build** — the store written from the lake, beside the old per-run cost it replaces (the
  lake loaded into an in-memory DuckDB before every run);
* **sync of a 1% delta** — 1% of the cases re-imported with a change (``source`` and
  ``updated_at`` of the case and of all its events) applied as a delta: copy of the generation,
  set-based upsert, publish;
* **full catalogue** on the attached store (no load step), CPU beside the floor;
* **incremental 1%** — the catalogue restricted to the changed cases, CPU beside the full run;
* **deadline state** — the real pending cases, and every case counted as pending (1M at 1M);
* **enforcement block** of a page (listing states and incentive eligibility) over the attached
  store, beside the same with its tables loaded from the lake first (what a snapshot cost, minus
  reading the database);
* **peak RSS** of the process.

The store is built under ``<VAR_DIR>/bench-store/`` (or ``--store``) and removed afterwards unless
``--keep``. The registry path (``casewatch warehouse rebuild``) is for real use; this reads the lake.
"""

from __future__ import annotations

import datetime as dt
import resource
import shutil
from pathlib import Path

from django.conf import settings

from casewatch.analytics.bench import Clock, floor_scan, rule_columns


def arguments(parser):
    parser.add_argument("--lake", help="Parquet lake (default: generate --cases like `bench screening`)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-09-30")
    parser.add_argument(
        "--store", help="where to build the store (default <VAR_DIR>/bench-store/warm.duckdb)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the store afterwards")
    parser.add_argument("--fraction", type=float, default=0.01, help="share of cases changed in the delta")
    parser.add_argument(
        "--derived-only",
        action="store_true",
        help="only the derived state tables, on a copy of an existing store (--store): their full "
        "build, then a sync of a --fraction delta with them (incremental where they can be)",
    )
    parser.add_argument(
        "--registry",
        action="store_true",
        help="also time `warehouse rebuild` and a no-change `warehouse sync` on the configured database",
    )


def _delta(con, fraction: float, alias: str = "lake"):
    """1% (``fraction``) of the cases with every event, re-stamped as changed: (cases, events, keys)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE bench_changed AS SELECT unit_code, case_number FROM {alias}.cases "  # noqa: S608 - a float
        f"USING SAMPLE {fraction * 100:.4f}% (bernoulli, 42)"
    )
    stamp = dt.datetime(2026, 10, 1, 12, 0, 0)
    cases_delta = con.sql(
        "SELECT * REPLACE ('bench-delta' AS source, "  # noqa: S608 - a constant
        f"TIMESTAMP '{stamp}' AS updated_at) FROM {alias}.cases SEMI JOIN bench_changed USING (unit_code, case_number)"
    ).to_arrow_table()
    events_delta = con.sql(
        f"SELECT * REPLACE ('bench-delta' AS source, TIMESTAMP '{stamp}' AS updated_at) FROM {alias}.events "  # noqa: S608 - a constant
        "SEMI JOIN bench_changed USING (unit_code, case_number)"
    ).to_arrow_table()
    keys = [tuple(r) for r in con.execute("SELECT unit_code, case_number FROM bench_changed").fetchall()]
    return cases_delta, events_delta, keys, stamp


def derived_only(cmd, opts):
    """The derived state tables' cost on a copy of an existing store: full, then with a delta."""
    import duckdb

    from casewatch.analytics import derived
    from casewatch.analytics import store as st
    from casewatch.cases.warehouse import derive_params

    write = cmd.stdout.write
    source = Path(opts["store"])
    path = source.with_name("bench-derived.duckdb")
    shutil.copyfile(source, path)
    params = derive_params()
    try:
        with Clock() as full, st.write(path, fresh=False) as w:
            w.derive([derived.BY_NAME[n] for n in derived.BY_NAME], params)
            w.con.execute("DELETE FROM main._derived")  # every derived table computed in full
        write(f"derived tables, full build    {full}   (incl. copying the generation)")
        for name, r in w.derived_report.items():
            write(f"  {name:18} {r['how']:12} {r['seconds']:7.2f} s wall   {r.get('rows', 0):>10,} rows")
        con = duckdb.connect()
        st.attach(con, path)
        cases_delta, events_delta, keys, stamp = _delta(
            con, float(opts.get("fraction") or 0.01), alias="store.main"
        )
        con.close()
        with Clock() as plain, st.write(path) as w:
            w.apply_delta("cases", cases_delta)
            w.apply_delta("events", events_delta)
        with Clock() as sync, st.write(path) as w:
            w.apply_delta("cases", cases_delta)
            w.apply_delta("events", events_delta)
            w.derive(derived.SPECS, params)
        write(
            f"sync of a {cases_delta.num_rows:,}-case delta ({events_delta.num_rows:,} events): without derived "
            f"tables {plain}; with them {sync}   → derived tables add {sync.wall - plain.wall:.2f} s wall, "
            f"{sync.cpu - plain.cpu:.2f} s CPU"
        )
        for name, r in w.derived_report.items():
            write(f"  {name:18} {r['how']:12} {r['seconds']:7.2f} s wall   {r.get('rows', 0):>10,} rows")
    finally:
        for p in (path, st.lock_path(path)):
            p.unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    write(f"peak RSS {peak / 2**30:.2f} GiB")


def handler(cmd, opts):
    if opts.get("derived_only"):
        return derived_only(cmd, opts)
    from casewatch.analytics import deadlines as dl
    from casewatch.analytics import store as st
    from casewatch.analytics.bench import _default_as_of
    from casewatch.analytics.engines import DuckDBEngine
    from casewatch.screening.bench import _lake

    write = cmd.stdout.write
    lake = _lake(opts, write)
    as_of = dt.date.fromisoformat(opts["as_of"]) if opts.get("as_of") else _default_as_of(lake)
    path = Path(opts.get("store") or Path(settings.VAR_DIR) / "bench-store" / "warm.duckdb")
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = {}
    write(f"== warm analytics store · lake {lake} · as of {as_of} · store {path}")

    with Clock() as old_load:
        before = DuckDBEngine().load_parquet_dir(lake)
    with Clock() as old_full:
        before.run(as_of=as_of)
    before.close()
    with Clock() as build:
        rows = st.build_from_lake(path, lake)
    size = path.stat().st_size
    write(f"build store from the lake     {build}   ({sum(rows.values()):,} rows, {size / 2**20:,.0f} MiB)")
    write(f"  baseline: lake → DuckDB load {old_load}   (paid before every run and page; now 0)")

    engine = DuckDBEngine().attach_store(path)
    floors = []
    for _ in range(2):
        with Clock() as floor:
            floor_scan(engine.con)
        floors.append(floor)
    floor = min(floors, key=lambda c: c.cpu)
    n_cases = rows["cases"]
    write(f"floor: one scan of the rule columns {floor}   ({sum(map(len, rule_columns().values()))} columns)")

    with Clock() as full:
        result = engine.run(as_of=as_of)
    write(
        f"full catalogue (store attached) {full}   = {full.cpu / max(floor.cpu, 1e-9):.1f}× floor CPU "
        f"({result.summary.findings:,} findings, {len(result.summary.rules)} rules)   target ≤ 2×"
    )
    write(f"  before: the same on the loaded in-memory tables {old_full}")

    # a delta: fraction of the cases changed, with all their events
    fraction = float(opts.get("fraction") or 0.01)
    con = engine.con
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE bench_changed AS SELECT unit_code, case_number FROM lake.cases "  # noqa: S608 - a float
        f"USING SAMPLE {fraction * 100:.4f}% (bernoulli, 42)"
    )
    stamp = dt.datetime(2026, 10, 1, 12, 0, 0)
    cases_delta = con.sql(
        "SELECT * REPLACE ('bench-delta' AS source, "  # noqa: S608 - a constant
        f"TIMESTAMP '{stamp}' AS updated_at) FROM lake.cases SEMI JOIN bench_changed USING (unit_code, case_number)"
    ).to_arrow_table()
    events_delta = con.sql(
        f"SELECT * REPLACE ('bench-delta' AS source, TIMESTAMP '{stamp}' AS updated_at) FROM lake.events "  # noqa: S608 - a constant
        "SEMI JOIN bench_changed USING (unit_code, case_number)"
    ).to_arrow_table()
    keys = [tuple(r) for r in con.execute("SELECT unit_code, case_number FROM bench_changed").fetchall()]
    engine.close()
    with Clock() as copy:
        shutil.copyfile(path, path.with_name(path.name + ".copy"))
    path.with_name(path.name + ".copy").unlink()
    with Clock() as sync:
        with st.write(path) as w:
            w.apply_delta("cases", cases_delta)
            w.apply_delta("events", events_delta)
            for name in ("cases", "events"):
                w.set_state(name, stamp, "bench-delta")
    write(
        f"sync of a {fraction:.0%} delta          {sync}   ({cases_delta.num_rows:,} cases, "
        f"{events_delta.num_rows:,} events; of which copying the generation {copy.wall:.2f} s wall)"
    )

    engine = DuckDBEngine().attach_store(path)
    engine.run(as_of=as_of, case_keys=keys[:10])  # warm the connection (calendar, catalogue)
    with Clock() as inc:
        inc_result = engine.run(as_of=as_of, case_keys=keys)
    write(
        f"incremental {fraction:.0%} ({len(keys):,} cases) {inc}   = {inc.cpu / max(full.cpu, 1e-9):.1%} of the full "
        f"run's CPU ({inc_result.summary.findings:,} findings)   target ≤ 5%"
    )

    engine._expose(as_of, None)
    with Clock() as state:
        pending = dl.deadline_state(engine.con, as_of)
    write(f"deadline state, pending cases {state}   ({pending.num_rows:,} cases)   target ≤ 3 s for 1M")
    engine.con.execute(
        "CREATE OR REPLACE VIEW main.cases AS SELECT * REPLACE ('pending' AS status, CAST(NULL AS DATE) AS closed_at) "
        "FROM lake.cases"
    )
    with Clock() as state_all:
        every = dl.deadline_state(engine.con, as_of)
    write(f"deadline state, every case    {state_all}   ({every.num_rows:,} cases counted as pending)")
    engine.expose(as_of, case_keys=keys)
    with Clock() as state_inc:
        scoped = dl.deadline_state(engine.con, as_of)
    write(f"deadline state, the {fraction:.0%} changed {state_inc}   ({scoped.num_rows:,} pending of them)")
    engine.close()

    # a page's enforcement block (listing states + incentive eligibility), as the campaign report
    # and the enforcement pages compute it: over the attached store, beside the tables loaded first
    from casewatch.analytics import enforcement as enf
    from casewatch.analytics.engines.base import lake_path

    with Clock() as enf_store:
        econ = enf.connect(store=path)
        n_listings = enf.listing_state(econ, as_of).num_rows
        enf.eligibility(econ, as_of)
        econ.close()
    present = {
        n: str(lake_path(lake, n))
        for n in enf.ENF_TABLES
        if lake_path(lake, n) and lake_path(lake, n).is_file()
    }
    with Clock() as enf_loaded:
        econ = enf.connect(present)
        enf.listing_state(econ, as_of)
        enf.eligibility(econ, as_of)
        econ.close()
    write(
        f"enforcement block (listings + eligibility) from the store {enf_store}   "
        f"({n_listings:,} listings); baseline with the tables loaded first {enf_loaded}"
    )

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    write(f"peak RSS {peak / 2**30:.2f} GiB   target ≤ 4 GiB · cases {n_cases:,}")
    figures.update(
        build_s=build.wall,
        floor_cpu=floor.cpu,
        full_cpu=full.cpu,
        incremental_cpu=inc.cpu,
        sync_s=sync.wall,
        deadline_s=state.wall,
        deadline_all_s=state_all.wall,
        peak_rss=peak,
    )
    if opts.get("registry"):
        from casewatch.cases import warehouse
        from casewatch.cases.models import Case

        n_db = Case.objects.count()
        with Clock() as rebuild:
            warehouse.rebuild()
        with Clock() as noop:
            warehouse.sync()
        write(f"registry ({n_db:,} cases): warehouse rebuild {rebuild}; sync with nothing changed {noop}")
    if not opts.get("keep"):
        for p in (path, st.lock_path(path)):
            p.unlink(missing_ok=True)
    return figures

"""Deadline state on a whole (small) demo city and on random dockets: the SQL of
``deadlines.deadline_state`` gives, case by case, what the plain-Python ``compute_case`` gives;
and a state maintained incrementally (``merge_state``) equals a full recomputation."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casewatch.analytics import deadlines as dl
from casewatch.analytics.engines.duckdb_engine import DuckDBEngine
from casewatch.analytics.rules.fragments import EXCLUSIONS

D = dt.date
AS_OF = D(2026, 9, 30)
#: compute_case's keys that the SQL returns too (compute_case has no procedure/status columns)
COMPARED = (
    "unit_code",
    "case_number",
    "case_type",
    "filed_at",
    "raw_age_days",
    "due_date",
    "light",
    "excluded_days",
    "extended_to",
    "holiday_shifted",
    "extension_late",
    "long_pending_months",
    "legal_days_used",
    "days_left",
    "overdue_days",
    "escalation_step",
    "limit_days",
    "unshifted_due",
    "calendar_gap",
    "limit_period",
    "statutory_due",
    "shift_holidays",
)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from casewatch.demo.generator import generate

    out = tmp_path_factory.mktemp("dl-city")
    generate(n_cases=1500, seed=11, out_dir=out, as_of=AS_OF, fmt="parquet")
    engine = DuckDBEngine().load_parquet_dir(out)
    engine._expose(AS_OF, None)
    yield engine
    engine.close()


def _python(con, case_filter: str) -> dict:
    cases = con.sql(
        f"SELECT * FROM cases AS c WHERE {case_filter} AND c.filed_at <= DATE '{AS_OF}'"
    ).to_arrow_table()  # noqa: S608 - constants
    events = con.sql("SELECT * FROM events").to_arrow_table().to_pylist()
    by_case: dict = {}
    for e in events:
        by_case.setdefault((e["unit_code"], e["case_number"]), []).append(e)
    out = {}
    for c in cases.to_pylist():
        if c["filed_at"] is None:
            continue
        state, _steps = dl.compute_case(c, by_case.get((c["unit_code"], c["case_number"]), ()), AS_OF)
        out[(c["unit_code"], c["case_number"])] = state
    return out


def _compare(sql_rows: list[dict], py: dict) -> None:
    assert len(sql_rows) == len(py)
    for row in sql_rows:
        expected = py[(row["unit_code"], row["case_number"])]
        got = {k: row[k] for k in COMPARED if k in expected}
        want = {k: expected[k] for k in COMPARED if k in expected}
        assert got == want, (row["unit_code"], row["case_number"])


def test_every_case_of_a_demo_city_sql_equals_python(city):
    """Closed cases (clock ends at closing) and pending ones, every case type of the city."""
    rows = dl.deadline_state(city.con, AS_OF, "TRUE").to_pylist()
    assert len(rows) > 1000
    assert {r["light"] for r in rows} >= {"green", "yellow", "red", "none"}
    assert any(r["excluded_days"] for r in rows) and any(r["extended_to"] for r in rows)
    _compare(rows, _python(city.con, "TRUE"))


def test_pending_state_is_the_pending_rows_of_the_full_state(city):
    full = {
        (r["unit_code"], r["case_number"]): r for r in dl.deadline_state(city.con, AS_OF, "TRUE").to_pylist()
    }
    pending = dl.deadline_state(city.con, AS_OF).to_pylist()
    assert pending and all(r["status"] in ("pending", "suspended") for r in pending)
    for r in pending:
        assert full[(r["unit_code"], r["case_number"])] == r


def test_merge_state_equals_a_full_recomputation(city):
    """Change some cases (one closed, events of others removed, one new extension), recompute
    only them and fold them into the previous state: the same table as computing everything."""
    con = city.con
    previous = dl.deadline_state(con, AS_OF)
    con.execute("CREATE OR REPLACE TEMP TABLE ch_cases AS SELECT * FROM lake.cases")
    con.execute("CREATE OR REPLACE TEMP TABLE ch_events AS SELECT * FROM lake.events")
    picked = con.execute(
        "SELECT unit_code, case_number FROM ch_cases WHERE status = 'pending' "
        "AND case_type IN ('civil', 'criminal', 'administrative', 'enforcement') ORDER BY unit_code, case_number LIMIT 30"
    ).fetchall()
    closing, dropping, extending = picked[:10], picked[10:20], picked[20:30]
    con.execute("CREATE OR REPLACE TEMP TABLE ch_keys (unit_code VARCHAR, case_number VARCHAR, what VARCHAR)")
    con.executemany(
        "INSERT INTO ch_keys VALUES (?, ?, ?)",
        [(*k, "close") for k in closing]
        + [(*k, "drop") for k in dropping]
        + [(*k, "extend") for k in extending],
    )
    con.execute(
        "UPDATE ch_cases SET status = 'closed', closed_at = DATE '2026-09-01' FROM ch_keys k "
        "WHERE k.what = 'close' AND k.unit_code = ch_cases.unit_code AND k.case_number = ch_cases.case_number"
    )
    con.execute(
        "DELETE FROM ch_events USING ch_keys k WHERE k.what = 'drop' "
        "AND k.unit_code = ch_events.unit_code AND k.case_number = ch_events.case_number"
    )
    con.execute(
        "INSERT INTO ch_events (unit_code, case_number, seq, kind, occurred_at, approved_at, new_due_date, approver_level) "
        "SELECT k.unit_code, k.case_number, 9999, 'trial_limit_extended', TIMESTAMP '2026-09-20 10:00', "
        "TIMESTAMP '2026-09-20 10:00', DATE '2027-03-01', 'president' FROM ch_keys k WHERE k.what = 'extend'"
    )
    con.execute("CREATE OR REPLACE VIEW main.cases AS SELECT * FROM ch_cases")
    con.execute("CREATE OR REPLACE VIEW main.events AS SELECT * FROM ch_events")
    try:
        full = dl.deadline_state(con, AS_OF)
        fresh = dl.deadline_state(
            con,
            AS_OF,
            dl.PENDING_FILTER
            + " AND (c.unit_code, c.case_number) IN (SELECT (unit_code, case_number) FROM ch_keys)",
        )
        changed = con.sql("SELECT unit_code, case_number FROM ch_keys").to_arrow_table()
        merged = dl.merge_state(previous, changed, fresh)
    finally:
        con.execute("CREATE OR REPLACE VIEW main.cases AS SELECT * FROM lake.cases")
        con.execute("CREATE OR REPLACE VIEW main.events AS SELECT * FROM lake.events")
    assert fresh.num_rows == 20  # the closed ten left the pending filter
    assert merged.num_rows == previous.num_rows - 10

    def rows(t):
        return sorted(t.to_pylist(), key=lambda r: (r["unit_code"], r["case_number"]))

    assert rows(merged) == rows(full)
    assert rows(merged) != rows(previous)
    ext = {(r["unit_code"], r["case_number"]): r for r in fresh.to_pylist()}
    assert all(ext[k]["extended_to"] >= D(2027, 3, 1) and ext[k]["extension_count"] >= 1 for k in extending)


# --- random dockets: several cases at once, overlapping exclusions of every kind, extensions ---

_kinds = st.sampled_from(sorted(EXCLUSIONS))
_case_types = st.sampled_from(
    [
        ("civil", "ordinary"),
        ("civil", "simplified"),
        ("criminal", "ordinary"),
        ("criminal", "simplified"),
        ("enforcement", None),
        ("administrative", "ordinary"),
        ("prosecution_review", "ordinary"),
        ("police_public_order", "general"),
        ("police_criminal", None),
    ]
)
_docket = st.lists(
    st.tuples(
        _case_types,
        st.dates(D(2022, 1, 1), D(2026, 9, 30)),
        st.one_of(st.none(), st.integers(0, 700)),  # closed after n days, or pending
        st.lists(
            st.tuples(_kinds, st.integers(-40, 600), st.one_of(st.none(), st.integers(0, 250))), max_size=5
        ),
        st.lists(st.tuples(st.integers(-20, 400), st.integers(10, 200)), max_size=3),  # extensions
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(docket=_docket)
def test_random_dockets_sql_equals_python(docket):
    cases, events = [], []
    for i, ((case_type, procedure), filed, closed_after, excl, exts) in enumerate(docket):
        number = f"n{i}"
        closed = filed + dt.timedelta(days=closed_after) if closed_after is not None else None
        cases.append(
            {
                "unit_code": "U1",
                "case_number": number,
                "case_type": case_type,
                "procedure": procedure,
                "status": "closed" if closed else "pending",
                "filed_at": filed,
                "closed_at": closed,
            }
        )
        seq = 0
        for kind, start, length in excl:
            s, e = EXCLUSIONS[kind]
            seq += 1
            at = dt.datetime.combine(filed + dt.timedelta(days=start), dt.time(9))
            events.append(
                {"unit_code": "U1", "case_number": number, "seq": seq, "kind": s, "occurred_at": at}
            )
            if length is not None:  # an end at the same instant as the start counts (length 0)
                seq += 1
                end = at + dt.timedelta(days=length)
                events.append(
                    {"unit_code": "U1", "case_number": number, "seq": seq, "kind": e, "occurred_at": end}
                )
        ext_kind = {
            "prosecution_review": "review_extended",
            "police_public_order": "public_order_extended",
        }.get(case_type, "trial_limit_extended")
        for approved, length in exts:
            seq += 1
            at = dt.datetime.combine(filed + dt.timedelta(days=approved), dt.time(15))
            events.append(
                {
                    "unit_code": "U1",
                    "case_number": number,
                    "seq": seq,
                    "kind": ext_kind,
                    "occurred_at": at,
                    "approved_at": at,
                    "new_due_date": filed + dt.timedelta(days=approved + length),
                    "approver_level": f"level{seq}",
                }
            )
    keys = (
        "unit_code",
        "case_number",
        "seq",
        "kind",
        "occurred_at",
        "approved_at",
        "new_due_date",
        "approver_level",
    )
    engine = DuckDBEngine()
    tables = {"cases": pa.Table.from_pylist(cases)}
    if events:
        tables["events"] = pa.Table.from_pylist([{k: e.get(k) for k in keys} for e in events])
    engine.load(tables)
    engine._expose(AS_OF, None)
    try:
        rows = dl.deadline_state(engine.con, AS_OF, "TRUE").to_pylist()
    finally:
        engine.close()
    by_case: dict = {}
    for e in events:
        by_case.setdefault(e["case_number"], []).append(e)
    py = {
        ("U1", c["case_number"]): dl.compute_case(c, by_case.get(c["case_number"], ()), AS_OF)[0]
        for c in cases
        if c["filed_at"] <= AS_OF
    }
    _compare(rows, py)


def test_a_start_without_time_excludes_to_the_end_and_pairs_with_nothing():
    """The SQL semantics kept from before the rewrite: a start event whose occurred_at is null is
    clipped to [filing, end of the clock]."""
    filed = D(2026, 1, 5)
    engine = DuckDBEngine()
    engine.load(
        {
            "cases": pa.Table.from_pylist(
                [
                    {
                        "unit_code": "U1",
                        "case_number": "x",
                        "case_type": "civil",
                        "procedure": "ordinary",
                        "status": "pending",
                        "filed_at": filed,
                        "closed_at": None,
                    }
                ]
            ),
            "events": pa.Table.from_pylist(
                [
                    {
                        "unit_code": "U1",
                        "case_number": "x",
                        "seq": 1,
                        "kind": "appraisal_start",
                        "occurred_at": None,
                    },
                    {
                        "unit_code": "U1",
                        "case_number": "x",
                        "seq": 2,
                        "kind": "appraisal_end",
                        "occurred_at": dt.datetime(2026, 2, 1, 9),
                    },
                ],
                schema=pa.schema(
                    [
                        ("unit_code", pa.string()),
                        ("case_number", pa.string()),
                        ("seq", pa.int64()),
                        ("kind", pa.string()),
                        ("occurred_at", pa.timestamp("us")),
                    ]
                ),
            ),
        }
    )
    engine._expose(AS_OF, None)
    try:
        (row,) = dl.deadline_state(engine.con, AS_OF).to_pylist()
    finally:
        engine.close()
    assert row["excluded_days"] == (AS_OF - filed).days
    assert row["legal_days_used"] == 0


def test_prepare_on_a_bare_connection_adds_the_calendar_and_leaves_it_usable():
    """``prepare`` on a connection without ``calendar`` (a derived-table build, a notebook):
    it used to leave the calendar check's result half-read, and its own ``register`` then failed
    with "connection has an unfinished result"."""
    import duckdb

    con = duckdb.connect()
    dl.prepare(con, dt.date(2026, 9, 30))
    ((days,),) = con.execute("SELECT count(*) FROM calendar").fetchall()
    assert days > 3000
    ((as_of,),) = con.execute("SELECT as_of FROM params").fetchall()
    assert as_of == dt.date(2026, 9, 30)
    dl.prepare(con, dt.date(2026, 10, 1))  # calendar present now: kept, params replaced
    assert con.execute("SELECT count(*) FROM calendar").fetchall() == [(days,)]

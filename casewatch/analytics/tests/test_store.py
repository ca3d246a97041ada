"""The warm analytics store: build, deltas (upsert / delete) against a fresh build, readers while a
writer publishes, engines over the attached store, damaged or absent stores."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from casewatch.analytics import schema
from casewatch.analytics import store as st
from casewatch.analytics.engines import DuckDBEngine
from casewatch.analytics.tests.scenarios import AS_OF, combined_lake


@pytest.fixture(scope="module")
def lake_tables():
    lake, _expected = combined_lake()
    return lake.tables()


def contents(path: Path, name: str) -> list[tuple]:
    con = duckdb.connect()
    st.attach(con, path)
    try:
        return con.execute(f"SELECT * FROM store.main.{name} ORDER BY ALL").fetchall()  # noqa: S608
    finally:
        con.close()


def types(path: Path, name: str) -> list[tuple]:
    con = duckdb.connect()
    st.attach(con, path)
    try:
        return [(r[0], r[1]) for r in con.execute(f"DESCRIBE store.main.{name}").fetchall()]
    finally:
        con.close()


def test_build_holds_every_canonical_table_in_canonical_types(tmp_path, lake_tables):
    path = tmp_path / "warm.duckdb"
    rows = st.build_from_tables(path, lake_tables)
    assert set(rows) == set(schema.TABLES)
    for name, table in schema.TABLES.items():
        assert types(path, name) == [(c.name, st._DUCK_TYPES[c.type]) for c in table.columns]
        assert rows[name] == lake_tables[name].num_rows
    state = st.state(path)
    assert state["cases"]["rows"] == lake_tables["cases"].num_rows and state["cases"]["how"] == "tables"
    assert not list(tmp_path.glob(".*.tmp*"))  # nothing left behind


def _edit(tables: dict[str, pa.Table]) -> tuple[dict[str, pa.Table], dict, dict]:
    """A changed copy of the tables, the upsert rows and the deleted keys that lead to it."""
    cases, events = tables["cases"], tables["events"]
    # change the first 3 cases' status, delete the 4th case's events, add a new event to case 0
    changed_cases = cases.slice(0, 3).set_column(
        cases.schema.get_field_index("status"), "status", pa.array(["closed"] * 3, pa.string())
    )
    new_cases = pa.concat_tables([changed_cases, cases.slice(3)])
    victim = cases.slice(3, 1).to_pylist()[0]
    mask = pc.and_(
        pc.equal(events["unit_code"], victim["unit_code"]),
        pc.equal(events["case_number"], victim["case_number"]),
    )
    kept = events.filter(pc.invert(mask))
    gone = events.filter(mask).select(list(schema.TABLES["events"].key))
    first = cases.slice(0, 1).to_pylist()[0]
    added = pa.Table.from_pylist(
        [
            {
                "unit_code": first["unit_code"],
                "case_number": first["case_number"],
                "case_key": first["case_key"],
                "seq": 999,
                "kind": "closed",
            }
        ],
        schema=events.schema,
    )
    new = dict(tables)
    new["cases"] = new_cases
    new["events"] = pa.concat_tables([kept, added])
    return new, {"cases": changed_cases, "events": added}, {"events": gone}


def test_delta_gives_the_same_contents_as_a_fresh_build(tmp_path, lake_tables):
    assert lake_tables["events"].num_rows > 10
    path, fresh = tmp_path / "warm.duckdb", tmp_path / "fresh.duckdb"
    st.build_from_tables(path, lake_tables)
    new, upserts, deletes = _edit(lake_tables)
    with st.write(path) as w:
        assert w.apply_delta("cases", upserts["cases"]) == (3, 0)
        n_up, n_del = w.apply_delta("events", upserts["events"], deletes["events"])
        assert (n_up, n_del) == (1, deletes["events"].num_rows)
        w.apply_delta("cases", upserts["cases"])  # idempotent: applying twice changes nothing
    st.build_from_tables(fresh, new)
    for name in schema.TABLES:
        assert contents(path, name) == contents(fresh, name), name
    assert contents(path, "cases") != contents(tmp_path / "fresh.duckdb", "units")


def test_diff_finds_only_real_changes_and_deletions(tmp_path, lake_tables):
    path = tmp_path / "warm.duckdb"
    st.build_from_tables(path, lake_tables)
    new, upserts, deletes = _edit(lake_tables)
    con = duckdb.connect()
    st.attach(con, path)
    # unchanged rows re-read (the sync's overlap) are not changes
    same, new_keys, gone = st.diff(con, "cases", lake_tables["cases"].slice(0, 5))
    assert (same.num_rows, new_keys, gone.num_rows) == (0, 0, 0)
    changed, new_keys, _ = st.diff(con, "cases", new["cases"].slice(0, 5))
    assert changed.num_rows == 3 and new_keys == 0
    _, new_keys, gone = st.diff(con, "events", upserts["events"], registry_keys=new["events"])
    assert new_keys == 1
    assert sorted(gone.to_pylist(), key=str) == sorted(deletes["events"].to_pylist(), key=str)
    con.close()


def test_keys_with_nulls_are_matched_null_safely(tmp_path, lake_tables):
    path = tmp_path / "warm.duckdb"
    st.build_from_tables(path, lake_tables)
    cp = lake_tables["case_parties"]
    nulls = cp.filter(pc.is_null(cp["represents_party_id"]))
    assert nulls.num_rows
    before = contents(path, "case_parties")
    with st.write(path) as w:
        # re-upserting rows whose key holds a null replaces them instead of adding duplicates
        assert w.apply_delta("case_parties", nulls) == (nulls.num_rows, 0)
    assert contents(path, "case_parties") == before


def test_failed_write_publishes_nothing(tmp_path, lake_tables):
    path = tmp_path / "warm.duckdb"
    st.build_from_tables(path, lake_tables)
    before = contents(path, "cases")
    with pytest.raises(ZeroDivisionError), st.write(path) as w:
        w.apply_delta("cases", None, lake_tables["cases"].select(["unit_code", "case_number"]))
        1 / 0  # noqa: B018
    assert contents(path, "cases") == before
    assert not list(tmp_path.glob(".*.tmp*"))
    # a writer killed mid-write leaves its temporary file; the next writer removes it
    (tmp_path / ".warm.duckdb.99999.tmp").write_bytes(b"half a generation")
    with st.write(path):
        pass
    assert not list(tmp_path.glob(".*.tmp*"))
    assert contents(path, "cases") == before


def test_a_failed_rebuild_publishes_nothing_though_its_tables_were_committed_one_by_one(
    tmp_path, lake_tables
):
    """A fresh generation commits and checkpoints each replaced table (memory: one table, not
    all); it is still all or nothing, because the private file is published only at the end."""
    path = tmp_path / "warm.duckdb"
    st.build_from_tables(path, lake_tables)
    before = contents(path, "cases")
    with pytest.raises(ZeroDivisionError), st.write(path, fresh=True) as w:
        assert w.fresh
        w.replace("cases", rows=lake_tables["cases"].slice(0, 2))
        w.replace("events", batches=[lake_tables["events"].slice(0, 3), lake_tables["events"].slice(3, 4)])
        ((n,),) = w.con.execute("SELECT count(*) FROM main.events").fetchall()
        assert n == 7  # slices inserted one after another
        1 / 0  # noqa: B018
    assert contents(path, "cases") == before
    assert not list(tmp_path.glob(".*.tmp*"))
    with st.write(path) as w:  # a sync over the published store: one transaction, as before
        assert not w.fresh


def test_engine_runs_the_catalogue_over_the_attached_store(tmp_path, lake_tables):
    path = tmp_path / "warm.duckdb"
    st.build_from_tables(path, lake_tables)
    loaded = DuckDBEngine().load(lake_tables).run(as_of=AS_OF)
    attached = DuckDBEngine().attach_store(path).run(as_of=AS_OF)
    assert attached.findings.num_rows > 0
    assert attached.findings.to_pylist() == loaded.findings.to_pylist()
    some = sorted({(r["unit_code"], r["case_number"]) for r in loaded.findings.to_pylist()})[:3]
    inc_loaded = DuckDBEngine().load(lake_tables).run(as_of=AS_OF, case_keys=some)
    inc_store = DuckDBEngine().attach_store(path).run(as_of=AS_OF, case_keys=some)
    assert inc_store.findings.to_pylist() == inc_loaded.findings.to_pylist()
    assert inc_store.findings.num_rows > 0


def test_absent_damaged_or_foreign_store_is_refused_in_both_languages(tmp_path, lake_tables):
    con = duckdb.connect()
    with pytest.raises(st.StoreError) as absent:
        st.attach(con, tmp_path / "none.duckdb")
    assert "尚未生成" in str(absent.value) and "has not been built" in str(absent.value)
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(st.StoreError) as damaged:
        st.attach(con, junk)
    assert "rebuild" in str(damaged.value) and "分析库" in str(damaged.value)
    other = tmp_path / "other.duckdb"
    st.build_from_tables(other, lake_tables)
    w = duckdb.connect(str(other))
    w.execute("UPDATE _meta SET value = 'stale' WHERE name = 'fingerprint'")
    w.close()
    with pytest.raises(st.StoreError) as foreign:
        st.attach(con, other)
    assert "another schema" in str(foreign.value) and "旧的数据结构" in str(foreign.value)
    assert (
        con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'store'").fetchone()[0]
        == 0
    )


def _reader(path: str, seconds: float, queue) -> None:
    """Another process: attach, count, detach, again and again while the writer publishes."""
    seen, errors = set(), []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        con = duckdb.connect()
        try:
            st.attach(con, path)
            seen.add(con.execute("SELECT count(*) FROM store.main.events").fetchone()[0])
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(repr(exc))
        finally:
            con.close()
    queue.put((sorted(seen), errors))


def test_readers_in_other_processes_keep_reading_while_a_writer_publishes(tmp_path, lake_tables):
    path = tmp_path / "warm.duckdb"
    st.build_from_tables(path, lake_tables)
    n = lake_tables["events"].num_rows
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    readers = [ctx.Process(target=_reader, args=(str(path), 4.0, queue)) for _ in range(2)]
    for p in readers:
        p.start()
    time.sleep(1.0)
    # a reader holding the published file open the whole time does not block the writer
    holder = duckdb.connect()
    st.attach(holder, path)
    extra = (
        lake_tables["events"]
        .slice(0, 1)
        .set_column(
            lake_tables["events"].schema.get_field_index("seq"), "seq", pa.array([10_000], pa.int64())
        )
    )
    for i in range(5):
        with st.write(path, timeout=5) as w:
            w.apply_delta(
                "events",
                extra.set_column(
                    extra.schema.get_field_index("seq"), "seq", pa.array([10_000 + i], pa.int64())
                ),
            )
        time.sleep(0.2)
    # the holder still sees its own generation, consistently
    assert holder.execute("SELECT count(*) FROM store.main.events").fetchone()[0] == n
    holder.close()
    results = [queue.get(timeout=30) for _ in readers]
    for p in readers:
        p.join(timeout=30)
    for seen, errors in results:
        assert errors == []
        assert seen and set(seen) <= set(range(n, n + 6))
    assert contents(path, "events").__len__() == n + 5


def test_one_writer_at_a_time(tmp_path, lake_tables):
    path = tmp_path / "warm.duckdb"
    st.build_from_tables(path, lake_tables)
    with st.writer_lock(path):
        with pytest.raises(st.StoreError) as busy:
            with st.write(path, timeout=0.3):
                pass
    assert "另一个同步" in str(busy.value) and "another sync" in str(busy.value)

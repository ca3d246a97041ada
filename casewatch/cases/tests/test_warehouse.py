"""The registry side of the warm analytics store: rebuild and sync against a fresh snapshot, the
import hook, the command, and consumers giving the same results from the store as from a snapshot."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casewatch.analytics import schema
from casewatch.analytics import store as st
from casewatch.cases import snapshot, warehouse
from casewatch.cases.models import Case, Event
from casewatch.core import testing
from casewatch.core.models import Staff, Unit

AS_OF = dt.date(2026, 9, 30)
SH = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def case_world(django_db_setup, django_db_blocker):
    yield from testing.module_world(django_db_blocker, cases=True)


@pytest.fixture
def var(tmp_path, settings, case_world, db):
    settings.VAR_DIR = tmp_path
    return tmp_path


def rows_of_snapshot(name: str) -> list[tuple]:
    con = duckdb.connect()
    con.register("s", snapshot.read_table(name))
    try:
        return con.execute("SELECT * FROM s ORDER BY ALL").fetchall()
    finally:
        con.close()


def rows_of_store(name: str) -> list[tuple]:
    con = st.connect(warehouse.path(), tables=())
    try:
        return con.execute(f"SELECT * FROM store.main.{name} ORDER BY ALL").fetchall()  # noqa: S608
    finally:
        con.close()


def assert_mirrors_registry():
    for name in schema.TABLES:
        assert rows_of_store(name) == rows_of_snapshot(name), name


def test_rebuild_mirrors_a_fresh_snapshot(var):
    assert not warehouse.available()
    result = warehouse.rebuild()
    assert warehouse.available()
    assert result["rows"]["cases"] == Case.objects.count() > 0
    assert result["rows"]["events"] == Event.objects.count() > 0
    assert_mirrors_registry()
    state = st.state(warehouse.path())
    assert {s["how"] for s in state.values()} == {"rebuild"}


def test_rebuild_reads_large_tables_in_slices_with_the_same_rows(var, monkeypatch):
    """The rebuild streams each table through a temporary file in CSV blocks (memory: one slice,
    not the table); with tiny blocks every table arrives in many slices and the store still
    mirrors the registry row for row."""
    case = Case.objects.order_by("id").first()
    start = dt.datetime(2026, 3, 1, 9, tzinfo=SH)
    Event.objects.bulk_create(
        Event(
            case=case,
            seq=1000 + i,
            kind="note",
            occurred_at=start + dt.timedelta(hours=i),
            reason="切片" * 20,
        )
        for i in range(400)
    )
    parts = list(snapshot.iter_table("events", block_bytes=4096))
    assert len(parts) > 3
    assert sum(p.num_rows for p in parts) == Event.objects.count()
    assert all(p.schema == schema.arrow_schema("events") for p in parts)
    assert list(snapshot.iter_table("events", where="1 = 0")) == []
    monkeypatch.setattr(snapshot, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(snapshot.iter_table, "__defaults__", ("", 4096))
    seen = []
    real = snapshot.iter_table

    def counting(name, *a, **k):
        for part in real(name, *a, **k):
            seen.append(name)
            yield part

    monkeypatch.setattr(snapshot, "iter_table", counting)
    result = warehouse.rebuild()
    assert seen.count("events") > 3
    assert result["rows"]["events"] == Event.objects.count()
    assert_mirrors_registry()


def test_sync_after_orm_edits_and_deletes_matches_a_fresh_snapshot(var):
    warehouse.rebuild()
    before = warehouse.path().stat().st_ino
    nothing = warehouse.sync()
    assert nothing["applied"] == {}
    assert warehouse.path().stat().st_ino == before  # nothing changed: nothing published

    case = Case.objects.filter(events__isnull=False).distinct().order_by("id").first()
    case.status = "closed"
    case.closed_at = dt.date(2024, 9, 1)
    case.save()
    Event.objects.create(case=case, seq=99, kind="closed", occurred_at=dt.datetime(2024, 9, 1, 10, tzinfo=SH))
    result = warehouse.sync()
    assert result["applied"]["cases"] == (1, 0)
    assert result["applied"]["events"][0] >= 1
    assert_mirrors_registry()

    # a renamed case moves its events' derived unit_code/case_number with it
    case.case_number = case.case_number + "之一"
    case.save()
    warehouse.sync()
    assert_mirrors_registry()

    # deletes: a case (its events and parties cascade) and a staff member (no updated_at)
    other = Case.objects.exclude(pk=case.pk).filter(events__isnull=False).first()
    n_events = other.events.count()
    other.delete()
    Staff.objects.filter(pk=Staff.objects.order_by("pk").first().pk).delete()
    result = warehouse.sync()
    assert result["applied"]["cases"] == (0, 1)
    assert result["applied"]["events"] == (0, n_events)
    assert result["applied"]["staff"][1] == 1
    assert_mirrors_registry()

    # units have no change marker: compared in full
    Unit.objects.filter(code="330212-PSB-XJ").update(name="鄞州分局（改）")
    assert warehouse.sync()["applied"]["units"] == (1, 0)
    assert_mirrors_registry()
    assert st.state(warehouse.path())["cases"]["how"] == "delta"


def test_rows_committed_with_an_old_stamp_are_caught_by_the_overlap(var):
    warehouse.rebuild()
    case = Case.objects.order_by("id").first()
    # stamped a minute before the last sync (as by a transaction that started then and commits now)
    stamp = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    Case.objects.filter(pk=case.pk).update(status="revoked", updated_at=stamp)
    assert warehouse.sync()["applied"]["cases"] == (1, 0)
    assert_mirrors_registry()


def test_import_job_syncs_the_store(var, sample_dir):
    from casewatch.cases.tasks import start_import

    warehouse.rebuild()
    run = start_import([sample_dir], synchronous=True)
    assert run.status == "imported"
    assert_mirrors_registry()
    log = run.job.log if hasattr(run.job, "log") else ""
    assert "analytics store synced" in str(log) or rows_of_store("cases") == rows_of_snapshot("cases")


def test_import_without_a_store_builds_none(var, sample_dir):
    from casewatch.cases.tasks import start_import

    start_import([sample_dir], synchronous=True)
    assert not warehouse.path().exists()


def test_command_status_rebuild_sync_and_bilingual_errors(var, capsys):
    with pytest.raises(CommandError) as absent:
        call_command("warehouse", "status")
    assert "尚未生成" in str(absent.value) and "has not been built" in str(absent.value)
    call_command("warehouse", "rebuild")
    call_command("warehouse", "sync")
    call_command("warehouse", "status")
    out = capsys.readouterr().out
    assert "rebuilt" in out and "nothing changed" in out and "cases" in out
    warehouse.path().write_bytes(b"garbage" * 1000)
    with pytest.raises(CommandError) as damaged:
        call_command("warehouse", "sync")
    assert "rebuild" in str(damaged.value) and "分析库" in str(damaged.value)


def test_store_of_another_database_is_not_used(var):
    warehouse.rebuild()
    with st.write(warehouse.path()) as w:
        w.set_meta("source", "postgresql:someone_else")
    assert not warehouse.available()
    with pytest.raises(st.StoreError) as other:
        warehouse.sync()
    assert "另一个数据库" in str(other.value) and "another database" in str(other.value)


def test_damaged_store_falls_back_to_a_snapshot(var):
    from casewatch.analytics.engines import DuckDBEngine

    warehouse.path().parent.mkdir(parents=True, exist_ok=True)
    warehouse.path().write_bytes(b"garbage" * 1000)
    engine = DuckDBEngine()
    assert warehouse.load_engine(engine) == "snapshot"
    assert engine.con.execute("SELECT count(*) FROM lake.cases").fetchall()[0][0] == Case.objects.count()


# --- consumers: the same results from the store as from a snapshot ----------------------------------


def _engine_counts(engine) -> dict:
    return {
        name: engine.con.execute(f"SELECT count(*) FROM lake.{name}").fetchall()[0][0]  # noqa: S608
        for name in schema.TABLES
    }


def test_screening_gives_the_same_findings_from_the_store(var):
    from casewatch.analytics.engines import DuckDBEngine

    snap = DuckDBEngine()
    assert warehouse.load_engine(snap) == "snapshot"
    expected = snap.run(as_of=AS_OF)
    warehouse.rebuild()
    warm = DuckDBEngine()
    assert warehouse.load_engine(warm) == "store"
    assert _engine_counts(warm) == _engine_counts(snap)
    got = warm.run(as_of=AS_OF)
    assert got.findings.to_pylist() == expected.findings.to_pylist()
    keys = [f"{c.unit_id}/{c.case_number}" for c in Case.objects.all()[:2]]
    assert (
        warm.run(as_of=AS_OF, case_keys=keys).findings.to_pylist()
        == snap.run(as_of=AS_OF, case_keys=keys).findings.to_pylist()
    )


def test_analyze_reads_the_store_and_syncs_it_first(var):
    from casewatch.screening import services

    warehouse.rebuild()
    case = Case.objects.order_by("id").first()
    case.status = "closed"
    case.closed_at = None  # DE-04 (closed without a closing date) must see this edit
    case.outcome = ""
    case.save()
    run = services.analyze(as_of=AS_OF, rule_ids=["DE-04"])
    assert run.status == "succeeded"
    assert rows_of_store("cases") == rows_of_snapshot("cases")
    assert run.rule_counts.get("DE-04", 0) >= 1


def test_deadlines_and_enforcement_and_custom_rules_read_the_store(var, case_world):
    from casewatch.analytics import deadlines as dl
    from casewatch.deadlines import services as deadlines
    from casewatch.enforcement import data as enforcement_data

    def state():
        engine = deadlines.load_engine(AS_OF)
        try:
            return sorted(map(str, dl.deadline_state(engine.con, AS_OF).to_pylist()))
        finally:
            engine.close()

    def scoped():
        engine = deadlines.load_engine(AS_OF, Unit.objects.get(code="330212-PSB-XJ").path, pending_only=True)
        try:
            return engine.con.execute("SELECT unit_code, case_number FROM cases ORDER BY ALL").fetchall()
        finally:
            engine.close()

    def enf_tables():
        con = enforcement_data.connect()
        try:
            return {
                name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]  # noqa: S608
                for name in ("cases", "parties", "case_parties")
            }
        finally:
            con.close()

    from_snapshot = state(), scoped(), enf_tables()
    warehouse.rebuild()
    # the store path is taken (a renamed file would fail it) …
    assert warehouse.available()
    # … and gives the same results
    assert (state(), scoped(), enf_tables()) == from_snapshot
    assert from_snapshot[1]  # the subtree filter keeps the district's pending case

    from casewatch.screening import custom

    cols, rows = custom.test_run(
        case_world.user("city_supervisor"), "SELECT unit_code, case_number, 'case' AS subject FROM cases"
    )
    assert len(rows) == min(Case.objects.count(), custom.PREVIEW_ROWS) > 0


def test_false_litigation_reads_the_same_tables_from_the_store(var):
    from casewatch.analytics.falselit import Config, run

    names = ["cases", "parties", "case_parties", "events"]
    from_snapshot = snapshot.snapshot(names)
    warehouse.rebuild()
    from_store = warehouse.tables(names)
    for name in names:
        keys = [(c, "ascending") for c in schema.TABLES[name].names]
        assert from_store[name].schema.equals(from_snapshot[name].schema), name
        assert from_store[name].sort_by(keys).equals(from_snapshot[name].sort_by(keys)), name
    a, b = run(from_snapshot, Config()), run(from_store, Config())
    assert (
        a.cases.sort_by([("case_key", "ascending")]).to_pylist()
        == b.cases.sort_by([("case_key", "ascending")]).to_pylist()
    )

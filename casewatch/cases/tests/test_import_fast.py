"""The fast load path: new keys copied straight into the tables, changed keys upserted.

* the result is the one the previous all-staged path (`Database.upsert_staged`) gives;
* ``updated_at`` moves on every row an import writes and on no other (the analytics store
  syncs on it), with one timestamp per import;
* an import that dies while writing leaves nothing behind and can simply be run again;
* PostgreSQL: references are checked once per foreign key after the load (triggers off).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from casewatch.cases.importing import Options, run_import
from casewatch.cases.importing import issues as issue_report
from casewatch.cases.importing.load import Database
from casewatch.cases.models import Case, Event
from casewatch.cases.tests.conftest import PERSON, REGISTRY_TABLES, SAMPLE, registry_state, write_files

pytestmark = pytest.mark.django_db

#: the sample two imports later: one case closed, one event reworded, one event and one case new
NEWER = dict(SAMPLE)
NEWER["cases.csv"] = (
    SAMPLE["cases.csv"].replace(
        "(2021)浙0212民初1235号,,民事审判案件,在办,,2021-04-01,,,,",
        "(2021)浙0212民初1235号,,民事审判案件,closed,,2021-04-01,2021-08-01,,,judgment",
    )
    + "330212-CRT-MS1,(2021)浙0212民初1236号,,civil,pending,,2021-05-02,,,,\n"
)
NEWER["events.csv"] = SAMPLE["events.csv"].replace(
    ",1,received,2021-04-29 20:00:00,报警", ",1,received,2021-04-29 20:00:00,110报警"
) + ("330212-CRT-MS1,(2021)浙0212民初1236号,1,accepted,2021-05-02 09:00:00,\n")


def _ok(folder):
    result = run_import([folder], Options())
    assert result.status == "imported", issue_report.errors(result.problems).to_dicts()[:5]
    return result


def _content() -> dict[str, list]:
    """Every registry row without its id and updated_at; case ids as (unit, case number)."""
    keys = {pk: (u, n) for pk, u, n in Case.objects.values_list("pk", "unit_id", "case_number")}
    out = {}
    with connection.cursor() as cur:
        for table in REGISTRY_TABLES:
            cur.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed names
            names = [d[0] for d in cur.description]
            rows = []
            for row in cur.fetchall():
                d = dict(zip(names, row, strict=True))
                d.pop("id"), d.pop("updated_at", None)
                for c in ("case_id", "from_case_id", "to_case_id"):
                    if d.get(c) is not None:
                        d[c] = keys[d[c]]
                rows.append(repr(sorted(d.items())))
            out[table] = sorted(rows)
    return out


def _wipe():
    with connection.cursor() as cur:
        for table in ("cases_caseparty", "cases_event", "cases_case", "cases_party", "cases_matter"):
            cur.execute(f"DELETE FROM {table}")  # noqa: S608
        cur.execute("DELETE FROM core_staff WHERE staff_no LIKE 'T-IMP-%%'")


def _counts(result):
    return {t: (c["created"], c["updated"], c["unchanged"]) for t, c in result.counts.items()}


def test_copy_path_gives_what_the_staged_path_gives(world, tmp_path, monkeypatch):
    first, newer = write_files(tmp_path / "a", SAMPLE), write_files(tmp_path / "b", NEWER)
    fast = [_counts(_ok(first)), _counts(_ok(newer))]
    assert fast[1]["cases"] == (1, 1, 2) and fast[1]["events"] == (1, 1, 5)
    fast_rows = _content()
    _wipe()
    monkeypatch.setattr(Database, "upsert", Database.upsert_staged)  # the previous path
    staged = [_counts(_ok(first)), _counts(_ok(newer))]
    assert staged == fast
    assert _content() == fast_rows


def test_updated_at_moves_on_written_rows_only(world, tmp_path):
    _ok(write_files(tmp_path / "a", SAMPLE))
    stamps = dict(Case.objects.values_list("case_number", "updated_at"))
    assert len(set(stamps.values())) == 1  # one timestamp for the whole import
    events = dict(Event.objects.values_list("reason", "updated_at"))
    _ok(write_files(tmp_path / "b", NEWER))
    after = dict(Case.objects.values_list("case_number", "updated_at"))
    changed, new = "(2021)浙0212民初1235号", "(2021)浙0212民初1236号"
    assert after[changed] > stamps[changed]
    assert after[new] == after[changed]  # the same import's timestamp
    assert all(after[n] == stamps[n] for n in stamps if n != changed)  # unchanged rows keep theirs
    reworded = Event.objects.get(reason="110报警").updated_at
    assert reworded > events["报警"] and reworded == after[changed]


def test_an_import_killed_while_writing_leaves_nothing_and_runs_again(world, tmp_path, monkeypatch):
    _ok(write_files(tmp_path / "a", SAMPLE))
    before = registry_state()
    real = Database.upsert

    def dies_at_events(self, spec, frame):
        if spec.name == "events":  # staff, matters, parties, cases, case_parties are written by now
            raise KeyboardInterrupt("killed while writing events")
        return real(self, spec, frame)

    monkeypatch.setattr(Database, "upsert", dies_at_events)
    newer = write_files(tmp_path / "b", NEWER)
    with pytest.raises(KeyboardInterrupt):
        run_import([newer], Options())
    assert registry_state() == before  # counts and checksums of every table unchanged
    monkeypatch.setattr(Database, "upsert", real)
    again = _ok(newer)
    assert _counts(again)["cases"] == (1, 1, 2) and Case.objects.count() == 4


def test_malformed_rows_still_rejected_with_where_and_why(world, tmp_path):
    files = dict(SAMPLE)
    files["events.csv"] = SAMPLE["events.csv"].replace("2021-05-10 14:30", "2021-13-40 14:30")
    before = registry_state()
    result = run_import([write_files(tmp_path / "bad", files)], Options())
    assert result.status == "rejected" and registry_state() == before
    bad = issue_report.errors(result.problems).filter(
        issue_report.errors(result.problems)["code"] == "bad_timestamp"
    )
    row = bad.to_dicts()[0]
    assert (row["file"], row["row"], row["column"]) == ("events.csv", 2, "occurred_at")
    assert row["reason_zh"] and row["reason_en"] and row["reason_zh"] != row["reason_en"]


def test_references_are_checked_after_a_load_without_triggers(world, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL switches the foreign-key triggers off during a load")
    _ok(write_files(tmp_path / "a", SAMPLE))
    case = Case.objects.get(case_number="（2021）浙0212民初1234号")
    db = Database()
    with pytest.raises(IntegrityError, match="refers to no row of cases_party"):
        with transaction.atomic():
            db.begin_load(["cases_caseparty"])
            assert db.triggers_off
            db.execute(
                "INSERT INTO cases_caseparty (case_id, party_id, role, represents_party_id, source, updated_at) "
                "VALUES (%s, 'NO-SUCH-PARTY', 'witness', '', '', %s)",
                [case.pk, db.now],
            )  # accepted: no trigger checks it
            db._written.append("cases_caseparty")
            db.end_load()
    assert not case.party_links.filter(party_id="NO-SUCH-PARTY").exists()
    assert PERSON in set(case.party_links.values_list("party_id", flat=True))


def test_one_timestamp_is_the_load_start(world, tmp_path):
    started = dt.datetime.now(dt.UTC)
    _ok(write_files(tmp_path / "a", SAMPLE))
    stamp = Case.objects.values_list("updated_at", flat=True).first()
    assert started <= stamp <= dt.datetime.now(dt.UTC)


def test_a_table_rejected_after_earlier_ones_were_written_leaves_nothing(world, tmp_path, monkeypatch):
    """PostgreSQL writes a table while the next one is checked: an error found in a later table
    rolls back the tables written already. SQLite checks everything first and writes nothing."""
    _ok(write_files(tmp_path / "a", SAMPLE))
    before = registry_state()
    written = []
    real = Database.upsert

    def spy(self, spec, frame):
        written.append(spec.name)
        return real(self, spec, frame)

    monkeypatch.setattr(Database, "upsert", spy)
    files = dict(NEWER)  # a new case (written) and a bad timestamp in its events (rejected)
    files["events.csv"] = NEWER["events.csv"].replace("2021-05-02 09:00:00", "2021-05-02 25:00:00")
    result = run_import([write_files(tmp_path / "b", files)], Options())
    assert result.status == "rejected" and registry_state() == before
    assert not Case.objects.filter(case_number="(2021)浙0212民初1236号").exists()
    if connection.vendor == "postgresql":
        assert "cases" in written and "events" not in written  # written, then rolled back
    else:
        assert written == []
    assert all("created" not in counts for counts in result.counts.values())
    bad = issue_report.errors(result.problems).to_dicts()
    assert [(r["file"], r["column"], r["code"]) for r in bad] == [
        ("events.csv", "occurred_at", "bad_timestamp")
    ]

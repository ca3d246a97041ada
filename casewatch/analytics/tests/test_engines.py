"""Engine behaviour: whole-catalogue runs, incremental runs, Parquet lakes, warnings, DuckDB = Spark."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casewatch.analytics.engines import FINDINGS_SCHEMA, DuckDBEngine
from casewatch.analytics.rules import RULES, RULES_BY_ID
from casewatch.analytics.tests.builders import Lake
from casewatch.analytics.tests.conftest import REPO_ROOT
from casewatch.analytics.tests.scenarios import AS_OF, combined_lake
from casewatch.analytics.timelimits import CoverageWarning


@pytest.fixture(scope="module")
def combined():
    lake, expected = combined_lake()
    return lake, expected, DuckDBEngine().load(lake.tables()).run(as_of=AS_OF)


def keys(table) -> set[tuple]:
    return {(r["rule_id"], r["unit_code"], r["case_number"], r["subject"]) for r in table.to_pylist()}


def write_lake(lake: Lake, root: Path) -> Path:
    """A Parquet lake with both layouts, a table left out and a derived column dropped."""
    for index, (name, table) in enumerate(lake.tables().items()):
        if name == "petitions":
            continue  # absent tables read as empty
        if "case_key" in table.column_names:
            table = table.drop_columns(["case_key"])
        if index % 2:
            (root / name).mkdir()
            pq.write_table(table.slice(0, table.num_rows // 2), root / name / "part-0.parquet")
            pq.write_table(table.slice(table.num_rows // 2), root / name / "part-1.parquet")
        else:
            pq.write_table(table, root / f"{name}.parquet")
    return root


def test_whole_catalogue_finds_every_planted_case(combined):
    _lake, expected, result = combined
    found = keys(result.findings)
    for rule_id, expects in expected.items():
        for e in expects:
            assert (rule_id, e.case.unit_code, e.case.case_number, e.subject) in found
    assert result.findings.schema == FINDINGS_SCHEMA
    assert len(found) == result.findings.num_rows, "finding keys must be unique"
    assert result.findings.to_pylist() == sorted(
        result.findings.to_pylist(),
        key=lambda r: (r["rule_id"], r["unit_code"], r["case_number"], r["subject"]),
    )


def test_summary_counts_rules_rows_and_findings(combined):
    lake, _expected, result = combined
    summary = result.summary
    assert [s.rule_id for s in summary.rules] == [r.id for r in RULES]
    assert summary.findings == result.findings.num_rows
    assert summary.table_rows["events"] == len(lake.rows["events"])
    cr01 = next(s for s in summary.rules if s.rule_id == "CR-01")
    assert cr01.rows_scanned == len(lake.rows["events"]) + len(lake.rows["cases"])
    assert all(s.seconds >= 0 for s in summary.rules) and summary.total_seconds > 0
    assert summary.to_dict()["as_of"] == AS_OF.isoformat()


def test_incremental_run_reads_only_the_changed_cases(combined):
    lake, expected, full = combined
    changed = [expected["CR-03"][0].case, expected["CV-02"][0].case, expected["PP-01"][0].case]
    engine = DuckDBEngine().load(lake.tables())
    result = engine.run(as_of=AS_OF, case_keys=[c.key for c in changed] + [changed[0].key])
    wanted = {(c.unit_code, c.case_number) for c in changed}
    assert keys(result.findings) == {k for k in keys(full.findings) if (k[1], k[2]) in wanted}
    assert result.summary.scoped_cases == 3
    assert result.summary.table_rows["cases"] == 3
    pairs = engine.run(as_of=AS_OF, case_keys=[(c.unit_code, c.case_number) for c in changed])
    assert keys(pairs.findings) == keys(result.findings)
    assert engine.run(as_of=AS_OF, case_keys=[]).findings.num_rows == 0
    assert keys(engine.run(as_of=AS_OF).findings) == keys(full.findings)  # views reset after a scoped run


def test_parquet_lake_gives_the_same_findings(combined, tmp_path):
    lake, _expected, full = combined
    root = write_lake(lake, tmp_path)
    for materialize in (True, False):
        result = DuckDBEngine().load_parquet_dir(root, materialize=materialize).run(as_of=AS_OF)
        assert result.findings.to_pylist() == full.findings.to_pylist()


def test_due_dates_beyond_the_calendar_warn_and_are_kept():
    lake = Lake()
    case = lake.case("civil", procedure="simplified", filed_at="2026-11-01")  # due 2027-02-01
    engine = DuckDBEngine().load(lake.tables())
    with pytest.warns(CoverageWarning) as caught:
        result = engine.run(["CV-02"], as_of=dt.date(2027, 3, 1))
    messages = [str(w.message) for w in caught]
    assert any("as_of 2027-03-01" in m for m in messages)
    assert any("CV-02: 1 findings" in m and case.case_number in m for m in messages)
    assert result.summary.warnings == messages
    evidence = json.loads(result.findings.column("evidence")[0].as_py())
    assert evidence["due_date"] == "2027-02-01" and "calendar_gap" not in evidence


def test_expose_serves_other_modules(combined):
    lake, expected, _full = combined
    case = expected["CV-02"][0].case
    engine = DuckDBEngine().load(lake.tables()).expose("2025-01-31", case_keys=[case.key])
    assert engine.con.execute("SELECT as_of FROM params").fetchall() == [(dt.date(2025, 1, 31),)]
    assert engine.con.execute("SELECT unit_code, case_number FROM cases").fetchall() == [
        (case.unit_code, case.case_number)
    ]
    assert engine.con.execute(
        "SELECT next_workday FROM calendar WHERE day = DATE '2024-02-11'"
    ).fetchall() == [(dt.date(2024, 2, 18),)]


def test_run_requires_as_of_and_known_rules():
    engine = DuckDBEngine().load({})
    with pytest.raises(ValueError):
        engine.run()
    with pytest.raises(KeyError):
        engine.run(["XX-99"], as_of=AS_OF)
    with pytest.raises(KeyError):
        DuckDBEngine().load({"not_a_table": None})


def test_catalogue_document_matches_the_rules():
    text = (REPO_ROOT / "docs" / "rule-catalogue.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([A-Z]{2}-\d{2}) \| ([^|]+) \| (high|medium|low) \|", text, flags=re.M)
    assert [r[0] for r in rows] == [rule.id for rule in RULES]
    for rule_id, area, severity in rows:
        assert (RULES_BY_ID[rule_id].area, RULES_BY_ID[rule_id].severity) == (area.strip(), severity)
    for rule in RULES:
        assert f"| {rule.id} | {rule.evidence_zh} |" in text, (
            f"{rule.id}: evidence template not in the document"
        )


@pytest.mark.spark
def test_spark_and_duckdb_agree_on_the_whole_catalogue(spark, combined):
    from casewatch.analytics.engines import SparkEngine

    lake, _expected, full = combined
    result = SparkEngine(spark).load(lake.tables()).run(as_of=AS_OF)
    assert result.findings.num_rows == full.findings.num_rows > 40
    assert result.findings.to_pylist() == full.findings.to_pylist()
    assert [s.rule_id for s in result.summary.rules] == [r.id for r in RULES]


@pytest.mark.spark
def test_spark_reads_a_parquet_lake_incrementally(spark, combined, tmp_path):
    from casewatch.analytics.engines import SparkEngine

    lake, expected, _full = combined
    root = write_lake(lake, tmp_path)
    changed = [
        e.case.key for rule_id in ("CR-03", "PR-01", "CV-02", "PO-02", "EN-02") for e in expected[rule_id]
    ]
    rules = ["CR-03", "PR-01", "CV-02", "PO-02", "EN-02", "DE-02", "PP-01"]  # the whole set runs above
    duck = DuckDBEngine().load_parquet_dir(root).run(rules, as_of=AS_OF, case_keys=changed)
    spark_result = SparkEngine(spark).load_parquet_dir(root).run(rules, as_of=AS_OF, case_keys=changed)
    assert duck.findings.num_rows >= len(changed)
    assert spark_result.findings.to_pylist() == duck.findings.to_pylist()
    assert spark_result.summary.table_rows == duck.summary.table_rows

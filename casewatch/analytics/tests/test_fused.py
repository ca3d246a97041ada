"""The fused catalogue (one shared event pass, rules rewritten over it) finds exactly what every
rule's own SQL finds: the same (rule, case, subject, evidence) on a generated city and on the
hand-built scenarios, full and incremental."""

from __future__ import annotations

import dataclasses

import pytest

from casewatch.analytics.engines import DuckDBEngine
from casewatch.analytics.rules import RULES, fused
from casewatch.analytics.tests.scenarios import AS_OF, combined_lake


def findings(result) -> set[tuple]:
    return {tuple(row.values()) for row in result.findings.to_pylist()}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from casewatch.demo.generator import generate

    out = tmp_path_factory.mktemp("fused-city")
    generate(n_cases=3_000, seed=3, out_dir=str(out), fmt="parquet")
    return out


@pytest.fixture(scope="module")
def city_as_of():
    from casewatch.demo.generator import DEFAULT_AS_OF

    return DEFAULT_AS_OF


def test_the_rules_that_read_events_are_fused():
    plan = fused.plan(RULES)
    reads_events = {rule.id for rule in RULES if "events" in rule.tables}
    assert set(plan.rules) == reads_events - fused._UNFUSED
    assert all(" events" not in sql for sql in plan.rules.values()), "rewritten rules read ev"
    assert "complaint_served" in plan.kinds and "closed" not in plan.kinds


def test_generated_city_same_findings_as_the_rules_own_sql(city, city_as_of):
    reference = DuckDBEngine(fused=False).load_parquet_dir(city).run(as_of=city_as_of)
    engine = DuckDBEngine(fused=True).load_parquet_dir(city)
    result = engine.run(as_of=city_as_of)
    assert engine._fused_sql, "the fused path ran"
    assert {s.rule_id for s in reference.summary.rules if s.findings} == {r.id for r in RULES} - {
        "DE-01",
        "DE-02",
        "DE-03",
    }, "the city exercises every rule its generator plants"
    assert findings(result) == findings(reference)
    assert result.findings.to_pylist() == reference.findings.to_pylist()
    assert [s.findings for s in result.summary.rules] == [s.findings for s in reference.summary.rules]

    # incremental over a fifth of the cases: the fused run reads the scoped views
    keys = [(r["unit_code"], r["case_number"]) for r in reference.findings.to_pylist()][::5]
    scoped = engine.run(as_of=city_as_of, case_keys=keys)
    scoped_ref = DuckDBEngine(fused=False).load_parquet_dir(city).run(as_of=city_as_of, case_keys=keys)
    assert findings(scoped) == findings(scoped_ref) and scoped.findings.num_rows >= len(set(keys))


def test_scenarios_same_findings_as_the_rules_own_sql():
    lake, _expected = combined_lake()
    reference = DuckDBEngine(fused=False).load(lake.tables()).run(as_of=AS_OF)
    result = DuckDBEngine(fused=True).load(lake.tables()).run(as_of=AS_OF)
    assert findings(result) == findings(reference)


def test_the_comparison_catches_a_fused_pass_that_drops_rows(city, city_as_of, monkeypatch):
    """A shared pass missing one event kind must show up as different findings."""
    plan = fused.plan(RULES)
    broken = dataclasses.replace(plan, ev_sql=plan.ev_sql.replace("'hearing_adjourned', ", ""))
    assert broken.ev_sql != plan.ev_sql
    monkeypatch.setattr(fused, "plan", lambda rules: broken)
    reference = DuckDBEngine(fused=False).load_parquet_dir(city).run(as_of=city_as_of)
    result = DuckDBEngine(fused=True).load_parquet_dir(city).run(as_of=city_as_of)
    missing = findings(reference) - findings(result)
    assert missing and {row[0] for row in missing} == {"CV-04"}

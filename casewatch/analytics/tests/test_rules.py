"""Every rule fires on its positive scenario and stays silent on its near misses (DuckDB)."""

from __future__ import annotations

import json

import pytest

from casewatch.analytics.engines import DuckDBEngine
from casewatch.analytics.rules import RULES, RULES_BY_ID
from casewatch.analytics.tests.builders import Lake
from casewatch.analytics.tests.scenarios import AS_OF, SCENARIOS

RULE_IDS = [rule.id for rule in RULES]


def run(lake: Lake, rule_id: str) -> list[dict]:
    result = DuckDBEngine().load(lake.tables()).run([rule_id], as_of=AS_OF)
    return result.findings.to_pylist()


def test_every_rule_has_a_scenario():
    assert set(SCENARIOS) == set(RULES_BY_ID)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_positive(rule_id):
    lake = Lake()
    expected = SCENARIOS[rule_id].positive(lake)
    findings = run(lake, rule_id)
    by_key = {(f["unit_code"], f["case_number"], f["subject"]): f for f in findings}
    wanted = {(e.case.unit_code, e.case.case_number, e.subject): e for e in expected}
    assert set(by_key) == set(wanted), findings
    for key, expect in wanted.items():
        finding = by_key[key]
        assert finding["rule_id"] == rule_id
        evidence = json.loads(finding["evidence"])
        for name, value in expect.evidence.items():
            assert evidence[name] == value, (name, evidence)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_negative(rule_id):
    lake = Lake()
    SCENARIOS[rule_id].negative(lake)
    assert run(lake, rule_id) == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_evidence_renders_in_both_languages(rule_id):
    """Templates only use columns the SQL returns, and read as text (no braces, no codes left)."""
    lake = Lake()
    SCENARIOS[rule_id].positive(lake)
    finding = run(lake, rule_id)[0]
    rule = RULES_BY_ID[rule_id]
    for lang in ("zh", "en"):
        text = rule.render_evidence(finding["evidence"], lang)
        assert "{" not in text and "}" not in text
        assert text.strip()

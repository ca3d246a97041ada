"""The screening rule catalogue as data (docs/rule-catalogue.md describes each trigger).

``RULES`` lists every rule in catalogue order; engines run any subset. Adding a rule: write its
SQL in the module of its area (portable idioms in ``fragments.py``), add it to that module's
``RULES``, give it a positive and a negative test in ``tests/scenarios.py``, and a row in the
catalogue document.
"""

from __future__ import annotations

from casewatch.analytics.rules import courts, criminal, data_entry, prosecution, public_order, seized_property
from casewatch.analytics.rules.model import (
    AREAS,
    CONTROL_COLUMNS,
    KEY_COLUMNS,
    SEVERITIES,
    SUBJECTS,
    Citation,
    Rule,
)

RULES: tuple[Rule, ...] = (
    *criminal.RULES,
    *prosecution.RULES,
    *public_order.RULES,
    *courts.RULES,
    *seized_property.RULES,
    *data_entry.RULES,
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def get_rule(rule_id: str) -> Rule:
    """The rule with this id (KeyError when unknown)."""
    return RULES_BY_ID[rule_id]


def select_rules(ids=None) -> tuple[Rule, ...]:
    """Rules by id in catalogue order; all rules when ``ids`` is None."""
    if ids is None:
        return RULES
    wanted = set(ids)
    unknown = wanted - RULES_BY_ID.keys()
    if unknown:
        raise KeyError(f"unknown rule ids: {sorted(unknown)}")
    return tuple(rule for rule in RULES if rule.id in wanted)


__all__ = [
    "AREAS",
    "CONTROL_COLUMNS",
    "KEY_COLUMNS",
    "RULES",
    "RULES_BY_ID",
    "SEVERITIES",
    "SUBJECTS",
    "Citation",
    "Rule",
    "get_rule",
    "select_rules",
]

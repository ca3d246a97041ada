"""What a screening rule is: metadata people read, one SQL definition both engines run.

A rule's SQL is written once in DuckDB's dialect over the canonical tables plus two helper
tables every engine registers:

* ``calendar(day, is_workday, is_holiday, holiday_name, next_workday)`` — the holiday calendar
  of :mod:`casewatch.analytics.timelimits`, joined to shift a due date to a working day;
* ``params(as_of)`` — one row with the run's reference date, read as ``(SELECT as_of FROM params)``.

It returns ``rule_id, unit_code, case_number, subject`` and evidence columns; a boolean
``calendar_gap`` column, when present, marks rows whose due date the calendar could not verify
(the engines turn it into a :class:`~casewatch.analytics.timelimits.CoverageWarning` and drop it).
Spark runs the same text after ``sqlglot`` translation, so rules keep to constructs that
translate (see ``fragments.py`` for the portable idioms).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cached_property

from casewatch.analytics import schema

SEVERITIES = ("high", "medium", "low")

#: subject kinds: what a finding is about inside its case
SUBJECTS = {
    "person": ("人员", "Person"),
    "event": ("事件序号", "Event seq"),
    "item": ("财物编号", "Item id"),
    "case": ("案件", "Case"),
}

#: screening areas (领域), Chinese name -> English name
AREAS = {
    "规范司法办案": "Standardised case handling",
    "审判管理": "Trial management",
    "案件质量标准": "Case quality standards",
    "案件流程规范": "Case process norms",
    "业务数据录入": "Case data entry",
    "认罪认罚适用": "Plea leniency",
    "行政刑事执法衔接": "Administrative–criminal enforcement linkage",
    "涉案财物": "Case-related property",
    "公共法律服务": "Public legal services",
    "监狱戒毒": "Prisons and drug rehabilitation",
}

#: columns every rule query returns before its evidence columns
KEY_COLUMNS = ("rule_id", "unit_code", "case_number", "subject")
#: columns a rule may return for the engine's use; never part of the evidence
CONTROL_COLUMNS = frozenset({"calendar_gap"})
#: tables engines provide besides the canonical ones
HELPER_TABLES = frozenset({"calendar", "params"})


@dataclass(frozen=True)
class Citation:
    """One legal basis of a rule: a law and article, and where its text lives."""

    law: str
    article: str | None = None
    #: file name under the shared law folder (``data/laws``); None when the corpus lacks the text
    file: str | None = None
    #: why the file is missing, or which version / paragraph is meant
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.law} {self.article}" if self.article else self.law


@dataclass(frozen=True)
class Rule:
    """One screening rule: an id, what it checks and why, and its SQL."""

    id: str
    title_zh: str
    title_en: str
    area: str
    severity: str
    subject: str
    basis: tuple[Citation, ...]
    explanation_zh: str
    explanation_en: str
    #: format strings filled from the evidence columns ({column} placeholders)
    evidence_zh: str
    evidence_en: str
    sql: str
    version: int = 1

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: unknown severity {self.severity}")
        if self.area not in AREAS:
            raise ValueError(f"{self.id}: unknown area {self.area}")
        if self.subject not in SUBJECTS:
            raise ValueError(f"{self.id}: unknown subject kind {self.subject}")

    @property
    def area_en(self) -> str:
        return AREAS[self.area]

    @cached_property
    def tables(self) -> frozenset[str]:
        """Canonical tables the SQL reads (CTE names and helper tables excluded)."""
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(self.sql, read="duckdb")
        ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        names = {table.name for table in tree.find_all(exp.Table)}
        return frozenset(names - ctes - HELPER_TABLES)

    @cached_property
    def uses_calendar(self) -> bool:
        return re.search(r"\bcalendar\b", self.sql) is not None

    @cached_property
    def spark_sql(self) -> str:
        """The SQL translated to Spark's dialect (sqlglot)."""
        import sqlglot

        return sqlglot.transpile(self.sql, read="duckdb", write="spark")[0]

    def render_evidence(self, evidence: dict | str, lang: str = "zh") -> str:
        """The evidence sentence for people, from a finding's evidence (dict or its JSON)."""
        if isinstance(evidence, str):
            evidence = json.loads(evidence)
        template = self.evidence_zh if lang == "zh" else self.evidence_en
        return template.format_map(_Display(evidence, lang))


# ---------------------------------------------------------------------------------------------
# Evidence display
# ---------------------------------------------------------------------------------------------

_ENUM_FOR_KEY = {
    "procedure": schema.PROCEDURES,
    "status": schema.CASE_STATUSES,
    "outcome": schema.OUTCOMES,
    "result": schema.INJURY_LEVELS,
    "event_kind": schema.EVENT_KINDS,
    "decision": schema.EVENT_KINDS,
    "end_kind": schema.EVENT_KINDS,
    "end_basis": schema.EVENT_KINDS,
    "lawyer_role": schema.LAWYER_ROLES,
}
_TOKENS = {
    "as_of": ("统计截止日", "the as-of date"),
    "closed": ("结案", "closing"),
    "before_filing": ("早于立案", "before filing"),
    "after_closing": ("晚于结案", "after closing"),
    "special": ("特殊情况", "special circumstances"),
    "major_roving": ("流窜、多次、结伙作案", "major roving / serial / gang crime"),
    "detention_possible": ("可能适用行政拘留", "administrative detention possible"),
    "decision": ("作出决定", "decision"),
}
#: evidence keys that carry a count of days or hours: rendered with their unit
_DAY_KEYS = frozenset(
    {"days", "days_over", "days_late", "days_before", "excluded_days", "elapsed_days", "limit_days"}
)
_HOUR_KEYS = frozenset({"hours", "limit_hours"})
_PERIOD = re.compile(r"^P(?:(\d+)M)?(?:(\d+)D)?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$")


class _Display(dict):
    """Evidence values as a person reads them (labels, not codes)."""

    def __init__(self, evidence: dict, lang: str):
        super().__init__(evidence)
        self.zh = lang == "zh"

    def __getitem__(self, key):
        return self.show(key, super().__getitem__(key))

    def show(self, key, value) -> str:
        zh = self.zh
        if value is None:
            return "无" if zh else "none"
        if isinstance(value, bool):
            return ("是" if value else "否") if zh else ("yes" if value else "no")
        if key in _DAY_KEYS and isinstance(value, int):
            return _count(value, "日", "day", zh)
        if key in _HOUR_KEYS and isinstance(value, int | float):
            return _count(value, "小时", "hour", zh)
        if isinstance(value, float):
            return f"{value:.1f}"
        if isinstance(value, str):
            enum = _ENUM_FOR_KEY.get(key)
            if enum and value in enum:
                label = enum[value][0 if zh else 1]
                # English labels are title-case; inside a sentence they read lower-case
                return label if zh else label[0].lower() + label[1:]
            if value in _TOKENS:
                return _TOKENS[value][0 if zh else 1]
            period = _PERIOD.match(value)
            if period and value != "P":
                months, days = period.group(1), period.group(2)
                parts = [
                    months and _count(int(months), "个月", "month", zh),
                    days and _count(int(days), "日", "day", zh),
                ]
                return " ".join(filter(None, parts))
            moment = _DATETIME.match(value)
            if moment:
                return f"{moment.group(1)} {moment.group(2)}"
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        return str(value)


def _count(value: float, unit_zh: str, unit_en: str, zh: bool) -> str:
    """ "25.5 小时" / "25.5 hours", "1 day" / "3 days"."""
    number = f"{value:.1f}" if isinstance(value, float) else str(value)
    if zh:
        return f"{number} {unit_zh}"
    return f"{number} {unit_en}" + ("" if value == 1 else "s")

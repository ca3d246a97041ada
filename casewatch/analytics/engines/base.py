"""What both engines share: the run loop, the findings table, the run summary.

An engine only knows how to hold the canonical tables, expose them (optionally restricted to a
set of cases) under their canonical names next to ``calendar`` and ``params``, execute one SQL
statement into Arrow and count rows. Everything a caller sees — finding columns, evidence JSON,
ordering, warnings, timings — is produced here, once, so DuckDB and Spark cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from casewatch.analytics import schema
from casewatch.analytics.rules import CONTROL_COLUMNS, KEY_COLUMNS, RULES_BY_ID, Rule, select_rules
from casewatch.analytics.timelimits import COVERAGE_END, COVERAGE_START, CoverageWarning, in_coverage

FINDINGS_SCHEMA = pa.schema(
    [
        pa.field("rule_id", pa.string(), nullable=False),
        pa.field("unit_code", pa.string(), nullable=False),
        pa.field("case_number", pa.string(), nullable=False),
        pa.field("subject", pa.string(), nullable=False),
        pa.field("evidence", pa.string(), nullable=False),
    ]
)

#: tables restricted to the changed cases in an incremental run, by how they reach a case
CASE_TABLES = ("cases", "events", "documents", "case_parties", "property_items", "petitions")
#: tables read in full in every run (reference data: the organisation tree, people)
REFERENCE_TABLES = ("units", "staff", "matters", "parties")
#: how many example rows a coverage warning quotes
_WARNING_EXAMPLES = 3


@dataclass
class RuleStat:
    """One rule's share of a run."""

    rule_id: str
    version: int
    seconds: float
    #: rows of the canonical tables the rule reads (after the case restriction), not rows touched
    rows_scanned: int
    findings: int


@dataclass
class RunSummary:
    """What a run did: per-rule timings, input sizes, warnings (for the run record and logs)."""

    engine: str
    as_of: dt.date
    total_seconds: float = 0.0
    rules: list[RuleStat] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: number of cases the run was restricted to; None for a full run
    scoped_cases: int | None = None

    @property
    def findings(self) -> int:
        return sum(stat.findings for stat in self.rules)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["findings"] = self.findings
        return data


@dataclass
class ScreeningResult:
    """Findings of a run (``FINDINGS_SCHEMA``, sorted by rule, unit, case, subject) and its summary."""

    findings: pa.Table
    summary: RunSummary


def json_value(value):
    """An evidence value as JSON: ISO dates and timestamps, decimals as exact strings."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds" if not value.microsecond else "microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def evidence_json(row: dict) -> str:
    """The evidence JSON of one finding: keys sorted, so both engines produce identical text."""
    return json.dumps({k: json_value(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False)


def normalise_case_keys(case_keys: Iterable) -> pa.Table:
    """Changed cases as a (unit_code, case_number) table without duplicates.

    Accepts "unit_code/case_number" strings (case numbers never contain "/") or pairs.
    """
    pairs: dict[tuple[str, str], None] = {}
    for key in case_keys:
        if isinstance(key, str):
            unit, sep, number = key.partition("/")
            if not sep:
                raise ValueError(f"case key {key!r} is not 'unit_code/case_number'")
        else:
            unit, number = key
        pairs[(unit, number)] = None
    return pa.table(
        {
            "unit_code": pa.array([unit for unit, _ in pairs], pa.string()),
            "case_number": pa.array([number for _, number in pairs], pa.string()),
        }
    )


def conform_arrow(name: str, table: pa.Table | None) -> pa.Table:
    """``table`` with exactly the canonical columns and types of ``name`` (missing ones null)."""
    target = schema.arrow_schema(name)
    if table is None:
        return target.empty_table()
    columns = []
    for target_field in target:
        if target_field.name in table.column_names:
            columns.append(table.column(target_field.name).cast(target_field.type))
        else:
            columns.append(pa.nulls(table.num_rows, target_field.type))
    relaxed = pa.schema([f.with_nullable(True) for f in target])
    return pa.Table.from_arrays(columns, schema=relaxed)


def lake_path(lake: str | Path, table: str) -> Path | None:
    """Where a table lives in a Parquet lake: ``<lake>/<table>.parquet`` or ``<lake>/<table>/``."""
    lake = Path(lake)
    for candidate in (lake / f"{table}.parquet", lake / table):
        if candidate.exists():
            return candidate
    return None


def _coerce_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class Engine(ABC):
    """Runs rules over loaded canonical tables; subclasses provide the storage and SQL."""

    name = "engine"

    # --- what a subclass provides ------------------------------------------------------------

    @abstractmethod
    def _expose(self, as_of: dt.date, scope: pa.Table | None) -> None:
        """Make canonical tables (restricted to ``scope`` cases), ``calendar`` and ``params`` visible."""

    @abstractmethod
    def _execute(self, rule: Rule) -> pa.Table:
        """Run one rule's SQL and return its rows."""

    @abstractmethod
    def _count(self, table: str) -> int:
        """Rows of an exposed table."""

    def _prepare(self, rules: tuple[Rule, ...]) -> None:
        """Work shared by the rules of a run, done once after ``_expose`` (default: none)."""
        return None

    # --- the run -----------------------------------------------------------------------------

    def expose(self, as_of, case_keys: Iterable | None = None) -> Engine:
        """Expose the canonical tables, ``calendar`` and ``params(as_of)`` under their names.

        For data-plane modules that run their own SQL on this engine's connection (deadline
        state, false-litigation indicators) with the same views the rules see. ``run`` does this
        itself.
        """
        scope = None if case_keys is None else normalise_case_keys(case_keys)
        self._expose(_coerce_date(as_of), scope)
        return self

    def run(self, rules=None, as_of=None, case_keys: Iterable | None = None) -> ScreeningResult:
        """Run ``rules`` (Rule objects or ids; all when None) as of ``as_of``.

        ``case_keys`` restricts the run to those cases ("unit_code/case_number" strings or
        pairs) for incremental screening: only rows of the changed cases are read, and findings
        of other cases are left to the caller's previous run.
        """
        if as_of is None:
            raise ValueError("as_of is required: findings depend on the reference date")
        as_of = _coerce_date(as_of)
        rules = self._resolve(rules)
        summary = RunSummary(engine=self.name, as_of=as_of)
        if not in_coverage(as_of):
            self._warn(
                summary,
                f"as_of {as_of} is outside the holiday calendar ({COVERAGE_START}..{COVERAGE_END}); "
                "due dates near it cannot be holiday-shifted",
            )
        scope = None if case_keys is None else normalise_case_keys(case_keys)
        summary.scoped_cases = None if scope is None else scope.num_rows

        started = time.perf_counter()
        self._expose(as_of, scope)
        needed = sorted({table for rule in rules for table in rule.tables})
        summary.table_rows = {table: self._count(table) for table in needed}
        self._prepare(rules)

        parts = []
        for rule in rules:
            rule_started = time.perf_counter()
            rows = self._execute(rule)
            findings = self._findings(rule, rows, summary)
            summary.rules.append(
                RuleStat(
                    rule_id=rule.id,
                    version=rule.version,
                    seconds=time.perf_counter() - rule_started,
                    rows_scanned=sum(summary.table_rows[t] for t in rule.tables),
                    findings=findings.num_rows,
                )
            )
            parts.append(findings)
        table = pa.concat_tables(parts) if parts else FINDINGS_SCHEMA.empty_table()
        table = table.sort_by([(c, "ascending") for c in KEY_COLUMNS])
        summary.total_seconds = time.perf_counter() - started
        return ScreeningResult(findings=table, summary=summary)

    @staticmethod
    def _resolve(rules) -> tuple[Rule, ...]:
        if rules is None:
            return select_rules()
        return tuple(rule if isinstance(rule, Rule) else RULES_BY_ID[rule] for rule in rules)

    @staticmethod
    def _warn(summary: RunSummary, message: str) -> None:
        summary.warnings.append(message)
        warnings.warn(CoverageWarning(message), stacklevel=3)

    def _findings(self, rule: Rule, rows: pa.Table, summary: RunSummary) -> pa.Table:
        """Rule rows -> findings: key columns as strings, the rest as sorted-key evidence JSON."""
        missing = [c for c in KEY_COLUMNS if c not in rows.column_names]
        if missing:
            raise ValueError(f"{rule.id}: query lacks columns {missing}")
        evidence_columns = sorted(
            c for c in rows.column_names if c not in KEY_COLUMNS and c not in CONTROL_COLUMNS
        )
        if "calendar_gap" in rows.column_names:
            self._report_gaps(rule, rows, summary)
        evidence = [evidence_json(row) for row in rows.select(evidence_columns).to_pylist()]
        keys = [rows.column(c).cast(pa.string()) for c in KEY_COLUMNS]
        return pa.Table.from_arrays([*keys, pa.array(evidence, pa.string())], schema=FINDINGS_SCHEMA)

    def _report_gaps(self, rule: Rule, rows: pa.Table, summary: RunSummary) -> None:
        """One warning per rule listing findings whose due date the calendar could not shift."""
        gaps = rows.filter(pc.fill_null(rows.column("calendar_gap"), False))
        if gaps.num_rows == 0:
            return
        examples = ", ".join(
            f"{r['unit_code']}/{r['case_number']} ({r.get('due_date')})"
            for r in gaps.slice(0, _WARNING_EXAMPLES).to_pylist()
        )
        self._warn(
            summary,
            f"{rule.id}: {gaps.num_rows} findings have a due date outside the holiday calendar "
            f"({COVERAGE_START}..{COVERAGE_END}); not holiday-shifted, verify by hand: {examples}",
        )


def load_tables_from_mapping(tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """Canonical tables from a caller's mapping: unknown names refused, absent ones empty."""
    unknown = set(tables) - set(schema.TABLES)
    if unknown:
        raise KeyError(f"not canonical tables: {sorted(unknown)}")
    return {name: conform_arrow(name, tables.get(name)) for name in schema.TABLES}

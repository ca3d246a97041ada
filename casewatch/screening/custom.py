"""Supervisors' own rules: saved as versioned, audited ``RuleVersion(builtin=False)`` rows.

The SQL is checked by :func:`casewatch.analytics.custom_rules.validate_sql` on save and again
before every run; it runs through :func:`~casewatch.analytics.custom_rules.run_custom` with row
and time limits (see ``services.analyze``).
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casewatch.analytics.custom_rules import UnsafeRule, output_columns, run_custom, validate_sql
from casewatch.analytics.rules.model import AREAS, KEY_COLUMNS, SEVERITIES, Rule
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.permissions import user_can
from casewatch.screening.models import RuleVersion

#: limits of a custom rule run (rows it may return, seconds it may take)
ROW_LIMIT = 10000
SECONDS = 10
#: rows shown by a test run
PREVIEW_ROWS = 50


def _require_supervisor(user):
    if not user_can(user, Action.SUPERVISE):
        raise PermissionDenied(_("Only supervisors may write screening rules."))


def _next_rule_id() -> str:
    numbers = [
        int(m.group(1))
        for rid in RuleVersion.objects.filter(builtin=False).values_list("rule_id", flat=True).distinct()
        if (m := re.match(r"^U-(\d+)$", rid))
    ]
    return f"U-{max(numbers, default=0) + 1}"


def latest_custom_versions(active_only: bool = True) -> dict[str, RuleVersion]:
    """The latest version of each custom rule (only active ones by default)."""
    latest: dict[str, RuleVersion] = {}
    for rv in RuleVersion.objects.filter(builtin=False).select_related("unit").order_by("rule_id", "version"):
        latest[rv.rule_id] = rv
    if active_only:
        latest = {k: v for k, v in latest.items() if v.active}
    return latest


def evidence_template(sql: str) -> str:
    """'{col}' placeholders for a rule's extra output columns: "days={days}; status={status}"."""
    extra = [c for c in output_columns(sql) if c not in KEY_COLUMNS]
    return "; ".join(f"{c}={{{c}}}" for c in extra)


def save_custom_rule(
    user,
    *,
    rule_id: str | None = None,
    title_zh: str,
    title_en: str,
    area: str,
    severity: str,
    explanation_zh: str = "",
    sql: str,
) -> RuleVersion:
    """Validate and store a new version of a custom rule (a new rule when ``rule_id`` is None)."""
    _require_supervisor(user)
    if area not in AREAS:
        raise ValidationError(_("Unknown area."))
    if severity not in SEVERITIES:
        raise ValidationError(_("Unknown severity."))
    if not (title_zh or "").strip():
        raise ValidationError(_("A Chinese title is required."))
    try:
        normalised = validate_sql(sql)
        template = evidence_template(normalised)
    except UnsafeRule as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        previous = None
        if rule_id:
            previous = (
                RuleVersion.objects.select_for_update()
                .filter(rule_id=rule_id, builtin=False)
                .order_by("-version")
                .first()
            )
            if previous is None:
                raise ValidationError(_("No such custom rule."))
        else:
            rule_id = _next_rule_id()
        rv = RuleVersion.objects.create(
            rule_id=rule_id,
            version=(previous.version + 1) if previous else 1,
            builtin=False,
            title_zh=title_zh.strip(),
            title_en=(title_en or "").strip() or title_zh.strip(),
            area=area,
            severity=severity,
            subject="case",
            explanation_zh=explanation_zh or "",
            evidence_zh=template,
            evidence_en=template,
            sql=normalised,
            active=True,
            author=user,
            unit=getattr(user, "scope", None),
        )
        audit.record(
            AuditAction.UPDATE if previous else AuditAction.CREATE,
            rv,
            user=user,
            before={"version": previous.version, "sql": previous.sql, "active": previous.active}
            if previous
            else None,
            after={"version": rv.version, "sql": rv.sql, "active": True},
            message=f"custom rule {rv.rule_id} v{rv.version} saved",
        )
    return rv


def deactivate_custom_rule(user, rule_id: str) -> RuleVersion:
    """Stop running a custom rule (its versions and findings are kept)."""
    _require_supervisor(user)
    with transaction.atomic():
        rv = (
            RuleVersion.objects.select_for_update()
            .filter(rule_id=rule_id, builtin=False)
            .order_by("-version")
            .first()
        )
        if rv is None:
            raise ValidationError(_("No such custom rule."))
        if rv.active:
            RuleVersion.objects.filter(rule_id=rule_id, builtin=False).update(active=False)
            audit.record(
                AuditAction.UPDATE,
                rv,
                user=user,
                before={"active": True, "sql": rv.sql},
                after={"active": False, "sql": rv.sql},
                message=f"custom rule {rule_id} deactivated",
            )
            rv.active = False
    return rv


def as_rule(rv: RuleVersion) -> Rule:
    """A stored custom version as an engine ``Rule`` (SQL re-validated)."""
    sql = validate_sql(rv.sql)
    return Rule(
        id=rv.rule_id,
        title_zh=rv.title_zh,
        title_en=rv.title_en,
        area=rv.area,
        severity=rv.severity,
        subject="case",
        basis=(),
        explanation_zh=rv.explanation_zh,
        explanation_en=rv.explanation_en,
        evidence_zh=rv.evidence_zh,
        evidence_en=rv.evidence_en,
        sql=sql,
        version=rv.version,
    )


def unit_codes_under(unit) -> set[str] | None:
    """Codes of a unit and everything below it; None (no restriction) without a unit."""
    if unit is None:
        return None
    from casewatch.core.models import Unit

    return set(Unit.objects.filter(path__startswith=unit.path).values_list("code", flat=True))


def run_custom_rules(eng, rules: list[Rule], units: dict[str, set[str] | None], summary):
    """Run custom rules on a DuckDB engine's connection, after the built-ins; (findings, failed ids).

    Each runs with row and time limits; a refused or failing rule becomes a run warning, not a
    failed run. Findings outside the rule's unit scope are dropped.
    """
    import time

    import pyarrow as pa
    import pyarrow.compute as pc

    from casewatch.analytics.engines.base import RuleStat

    parts, failed = [], []
    con = getattr(eng, "con", None)
    for rule in rules:
        started = time.perf_counter()
        if con is None:
            summary.warnings.append(f"{rule.id}: custom rules run on DuckDB only")
            failed.append(rule.id)
            continue
        try:
            rows = run_custom(con, rule.id, rule.sql, row_limit=ROW_LIMIT, seconds=SECONDS)
            allowed = units.get(rule.id)
            if allowed is not None:
                mask = pc.is_in(rows.column("unit_code").cast(pa.string()), pa.array(sorted(allowed)))
                rows = rows.filter(mask)
            findings = eng._findings(rule, rows, summary)
        except (UnsafeRule, ValueError) as exc:
            summary.warnings.append(f"{rule.id}: {exc}")
            failed.append(rule.id)
            continue
        summary.rules.append(
            RuleStat(
                rule_id=rule.id,
                version=rule.version,
                seconds=time.perf_counter() - started,
                rows_scanned=0,
                findings=findings.num_rows,
            )
        )
        parts.append(findings)
    return parts, failed


def test_run(user, sql: str, as_of=None) -> tuple[list[str], list[dict]]:
    """Run SQL with limits over the registry (the user's scope) without saving; (columns, rows)."""
    from django.utils import timezone

    from casewatch.cases import warehouse
    from casewatch.screening.services import get_engine

    _require_supervisor(user)
    normalised = validate_sql(sql)
    eng = get_engine("duckdb")
    try:
        warehouse.load_engine(eng)  # the warm store as it is (no snapshot per request)
        eng.expose(as_of or timezone.localdate())
        rows = run_custom(eng.con, "U-0", normalised, row_limit=ROW_LIMIT, seconds=SECONDS)
    finally:
        eng.close()
    allowed = unit_codes_under(getattr(user, "scope", None))
    out = [r for r in rows.to_pylist() if allowed is None or r["unit_code"] in allowed]
    return rows.column_names, out[:PREVIEW_ROWS]


test_run.__test__ = False  # not a pytest test despite its name

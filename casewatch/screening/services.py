"""Screening workflows: sync the catalogue, run an analysis, load findings, triage them.

`analyze()` is the bridge of ARCHITECTURE §4: snapshot (bulk Arrow) → engine (DuckDB or Spark,
Django-free) → findings loaded back with set-based upserts keyed by (rule, unit, case, subject).
"""

from __future__ import annotations

import datetime as dt
import json
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import AuditLog
from casewatch.core.permissions import user_can
from casewatch.screening.choices import FindingStatus, RunMode, RunStatus
from casewatch.screening.models import Finding, RuleVersion, ScreeningRun

OPEN_STATUSES = (FindingStatus.NEW, FindingStatus.CONFIRMED, FindingStatus.DISMISSED)


def catalogue():
    """The built-in rule catalogue of the data plane."""
    from casewatch.analytics.rules import RULES

    return list(RULES)


def _rule_fields(rule) -> dict:
    return {
        "title_zh": rule.title_zh,
        "title_en": rule.title_en,
        "area": rule.area,
        "severity": rule.severity,
        "subject": rule.subject,
        "basis": [
            {"law": c.law, "article": c.article, "file": c.file, "note": c.note, "label": c.label}
            for c in rule.basis
        ],
        "explanation_zh": rule.explanation_zh,
        "explanation_en": rule.explanation_en,
        "evidence_zh": rule.evidence_zh,
        "evidence_en": rule.evidence_en,
        "sql": rule.sql,
    }


def sync_catalogue() -> dict[str, RuleVersion]:
    """Make sure every built-in rule's current text is a stored version; returns id → version.

    A rule whose definition changed gets a new version number, so findings and runs always say
    which definition produced them.
    """
    current: dict[str, RuleVersion] = {}
    latest: dict[str, RuleVersion] = {}
    for rv in RuleVersion.objects.filter(builtin=True).order_by("rule_id", "version"):
        latest[rv.rule_id] = rv
    with transaction.atomic():
        for rule in catalogue():
            fields = _rule_fields(rule)
            rv = latest.get(rule.id)
            if rv is None or any(getattr(rv, k) != v for k, v in fields.items()):
                version = max(rule.version, (rv.version + 1) if rv else 1)
                rv = RuleVersion.objects.create(rule_id=rule.id, version=version, builtin=True, **fields)
            current[rule.id] = rv
    return current


def _case_ids(keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Map (unit_code, case_number) to case ids in one query per chunk."""
    from casewatch.cases.models import Case

    out: dict[tuple[str, str], int] = {}
    by_unit: dict[str, list[str]] = {}
    for unit, number in keys:
        by_unit.setdefault(unit, []).append(number)
    for unit, numbers in by_unit.items():
        for i in range(0, len(numbers), 900):
            for pk, u, n in Case.objects.filter(
                unit_id=unit, case_number__in=numbers[i : i + 900]
            ).values_list("id", "unit_id", "case_number"):
                out[(u, n)] = pk
    return out


def changed_case_keys(since) -> list[tuple[str, str]]:
    """Cases whose own row or child rows changed since a moment (for incremental runs)."""
    from casewatch.cases.models import Case, CaseParty, Event, PropertyItem

    ids = set(Case.objects.filter(updated_at__gt=since).values_list("id", flat=True))
    for model in (Event, CaseParty, PropertyItem):
        ids.update(model.objects.filter(updated_at__gt=since).values_list("case_id", flat=True))
    rows = Case.objects.filter(id__in=ids).values_list("unit_id", "case_number")
    return [tuple(r) for r in rows]


def analyze(
    actor=None,
    *,
    engine: str = "duckdb",
    as_of: dt.date | None = None,
    mode: str = RunMode.FULL,
    lake: str | None = None,
    rule_ids: list[str] | None = None,
    job=None,
    progress=None,
) -> ScreeningRun:
    """Run the catalogue over the registry (or a Parquet lake) and load the findings."""
    as_of = as_of or timezone.localdate()
    versions = sync_catalogue()
    rules = [r for r in catalogue() if not rule_ids or r.id in rule_ids]
    custom_rules, custom_units, custom_warnings = _custom_rules(rule_ids, versions)
    since = None
    if mode == RunMode.INCREMENTAL:
        last = ScreeningRun.objects.filter(status=RunStatus.SUCCEEDED).aggregate(m=Max("started_at"))["m"]
        if last is None:
            mode = RunMode.FULL
        else:
            since = last
    run = ScreeningRun.objects.create(
        actor=actor,
        unit=getattr(actor, "scope", None),
        engine=engine,
        mode=mode,
        as_of=as_of,
        job=getattr(job, "job", None) if job is not None else None,
        rule_versions={r.id: versions[r.id].version for r in (*rules, *custom_rules)},
    )
    t0 = time.perf_counter()
    try:
        case_keys = changed_case_keys(since) if since is not None else None
        if progress:
            progress(5, "snapshot")
        t_snap = time.perf_counter()
        eng = get_engine(engine)
        if lake:
            eng.load_parquet_dir(lake)
        else:
            from casewatch.cases import warehouse

            warehouse.ensure_fresh()  # the warm store, synced; a snapshot when there is none
            warehouse.load_engine(eng)
        run.snapshot_seconds = time.perf_counter() - t_snap
        if progress:
            progress(30, "rules")
        result = eng.run(rules, as_of=as_of, case_keys=case_keys)
        summary = result.summary
        findings, ran = result.findings, list(rules)
        if custom_rules:
            import pyarrow as pa

            from casewatch.analytics.rules import KEY_COLUMNS
            from casewatch.screening.custom import run_custom_rules

            # after the built-ins (the runner turns off the connection's external access)
            parts, failed = run_custom_rules(eng, custom_rules, custom_units, summary)
            findings = pa.concat_tables([findings, *parts]).sort_by([(c, "ascending") for c in KEY_COLUMNS])
            ran += [r for r in custom_rules if r.id not in failed]
        summary.warnings[:0] = custom_warnings
        if progress:
            progress(80, "loading findings")
        counts = load_findings(run, ran, versions, findings, case_keys)
        run.findings_new, run.findings_unchanged, run.findings_resolved = counts
        run.rule_seconds = {st.rule_id: round(st.seconds, 4) for st in summary.rules}
        run.rule_counts = {st.rule_id: st.findings for st in summary.rules}
        run.rows_scanned = dict(summary.table_rows)
        run.cases_checked = (
            summary.scoped_cases if summary.scoped_cases is not None else summary.table_rows.get("cases", 0)
        )
        run.warnings = list(summary.warnings)[:100]
        run.status = RunStatus.SUCCEEDED
    except Exception as exc:
        run.status = RunStatus.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        run.seconds = time.perf_counter() - t0
        run.finished_at = timezone.now()
        run.save()
        audit.record(
            AuditAction.JOB,
            run,
            user=actor,
            message=f"screening {run.mode} on {run.engine}: {run.findings_new} new, "
            f"{run.findings_unchanged} unchanged, {run.findings_resolved} resolved ({run.status})",
        )
    return run


def _custom_rules(rule_ids, versions: dict) -> tuple[list, dict, list[str]]:
    """Active custom rules as engine ``Rule`` objects (SQL re-validated), their unit scopes and
    warnings for stored versions that no longer pass validation. Adds them to ``versions``."""
    from casewatch.analytics.custom_rules import UnsafeRule
    from casewatch.screening.custom import as_rule, latest_custom_versions, unit_codes_under

    rules, units, warnings = [], {}, []
    for rule_id, rv in latest_custom_versions().items():
        if rule_ids and rule_id not in rule_ids:
            continue
        try:
            rule = as_rule(rv)
        except (UnsafeRule, ValueError) as exc:
            warnings.append(f"{rule_id}: refused: {exc}")
            continue
        rules.append(rule)
        units[rule_id] = unit_codes_under(rv.unit)
        versions[rule_id] = rv
    return rules, units, warnings


def get_engine(name: str):
    """A fresh engine of the given kind (Spark is imported only when asked for)."""
    from casewatch.analytics import engines

    if name == "spark":
        return engines.SparkEngine()
    if name == "duckdb":
        return engines.DuckDBEngine()
    raise ValueError(f"unknown engine {name!r}")


def finding_key(rule_id: str, unit_code: str, case_number: str, subject) -> str:
    return f"{rule_id}|{unit_code}|{case_number}|{subject}"


def load_findings(run, rules, versions, findings, case_keys) -> tuple[int, int, int]:
    """Upsert the engine's findings; resolve open findings that no longer fire. Set-based."""
    rows = findings.to_pylist() if hasattr(findings, "to_pylist") else list(findings)
    ran = {r.id for r in rules}
    meta = {r.id: r for r in rules}
    keys = {}
    for row in rows:
        key = finding_key(row["rule_id"], row["unit_code"], row["case_number"], row["subject"])
        keys[key] = row
    case_ids = _case_ids(list({(r["unit_code"], r["case_number"]) for r in rows}))
    now = timezone.now()
    new = unchanged = 0
    with transaction.atomic():
        existing = {}
        key_list = list(keys)
        for i in range(0, len(key_list), 900):
            for f in Finding.objects.filter(key__in=key_list[i : i + 900]).only("id", "key", "status"):
                existing[f.key] = f
        to_create = []
        for key, row in keys.items():
            case_id = case_ids.get((row["unit_code"], row["case_number"]))
            if case_id is None:
                continue  # a lake finding for a case the registry does not hold
            evidence = row["evidence"]
            if isinstance(evidence, str):
                evidence = json.loads(evidence)
            if key in existing:
                unchanged += 1
                continue
            rule = meta[row["rule_id"]]
            to_create.append(
                Finding(
                    key=key,
                    rule_id=row["rule_id"],
                    rule_version=versions[row["rule_id"]].version,
                    case_id=case_id,
                    unit_id=row["unit_code"],
                    subject=str(row["subject"]),
                    area=rule.area,
                    severity=rule.severity,
                    evidence=evidence,
                    first_run=run,
                    last_run=run,
                    last_seen_at=now,
                )
            )
        Finding.objects.bulk_create(to_create, batch_size=2000)
        new = len(to_create)
        seen = [existing[k].id for k in keys if k in existing]
        for i in range(0, len(seen), 900):
            Finding.objects.filter(id__in=seen[i : i + 900]).update(last_run=run, last_seen_at=now)
        # Re-triggered resolved findings open again.
        reopened = [
            existing[k].id for k in keys if k in existing and existing[k].status == FindingStatus.RESOLVED
        ]
        for i in range(0, len(reopened), 900):
            Finding.objects.filter(id__in=reopened[i : i + 900]).update(
                status=FindingStatus.NEW, resolved_at=None
            )
        # Open findings of the rules that ran, on the cases that were checked, that no longer fire.
        stale = Finding.objects.filter(rule_id__in=ran, status__in=OPEN_STATUSES).exclude(last_run=run)
        if case_keys is not None:
            checked = set(_case_ids(case_keys).values())
            stale_ids = [pk for pk, cid in stale.values_list("id", "case_id") if cid in checked]
        else:
            stale_ids = list(stale.values_list("id", flat=True))
        for i in range(0, len(stale_ids), 900):
            Finding.objects.filter(id__in=stale_ids[i : i + 900]).update(
                status=FindingStatus.RESOLVED, resolved_at=now, last_run=run
            )
    return new, unchanged, len(stale_ids)


def _bulk_audit(user, findings, action_message: str, after: dict):
    ctx = audit.current()
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                user=user,
                username=user.username,
                unit_path=f.unit.path if f.unit_id else "",
                request_id=ctx.request_id,
                client_ip=ctx.client_ip,
                action=AuditAction.TRANSITION,
                object_type="screening.finding",
                object_id=str(f.pk),
                object_repr=f.key[:300],
                before={"status": f.status},
                after=after,
                message=action_message,
            )
            for f in findings
        ],
        batch_size=1000,
    )


def _decide(user, finding_ids, status: str, reason: str = ""):
    if not user_can(user, Action.SUPERVISE) and not user_can(user, Action.CHANGE):
        raise PermissionDenied(_("Your role may not triage findings."))
    with transaction.atomic():
        qs = (
            Finding.objects.restrict(user, Action.VIEW)
            .filter(
                id__in=list(finding_ids),
                status__in=(FindingStatus.NEW, FindingStatus.CONFIRMED, FindingStatus.DISMISSED),
            )
            .exclude(status=status)
            .select_related("unit")
        )
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(of=("self",))
        items = list(qs)
        now = timezone.now()
        Finding.objects.filter(id__in=[f.id for f in items]).update(
            status=status, decided_by=user, decided_at=now, dismissed_reason=reason
        )
        _bulk_audit(
            user,
            items,
            f"finding {status}" + (f": {reason}" if reason else ""),
            {"status": status, "reason": reason} if reason else {"status": status},
        )
    return len(items)


def confirm(user, finding_ids) -> int:
    """Confirm findings (in the user's scope); confirmed findings go to the problem list.

    Confirming and opening the problems is one transaction; a finding yields at most one problem
    (re-confirming, or confirming twice, opens nothing new).
    """
    from casewatch.problems import services as problems

    ids = list(finding_ids)
    with transaction.atomic():
        changed = _decide(user, ids, FindingStatus.CONFIRMED)
        problems.open_from_findings(user, problem_specs(user, ids))
    return changed


def problem_specs(user, finding_ids) -> list:
    """The problems confirmed findings (in the user's scope, none yet) open: locked, with texts.

    The title and description come from the finding's rule — the built-in catalogue or the
    supervisor's own rule version that produced it — so a custom rule's problem reads like any
    other (its title, explanation and evidence), never a bare rule id.
    """
    from casewatch.problems.services import FindingSpec
    from casewatch.screening.texts import RuleTexts

    ids = [int(i) for i in finding_ids]
    if not ids:
        return []
    qs = (
        Finding.objects.restrict(user, Action.VIEW)
        .filter(id__in=ids, status=FindingStatus.CONFIRMED, problem__isnull=True)
        .select_related("case", "case__handler", "unit")
        .order_by("id")
    )
    if connection.vendor == "postgresql":
        qs = qs.select_for_update(of=("self",))
    findings = list(qs)
    rule_texts = RuleTexts(findings)
    specs = []
    for f in findings:
        title, description = rule_texts.problem_text(f)
        specs.append(
            FindingSpec(
                finding_id=f.pk,
                case=f.case,
                unit=f.unit,
                area=f.area,
                severity=f.severity,
                title=title,
                description=description,
                responsible=f.case.handler if f.case_id else None,
            )
        )
    return specs


def dismiss(user, finding_ids, reason: str) -> int:
    """Dismiss findings with a reason (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to dismiss a finding."))
    return _decide(user, finding_ids, FindingStatus.DISMISSED, reason)

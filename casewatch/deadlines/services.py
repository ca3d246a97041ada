"""Deadline workflows: refresh (data plane → table), configuration versions, escalation, tokens.

The refresh snapshots pending cases and their events in bulk, computes state and lights in
DuckDB (:mod:`casewatch.analytics.deadlines`) and bulk-upserts the result; it never loops over
ORM objects to compute anything.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pyarrow as pa
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.analytics import deadlines as dl
from casewatch.analytics import derived
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.deadlines.choices import EscalationStatus, EscalationStepChoices
from casewatch.deadlines.models import (
    CaseDeadline,
    CustodyState,
    DisplayToken,
    Escalation,
    EscalationRule,
    LightRule,
    PointsRule,
    parse_months,
)

STATE_FIELDS = (
    "unit_id",
    "case_number",
    "case_type",
    "procedure",
    "handler_staff_no",
    "filed_at",
    "limit_period",
    "statutory_due",
    "excluded_days",
    "extended_to",
    "extension_late",
    "due_date",
    "holiday_shifted",
    "calendar_gap",
    "limit_days",
    "legal_days_used",
    "raw_age_days",
    "days_left",
    "overdue_days",
    "light",
    "long_pending_months",
    "escalation_step",
    "as_of",
)
_PATH = re.compile(r"^[/\w-]+$")


def require(user, action: str) -> None:
    if not user_can(user, action):
        raise PermissionDenied(_("Your role does not allow this."))


# --- configuration ---------------------------------------------------------------------------


def light_configs() -> list[dl.LightConfig]:
    """The active light rules as analytics configs (built-in defaults when none are saved)."""
    rows = list(LightRule.objects.active())
    configs = {c.case_type: c for c in dl.DEFAULT_LIGHTS}
    for r in rows:
        configs[r.case_type] = dl.LightConfig(
            r.case_type,
            r.yellow_share_num,
            r.yellow_share_den,
            r.yellow_days_left,
            r.red_days_left,
            parse_months(r.long_pending_months),
        )
    return list(configs.values())


def ladder() -> list[dl.LadderStep]:
    rows = list(EscalationRule.objects.active())
    if not rows:
        return list(dl.DEFAULT_LADDER)
    return [dl.LadderStep(r.step, r.min_overdue_days, r.listed) for r in rows]


def points() -> dict[str, Decimal]:
    row = PointsRule.objects.active().first()
    if row is None:
        return {
            "per_red": Decimal(1),
            "per_overdue_day": Decimal("0.10"),
            "per_long_pending": Decimal(2),
            "version": 0,
        }
    return {
        "per_red": row.per_red,
        "per_overdue_day": row.per_overdue_day,
        "per_long_pending": row.per_long_pending,
        "version": row.version,
    }


def save_light_rule(user, case_type: str, **values) -> LightRule:
    """A new version of a case type's light rule; the previous one is deactivated; audited."""
    require(user, Action.SUPERVISE)
    with transaction.atomic():
        current = LightRule.objects.select_for_update().filter(case_type=case_type, active=True).first()
        version = (LightRule.objects.filter(case_type=case_type).aggregate(v=Max("version"))["v"] or 0) + 1
        rule = LightRule(case_type=case_type, version=version, created_by=user, **values)
        rule.full_clean()
        if current is not None:
            LightRule.objects.filter(pk=current.pk).update(active=False)
        rule.save()
        audit.record(
            AuditAction.UPDATE,
            rule,
            user=user,
            before=audit.snapshot(current) if current else None,
            after=audit.snapshot(rule),
            message=f"light rule {case_type or '*'} v{version}",
        )
    return rule


# --- the data plane bridge -------------------------------------------------------------------


def _scope_where(path: str | None, column: str) -> str:
    if path in (None, "/"):
        return ""
    if not _PATH.match(path):
        raise ValueError("unexpected unit path")
    return f"{column} IN (SELECT code FROM core_unit WHERE path LIKE '{path}%')"  # noqa: S608 - path checked against _PATH


def load_engine(as_of: dt.date, path: str | None = None, pending_only: bool = False):
    """A DuckDB engine holding the registry's cases and events (optionally one subtree, pending only)."""
    from casewatch.analytics.engines.duckdb_engine import DuckDBEngine
    from casewatch.cases import warehouse
    from casewatch.cases.snapshot import read_table

    if warehouse.available():
        engine = _store_engine(warehouse.path(), path, pending_only)
        if engine is not None:
            engine._expose(as_of, None)
            return engine
    where = _scope_where(path, "t.unit_code")
    if pending_only:
        where = " AND ".join(x for x in (where, "t.status IN ('pending', 'suspended')") if x)
    event_where = f"t.case_id IN (SELECT id FROM cases_case t WHERE {where})" if where else ""  # noqa: S608 - built above
    engine = DuckDBEngine()
    engine.load({"cases": read_table("cases", where), "events": read_table("events", event_where)})
    engine._expose(as_of, None)
    return engine


def _store_engine(store_path, path: str | None, pending_only: bool):
    """A DuckDB engine over the warm analytics store, cases restricted to a subtree / pending."""
    import pyarrow as pa

    from casewatch.analytics.engines.duckdb_engine import DuckDBEngine
    from casewatch.analytics.store import StoreError
    from casewatch.core.models import Unit

    engine = DuckDBEngine()
    try:
        engine.attach_store(store_path)
    except StoreError:
        engine.close()
        return None
    filters = []
    if path not in (None, "/"):
        if not _PATH.match(path):
            raise ValueError("unexpected unit path")
        codes = list(Unit.objects.filter(path__startswith=path).values_list("code", flat=True))
        engine.con.register("_codes_in", pa.table({"code": pa.array(codes, pa.string())}))
        engine._exec("CREATE OR REPLACE TEMP TABLE scope_codes AS SELECT * FROM _codes_in")
        engine.con.unregister("_codes_in")
        filters.append("unit_code IN (SELECT code FROM temp.scope_codes)")
    if pending_only:
        filters.append("status IN ('pending', 'suspended')")
    if filters:
        where = " AND ".join(filters)
        engine._exec(f"CREATE OR REPLACE VIEW lake.cases AS SELECT * FROM store.main.cases WHERE {where}")  # noqa: S608
        engine._exec(
            "CREATE OR REPLACE VIEW lake.events AS SELECT e.* FROM store.main.events AS e SEMI JOIN lake.cases AS c "
            "ON c.unit_code = e.unit_code AND c.case_number = e.case_number"
        )
    return engine


def refresh(as_of: dt.date | None = None, actor=None, progress=None) -> dict:
    """Recompute every pending case's state and every custody chain; bulk upsert; record escalations."""
    from casewatch.cases.models import Case

    as_of = as_of or timezone.localdate()
    from casewatch.cases import warehouse

    warehouse.ensure_fresh()
    engine = load_engine(as_of, pending_only=False)
    try:
        state = dl.deadline_state(engine.con, as_of, lights=light_configs(), ladder=ladder()).to_pylist()
        custody = dl.custody_state(engine.con, as_of).to_pylist()
    finally:
        engine.close()
    if progress:
        progress(50, "computed")
    ids = {
        (u, n): pk
        for u, n, pk in Case.objects.filter(status__in=("pending", "suspended")).values_list(
            "unit_id", "case_number", "pk"
        )
    }
    objs = []
    for r in state:
        pk = ids.get((r["unit_code"], r["case_number"]))
        if pk is None:
            continue
        objs.append(
            CaseDeadline(
                case_id=pk,
                unit_id=r["unit_code"],
                case_number=r["case_number"],
                case_type=r["case_type"],
                procedure=r["procedure"] or "",
                handler_staff_no=r["handler_staff_no"] or "",
                filed_at=r["filed_at"],
                limit_period=r["limit_period"] or "",
                statutory_due=r["statutory_due"],
                excluded_days=r["excluded_days"],
                extended_to=r["extended_to"],
                extension_late=r["extension_late"],
                due_date=r["due_date"],
                holiday_shifted=r["holiday_shifted"],
                calendar_gap=r["calendar_gap"],
                limit_days=r["limit_days"],
                legal_days_used=r["legal_days_used"],
                raw_age_days=r["raw_age_days"],
                days_left=r["days_left"],
                overdue_days=r["overdue_days"],
                light=r["light"],
                long_pending_months=r["long_pending_months"],
                escalation_step=r["escalation_step"] or "",
                as_of=as_of,
            )
        )
    all_ids = (
        {(u, n): pk for u, n, pk in Case.objects.values_list("unit_id", "case_number", "pk")}
        if custody
        else {}
    )
    custody_objs = [
        CustodyState(
            person=r["person"],
            case_id=all_ids.get((r["unit_code"], r["case_number"])),
            unit_id=r["unit_code"],
            case_number=r["case_number"],
            stage=r["stage"],
            stage_started=r["stage_started"],
            basis_until=r["basis_until"],
            in_custody=r["in_custody"],
            days_left=r["days_left"],
            gap_days=r["gap_days"] or 0,
            detained_on=r["detained_on"],
            as_of=as_of,
        )
        for r in custody
        if r["in_custody"] or (r["gap_days"] or 0) > 0
    ]
    with transaction.atomic():
        CaseDeadline.objects.exclude(case_id__in=[o.case_id for o in objs]).delete() if len(
            objs
        ) < 50000 else (CaseDeadline.objects.exclude(as_of=as_of).delete())
        CaseDeadline.objects.bulk_create(
            objs,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=[f.replace("unit_id", "unit") for f in STATE_FIELDS],
        )
        if len(objs) >= 50000:
            CaseDeadline.objects.exclude(as_of=as_of).delete()
        CustodyState.objects.all().delete()
        CustodyState.objects.bulk_create(custody_objs, batch_size=2000)
        reached = record_escalations(objs, as_of)
        audit.record(
            AuditAction.JOB,
            user=actor,
            object_type="deadlines.refresh",
            message=f"deadlines refreshed as of {as_of}: {len(objs)} cases, {len(custody_objs)} persons",
        )
    counts: dict[str, int] = {}
    for o in objs:
        counts[o.light] = counts.get(o.light, 0) + 1
    result = {
        "as_of": as_of.isoformat(),
        "cases": len(objs),
        "persons": len(custody_objs),
        "lights": counts,
        "escalations": reached,
    }
    # Recomputing never issues orders: escalations wait for a supervisor's confirmation
    # (`raise_escalations`, the page 待确认督办).
    result["pending_escalations"] = Escalation.objects.filter(status=EscalationStatus.PENDING).count()
    return result


def record_escalations(objs, as_of: dt.date) -> int:
    """Create the escalation record of every rung reached (idempotent per case and step)."""
    rows = [
        Escalation(
            case_id=o.case_id,
            unit_id=o.unit_id,
            step=o.escalation_step,
            overdue_days=o.overdue_days,
            as_of=as_of,
        )
        for o in objs
        if o.escalation_step
    ]
    before = Escalation.objects.count()
    Escalation.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return Escalation.objects.count() - before


def pending_escalations(user):
    """The escalations in the user's scope that wait for a supervisor to confirm them."""
    return (
        Escalation.objects.restrict(user, Action.VIEW)
        .filter(status=EscalationStatus.PENDING)
        .select_related("case", "unit")
        .order_by("-overdue_days", "case_id")
    )


def raise_escalations(user, ids=None, limit: int = 500) -> dict:
    """After a supervisor confirmed them, turn pending escalations into supervision orders.

    Idempotent: each escalation is claimed with a conditional update (pending → raised), so two
    confirmations, two workers or a double click raise it once; a case that already has an open
    order from the ladder gets no second order — the higher rung is noted on that order (and it
    is listed when the rung says so). Orders carry their automatic origin (``deadline``), no
    issuing person and the level of the receiving unit; the confirming supervisor is recorded on
    the escalation and in the audit trail. Returns counts: ``opened``, ``attached``, ``warnings``.
    """
    from casewatch.problems import services_orders
    from casewatch.problems.choices import OrderOrigin, OrderStatus
    from casewatch.problems.models import SupervisionOrder

    require(user, Action.SUPERVISE)
    listed = {s.step: s.listed for s in ladder()}
    labels = dict(EscalationStepChoices.choices)
    qs = pending_escalations(user)
    if ids is not None:
        qs = qs.filter(pk__in=[int(i) for i in ids])
    opened, attached, warnings = 0, 0, []
    for esc in list(qs[:limit]):
        with transaction.atomic():
            claimed = Escalation.objects.filter(pk=esc.pk, status=EscalationStatus.PENDING).update(
                status=EscalationStatus.RAISED, raised_by=user, raised_at=timezone.now()
            )
            if not claimed:
                continue
            step_label = str(labels.get(esc.step, esc.step))
            existing = (
                SupervisionOrder.objects.filter(
                    case_id=esc.case_id, origin=OrderOrigin.DEADLINE, status=OrderStatus.OPEN
                )
                .order_by("-id")
                .first()
            )
            if existing is not None:
                Escalation.objects.filter(pk=esc.pk).update(order_id=existing.pk)
                if listed.get(esc.step) and not existing.listed:
                    services_orders.set_listed(user, existing.pk, True)
                audit.record(
                    AuditAction.TRANSITION,
                    esc,
                    user=user,
                    before={"status": EscalationStatus.PENDING},
                    after={"status": EscalationStatus.RAISED, "order": existing.pk, "step": esc.step},
                    message=f"escalation {esc.step} noted on open order #{existing.pk}",
                )
                attached += 1
                continue
            order = services_orders.open_system_order(
                title=_("Overdue case %(number)s: %(step)s")
                % {"number": esc.case.case_number, "step": step_label},
                instructions=_(
                    "The case is %(days)s days past its legal time limit (as of %(date)s). %(step)s."
                )
                % {"days": esc.overdue_days, "date": esc.as_of.isoformat(), "step": step_label},
                deadline=timezone.localdate() + dt.timedelta(days=15),
                unit=esc.unit,
                case=esc.case,
                listed=listed.get(esc.step, False),
                confirmed_by=user,
            )
            Escalation.objects.filter(pk=esc.pk).update(order_id=order.pk)
            audit.record(
                AuditAction.TRANSITION,
                esc,
                user=user,
                before={"status": EscalationStatus.PENDING},
                after={"status": EscalationStatus.RAISED, "order": order.pk, "step": esc.step},
                message=f"escalation {esc.step} confirmed: order #{order.pk}",
            )
            if order.warning:
                warnings.append(order.warning)
            opened += 1
    return {"opened": opened, "attached": attached, "warnings": sorted(set(warnings))}


# --- display tokens --------------------------------------------------------------------------


def issue_display_token(user, unit_code: str, name: str) -> tuple[DisplayToken, str]:
    require(user, Action.SUPERVISE)
    unit = get_scoped_or_404(user, Unit, Action.VIEW, code=unit_code)
    with transaction.atomic():
        token, raw = DisplayToken.issue(unit, (name or "").strip()[:80] or unit.name, user)
        audit.record(
            AuditAction.TOKEN_CREATED,
            token,
            user=user,
            message=f"display token {token.prefix}… for {unit.code}",
        )
    return token, raw


def revoke_display_token(user, token_id: int) -> DisplayToken:
    require(user, Action.SUPERVISE)
    token = get_scoped_or_404(user, DisplayToken, Action.VIEW, pk=token_id)
    with transaction.atomic():
        DisplayToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(
            AuditAction.TOKEN_REVOKED, token, user=user, message=f"display token {token.prefix}… revoked"
        )
    return token


# --- pages' data ----------------------------------------------------------------------------


def case_panel(case, as_of: dt.date | None = None) -> tuple[dict, list]:
    """One case's deadline state and the steps of its due date (computed live, same rules)."""
    as_of = as_of or timezone.localdate()
    row = {
        "unit_code": case.unit_id,
        "case_number": case.case_number,
        "case_type": case.case_type,
        "procedure": case.procedure or None,
        "filed_at": case.filed_at,
        "closed_at": case.closed_at,
    }
    tz = timezone.get_default_timezone()
    events = [
        {
            "kind": e.kind,
            "seq": e.seq,
            "occurred_at": timezone.localtime(e.occurred_at, tz).replace(tzinfo=None),
            "approved_at": timezone.localtime(e.approved_at, tz).replace(tzinfo=None)
            if e.approved_at
            else None,
            "new_due_date": e.new_due_date,
            "approver_level": e.approver_level,
        }
        for e in case.events.all()
    ]
    return dl.compute_case(row, events, as_of, lights=light_configs(), ladder=ladder())


_PERF_SQL = """SELECT unit_code, handler, COUNT(*) AS pending,
       CAST(SUM(CASE WHEN light = 'red' THEN 1 ELSE 0 END) AS INTEGER) AS red,
       CAST(SUM(overdue_days) AS INTEGER) AS overdue_days,
       CAST(SUM(CASE WHEN long_pending_months > 0 THEN 1 ELSE 0 END) AS INTEGER) AS long_pending
FROM {source} {where} GROUP BY 1, 2 ORDER BY 1, 2"""


def _performance_from_store(path: str, month_end: dt.date):
    """The month's rows from the store's derived per-case table (``d_perf_state``, computed once
    per generation for the current month), or None when it is not for this month/configuration."""
    from casewatch.cases import warehouse

    con = warehouse.reader()
    if con is None:
        return None
    params = {"lights": tuple(light_configs()), "ladder": tuple(ladder()), "perf_month_end": month_end}
    source = derived.table_if_current(con, "perf_state", params)
    if source is None:
        return None
    where = ""
    if path != "/":
        codes = list(Unit.objects.filter(path__startswith=path).values_list("code", flat=True))
        con.register("perf_scope", pa.table({"code": pa.array(codes, pa.string())}))
        where = "WHERE unit_code IN (SELECT code FROM perf_scope)"
    return con.execute(_PERF_SQL.format(source=source, where=where)).fetchall()  # noqa: S608 - fixed fragments


def performance(user, month: dt.date) -> list[dict]:
    """Points per handler and unit for a month: state at the month's last day (pending then)."""
    from casewatch.core.querysets import scope_path

    month_end = dl.month_ends(month, month)[0]
    path = scope_path(user)
    if path is None:  # no scope: nothing (the engine below would have read the whole city)
        return []
    rows = _performance_from_store(path, month_end)
    if rows is None:  # no store, or its derived table is for another month / configuration
        engine = load_engine(month_end, path)
        try:
            state = dl.deadline_state(
                engine.con, month_end, derived.perf_filter(month_end), lights=light_configs(), ladder=ladder()
            )
            engine.con.register("perf_state", derived.perf_rows(state))
            rows = engine.con.execute(_PERF_SQL.format(source="perf_state", where="")).fetchall()
        finally:
            engine.close()
    p = points()
    out = []
    for unit, handler, pending, red, overdue, lp in rows:
        score = red * p["per_red"] + overdue * p["per_overdue_day"] + lp * p["per_long_pending"]
        out.append(
            {
                "month": month_end.strftime("%Y-%m"),
                "unit_code": unit,
                "handler": handler,
                "pending": pending,
                "red": red,
                "overdue_days": overdue,
                "long_pending": lp,
                "points": dl.half_up(score),
            }
        )
    return out

"""Supervision orders (督办 / 挂牌督办): issuing, progress reports, closing, escalation.

An order targets a problem, a case, a lead of the false-litigation module (``lead_ref``) or
nothing in particular; it always names the receiving unit, which decides who sees it. The
receiving unit files progress reports; a supervisor closes it. An order still open after its
deadline escalates one level (district → city; a city-level order becomes listed, 挂牌) with a
fresh deadline — see `escalate_overdue_orders`, run by the daily tick.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.analytics.ningbo import CITY_CODE
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction, Role, UnitKind
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.problems import board, notifications
from casewatch.problems.choices import NotificationKind, OrderLevel, OrderOrigin, OrderStatus
from casewatch.problems.conf import order_days
from casewatch.problems.models import Problem, ProgressReport, SupervisionOrder
from casewatch.problems.services import _pg, _require, visible_or_404


def order_url(order_id: int) -> str:
    return reverse("problems:order_detail", args=[order_id])


def _notice(order: SupervisionOrder) -> dict:
    return {
        "order": order.pk,
        "title": order.title,
        "deadline": order.deadline.isoformat(),
        "level": str(OrderLevel(order.level).label),
    }


def receivers(unit) -> list:
    """Who at the receiving unit hears about an order: its legal officers and agency supervisors."""
    return list(notifications.covering_users(unit, [Role.LEGAL_OFFICER, Role.AGENCY_SUPERVISOR]))


def reach(unit, issuer=None) -> tuple[list, bool]:
    """Who is told about an order to ``unit``, and whether anyone at the unit can act on it.

    Normally the unit's legal officers and agency supervisors. When the unit has none, nobody
    there would ever hear of the order: the committee supervisors over the unit (and the issuer)
    are told instead, and the caller must warn that the order reaches no one at the unit.
    """
    users = receivers(unit)
    if users:
        return users, True
    fallback = notifications.committee_supervisors(unit)
    if issuer is not None and issuer.pk not in {u.pk for u in fallback}:
        fallback.append(issuer)
    return fallback, False


def unreached_warning(unit) -> str:
    """The warning shown when an order's receiving unit has nobody who can act on it."""
    return _(
        "Nobody at %(unit)s can receive this order (no legal officer or agency supervisor covers it). "
        "The committee supervisors were told instead; give the unit an account that receives orders."
    ) % {"unit": unit.name}


def user_is_city_level(user) -> bool:
    return user.is_superuser or (user.scope_id is not None and user.scope.kind == UnitKind.CITY)


def issue_order(
    user,
    *,
    title: str,
    instructions: str,
    deadline: dt.date,
    unit=None,
    level: str | None = None,
    listed: bool = False,
    problem=None,
    case=None,
    lead_ref: str = "",
) -> SupervisionOrder:
    """A committee or agency supervisor issues an order on a problem, a case or a lead."""
    _require(user, Action.SUPERVISE, message=_("Only supervisors may issue supervision orders."))
    title = (title or "").strip()[:200]
    instructions = (instructions or "").strip()
    if not title or not instructions:
        raise ValidationError(_("An order needs a title and instructions."), code="required")
    if deadline is None or deadline < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."), code="deadline")
    if problem is not None:
        problem = get_scoped_or_404(
            user, Problem.objects.select_related("unit"), Action.VIEW, pk=getattr(problem, "pk", problem)
        )
        unit = unit or problem.unit
    if case is not None:
        from casewatch.cases.models import Case

        case = get_scoped_or_404(
            user, Case.objects.select_related("unit"), Action.VIEW, pk=getattr(case, "pk", case)
        )
        unit = unit or case.unit
    if unit is None:
        raise ValidationError(_("Choose the unit that receives the order."), code="unit")
    unit = get_scoped_or_404(user, Unit, Action.VIEW, code=getattr(unit, "code", unit))
    city = user_is_city_level(user)
    level = level or (OrderLevel.CITY if city else OrderLevel.DISTRICT)
    if level not in OrderLevel.values:
        raise ValidationError(_("Unknown level."), code="level")
    if level == OrderLevel.CITY and not city:
        raise PermissionDenied(_("Only city-level supervisors may issue city-level orders."))
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            title=title,
            instructions=instructions,
            deadline=deadline,
            unit=unit,
            level=level,
            listed=bool(listed),
            problem=problem,
            case=case,
            lead_ref=(lead_ref or "").strip()[:120],
            issued_by=user,
            issuer_unit=user.unit,
            origin=OrderOrigin.MANUAL,
        )
        board.bump()
        recipients, reached = reach(unit, user)
        audit.record(
            AuditAction.CREATE,
            order,
            user=user,
            after=audit.snapshot(order),
            message="supervision order issued"
            if reached
            else "supervision order issued; nobody at the unit receives it",
        )
        notifications.notify(
            recipients,
            NotificationKind.ORDER_ISSUED,
            params=_notice(order),
            url=order_url(order.pk),
            order=order,
        )
    order.warning = "" if reached else unreached_warning(unit)
    return order


def open_system_order(
    *,
    title: str,
    instructions: str,
    deadline: dt.date,
    unit,
    case=None,
    listed: bool = False,
    origin: str = OrderOrigin.DEADLINE,
    confirmed_by=None,
) -> SupervisionOrder:
    """An order the system opens by rule (no issuing person): level from the receiving unit.

    Used by the deadline ladder after a supervisor confirmed it; the order carries its automatic
    origin and no issuer, a city-level unit gets a city-level order, every other unit a district
    one. The confirming supervisor is recorded in the audit trail, not as the issuer.
    """
    level = OrderLevel.CITY if unit.division_code == CITY_CODE else OrderLevel.DISTRICT
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            title=title[:200],
            instructions=instructions,
            deadline=deadline,
            unit=unit,
            level=level,
            listed=bool(listed),
            case=case,
            origin=origin,
        )
        board.bump()
        recipients, reached = reach(unit, confirmed_by)
        audit.record(
            AuditAction.CREATE,
            order,
            user=confirmed_by,
            after=audit.snapshot(order),
            message=f"supervision order opened automatically ({origin})"
            + ("" if reached else "; nobody at the unit receives it"),
        )
        notifications.notify(
            recipients,
            NotificationKind.ORDER_ISSUED,
            params=_notice(order),
            url=order_url(order.pk),
            order=order,
        )
    order.warning = "" if reached else unreached_warning(unit)
    return order


def _lock(user, order_id: int) -> SupervisionOrder:
    qs = SupervisionOrder.objects.restrict(user, Action.VIEW).select_related("unit", "issued_by")
    if _pg():
        qs = qs.select_for_update(of=("self",))
    order = qs.filter(pk=order_id).first()
    if order is None:  # gone since `visible_or_404` looked
        raise Http404(_("Not found."))
    return order


def file_report(user, order_id: int, text: str) -> ProgressReport:
    """The receiving unit reports progress on an open order."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write what has been done."), code="required")
    visible_or_404(user, SupervisionOrder, order_id)
    with transaction.atomic():
        order = _lock(user, order_id)
        _require(user, Action.HANDLE, Action.CHANGE, Action.SUPERVISE)
        if order.status != OrderStatus.OPEN:
            raise ValidationError(_("The order is closed."), code="closed")
        report = ProgressReport.objects.create(order=order, author=user, text=text)
        audit.record(
            AuditAction.CREATE,
            report,
            user=user,
            after={"order": order.pk, "text": text[:500]},
            message="progress report filed",
        )
        notifications.notify(
            [order.issued_by] if order.issued_by_id else notifications.committee_supervisors(order.unit),
            NotificationKind.ORDER_REPORT,
            params=_notice(order),
            url=order_url(order.pk),
            order=order,
        )
    return report


def close_order(user, order_id: int, note: str) -> SupervisionOrder:
    """A supervisor closes an order (with a note). City-level orders need a city-level supervisor."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("A note is required to close an order."), code="required")
    visible_or_404(user, SupervisionOrder, order_id)
    with transaction.atomic():
        order = _lock(user, order_id)
        _require(user, Action.SUPERVISE)
        if order.level == OrderLevel.CITY and not user_is_city_level(user):
            raise PermissionDenied(_("Only city-level supervisors may close city-level orders."))
        if order.status != OrderStatus.OPEN:
            raise ValidationError(_("The order is already closed."), code="closed")
        SupervisionOrder.objects.filter(pk=order.pk).update(
            status=OrderStatus.CLOSED, closed_at=timezone.now(), closed_by=user, closing_note=note
        )
        board.bump()
        order.refresh_from_db()
        audit.record(
            AuditAction.TRANSITION,
            order,
            user=user,
            before={"status": OrderStatus.OPEN},
            after={"status": OrderStatus.CLOSED, "closing_note": note},
            message="supervision order closed",
        )
        notifications.notify(
            reach(order.unit, order.issued_by)[0],
            NotificationKind.ORDER_CLOSED,
            params=_notice(order),
            url=order_url(order.pk),
            order=order,
        )
    return order


def set_listed(user, order_id: int, listed: bool) -> SupervisionOrder:
    """List (挂牌) or unlist an order; shown on the board while listed and open."""
    visible_or_404(user, SupervisionOrder, order_id)
    with transaction.atomic():
        order = _lock(user, order_id)
        _require(user, Action.SUPERVISE)
        if order.listed != listed:
            board.bump()
            SupervisionOrder.objects.filter(pk=order.pk).update(listed=listed)
            audit.record(
                AuditAction.UPDATE,
                order,
                user=user,
                before={"listed": order.listed},
                after={"listed": listed},
            )
            order.listed = listed
    return order


def order_from_problem(problem: Problem, today: dt.date, days_overdue: int) -> SupervisionOrder:
    """The order an overdue problem turns into after the grace period (system action, no user)."""
    city_unit = problem.unit.division_code == CITY_CODE
    return SupervisionOrder(
        title=(_("Overdue rectification: %(title)s") % {"title": problem.title})[:200],
        problem=problem,
        case_id=problem.case_id,
        unit=problem.unit,
        level=OrderLevel.CITY if city_unit else OrderLevel.DISTRICT,
        origin=OrderOrigin.ESCALATION,
        instructions=_(
            "Problem #%(id)s is %(days)d days past its deadline of %(deadline)s. Rectify it and report progress by the new deadline."
        )
        % {"id": problem.pk, "days": days_overdue, "deadline": problem.deadline.isoformat()},
        deadline=today + dt.timedelta(days=order_days()),
    )


def escalate_overdue_orders(today: dt.date) -> list[SupervisionOrder]:
    """Every open order past its deadline (not yet escalated for that deadline) goes one level up.

    District → city with a fresh deadline; a city-level order becomes listed (挂牌) with a fresh
    deadline; a listed city-level order is flagged once per lapsed deadline. Idempotent per day.
    """
    escalated = []
    qs = SupervisionOrder.objects.overdue(today).select_related("unit")
    if _pg():
        qs = qs.select_for_update(of=("self",))
    now = timezone.now()
    for order in qs:
        if order.overdue_handled_for == order.deadline:
            continue
        before = {"level": order.level, "listed": order.listed, "deadline": order.deadline.isoformat()}
        changes = {
            "overdue_handled_for": order.deadline,
            "escalation_count": order.escalation_count + 1,
            "escalated_at": now,
        }
        if order.level == OrderLevel.DISTRICT:
            changes.update(level=OrderLevel.CITY, deadline=today + dt.timedelta(days=order_days()))
        elif not order.listed:
            changes.update(listed=True, deadline=today + dt.timedelta(days=order_days()))
        for k, v in changes.items():
            setattr(order, k, v)
        board.bump()
        order.save(update_fields=list(changes))
        audit.record(
            AuditAction.TRANSITION,
            order,
            before=before,
            after={"level": order.level, "listed": order.listed, "deadline": order.deadline.isoformat()},
            message="supervision order escalated (overdue)",
        )
        escalated.append(order)
    return escalated


def can_report(user) -> bool:
    return any(user_can(user, a) for a in (Action.HANDLE, Action.CHANGE, Action.SUPERVISE))

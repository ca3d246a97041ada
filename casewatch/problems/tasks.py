"""Scheduled work: the daily tick (overdue marks, escalation, order escalation, accountability
triggers, e-mail digests). Run it with ``casewatch problems-tick`` (cron, or ``--daily`` as a
long-running loop next to the worker) or queue the ``problems.tick`` job.

Every step is idempotent: running the tick twice on one day changes nothing the second time.
Batch work is audited once per run (plus one record per escalation, which creates an order).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from casewatch.core import audit, jobs
from casewatch.core.choices import AuditAction
from casewatch.problems import board, notifications
from casewatch.problems import services_accountability as accountability
from casewatch.problems import services_orders as orders
from casewatch.problems.choices import NotificationKind, ProblemAction
from casewatch.problems.conf import escalation_grace_days
from casewatch.problems.models import Problem, ProblemEvent, SupervisionOrder
from casewatch.problems.services import problem_url

BATCH = 500

#: Daily steps other apps add to the tick (name → function(today) returning a JSON-able count).
DAILY_STEPS: dict = {}


def register_daily(name: str):
    """Decorator: run a function of one argument (the day) in every daily tick, e.g. the deadline
    refresh, so what the pages show is computed for today without anyone pressing a button."""

    def deco(fn):
        DAILY_STEPS[name] = fn
        return fn

    return deco


def _pg() -> bool:
    return connection.vendor == "postgresql"


def mark_overdue(today: dt.date) -> int:
    """Mark open problems past their deadline; tell the owner and the unit supervisors once."""
    marked = 0
    now = timezone.now()
    while True:
        with transaction.atomic():
            qs = (
                Problem.objects.overdue(today)
                .filter(overdue_marked_at__isnull=True)
                .select_related("unit", "assignee")
                .order_by("id")
            )
            if _pg():
                qs = qs.select_for_update(of=("self",), skip_locked=True)
            batch = list(qs[:BATCH])
            if not batch:
                break
            Problem.objects.filter(pk__in=[p.pk for p in batch]).update(overdue_marked_at=now)
            ProblemEvent.objects.bulk_create(
                [
                    ProblemEvent(
                        problem=p,
                        action=ProblemAction.OVERDUE,
                        from_status=p.status,
                        to_status=p.status,
                        at=now,
                        data={"deadline": p.deadline.isoformat(), "today": today.isoformat()},
                    )
                    for p in batch
                ]
            )
            supervisors: dict[str, list] = {}
            items = []
            for p in batch:
                if p.unit_id not in supervisors:
                    supervisors[p.unit_id] = notifications.unit_supervisors(p.unit)
                params = {"id": p.pk, "title": p.title, "deadline": p.deadline.isoformat()}
                seen = set()
                for user in notifications.problem_owner(p) + supervisors[p.unit_id]:
                    if user.pk not in seen:
                        seen.add(user.pk)
                        items.append((user, NotificationKind.OVERDUE, params, problem_url(p.pk), p, None))
            notifications.notify_many(items)
            marked += len(batch)
    return marked


def escalate_problems(today: dt.date, grace_days: int) -> list[SupervisionOrder]:
    """Problems overdue by more than the grace period become supervision orders (once)."""
    limit = today - dt.timedelta(days=grace_days)
    created = []
    now = timezone.now()
    while True:
        with transaction.atomic():
            qs = (
                Problem.objects.overdue(limit)
                .filter(escalated_at__isnull=True)
                .select_related("unit", "assignee")
                .order_by("id")
            )
            if _pg():
                qs = qs.select_for_update(of=("self",), skip_locked=True)
            batch = list(qs[:BATCH])
            if not batch:
                break
            for p in batch:
                days = (today - p.deadline).days
                order = orders.order_from_problem(p, today, days)
                order.save()
                board.bump()
                Problem.objects.filter(pk=p.pk).update(escalated_at=now)
                ProblemEvent.objects.create(
                    problem=p,
                    action=ProblemAction.ESCALATE,
                    from_status=p.status,
                    to_status=p.status,
                    at=now,
                    data={"order": order.pk, "days_overdue": days},
                )
                audit.record(
                    AuditAction.TRANSITION,
                    p,
                    before={"escalated_at": None},
                    after={"escalated_at": now.isoformat(), "order": order.pk},
                    message=f"problem escalated to supervision order #{order.pk} ({days} days overdue)",
                )
                audit.record(
                    AuditAction.CREATE,
                    order,
                    after=audit.snapshot(order),
                    message="supervision order opened by escalation",
                )
                recipients = (
                    notifications.problem_owner(p)
                    + notifications.unit_supervisors(p.unit)
                    + notifications.committee_supervisors(p.unit)
                )
                notifications.notify(
                    recipients,
                    NotificationKind.ESCALATED,
                    params={"id": p.pk, "title": p.title, "days": grace_days, "order": order.pk},
                    url=orders.order_url(order.pk),
                    problem=p,
                    order=order,
                )
                created.append(order)
    return created


def escalate_orders(today: dt.date) -> list[SupervisionOrder]:
    with transaction.atomic():
        escalated = orders.escalate_overdue_orders(today)
        for order in escalated:
            recipients = orders.receivers(order.unit) + notifications.committee_supervisors(order.unit)
            if order.issued_by_id:
                recipients.append(order.issued_by)
            notifications.notify(
                recipients,
                NotificationKind.ORDER_ESCALATED,
                params={
                    "order": order.pk,
                    "title": order.title,
                    "deadline": order.deadline.isoformat(),
                    "level": str(order.get_level_display()),
                },
                url=orders.order_url(order.pk),
                order=order,
            )
    return escalated


def tick(today: dt.date | None = None, grace_days: int | None = None, digests: bool = True) -> dict:
    """One daily run of every scheduled step; returns counts per step."""
    today = today or timezone.localdate()
    grace = escalation_grace_days() if grace_days is None else grace_days
    result = {
        "today": today.isoformat(),
        "marked_overdue": mark_overdue(today),
        "escalated_problems": len(escalate_problems(today, grace)),
        "escalated_orders": len(escalate_orders(today)),
        "accountability_reviews": len(accountability.evaluate(today)),
        "digests": notifications.send_digests() if digests else 0,
    }
    for name, step in DAILY_STEPS.items():
        result[name] = step(today)
    if connection.vendor == "sqlite":
        # Keep the query planner's statistics fresh (SQLite has no autovacuum/autoanalyze).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    audit.record(
        AuditAction.JOB,
        object_type="problems.tick",
        message="problems tick: " + ", ".join(f"{k}={v}" for k, v in result.items()),
    )
    return result


@jobs.register("problems.tick")
def tick_job(job, today: str | None = None, grace_days: int | None = None):
    """The daily tick as a background job (the worker runs it when queued)."""
    job.set_progress(5, "tick")
    result = tick(dt.date.fromisoformat(today) if today else None, grace_days)
    job.write_log(", ".join(f"{k}={v}" for k, v in result.items()))
    return result

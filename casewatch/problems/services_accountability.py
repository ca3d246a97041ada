"""Accountability (追责问责): counts per unit and person, triggers that open reviews, decisions.

Triggers only *open* a review — the outcome (谈话提醒, 通报批评, 诫勉谈话, referral to the
discipline body, or no action) is always recorded by a supervisor, never decided by the system.
A problem counts once per trigger: problems already in a review of that trigger are not counted
again, so a decided review does not re-open the next day on the same problems.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Staff, Unit
from casewatch.problems import notifications
from casewatch.problems.choices import (
    OPEN_STATUSES,
    AccountabilitySubject,
    NotificationKind,
    Outcome,
    ProblemStatus,
    ReviewStatus,
    Severity,
    TriggerKind,
)
from casewatch.problems.models import AccountabilityReview, AccountabilityRule, Problem
from casewatch.problems.querysets import day_bounds, metric_q
from casewatch.problems.services import _pg, _require, visible_or_404

DEFAULT_RULES = [
    {
        "name": "3 serious problems within 90 days",
        "subject": AccountabilitySubject.UNIT,
        "kind": TriggerKind.COUNT,
        "severity": Severity.HIGH,
        "threshold": 3,
        "window_days": 90,
    },
    {
        "name": "A problem overdue by more than 30 days",
        "subject": AccountabilitySubject.UNIT,
        "kind": TriggerKind.OVERDUE,
        "severity": "",
        "threshold": 1,
        "overdue_days": 30,
    },
]


def _candidates(rule: AccountabilityRule, today: dt.date):
    qs = Problem.objects.exclude(accountability_reviews__rule=rule)
    if rule.severity:
        qs = qs.filter(severity=rule.severity)
    if rule.kind == TriggerKind.COUNT:
        since = today - dt.timedelta(days=rule.window_days - 1)
        qs = qs.filter(metric_q("found")).filter(day_bounds(since, today))
    else:
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today - dt.timedelta(days=rule.overdue_days))
    if rule.subject == AccountabilitySubject.PERSON:
        qs = qs.filter(responsible__isnull=False)
    return qs


def _summary(rule: AccountabilityRule, n: int, today: dt.date) -> str:
    if rule.kind == TriggerKind.COUNT:
        severity = str(Severity(rule.severity).label) if rule.severity else _("any severity")
        return _(
            "%(n)d problems (%(severity)s) found in the %(days)d days to %(today)s (trigger: %(rule)s)."
        ) % {
            "n": n,
            "severity": severity,
            "days": rule.window_days,
            "today": today.isoformat(),
            "rule": rule.label,
        }
    return _("%(n)d problem(s) overdue by more than %(days)d days on %(today)s (trigger: %(rule)s).") % {
        "n": n,
        "days": rule.overdue_days,
        "today": today.isoformat(),
        "rule": rule.label,
    }


def evaluate(today: dt.date | None = None) -> list[AccountabilityReview]:
    """Run every active trigger; open a review per unit (or person) that crosses it. Idempotent."""
    today = today or timezone.localdate()
    opened = []
    with transaction.atomic():
        for rule in AccountabilityRule.objects.filter(active=True):
            key = "responsible_id" if rule.subject == AccountabilitySubject.PERSON else "unit_id"
            groups: dict[object, list[int]] = defaultdict(list)
            units: dict[object, str] = {}
            for pk, group, unit_code in _candidates(rule, today).values_list("pk", key, "unit_id"):
                groups[group].append(pk)
                units.setdefault(group, unit_code)
            for group, ids in groups.items():
                if len(ids) < max(rule.threshold, 1):
                    continue
                person = (
                    Staff.objects.filter(pk=group).select_related("unit").first()
                    if key == "responsible_id"
                    else None
                )
                unit_code = group if key == "unit_id" else units[group]
                unit = Unit.objects.get(code=unit_code)
                review = AccountabilityReview.objects.create(
                    rule=rule,
                    subject=rule.subject,
                    unit=unit,
                    person=person,
                    summary=_summary(rule, len(ids), today),
                )
                review.problems.set(ids)
                audit.record(
                    AuditAction.CREATE,
                    review,
                    after={
                        "rule": rule.pk,
                        "unit": unit.code,
                        "person": person.pk if person else None,
                        "problems": ids,
                    },
                    message="accountability review opened by a trigger",
                )
                subject = f"{unit.name} · {person.name}" if person else unit.name
                recipients = notifications.unit_supervisors(unit) + notifications.committee_supervisors(unit)
                notifications.notify(
                    recipients,
                    NotificationKind.ACCOUNTABILITY,
                    params={"subject": subject, "summary": review.summary, "review": review.pk},
                    url=reverse("problems:review_detail", args=[review.pk]),
                )
                opened.append(review)
    return opened


def decide(user, review_id: int, outcome: str, note: str) -> AccountabilityReview:
    """A supervisor records the outcome of an accountability review (once)."""
    note = (note or "").strip()
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose an outcome."), code="outcome")
    if not note:
        raise ValidationError(_("Record the reasons for the decision."), code="note_required")
    visible_or_404(user, AccountabilityReview, review_id)
    with transaction.atomic():
        qs = AccountabilityReview.objects.restrict(user, Action.VIEW).select_related("unit")
        if _pg():
            qs = qs.select_for_update(of=("self",))
        review = qs.filter(pk=review_id).first()
        if review is None:  # gone since `visible_or_404` looked
            raise Http404(_("Not found."))
        _require(user, Action.SUPERVISE, message=_("Only supervisors may record accountability decisions."))
        if review.status != ReviewStatus.OPEN:
            raise ValidationError(_("This review has already been decided."), code="decided")
        now = timezone.now()
        AccountabilityReview.objects.filter(pk=review.pk).update(
            status=ReviewStatus.DECIDED, outcome=outcome, outcome_note=note, decided_by=user, decided_at=now
        )
        review.refresh_from_db()
        audit.record(
            AuditAction.TRANSITION,
            review,
            user=user,
            before={"status": ReviewStatus.OPEN},
            after={"status": ReviewStatus.DECIDED, "outcome": outcome, "note": note},
            message=f"accountability outcome recorded: {outcome}",
        )
    return review


def stats(
    user, *, by: str = "unit", since: dt.date | None = None, until: dt.date | None = None, today=None
) -> list[dict]:
    """Problems per unit or per person over a period: counts by severity, overdue, open reviews."""
    today = today or timezone.localdate()
    qs = (
        Problem.objects.restrict(user, Action.VIEW).filter(metric_q("found")).filter(day_bounds(since, until))
    )
    key = "responsible_id" if by == "person" else "unit_id"
    if by == "person":
        qs = qs.filter(responsible__isnull=False)
    rows = list(
        qs.order_by()
        .values(key)
        .annotate(
            total=Count("id"),
            high=Count("id", filter=Q(severity=Severity.HIGH)),
            medium=Count("id", filter=Q(severity=Severity.MEDIUM)),
            low=Count("id", filter=Q(severity=Severity.LOW)),
            overdue=Count("id", filter=metric_q("overdue", today)),
            rectified=Count("id", filter=Q(status=ProblemStatus.VERIFIED)),
        )
        .order_by("-high", "-total")
    )
    keys = [r[key] for r in rows]
    if by == "person":
        names = {
            s.pk: (s.name, s.unit.name, s.unit_id)
            for s in Staff.objects.filter(pk__in=keys).select_related("unit")
        }
    else:
        names = {
            u.code: (u.name, u.parent.name if u.parent_id else "", u.code)
            for u in Unit.objects.filter(code__in=keys).select_related("parent")
        }
    open_reviews = defaultdict(int)
    reviews = AccountabilityReview.objects.restrict(user, Action.VIEW).filter(status=ReviewStatus.OPEN)
    field = "person_id" if by == "person" else "unit_id"
    for r in reviews.order_by().values(field).annotate(n=Count("id")):
        open_reviews[r[field]] += r["n"]
    out = []
    for r in rows:
        name, parent, code = names.get(r[key], (str(r[key]), "", ""))
        out.append(
            {
                "key": r[key],
                "name": name,
                "parent": parent,
                "unit_code": code,
                **{k: r[k] for k in ("total", "high", "medium", "low", "overdue", "rectified")},
                "open_reviews": open_reviews.get(r[key], 0),
            }
        )
    return out

"""Reusable filters of the problem list. The board, the list's drill-down filters and the API all
use `metric_q`, so a figure on the board is, by construction, the count of the list behind it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from casewatch.core.querysets import RestrictedQuerySet
from casewatch.problems.choices import OPEN_STATUSES, OrderStatus, ProblemStatus

#: The board's metrics, in display order.
METRICS = ("found", "rectified", "open", "overdue")


def metric_q(name: str, today: dt.date | None = None) -> Q:
    """The condition behind one board metric.

    * found — every problem that was not dismissed;
    * rectified — verified (closed with evidence);
    * open — still being worked on (open, assigned, rectifying, submitted);
    * overdue — open and past its deadline (as of `today`).
    """
    if name == "found":
        return ~Q(status=ProblemStatus.DISMISSED)
    if name == "rectified":
        return Q(status=ProblemStatus.VERIFIED)
    if name == "open":
        return Q(status__in=OPEN_STATUSES)
    if name == "overdue":
        return Q(status__in=OPEN_STATUSES, deadline__lt=today or timezone.localdate())
    raise ValueError(f"unknown metric {name!r}")


def day_bounds(since: dt.date | None, until: dt.date | None) -> Q:
    """`created_at` within [since, until] as local calendar days, without per-row date casts."""
    q = Q()
    tz = timezone.get_current_timezone()
    if since:
        q &= Q(created_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        q &= Q(created_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return q


class ProblemQuerySet(RestrictedQuerySet):
    """Problems: scoped by the owning unit."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None):
        return self.filter(metric_q("overdue", today))

    def metric(self, name: str, today: dt.date | None = None):
        return self.filter(metric_q(name, today))

    def found_between(self, since: dt.date | None, until: dt.date | None):
        return self.filter(day_bounds(since, until))

    def in_subtree(self, unit_code: str):
        """Problems of a unit and everything below it."""
        return self.filter(unit__path__contains=f"/{unit_code}/")


class OrderQuerySet(RestrictedQuerySet):
    """Supervision orders: scoped by the receiving unit."""

    def open(self):
        return self.filter(status=OrderStatus.OPEN)

    def overdue(self, today: dt.date | None = None):
        return self.filter(status=OrderStatus.OPEN, deadline__lt=today or timezone.localdate())

    def listed(self):
        return self.filter(listed=True, status=OrderStatus.OPEN)

"""Tunable figures of the problem list, read from Django settings with the defaults below.

* ``PROBLEMS_DEADLINE_DAYS`` — days to rectify by severity, default ``{"high": 15, "medium": 30, "low": 60}``.
* ``PROBLEMS_ESCALATION_GRACE_DAYS`` — days past the deadline before an overdue problem becomes a
  supervision order, default 7 (also ``problems-tick --grace-days``).
* ``PROBLEMS_ORDER_DAYS`` — deadline of an order opened by escalation, and the new deadline after
  an order escalates one level, default 15.
* ``PROBLEMS_EVIDENCE_MAX_BYTES`` — largest evidence file, default 20 MB (never above ``UPLOAD_MAX_BYTES``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

DEFAULT_DEADLINE_DAYS = {"high": 15, "medium": 30, "low": 60}


def deadline_days(severity: str) -> int:
    table = {**DEFAULT_DEADLINE_DAYS, **getattr(settings, "PROBLEMS_DEADLINE_DAYS", {})}
    return int(table.get(severity, DEFAULT_DEADLINE_DAYS["medium"]))


def default_deadline(severity: str, start: dt.date | None = None) -> dt.date:
    """The deadline a new problem gets when nobody sets one: by severity from today."""
    return (start or timezone.localdate()) + dt.timedelta(days=deadline_days(severity))


def escalation_grace_days() -> int:
    return int(getattr(settings, "PROBLEMS_ESCALATION_GRACE_DAYS", 7))


def order_days() -> int:
    return int(getattr(settings, "PROBLEMS_ORDER_DAYS", 15))


def evidence_max_bytes() -> int:
    limit = int(getattr(settings, "PROBLEMS_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
    return min(limit, int(getattr(settings, "UPLOAD_MAX_BYTES", limit)))

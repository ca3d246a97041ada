"""Working-day arithmetic for the notarial time limit (Django-free, on the shared holiday calendar).

公证法 第30条: the certificate is due "自受理公证申请之日起十五个工作日内"; time for force majeure,
supplementing materials or verification "不计算在期限内". So:

* the day of acceptance is not counted; the due day is the 15th working day after it;
* working days follow `casewatch.analytics.timelimits` (chinese-calendar: public holidays off,
  make-up working days 调休上班日 on);
* working days spent waiting for materials are added on (the request day not counted, the
  answer day counted as waiting — the clock resumes the next working day);
* beyond the calendar's coverage Monday–Friday is assumed and the result is flagged.
"""

from __future__ import annotations

import datetime as dt

from casewatch.analytics import timelimits


def _workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, known from the calendar)."""
    if timelimits.in_coverage(day):
        return timelimits.is_workday(day), True
    return day.weekday() < 5, False


def add_working_days(start: dt.date, days: int) -> tuple[dt.date, bool]:
    """The ``days``-th working day after ``start`` (start not counted) and whether it is exact."""
    day, exact, left = start, True, days
    while left > 0:
        day += dt.timedelta(days=1)
        works, known = _workday(day)
        exact = exact and known
        if works:
            left -= 1
    return day, exact


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if _workday(day)[0]:
            count += 1
    return count


def due_on(accepted: dt.date, limit_days: int, paused_days: int = 0) -> tuple[dt.date, bool]:
    """The due date of an item accepted on ``accepted`` with ``paused_days`` not counted."""
    return add_working_days(accepted, limit_days + paused_days)

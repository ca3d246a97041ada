"""Legal time limits: the holiday calendar and the period arithmetic every deadline rule shares.

Counting rules (why the arithmetic looks the way it does)
---------------------------------------------------------
* **The start day is not counted** (民事诉讼法 第85条, 刑事诉讼法 第105条: "开始的时和日不算在期间以内").
  A 7-day period that starts on 3 March therefore ends on 10 March: ``due = start + 7 days``.
  Court trial limits run "from the day after filing" (最高人民法院关于严格执行案件审理期限制度的若干规定
  第8条), which is the same thing.
* **Months are calendar months**: the period ends on the same day-of-month, or on the last day of
  the month when that day does not exist (2021-03-31 + 1 month = 2021-04-30). SQL rules get the
  same clamping from ``CAST(d + INTERVAL n MONTH AS DATE)`` in DuckDB and Spark alike.
* **Holiday shift**: a period whose last day is a statutory rest day (a public holiday or a
  weekend that is not a make-up working day, 调休上班日) ends on the first working day after it
  (民事诉讼法 第85条 第3款; 刑事诉讼法 第105条 第3款 for non-custody periods).
* **Custody periods never shift** (刑事诉讼法 第105条 第3款: "犯罪嫌疑人、被告人或者罪犯在押期间，应当至
  期满之日为止，不得因节假日而延长"): call with ``shift_holidays=False``; rules CR-* do so.
* **Excluded periods** (appraisal, public notice, settlement, jurisdiction objection, suspension;
  民诉解释 第243条) are added to the due date *before* the holiday shift, so the shifted day is a
  real working day.

The calendar comes from ``chinese-calendar`` (official holiday notices of the State Council,
including make-up working days). It covers :data:`COVERAGE_START`..:data:`COVERAGE_END` only;
any date outside raises nothing but issues a :class:`CoverageWarning` and is reported back to the
caller, because guessing whether a day in 2027 is a holiday would make a deadline silently wrong.

The same calendar is exported as an Arrow table (:func:`calendar_table`) that both engines
register as ``calendar(day, is_workday, is_holiday, holiday_name, next_workday)`` so SQL rules
shift due dates with one join instead of a per-row Python call.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

COVERAGE_START = dt.date(2004, 1, 1)
COVERAGE_END = dt.date(2026, 12, 31)


class CoverageWarning(UserWarning):
    """A date fell outside the holiday calendar's coverage; the holiday shift was not applied.

    Turn it into an error with ``warnings.simplefilter("error", CoverageWarning)`` where a guess is
    unacceptable (the default keeps batch runs going and lists the affected dates).
    """


def in_coverage(day: dt.date) -> bool:
    """True when the holiday calendar knows whether ``day`` is a working day."""
    return COVERAGE_START <= day <= COVERAGE_END


@lru_cache(maxsize=1)
def _calendar_rows() -> tuple[tuple[dt.date, bool, bool, str | None, dt.date | None], ...]:
    """(day, is_workday, is_holiday, holiday_name, next_workday) for every covered day.

    Built backwards so each day's ``next_workday`` is known in one pass; the last days of the
    coverage whose next working day would fall outside it get ``None`` (unknown, not guessed).
    """
    import chinese_calendar

    rows = []
    next_workday: dt.date | None = None
    day = COVERAGE_END
    while day >= COVERAGE_START:
        workday = chinese_calendar.is_workday(day)
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if workday:
            next_workday = day
        # holiday_name only for days that are actually off (make-up working days carry the
        # festival name in chinese-calendar but are working days)
        rows.append((day, workday, not workday, name if on_holiday and name else None, next_workday))
        day -= dt.timedelta(days=1)
    rows.reverse()
    return tuple(rows)


@lru_cache(maxsize=1)
def _by_day() -> dict[dt.date, tuple[bool, dt.date | None]]:
    return {row[0]: (row[1], row[4]) for row in _calendar_rows()}


def calendar_table():
    """The holiday calendar as a pyarrow Table for the SQL engines.

    Columns: ``day`` (date), ``is_workday`` (bool, true on make-up working days), ``is_holiday``
    (bool, any rest day: weekend or statutory holiday), ``holiday_name`` (festival name on
    statutory holidays), ``next_workday`` (the day itself when it is a working day, else the next
    working day; null when that lies beyond the coverage).
    """
    import pyarrow as pa

    rows = _calendar_rows()
    return pa.table(
        {
            "day": pa.array([r[0] for r in rows], pa.date32()),
            "is_workday": pa.array([r[1] for r in rows], pa.bool_()),
            "is_holiday": pa.array([r[2] for r in rows], pa.bool_()),
            "holiday_name": pa.array([r[3] for r in rows], pa.string()),
            "next_workday": pa.array([r[4] for r in rows], pa.date32()),
        }
    )


def _warn(message: str, collected: list[CoverageWarning] | None) -> None:
    warning = CoverageWarning(message)
    if collected is not None:
        collected.append(warning)
    warnings.warn(warning, stacklevel=3)


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day (make-up working days included).

    Raises ``ValueError`` outside the coverage: a yes/no answer cannot carry a warning honestly.
    """
    try:
        return _by_day()[day][0]
    except KeyError:
        raise ValueError(
            f"{day} is outside the holiday calendar ({COVERAGE_START}..{COVERAGE_END})"
        ) from None


def next_working_day(day: dt.date, collected: list[CoverageWarning] | None = None) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it.

    Outside the coverage the day is returned unchanged and a :class:`CoverageWarning` is issued
    (and appended to ``collected`` when given).
    """
    entry = _by_day().get(day)
    if entry is None or entry[1] is None:
        _warn(
            f"{day} is outside the holiday calendar ({COVERAGE_START}..{COVERAGE_END}); "
            "holiday shift not applied",
            collected,
        )
        return day
    return entry[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic, clamped to the month end (2021-03-31 + 1 = 2021-04-30)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, _stdcal.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadline:
    """A computed due date and how it was reached."""

    due: dt.date
    #: the date before the holiday shift (start + period + excluded days)
    unshifted: dt.date
    warnings: tuple[CoverageWarning, ...] = field(default=())

    @property
    def shifted(self) -> bool:
        return self.due != self.unshifted


def compute_due(
    start: dt.date,
    days: int | None = None,
    months: int | None = None,
    excluded_days: int = 0,
    shift_holidays: bool = True,
) -> Deadline:
    """The last day of a legal period, with the warnings it raised.

    ``start`` is the triggering day (filing, detention …); it is not counted. ``months`` are
    applied first (calendar months), then ``days``, then ``excluded_days`` (days not counted in
    the period, e.g. appraisal), then the holiday shift unless ``shift_holidays`` is false
    (custody periods). A :class:`CoverageWarning` is issued when the shift needs a day the
    calendar does not cover; the unshifted date is returned then, flagged, never guessed. Custody
    periods consult no calendar, so they never warn.
    """
    if days is None and months is None:
        raise ValueError("give days, months or both")
    collected: list[CoverageWarning] = []
    unshifted = start
    if months:
        unshifted = add_months(unshifted, months)
    unshifted += dt.timedelta(days=(days or 0) + excluded_days)
    due = next_working_day(unshifted, collected) if shift_holidays else unshifted
    return Deadline(due=due, unshifted=unshifted, warnings=tuple(collected))


def due_date(
    start: dt.date,
    days: int | None = None,
    months: int | None = None,
    excluded_days: int = 0,
    shift_holidays: bool = True,
) -> dt.date:
    """The due date only; see :func:`compute_due` for the rules and the warnings list."""
    return compute_due(
        start, days=days, months=months, excluded_days=excluded_days, shift_holidays=shift_holidays
    ).due


def days_between(start: dt.date, end: dt.date) -> int:
    """Calendar days from ``start`` to ``end``, start day not counted (the rules' "days between")."""
    return (end - start).days

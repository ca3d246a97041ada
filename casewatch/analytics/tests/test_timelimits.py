"""The holiday calendar and period arithmetic, against hand-computed dates."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from casewatch.analytics import timelimits
from casewatch.analytics.timelimits import (
    CoverageWarning,
    add_months,
    compute_due,
    due_date,
    next_working_day,
)

D = dt.date


def test_spring_festival_2024_shifts_to_the_make_up_sunday():
    # 2024-01-11 + 30 days = 2024-02-10 (Sat, holiday 10–17 Feb); Sun 18 Feb was a working day
    assert due_date(D(2024, 1, 11), days=30) == D(2024, 2, 18)


def test_spring_festival_2025_shifts_past_the_holiday():
    # 2024-12-29 + 1 month = 2025-01-29 (holiday 28 Jan – 4 Feb) -> Wed 5 Feb
    assert due_date(D(2024, 12, 29), months=1) == D(2025, 2, 5)


def test_make_up_working_days_are_working_days():
    assert timelimits.is_workday(D(2024, 2, 4))  # Sunday, worked for the Spring Festival
    assert timelimits.is_workday(D(2025, 2, 8))  # Saturday, ditto
    assert not timelimits.is_workday(D(2024, 2, 12))  # Monday inside the holiday
    assert not timelimits.is_workday(D(2024, 3, 2))  # ordinary Saturday
    assert next_working_day(D(2024, 2, 4)) == D(2024, 2, 4)
    assert next_working_day(D(2024, 2, 3)) == D(2024, 2, 4)  # Sat -> the make-up Sunday


def test_ordinary_weekend_shifts_to_monday():
    assert due_date(D(2024, 3, 1), months=6) == D(2024, 9, 2)  # 2024-09-01 is a Sunday


def test_custody_periods_do_not_shift():
    # arrest 2023-12-10 + 2 months = 2024-02-10, a holiday: custody still ends that day
    assert due_date(D(2023, 12, 10), months=2, shift_holidays=False) == D(2024, 2, 10)
    assert due_date(D(2023, 12, 10), months=2) == D(2024, 2, 18)


def test_excluded_days_extend_the_due_date_before_the_shift():
    # 2024-03-01 + 6 months = 09-01, + 10 appraisal days = 09-11 (Wed)
    assert due_date(D(2024, 3, 1), months=6, excluded_days=10) == D(2024, 9, 11)
    # 2023-08-01 + 6 months = 2024-02-01, + 10 = 02-11 (holiday) -> 02-18
    deadline = compute_due(D(2023, 8, 1), months=6, excluded_days=10)
    assert (deadline.unshifted, deadline.due, deadline.shifted) == (D(2024, 2, 11), D(2024, 2, 18), True)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2021, 3, 31), 1, D(2021, 4, 30)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 3, 15), -1, D(2024, 2, 15)),
    ],
)
def test_calendar_months_clamp_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_start_day_is_not_counted():
    assert due_date(D(2024, 3, 4), days=3, shift_holidays=False) == D(2024, 3, 7)
    assert timelimits.days_between(D(2024, 3, 1), D(2024, 3, 8)) == 7


def test_outside_the_calendar_warns_and_reports():
    with pytest.warns(CoverageWarning, match="2027-01-01"):
        deadline = compute_due(D(2026, 12, 1), months=1)
    assert deadline.due == D(2027, 1, 1)  # unshifted, flagged, not guessed
    assert len(deadline.warnings) == 1 and isinstance(deadline.warnings[0], CoverageWarning)
    with pytest.warns(CoverageWarning):
        assert due_date(D(2027, 3, 1), days=5) == D(2027, 3, 6)
    with pytest.raises(ValueError):
        timelimits.is_workday(D(2027, 1, 4))


def test_custody_periods_outside_the_calendar_need_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert due_date(D(2026, 12, 1), months=2, shift_holidays=False) == D(2027, 2, 1)


def test_calendar_table_matches_the_python_helpers():
    table = timelimits.calendar_table()
    assert table.num_rows == (timelimits.COVERAGE_END - timelimits.COVERAGE_START).days + 1
    rows = {r["day"]: r for r in table.to_pylist()}
    assert rows[D(2024, 2, 4)]["is_workday"] and not rows[D(2024, 2, 4)]["is_holiday"]
    assert rows[D(2024, 2, 11)]["next_workday"] == D(2024, 2, 18)
    assert rows[D(2024, 2, 11)]["holiday_name"] == "Spring Festival"
    assert rows[D(2024, 3, 2)]["holiday_name"] is None  # a weekend is a rest day, not a festival
    assert rows[D(2026, 12, 31)]["next_workday"] == D(2026, 12, 31)

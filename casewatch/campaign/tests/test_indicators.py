"""Each report figure against the hand-computed dataset of conftest.py (鄞州, 2026-01-01 … 2026-09-30)."""

import datetime as dt

import pytest

from casewatch.campaign import indicators, services
from casewatch.core.models import Unit

START, END = dt.date(2026, 1, 1), dt.date(2026, 9, 30)


@pytest.fixture
def figures(world):
    unit = Unit.objects.get(code="330212")
    return {f["key"]: f for f in indicators.compute(world.user("city_supervisor"), unit, START, END)}


def test_plea_rate_counts_persons_of_reviews_concluded_in_the_period(figures):
    f = figures["plea_rate"]
    assert (f["num"], f["den"], f["value"]) == (7, 8, 87.5)


def test_administrative_filings_year_on_year_and_loss_rate(figures):
    f = figures["admin_filings_yoy"]
    assert (f["num"], f["den"], f["value"]) == (7, 8, -12.5)
    f = figures["admin_loss_rate"]
    assert (f["num"], f["den"], f["value"]) == (1, 4, 25.0)
    assert f["extra"]["prior_rate"] == 40.0
    assert f["extra"]["change_pp"] == -15.0


def test_streaming_share_and_days_by_track(figures):
    f = figures["simplified_share"]
    assert (f["num"], f["den"], f["value"]) == (4, 6, 66.67)
    tracks = f["extra"]["tracks"]
    assert tracks["simplified"] == {"n": 3, "mean_days": 20.0}
    assert tracks["small_claims"] == {"n": 1, "mean_days": 15.0}
    assert tracks["ordinary"] == {"n": 2, "mean_days": 100.5}


def test_long_pending_change_between_campaign_start_and_report_day(figures):
    f = figures["long_pending_change"]
    assert (f["num"], f["den"], f["value"]) == (2, 4, -50.0)


def test_education_counts_a_person_in_two_units_once(figures):
    assert figures["education_sessions"]["value"] == 2
    f = figures["education_people"]
    # Attended: 王一 (twice, two staff records, one ID number) and 李二 → 2 persons;
    # roster: 王一, 李二, 张三, 赵四 plus the world's own 张警官 (T-PSB-0001) → 5 persons.
    assert (f["num"], f["den"]) == (2, 5)
    assert f["extra"]["coverage"] == 40.0


def test_unit_coverage_counts_only_that_units_roster(world):
    from casewatch.campaign.indicators import Scope, education

    xj = Unit.objects.get(code="330212-PSB-XJ")
    sessions, people = education(Scope(xj, START, END))
    # 刑侦大队: its own session (s2) with 王一 (E-002) and 李二; roster 王一, 李二, 张三.
    assert (sessions["value"], people["num"], people["den"]) == (1, 2, 3)


def test_coverage_by_unit_matches_the_per_unit_figures_in_three_queries(world, django_assert_num_queries):
    from casewatch.campaign.indicators import Scope, education, education_by_unit

    units = list(Unit.objects.filter(code__in=["330212", "330212-PSB", "330212-PSB-XJ", "330212-CRT"]))
    with django_assert_num_queries(3):
        grouped = education_by_unit(units, START, END)
    for unit in units:
        sessions, people = education(Scope(unit, START, END))
        expected = {
            "sessions": sessions["value"],
            "reached": people["num"],
            "roster": people["den"],
            "coverage": people["extra"]["coverage"],
        }
        assert grouped[unit.id] == expected, unit.code
    xj = next(u for u in units if u.code == "330212-PSB-XJ")
    assert (grouped[xj.id]["sessions"], grouped[xj.id]["reached"], grouped[xj.id]["roster"]) == (1, 2, 3)
    district = next(u for u in units if u.code == "330212")
    assert (grouped[district.id]["reached"], grouped[district.id]["roster"]) == (2, 5)


def test_norms_and_topics(figures):
    assert figures["norms"]["value"] == 1
    assert figures["norms"]["extra"]["by_kind"] == {"agency": 1}
    f = figures["research_topics"]
    assert (f["value"], f["num"]) == (2, 1)


def test_single_track_in_scope(world):
    unit = Unit.objects.get(code="330212")
    f = {
        x["key"]: x
        for x in indicators.compute(
            world.user("city_supervisor"), unit, dt.date(2024, 1, 1), dt.date(2024, 12, 31)
        )
    }
    assert (f["single_track"]["num"], f["single_track"]["den"], f["single_track"]["value"]) == (1, 2, 50.0)


def test_a_district_report_does_not_count_another_district(world):
    unit = Unit.objects.get(code="330203")
    f = {x["key"]: x for x in indicators.compute(world.user("city_supervisor"), unit, START, END)}
    assert f["plea_rate"]["den"] == 0 and f["plea_rate"]["value"] is None
    assert f["education_sessions"]["value"] == 0


def test_snapshot_is_reproducible_and_keeps_changes(world):
    user, unit = world.user("city_supervisor"), Unit.objects.get(code="330212")
    a = services.freeze_report(user, unit, START, END)
    b = services.freeze_report(user, unit, START, END)
    assert a.payload == b.payload and a.digest == b.digest
    changes = {f["key"]: f for f in services.with_changes(b)}
    assert changes["plea_rate"]["previous"] == 87.5 and changes["plea_rate"]["delta"] == 0


def test_reversed_period_is_refused_and_nothing_is_written(world):
    from django.core.exceptions import ValidationError

    from casewatch.campaign.models import ReportSnapshot

    before = ReportSnapshot.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.freeze_report(world.user("city_supervisor"), Unit.objects.get(code="330212"), END, START)
    assert "2026-01-01" in str(exc.value) and "2026-09-30" in str(exc.value)
    assert ReportSnapshot.objects.count() == before


def test_enforcement_figures_come_from_the_enforcement_module(figures):
    # No enforcement records in this world: the figures are there, computed as zero.
    for key in ("enforcement_repairs", "enforcement_firms", "enforcement_cleared"):
        assert figures[key]["value"] == 0, key
    assert figures["enforcement_after_repair"]["value"] == 0.0
    assert figures["enforcement_voluntary"]["value"] is None  # no deadline in the period: nothing to divide

"""The campaign report page in a real browser: a city supervisor freezes a report, a district supervisor
sees the same report computed for their district only."""

import datetime as dt

import pytest

from casewatch.core.choices import Role
from casewatch.core.testing import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def city(transactional_db):
    from casewatch.campaign.models import Attendance, EducationSession
    from casewatch.cases.models import Case, CaseParty, Party
    from casewatch.core.models import Staff, Unit
    from casewatch.core.services_org import seed_ningbo

    seed_ningbo()
    make_user("city_sup", Role.COMMITTEE_SUPERVISOR, "330200", "330200-CMT-JD")
    make_user("yz_sup", Role.AGENCY_SUPERVISOR, "330212", "330212-CMT-JD")
    for code, plea in (("330212-PRO-J1", True), ("330212-PRO-J1", True), ("330203-PRO-J1", False)):
        c = Case.objects.create(
            unit_id=code,
            case_number=f"检刑诉〔2026〕{Case.objects.count() + 1}号",
            case_type="prosecution_review",
            status="closed",
            filed_at=dt.date(2026, 2, 1),
            closed_at=dt.date(2026, 3, 1),
            plea_leniency=plea,
        )
        p = Party.objects.create(party_id=f"B-{c.pk}", kind="person", name="嫌疑人")
        CaseParty.objects.create(case=c, party=p, role="suspect")
    s = EducationSession.objects.create(
        unit=Unit.objects.get(code="330212-PSB"),
        title="警示教育大会",
        held_on=dt.date(2026, 3, 1),
        form="meeting",
    )
    staff = Staff.objects.create(staff_no="B-001", name="王一", unit=Unit.objects.get(code="330212-PSB-FZ"))
    Attendance.objects.create(session=s, staff=staff, method="manual")


def _log_in(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _freeze(page, unit_code):
    page.goto("/campaign/report/")
    page.fill("#r-unit", unit_code)
    page.fill("#r-start", "2026-01-01")
    page.fill("#r-end", "2026-09-30")
    page.click("[data-testid=report-form] button[type=submit]")
    page.wait_for_selector("[data-testid=report-title]")


def test_report_page_city_and_district(new_page, city):
    page = new_page()
    _log_in(page, "city_sup")
    _freeze(page, "330200")
    assert "宁波市" in page.inner_text("[data-testid=report-title]")
    assert page.inner_text("[data-testid=value-plea_rate]").strip() == "66.67%"
    assert page.inner_text("[data-testid=value-education_people]").strip() == "1 人"
    assert page.locator("#report-chart canvas").count() == 1  # ECharts drew the rates
    assert "认罪认罚适用率" in page.content() and "最高检口径" in page.content()

    district = new_page()
    _log_in(district, "yz_sup")
    _freeze(district, "330212")
    assert district.inner_text("[data-testid=value-plea_rate]").strip() == "100.00%"
    # The city is outside the district supervisor's scope: the form answers 404, nothing frozen.
    district.goto("/campaign/report/")
    district.fill("#r-unit", "330200")
    district.click("[data-testid=report-form] button[type=submit]")
    assert "404" in district.title() or district.locator("h1").inner_text() != ""
    from casewatch.campaign.models import ReportSnapshot

    assert list(ReportSnapshot.objects.order_by("id").values_list("unit__code", flat=True)) == [
        "330200",
        "330212",
    ]

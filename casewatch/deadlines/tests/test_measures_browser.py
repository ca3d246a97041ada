"""The measures page in a real browser: chart drawn by the shared helper from its spec, no CSP-unsafe inline code."""

from __future__ import annotations

import datetime as dt

import pytest

from casewatch.core.choices import Role
from casewatch.core.testing import PASSWORD, make_user
from casewatch.tests_browser.conftest import browser, new_page  # noqa: F401 - fixtures
from casewatch.tests_browser.test_shell import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def court_world(transactional_db, settings, tmp_path):
    from casewatch.cases.models import Case
    from casewatch.core.services_org import seed_ningbo

    settings.VAR_DIR = tmp_path
    seed_ningbo()
    make_user("city_sup", Role.COMMITTEE_SUPERVISOR, "330200", "330200")
    for i, (filed, closed) in enumerate(
        [(dt.date(2022, 1, 3), None), (dt.date(2024, 1, 2), dt.date(2024, 2, 1))]
    ):
        Case.objects.create(
            unit_id="330203-CRT-MS1",
            case_number=f"(2024)浙0203民初0{i}号",
            case_type="civil",
            procedure="ordinary",
            status="closed" if closed else "pending",
            filed_at=filed,
            closed_at=closed,
        )


def test_measures_page_chart_and_grouping(new_page, court_world):  # noqa: F811
    page = new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    log_in(page, "city_sup", PASSWORD)
    page.goto("/deadlines/measures/?start=2024-01-01&end=2024-12-31")
    page.check("input[name=by][value=court]")
    page.check("input[name=by][value=year]")
    with page.expect_navigation():
        page.click("#measures-form button[type=submit]")
    assert "by=court" in page.url and "by=year" in page.url
    duration = page.inner_text("#m-duration + p + table")
    assert "宁波市海曙区人民法院" in duration and "2024年" in duration and "30.0" in duration
    page.wait_for_selector('#trend[data-ready="1"] canvas')  # drawn by the shared chart helper
    assert errors == []

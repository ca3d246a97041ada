"""In a real browser: a reviewer scores a deduction (autosaved by htmx), raises a problem from it,
submits the review, and the problem is on the problem list. Playwright drives Debian's chromium."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from casewatch.core import testing

from .conftest import build_review_world

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CASEWATCH_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield instance
        instance.close()


def test_reviewer_deducts_and_a_problem_appears(browser, live_server, transactional_db):
    import datetime as dt
    from decimal import Decimal

    from casewatch.core.models import Unit
    from casewatch.problems.models import Problem
    from casewatch.reviews import services

    world = testing.build_world()
    testing.build_case_world(world)
    build_review_world(world)
    sup = world.user("city_supervisor")
    campaign = services.create_campaign(
        sup,
        name="浏览器评查",
        scope_units=[Unit.objects.get(code="330212-CRT")],
        case_types=["civil"],
        closed_from=dt.date(2024, 1, 1),
        closed_to=dt.date(2024, 12, 31),
        sample_rate=Decimal("0.1"),
    )
    services.run_draw(sup, campaign, "browser")
    services.start_reviewing(sup, campaign)
    review = services.assign(sup, campaign.selections.first(), world.user("rev_a"))

    page = browser.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "rev_a")
    page.fill("#id_password", testing.PASSWORD)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/reviews/queue/")
    page.click(f"a[href='/reviews/review/{review.pk}/']")
    page.fill("[data-testid='reason-M2.4']", "未告知回避权利")
    page.fill("[data-testid='points-M2.4']", "3")
    page.locator("[data-testid='points-M2.4']").dispatch_event("change")
    page.wait_for_selector("[data-testid='save-status']:has-text('97')")
    page.reload()
    page.click("[data-testid='raise-M2.4']")
    page.wait_for_selector("[data-testid='problem-link']")
    problem = Problem.objects.get(source="review")
    assert problem.case_id == review.case_id
    page.click("[data-testid='submit-review']")
    page.wait_for_selector(
        "[data-testid='review-status']:has-text('已提交'), [data-testid='review-status']:has-text('Submitted')"
    )
    page.click("[data-testid='problem-link']")
    page.wait_for_url(re.compile(rf"/problems/{problem.pk}/"))
    assert "M2.4" in page.content()
    page.close()

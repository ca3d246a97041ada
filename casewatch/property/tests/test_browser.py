"""In a real browser at phone size (390 × 844): a custodian checks an item in by code, moves it,
and the centre dashboard changes. Playwright (sync) drives Debian's chromium against live_server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from casewatch.core.choices import Role
from casewatch.core.testing import PASSWORD, make_user
from casewatch.tests_browser.conftest import browser, new_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def centre(transactional_db):
    from casewatch.cases.models import Case
    from casewatch.core.models import Unit
    from casewatch.core.services_org import seed_ningbo
    from casewatch.property.demo import build_locations
    from casewatch.property.tests.conftest import make_item

    seed_ningbo()
    make_user("yz_custodian", Role.PROPERTY_CUSTODIAN, "330212-PSB-CW", "330212-PSB-CW", first_name="周保管")
    case = Case.objects.create(
        unit_id="330212-PSB-XJ",
        case_number="甬鄞公(刑)立字[2026]00042号",
        case_type="police_criminal",
        cause_name="盗窃罪",
        status="pending",
        filed_at=dt.date(2026, 11, 2),
    )
    build_locations(Unit.objects.get(code="330212-PSB-CW"))
    return make_item(
        case, 42, status="pending", holder="办案民警 张警官", seized_at=timezone.now() - dt.timedelta(hours=2)
    )


def tile(page, status: str) -> int:
    loc = page.locator(f'[data-testid="status-{status}"]')
    return int(loc.inner_text()) if loc.count() else 0


def test_phone_check_in_move_and_dashboard(new_page, centre):  # noqa: F811 (fixture)
    page = new_page(width=390, height=844)
    page.goto("/login/")
    page.fill("#id_username", "yz_custodian")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")

    page.goto("/property/")
    assert tile(page, "pending") == 1 and tile(page, "in_store") == 0
    assert page.inner_text('[data-testid="held-total"]') == "1"

    page.goto("/property/scan/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392  # no sideways scrolling on a phone
    assert page.evaluate("document.activeElement.name") == "code"  # ready for the USB scanner
    page.select_option("#id_action", "check_in")
    page.keyboard.type(centre.code.lower())  # a scanner types the code; case does not matter
    page.fill("#id_location", "330212-W1-C-01-2")
    page.fill("#id_giver", "张警官")
    with page.expect_navigation():
        page.press("#id_code", "Enter")
    assert "330212-W1-C-01-2" in page.inner_text('[data-testid="scan-place"]')

    # the same code again is refused, in Chinese and English, naming the item
    page.select_option("#id_action", "check_in")
    page.fill("#id_code", centre.code)
    page.fill("#id_location", "330212-W1-C-01-2")
    with page.expect_navigation():
        page.click('[data-testid="scan-submit"]')
    error = page.inner_text('[data-testid="scan-error"]')
    assert centre.code in error and "不能重复入库" in error and "already checked in" in error

    page.select_option("#id_action", "move")
    page.fill("#id_code", centre.code)
    page.fill("#id_location", "330212-W1-A-02-3")
    with page.expect_navigation():
        page.click('[data-testid="scan-submit"]')
    assert "330212-W1-A-02-3" in page.inner_text('[data-testid="scan-place"]')

    page.goto("/property/")
    assert tile(page, "pending") == 0 and tile(page, "in_store") == 1
    page.goto(f"/property/items/{centre.code}/")
    assert "330212-W1-A-02-3" in page.inner_text('[data-testid="item-place"]')
    timeline = page.inner_text('[data-testid="timeline"]')
    assert "入库" in timeline and "移库" in timeline
    page.screenshot(path="/tmp/casewatch-property-phone.png", full_page=True)

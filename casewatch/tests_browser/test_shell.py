"""The platform shell in a real browser: first login, languages, out-of-scope 404, phone width."""

import datetime as dt

import pytest

from casewatch.core.choices import AuditAction, Role
from casewatch.core.models import AuditLog, User
from casewatch.core.testing import PASSWORD, make_user

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Yinzhou-Browser-2025"
SCREENSHOT = "/tmp/casewatch-phone-390.png"


@pytest.fixture
def district(transactional_db):
    """The Ningbo tree, a 鄞州 police legal officer (first login pending), a 海曙 court case."""
    from casewatch.cases.models import Case, CaseParty, Party
    from casewatch.core.services_org import seed_ningbo

    seed_ningbo()
    make_user("yz_legal", Role.LEGAL_OFFICER, "330212-PSB", "330212-PSB-FZ", must_change_password=True)
    make_user("yz_ready", Role.LEGAL_OFFICER, "330212-PSB", "330212-PSB-FZ")
    own = Case.objects.create(
        unit_id="330212-PSB-XJ",
        case_number="甬鄞公(刑)立字[2024]00042号",
        case_type="police_criminal",
        cause_name="盗窃罪",
        status="pending",
        filed_at=dt.date(2024, 3, 2),
    )
    party = Party.objects.create(
        party_id="330212199001017777", kind="person", name="王小明", phone="13700001111"
    )
    CaseParty.objects.create(case=own, party=party, role="suspect")
    foreign = Case.objects.create(
        unit_id="330203-CRT-MS1",
        case_number="(2024)浙0203民初00077号",
        case_type="civil",
        cause_name="民间借贷纠纷",
        status="pending",
        filed_at=dt.date(2024, 4, 2),
    )
    return {"own": own, "foreign": foreign}


def zh(msgid: str) -> str:
    """The Chinese the server shows for a msgid (the catalogue's translation; see test_i18n)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def log_in(page, username, password):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def nav_text(page) -> str:
    return page.inner_text("#mainnav")


def test_first_login_languages_and_relogin(new_page, district):
    page = new_page()
    page.goto("/login/")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "密码" in page.inner_text("main")  # "Password", translated by Django's own catalogue
    log_in(page, "yz_legal", PASSWORD)

    # First login: the password must be changed before anything else.
    assert page.url.endswith("/password/")
    page.goto("/cases/")
    assert page.url.endswith("/password/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/") and not page.url.endswith("/password/")
    assert User.objects.get(username="yz_legal").must_change_password is False

    # Chinese by default.
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert zh("Cases") in nav_text(page) and zh("Overview") in nav_text(page)

    # Switch to English: it holds across pages.
    with page.expect_navigation():
        page.click('[data-testid="lang-en"]')
    assert page.get_attribute("html", "lang") == "en"
    assert "Cases" in nav_text(page) and "Overview" in nav_text(page)
    page.goto("/cases/")
    assert page.inner_text("h1") == "Cases"
    assert page.is_visible('[data-testid="lang-zh"]')
    page.goto("/org/")
    assert page.inner_text("h1") == "Organisation"

    # Log out and in again in the same browser, then in a fresh one: still English.
    with page.expect_navigation():
        page.click("form.inline button[type=submit]")
    assert "/login/" in page.url
    log_in(page, "yz_legal", NEW_PASSWORD)
    assert "Cases" in nav_text(page)

    other_browser = new_page()
    log_in(other_browser, "yz_legal", NEW_PASSWORD)
    assert other_browser.get_attribute("html", "lang") == "en"
    assert "Cases" in nav_text(other_browser)

    # And back to Chinese.
    with other_browser.expect_navigation():
        other_browser.click('[data-testid="lang-zh"]')
    assert other_browser.get_attribute("html", "lang") == "zh-CN"
    assert zh("Cases") in nav_text(other_browser)
    assert User.objects.get(username="yz_legal").language == "zh-hans"


def test_out_of_scope_case_is_a_404_and_audited_and_phone_layout(new_page, district):
    page = new_page()
    log_in(page, "yz_ready", PASSWORD)
    user = User.objects.get(username="yz_ready")

    own = page.goto(f"/cases/{district['own'].pk}/")
    assert own.status == 200 and district["own"].case_number in page.inner_text("h1")
    # Personal data is masked; the reveal is an htmx POST (CSRF header from the page) and audited.
    assert "137****1111" in page.inner_text("main") and "13700001111" not in page.content()
    page.click("button.reveal")
    page.wait_for_selector(".revealed")
    assert page.inner_text(".revealed") == "13700001111"
    assert (
        AuditLog.objects.filter(action=AuditAction.REVEAL, user=user, message="revealed phone").count() == 1
    )

    foreign_url = f"/cases/{district['foreign'].pk}/"
    response = page.goto(foreign_url)
    assert response.status == 404
    assert district["foreign"].case_number not in page.content()
    assert page.locator("#mainnav").count() == 1  # the product's 404 page, inside the shell
    record = AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED, user=user).get()
    assert record.object_type == "cases.case" and record.object_id == str(district["foreign"].pk)
    assert record.request_id == response.headers["x-request-id"]

    # Phone width: the navigation folds behind the menu button and nothing overflows sideways.
    phone = new_page(width=390, height=844)
    log_in(phone, "yz_ready", PASSWORD)
    phone.goto("/cases/")
    assert not phone.is_visible("#mainnav")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=SCREENSHOT, full_page=True)
    phone.click("[data-toggle-nav]")
    assert phone.is_visible("#mainnav")
    assert phone.get_attribute("[data-toggle-nav]", "aria-expanded") == "true"

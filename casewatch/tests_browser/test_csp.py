"""The Content-Security-Policy in a real browser: every navigation page, the sessions page, the
schedules page and the API docs load without a single CSP violation (no inline script runs)."""

import pytest

from casewatch.core.choices import Role
from casewatch.core.testing import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def accounts(transactional_db):
    from casewatch.core.services_org import seed_ningbo

    seed_ningbo()
    make_user("csp_city", Role.COMMITTEE_SUPERVISOR, "330200", "330200-CMT-JD")
    make_user("csp_admin", Role.SYSADMIN, "330200", "330200-CMT-ZH")


def _login(page, username):
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login/" not in url)


def _watch(page):
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: violations.append(f"{page.url}: page error {exc}"))
    return violations


def test_pages_run_under_the_csp_without_violations(new_page, accounts):
    page = new_page()
    violations = _watch(page)
    _login(page, "csp_city")
    links = page.eval_on_selector_all("#mainnav a", "els => els.map(e => e.getAttribute('href'))")
    assert len(links) >= 5, links
    for href in [*links, "/sessions/", "/api/v1/docs"]:
        response = page.goto(href)
        assert response.status < 500, href
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.wait_for_selector("#swagger-ui .info", timeout=20_000)  # the docs page's JS ran
    admin = new_page()
    violations += _watch(admin)
    _login(admin, "csp_admin")
    admin.goto("/ops/schedules/")
    assert admin.locator("[data-schedule=problems-tick]").count() == 1
    assert not violations, "\n".join(violations)

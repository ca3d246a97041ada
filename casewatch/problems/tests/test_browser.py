"""In a real browser: a handler rectifies with an attachment, a supervisor returns it once, then
verifies it, and the board changes. Playwright (sync) drives Debian's chromium against live_server."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from .conftest import PASSWORD, make_user, pdf_bytes

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
NEW_PASSWORD = "Zhenggai-2026-ok"


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for the module. Playwright's sync API runs an asyncio loop in this
    thread, so Django's ORM (the test's own queries and the flush afterwards) must be allowed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield instance
        instance.close()


def _login(page, base, username, password, *, change_to=None):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.primary")
    if change_to:  # first login: the platform insists on a new password
        page.wait_for_url(re.compile(r"/password/"))
        page.fill("#id_old_password", password)
        page.fill("#id_new_password1", change_to)
        page.fill("#id_new_password2", change_to)
        page.click("button.primary")
    page.wait_for_url(lambda url: "/login/" not in url and "/password/" not in url)


def test_rectify_return_verify_and_the_board(browser, live_server, tmp_path):
    from casewatch.core.choices import Role
    from casewatch.core.services_org import seed_ningbo
    from casewatch.problems.models import Problem

    seed_ningbo()
    handler = make_user("bw_handler", Role.HANDLER, "330203-CRT-MS1", "330203-CRT-MS1")
    handler.must_change_password = True
    handler.save()
    make_user("bw_supervisor", Role.AGENCY_SUPERVISOR, "330203-CRT", "330203-CRT-SG")
    problem = Problem.objects.create(
        source="manual",
        unit_id="330203-CRT-MS1",
        severity="medium",
        title="询问笔录缺少当事人签名",
        description="卷宗第12页询问笔录未经当事人签名确认。",
        deadline=timezone.localdate() + dt.timedelta(days=20),
        status="assigned",
        assignee=handler,
        assigned_at=timezone.now(),
    )
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(pdf_bytes("signed statement"))
    base = live_server.url
    detail = f"{base}/problems/{problem.pk}/"

    h_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    s_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    for ctx in (h_ctx, s_ctx):
        ctx.set_default_timeout(15_000)
    h, s = h_ctx.new_page(), s_ctx.new_page()
    try:
        _login(h, base, "bw_handler", PASSWORD, change_to=NEW_PASSWORD)
        _login(s, base, "bw_supervisor", PASSWORD)

        s.goto(f"{base}/problems/board/")
        assert s.locator("[data-testid=total-found]").inner_text() == "1"
        assert s.locator("[data-testid=total-rectified]").inner_text() == "0"
        s.wait_for_selector("#board-map[data-ready='1']")  # the Ningbo map drew from the served file

        # The handler starts, attaches the report and submits.
        h.goto(detail)
        h.click("[data-testid=start]")
        h.set_input_files("[data-testid=evidence-form] input[type=file]", str(evidence))
        h.click("[data-testid=evidence-form] button[type=submit]")
        h.wait_for_selector("[data-testid=evidence] a:has-text('整改报告.pdf')")
        h.fill("[data-testid=submit-form] textarea", "已补充当事人签名并重新装订卷宗")
        h.click("[data-testid=submit-form] button[type=submit]")
        h.wait_for_selector("[data-testid=problem-status] .pstatus-submitted")

        # The supervisor returns it once, with a reason.
        s.goto(detail)
        s.fill("#review-reason", "签名页扫描件不清晰，请重新上传")
        s.click("[data-testid=return]")
        s.wait_for_selector("[data-testid=problem-status] .pstatus-rectifying")

        # The handler sees the reason in the inbox and submits again.
        h.goto(f"{base}/problems/inbox/")
        assert "签名页扫描件不清晰" in h.locator("[data-testid=inbox]").inner_text()
        h.goto(detail)
        h.fill("[data-testid=submit-form] textarea", "已重新扫描上传签名页")
        h.click("[data-testid=submit-form] button[type=submit]")
        h.wait_for_selector("[data-testid=problem-status] .pstatus-submitted")

        # The supervisor verifies; the problem is closed and the board shows it rectified.
        s.goto(detail)
        s.click("[data-testid=verify]")
        s.wait_for_selector("[data-testid=problem-status] .pstatus-verified")
        s.goto(f"{base}/problems/board/")
        assert s.locator("[data-testid=total-rectified]").inner_text() == "1"
        assert s.locator("[data-testid=total-rate]").inner_text() == "100%"
        s.click("[data-testid=board-grid] a[data-metric=rectified] >> nth=0")
        s.wait_for_url(re.compile(r"metric=rectified"))
        assert s.locator("[data-testid=problem-total]").inner_text() == "1"
    finally:
        h_ctx.close()
        s_ctx.close()
    problem.refresh_from_db()
    assert problem.status == "verified" and problem.return_count == 1

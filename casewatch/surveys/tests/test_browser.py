"""The mobile form in a real browser at phone size (390×844): skip logic, the language switch, an
answer sent while offline, kept on the phone, and stored exactly once when the connection returns.

Debian's chromium through Playwright's sync API (never ``playwright install``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from casewatch.core.models import Unit
from casewatch.surveys import services
from casewatch.surveys.factories import WaveFactory, make_closed_case, make_user
from casewatch.surveys.models import Answer, Response, Token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
DIMENSIONS = ("process", "outcome", "respect", "efficiency", "transparency", "integrity")


@pytest.fixture
def phone(live_server, monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            base_url=live_server.url,
            service_workers="block",
        )
        context.set_default_timeout(15_000)
        yield context, context.new_page()
        context.close()
        browser.close()


@pytest.fixture
def invitation(org):
    services._COMPILED.clear()
    instruments = {i.code: i for i in services.load_shipped()}
    user = make_user("committee_supervisor", "330211", username="browser_sup")
    wave = WaveFactory()
    wave.targets.create(respondent_group="party", instrument=instruments["party"], sample_size=10)
    make_closed_case("330211-CRT-MS1", roles=("plaintiff",))
    batch = services.issue_tokens(
        user,
        wave,
        services.Sampling(
            Unit.objects.get(code="330211"),
            dt.date.today() - dt.timedelta(days=30),
            dt.date.today(),
            [],
            [],
            0,
            1,
        ),
    )
    return wave, next(iter(services.raw_tokens(batch).values()))


def choose(page, name, value):
    page.click(f"label.opt:has(input[name='{name}'][value='{value}'])")


def test_answer_on_a_phone_offline_then_online_stored_once(phone, invitation):
    context, page = phone
    wave, raw = invitation
    page.goto(f"/surveys/t/{raw}/")
    # phone first: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#q-court_process").is_hidden()  # skip logic: no agency chosen yet
    # the language switch works without a round trip
    assert page.locator("h1 .zh").is_visible()
    page.click("[data-testid=lang-switch]")
    assert page.locator("h1 .en").is_visible() and page.locator("h1 .zh").is_hidden()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("[data-testid=lang-switch]")

    choose(page, "role", "plaintiff")
    choose(page, "agencies", "court")
    assert page.locator("#q-court_process").is_visible() and page.locator("#q-police_process").is_hidden()
    # submitting with required questions open shows where, and sends nothing
    page.click("[data-testid=submit]")
    assert page.locator("#q-court_process.bad").is_visible()
    for dim in DIMENSIONS:
        choose(page, f"court_{dim}", "4" if dim != "efficiency" else "na")
    choose(page, "overall", "3")
    assert page.locator("#q-issues").is_visible()  # shown because overall ≤ 3
    choose(page, "issues", "delay")
    page.fill("#i-comment", "开庭排期太久")

    sent = []
    page.on("request", lambda r: sent.append(r.post_data) if r.url.endswith("/public/batch") else None)
    context.set_offline(True)
    page.click("[data-testid=submit]")
    page.wait_for_function(
        "document.getElementById('status').textContent.length > 0 && "
        "JSON.parse(localStorage.getItem('cw.survey.queue') || '[]').length === 1"
    )
    assert Response.objects.count() == 0
    assert page.locator("[data-testid=thanks]").is_hidden()
    queued = json.loads(page.evaluate("localStorage.getItem('cw.survey.queue')"))
    assert (
        queued[0]["token"] == services.normalise_token(raw)
        and queued[0]["answers"]["court_efficiency"] == "na"
    )

    context.set_offline(False)  # the 'online' event sends the queue
    page.wait_for_selector("[data-testid=thanks]", state="visible")
    assert page.evaluate("JSON.parse(localStorage.getItem('cw.survey.queue')).length") == 0
    assert Response.objects.filter(wave=wave).count() == 1
    assert Token.objects.get(token_hash=services.hash_token(raw)).used
    response = Response.objects.get()
    assert Answer.objects.get(response=response, item__name="court_efficiency").na
    assert Answer.objects.get(response=response, item__name="comment").text == "开庭排期太久"

    # the same offline batch replayed (a second flush) stores nothing new
    body = next(b for b in sent if b)
    replay = page.request.post(
        "/api/v1/surveys/public/batch", data=body, headers={"Content-Type": "application/json"}
    )
    assert replay.json()[0]["status"] == "duplicate"
    assert Response.objects.count() == 1
    # the respondent sees a thank-you, and only that, when coming back to the link
    page.reload()
    assert page.locator("[data-testid=state]").get_attribute("data-status") == "used"
    assert page.locator("[data-testid=state-thanks]").is_visible()  # this phone answered it
    assert "court" not in page.locator("main").inner_text().lower()

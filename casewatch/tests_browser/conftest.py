"""Browser tests: Playwright's sync API driving Debian's chromium (headless) against live_server.

They are marked ``browser``; they skip (with the reason) only when /usr/bin/chromium is absent.
Never run ``playwright install``: the system chromium is used through ``executable_path``.
"""

import os
from pathlib import Path

import pytest

from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)

CHROMIUM = Path(os.environ.get("CASEWATCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
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
    """One headless chromium per module.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started, so
    Django would refuse ORM calls from the test (SynchronousOnlyOperation) — including the
    database flush after each transactional test: allow them for the browser's lifetime.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh browser contexts (no cookies shared between contexts)."""
    contexts = []

    def make(width=1280, height=900, locale="zh-CN"):
        # A browser set up in Chinese, as the city's staff use it (headless chromium says en-US).
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()

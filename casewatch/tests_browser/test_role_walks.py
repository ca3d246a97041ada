"""Every demo role walks its own navigation in a real browser (Chinese UI).

One browser and one data set for all roles (a single test, so the data is built once): each role
logs in, its home page must show its to-dos, and every page its navigation bar links to must
open and read in Chinese — no raw enumeration codes (``police_criminal``, ``division_head`` …) and
no English words in the visible text. The walk is generic: it follows whatever entries a role's
navigation has, so the new apps' pages are walked as soon as they register their entries.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from casewatch.core.testing import PASSWORD

pytestmark = pytest.mark.browser

#: every demo role (core/demo.py) and the to-dos its home page must show
ROLES = [
    ("city_supervisor", {"escalations", "problems_to_verify", "findings"}),
    ("yinzhou_police_legal", {"problems_to_assign", "orders_due"}),
    ("haishu_court_supervisor", {"problems_to_verify", "red_lights"}),
    ("yinzhou_judge", {"problems_assigned"}),
    ("city_reviewer", {"reviews"}),
    ("city_auditor", {"reveals"}),
    ("sysadmin", {"failed_jobs"}),
    ("yinzhou_custodian", {"property_alerts"}),
    ("yinzhou_enforcement", {"credit_repairs"}),
    ("yinzhou_notary", {"notary_due"}),
]

#: raw codes: lower-case words joined by underscores (every enumeration value that has one)
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
#: unit codes (330212-PSB-XJ): people read unit names; a code is shown only as an identifier, in <code>
UNIT_CODE = re.compile(r"\b3302\d\d-[A-Z]{2,4}(?:-[A-Z0-9]+)?\b")
#: English words of four letters or more
ENGLISH = re.compile(r"\b[A-Za-z]{4,}\b")
#: words that are right in the Chinese UI: the product's name, the language switch, formats, and
#: spreadsheet functions a definition names (Excel's PERCENTILE.INC)
ALLOWED = {
    "casewatch",
    "English",
    "Excel",
    "Word",
    "XLSX",
    "DOCX",
    "HTML",
    "JSON",
    "ECharts",
    "PERCENTILE",
    "JPEG",
    "WebP",
}

#: Every page is scanned strictly. Commands, SQL and identifiers shown as such (inside <code>,
#: <pre> or <kbd>) are not prose and are left out of the scan. Findings are also written to REPORT.
REPORT = "/tmp/casewatch-role-walk.txt"


def _data(transactional_db):
    from casewatch.cases.models import Case
    from casewatch.core.demo import create_demo_accounts
    from casewatch.core.models import User
    from casewatch.core.services_org import seed_ningbo
    from casewatch.core.testing import build_case_world
    from casewatch.deadlines import services as deadlines
    from casewatch.problems.models import Problem

    seed_ningbo()
    create_demo_accounts(PASSWORD)
    User.objects.update(must_change_password=False)
    world = build_case_world(SimpleNamespace(extra={}))
    Case.objects.filter(pk=world.extra["case_out"].pk).update(procedure="simplified")
    deadlines.refresh(dt.date(2024, 7, 20))
    judge = User.objects.get(username="yinzhou_judge")
    Problem.objects.create(
        source="manual",
        unit_id="330212-CRT-MS1",
        area="审判管理",
        severity="high",
        title="超审限未结",
        description="限期整改",
        deadline=dt.date.today() + dt.timedelta(days=5),
        status="assigned",
        assignee=judge,
    )
    return world


#: the visible text of the page without code, preformatted text and keyboard input
_PROSE = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("code, pre, kbd, script, style, template").forEach(e => e.remove());
  document.documentElement.appendChild(body);  // innerText needs a rendered node
  body.style.position = "absolute"; body.style.left = "-99999px";
  const text = body.innerText;
  body.remove();
  return text;
}"""


def _visible_text(page) -> str:
    return page.evaluate(_PROSE)


_HREFS = "els => els.map(e => e.getAttribute('href')).filter(h => !/(export|format)=|\\.(pdf|docx|xlsx|csv)$|download/.test(h))"

#: chart containers (class "chart" with an id) that hold nothing drawn
_BLANK = "() => [...document.querySelectorAll('.chart[id]')].filter(e => !e.querySelector('canvas, svg')).map(e => e.id)"


def _blank_charts(page) -> list[str]:
    """Charts still blank after up to 5 s (some pages fetch their figures first)."""
    try:
        page.wait_for_function(f"() => ({_BLANK})().length === 0", timeout=5000)
    except Exception:  # noqa: BLE001 - a timeout: say which charts stayed blank
        return page.evaluate(_BLANK)
    return []


def _problems(text: str, usernames: set[str]) -> list[str]:
    codes = set(RAW_CODE.findall(text)) - usernames  # login names are shown as they are
    found = [f"code {m}" for m in sorted(codes)]
    found += [f"unit code {m}" for m in sorted(set(UNIT_CODE.findall(text)))]
    found += [f"English {w}" for w in sorted(set(ENGLISH.findall(text))) if w not in ALLOWED | usernames]
    return found


def _log_in(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_every_role_walks_its_pages_in_chinese(new_page, transactional_db):
    from casewatch.core.models import User

    _data(transactional_db)
    usernames = set(User.objects.values_list("username", flat=True))
    report: list[str] = []
    details: set[tuple[str, str]] = set()
    walked = 0
    for username, todos in ROLES:
        page = new_page()
        _log_in(page, username)
        assert page.url.endswith("/"), (username, page.url)
        shown = set(page.eval_on_selector_all("[data-todo]", "els => els.map(e => e.dataset.todo)"))
        missing = todos - shown
        if missing:
            report.append(f"{username} /: to-dos missing {sorted(missing)} (shown {sorted(shown)})")
        current = page.eval_on_selector_all('#mainnav a[aria-current="page"]', "els => els.length")
        if current != 1:
            report.append(f"{username} /: {current} current navigation entries")
        links = page.eval_on_selector_all("#mainnav a", "els => els.map(e => e.getAttribute('href'))")
        for href in links:
            response = page.goto(href)
            walked += 1
            if response is None or response.status >= 400:
                report.append(f"{username} {href}: HTTP {response.status if response else '-'}")
                continue
            for problem in _problems(_visible_text(page), usernames):
                report.append(f"{username} {href}: {problem}")
            blank = _blank_charts(page)
            if blank:
                report.append(f"{username} {href}: charts not drawn {blank}")
            details.update(
                (username, d)
                for d in page.eval_on_selector_all("main table tbody tr:first-child a[href^='/']", _HREFS)[:2]
            )
        # the first records the lists link to (detail pages), read the same way
        for who, href in sorted(d for d in details if d[0] == username):
            response = page.goto(href)
            walked += 1
            if response is None or response.status >= 400:
                report.append(f"{who} {href}: HTTP {response.status if response else '-'}")
                continue
            for problem in _problems(_visible_text(page), usernames):
                report.append(f"{who} {href}: {problem}")
        page.context.close()
    with open(REPORT, "w", encoding="utf-8") as out:
        out.write("\n".join(report) + "\n")
    assert walked >= 40
    assert not report, "\n".join(report)

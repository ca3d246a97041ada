"""Per-role navigation (one current entry, what the role uses) and per-role home to-dos."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from casewatch.core import context_processors as nav
from casewatch.core.choices import Role
from casewatch.core.testing import make_user

CURRENT = re.compile(r'aria-current="page"')

PAGES = ["/", "/cases/", "/problems/", "/problems/orders/", "/deadlines/", "/screening/", "/org/"]


@pytest.mark.parametrize(
    "username", ["city_supervisor", "district_legal", "district_handler", "city_auditor", "sysadmin"]
)
def test_exactly_one_entry_is_current_on_every_page(client, world, username):
    client.force_login(world.user(username))
    checked = 0
    for path in PAGES:
        response = client.get(path)
        if response.status_code != 200:
            continue
        nav_html = response.content.decode().split('id="mainnav"', 1)[-1].split("</nav>", 1)[0]
        urls = [i["url"] for i in response.context["nav_items"]]
        in_bar = any(path == u if u == "/" else path.startswith(u) for u in urls)
        # one entry is current on a page of the role's bar; none on a page the bar does not list
        assert len(CURRENT.findall(nav_html)) == (1 if in_bar else 0), (username, path)
        active = [i["url"] for i in response.context["nav_items"] if i["active"]]
        assert len(active) == (1 if in_bar else 0), (username, path, active)
        if in_bar:
            assert path.startswith(active[0])
        checked += in_bar
    assert checked >= 2


def _labels(client, user):
    client.force_login(user)
    return {i["url_name"] for i in client.get("/").context["nav_items"]}


def test_each_role_sees_what_it_uses(client, world):
    handler = _labels(client, world.user("district_handler"))
    assert {"core:home", "cases:case_list", "problems:problem_list", "deadlines:deadline_list"} <= handler
    assert not handler & {"reviews:campaign_list", "falselit:lead_list", "surveys:home", "core:audit_list"}
    auditor = _labels(client, world.user("city_auditor"))
    assert "core:audit_list" in auditor
    supervisor = _labels(client, world.user("city_supervisor"))
    assert {"falselit:lead_list", "reviews:campaign_list", "problems:accountability"} <= supervisor
    assert len(handler) < len(supervisor)
    admin = _labels(client, world.user("sysadmin"))
    assert "core:unit_list" in admin and "problems:problem_list" not in admin
    reviewer = make_user("nav_reviewer", Role.REVIEWER, "330200", "330200-CMT-JD")
    assert "reviews:queue" in _labels(client, reviewer)


def test_register_nav_stays_compatible_and_places_new_apps(world):
    before = list(nav.NAVIGATION)
    try:
        nav.register_nav("property:dashboard_x", "Seized property", "view", position=3)  # old signature
        nav.register_nav("property:dashboard_x", "twice", "view")  # idempotent
        nav.register_nav("notary:queue_x", "Notarisation", "view", group="notary", roles=[Role.NOTARY])
        entry = next(e for e in nav.NAVIGATION if e.url_name == "property:dashboard_x")
        assert nav.NAVIGATION.index(entry) == 3 and entry.group == "property"
        assert tuple(entry) == ("property:dashboard_x", "Seized property", "view")
        custodian = make_user("nav_custodian", Role.PROPERTY_CUSTODIAN, "330212-PSB", "330212-PSB-XJ")
        assert nav.shows(custodian, entry)
        assert nav.shows(world.user("city_supervisor"), entry)
        assert not nav.shows(world.user("district_handler"), entry)
        notary_entry = next(e for e in nav.NAVIGATION if e.url_name == "notary:queue_x")
        assert not nav.shows(world.user("city_supervisor"), notary_entry)
    finally:
        nav.NAVIGATION[:] = before


def test_current_entry_is_the_longest_match():
    urls = ["/", "/problems/", "/problems/orders/", "/deadlines/"]
    assert nav.current("/problems/orders/3/", urls) == "/problems/orders/"
    assert nav.current("/problems/12/", urls) == "/problems/"
    assert nav.current("/", urls) == "/"
    assert nav.current("/nowhere/", urls) is None


def _todos(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {t.key: t for t in response.context["todos"]}, response.content.decode()


def test_home_shows_each_roles_work(client, world):
    from casewatch.problems.models import Problem

    handler = world.user("district_handler")
    Problem.objects.create(
        source="manual",
        unit_id="330212-PSB-XJ",
        area="案件流程规范",
        severity="high",
        title="取保候审超期",
        description="x",
        deadline=timezone.localdate() - dt.timedelta(days=1),
        status="assigned",
        assignee=handler,
    )
    Problem.objects.create(
        source="manual",
        unit_id="330212-PSB-XJ",
        area="案件流程规范",
        severity="low",
        title="待核查",
        description="x",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        status="submitted",
    )
    todos, html = _todos(client, handler)
    assert todos["problems_assigned"].count == 1 and todos["problems_assigned"].urgent
    assert "problems_to_verify" not in todos and "escalations" not in todos
    assert 'data-todo="problems_assigned"' in html and "mine=on" in html
    sup, _html = _todos(client, world.user("city_supervisor"))
    assert sup["problems_to_verify"].count == 1
    assert {"escalations", "findings", "leads", "accountability", "red_lights"} <= set(sup)
    legal, _html = _todos(client, world.user("district_legal"))
    assert legal["problems_to_assign"].count == 0 and "orders_due" in legal
    assert "problems_to_verify" not in legal
    auditor, _html = _todos(client, world.user("city_auditor"))
    assert "reveals" in auditor and "problems_assigned" not in auditor
    admin, _html = _todos(client, world.user("sysadmin"))
    assert admin["failed_jobs"].count == 1  # the world's failed self-test
    reviewer = make_user("home_reviewer", Role.REVIEWER, "330200", "330200-CMT-JD")
    mine, _html = _todos(client, reviewer)
    assert mine["reviews"].count == 0
    # another scope's problems are not counted
    other, _html = _todos(client, world.user("other_court"))
    assert other["problems_to_verify"].count == 0


@pytest.mark.parametrize(
    ("username", "role", "scope", "key", "link"),
    [
        ("home_custodian", Role.PROPERTY_CUSTODIAN, "330212-PSB-CW", "property_alerts", "/property/"),
        (
            "home_enforcement",
            Role.ENFORCEMENT_OFFICER,
            "330212-CRT-ZX",
            "credit_repairs",
            "/enforcement/repairs/",
        ),
        ("home_notary", Role.NOTARY, "330212-JUS-GZ", "notary_due", "/notary/"),
    ],
)
def test_new_roles_have_their_own_todos(client, world, username, role, scope, key, link):
    """Custodian, enforcement officer and notary each see the work of their app on the home page."""
    user = make_user(username, role, scope, scope)
    todos, html = _todos(client, user)
    assert key in todos and todos[key].url.startswith(link), todos
    assert f'data-todo="{key}"' in html
    others = {"property_alerts", "credit_repairs", "notary_due"} - {key}
    assert not others & set(todos)
    sup, _html = _todos(client, world.user("city_supervisor"))
    assert not {"property_alerts", "credit_repairs", "notary_due"} & set(sup)

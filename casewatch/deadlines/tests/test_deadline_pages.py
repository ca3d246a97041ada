"""Deadline pages read in Chinese: labels not codes, a form with field errors, the custody chain."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from casewatch.cases.models import Case, Event
from casewatch.core import testing
from casewatch.core.testing import fast_password_hashers  # noqa: F401
from casewatch.deadlines import services
from casewatch.deadlines.models import LightRule

TZ = dt.timezone(dt.timedelta(hours=8))
CODES = re.compile(
    r"\b(police_criminal|civil|division_head|red|none|P\d+[MD]|basis=|330\d{3}-[A-Z]{3}(-[A-Z0-9]+)?)\b"
)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def world(db):
    w = testing.build_world()
    testing.build_case_world(w)
    Case.objects.filter(pk=w.case_out.pk).update(procedure="simplified")
    Event.objects.filter(case=w.case_in, kind="detained").update(person_party_id="330212199001017777")
    services.refresh(dt.date(2024, 7, 20))
    return w


def test_pages_show_labels_not_codes(world, client):
    client.force_login(world.user("city_supervisor"))
    for path in (
        "/deadlines/",
        f"/deadlines/case/{world.case_out.pk}/",
        "/deadlines/settings/",
        "/deadlines/custody/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        assert not CODES.search(text), (path, CODES.search(text).group(0))
    listing = visible_text(client.get("/deadlines/").content.decode())
    assert "民事审判案件" in listing and "海曙区人民法院 民事审判第一庭" in listing
    panel = visible_text(client.get(f"/deadlines/case/{world.case_out.pk}/").content.decode())
    assert "3 个月" in panel


def test_settings_form_names_the_field_in_error(world, client):
    client.force_login(world.user("city_supervisor"))
    bad = {
        "case_type": "civil",
        "yellow_share_num": "abc",
        "yellow_share_den": "3",
        "yellow_days_left": "15",
        "red_days_left": "5",
        "long_pending_months": "24,12",
    }
    response = client.post("/deadlines/settings/", bad)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"yellow_share_num", "long_pending_months"}
    body = response.content.decode()
    assert "Not saved" not in body and "invalid literal" not in body and "KeyError" not in body
    assert not LightRule.objects.exists()
    good = bad | {"yellow_share_num": "2", "long_pending_months": "12,18"}
    assert client.post("/deadlines/settings/", good).status_code == 302
    assert LightRule.objects.get().yellow_share_num == 2
    # the active rules and the versions through the shared table partial (test ids on the tables)
    shown = client.get("/deadlines/settings/").content.decode()
    versions = shown[shown.index('data-testid="light-rule-versions"') :]
    versions = versions[: versions.index("</table>")]
    assert '<td>民事审判案件</td><td class="num">1</td>' in versions and "<td>有效</td>" in versions
    rules = shown[shown.index('data-testid="light-rules"') :]
    rules = rules[: rules.index("</table>")]
    assert (
        '<td>民事审判案件</td><td>2/3</td><td class="num">15</td><td class="num">5</td><td>12、18</td>'
        in rules
    )
    client.force_login(world.user("district_handler"))
    assert client.post("/deadlines/settings/", good).status_code == 403


def test_custody_page_and_api_are_scoped_and_masked(world, client):
    client.force_login(world.user("district_legal"))
    page = client.get("/deadlines/custody/").content.decode()
    assert world.case_in.case_number in page
    assert "330212199001017777" not in page and "3302**********7777" in page
    # the shared table partial: test id kept, the masked cell marked, the case linked to its panel
    table = page[
        page.index('data-testid="custody"') : page.index("</table>", page.index('data-testid="custody"'))
    ]
    assert 'masked">3302**********7777</td>' in table
    assert f'<a href="/deadlines/case/{world.case_in.pk}/">{world.case_in.case_number}</a>' in table
    api = client.get("/api/v1/deadlines/custody").json()
    assert api["count"] == 1
    row = api["items"][0]
    assert row["case_number"] == world.case_in.case_number and row["person"] == "3302**********7777"
    assert row["stage"] == "detention" and row["stage_label"]
    client.force_login(world.user("other_court"))
    assert world.case_in.case_number not in client.get("/deadlines/custody/").content.decode()
    assert client.get("/api/v1/deadlines/custody").json()["count"] == 0

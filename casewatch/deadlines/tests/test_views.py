"""Pages, API, display tokens and the refresh: permission matrix, scope, revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from casewatch.core import testing
from casewatch.core.testing import (
    DETAIL,
    LIST,
    Probe,
    check_cell,
    fast_password_hashers,  # noqa: F401
    matrix_params,
)
from casewatch.deadlines import services
from casewatch.deadlines.models import CaseDeadline, DisplayToken


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    with testing.rolled_back(django_db_blocker):
        world = testing.build_world()
        testing.build_case_world(world)
        services.refresh(dt.date(2024, 6, 1))
        yield world


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


PROBES = [
    Probe("deadline-list", "/deadlines/", kind=LIST, marker="{w.case_in.case_number}"),
    Probe("case-panel", "/deadlines/case/{w.case_in.pk}/", kind=DETAIL, marker="{w.case_in.case_number}"),
    Probe("api-list", "/api/v1/deadlines/cases", kind=LIST, api=True, marker="{w.case_in.case_number}"),
    Probe(
        "api-case",
        "/api/v1/deadlines/cases/{w.case_in.pk}",
        kind=DETAIL,
        api=True,
        marker="{w.case_in.case_number}",
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, world, probe, cell):
    check_cell(client, world, probe, cell)


def test_refresh_stores_state(world):
    rows = {d.case_id: d for d in CaseDeadline.objects.all()}
    assert world.case_in.pk in rows and world.case_out.pk in rows
    civil = rows[world.case_out.pk]
    # civil filed 2 Apr 2024 without procedure: no limit known → light none, raw age 60 days
    assert civil.raw_age_days == 60 and civil.light == "none"


def test_refresh_command(world, capsys):
    call_command("deadlines-refresh", "--as-of", "2024-07-01")
    assert '"cases": 2' in capsys.readouterr().out


def test_display_token_scope_and_revocation(client, world):
    sup = world.user("other_court")
    CaseDeadline.objects.filter(case=world.case_out).update(light="red", days_left=-3)
    CaseDeadline.objects.filter(case=world.case_in).update(light="red", days_left=-3)
    token, raw = services.issue_display_token(sup, "330203-CRT", "lobby")
    client.logout()
    page = client.get(f"/deadlines/display/{raw}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert world.case_out.case_number in body
    assert world.case_in.case_number not in body  # other organisation
    assert "赵大海" not in body  # no party names
    services.revoke_display_token(sup, token.pk)
    assert client.get(f"/deadlines/display/{raw}/").status_code == 404
    assert client.get("/deadlines/display/not-a-token/").status_code == 404


def test_token_outside_scope_refused(world):
    from django.http import Http404

    with pytest.raises(Http404):
        services.issue_display_token(world.user("other_court"), "330212-PSB", "x")
    assert not DisplayToken.objects.filter(name="x").exists()


def test_light_rule_versioned(world):
    sup = world.user("city_supervisor")
    first = services.save_light_rule(sup, "civil", yellow_days_left=20)
    second = services.save_light_rule(sup, "civil", yellow_days_left=25)
    first.refresh_from_db()
    assert (first.version, first.active, second.version, second.active) == (1, False, 2, True)
    assert [c for c in services.light_configs() if c.case_type == "civil"][0].yellow_days_left == 25


def test_performance_export(client, world):
    client.force_login(world.user("city_supervisor"))
    response = client.get("/deadlines/performance/?month=2024-06&format=xlsx")
    assert response.status_code == 200
    text = testing.response_text(response)
    assert "宁波市公安局鄞州区分局 刑事侦查大队" in text and "330212-PSB-XJ" not in text  # names, not codes

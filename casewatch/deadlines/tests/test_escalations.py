"""Escalation to supervision orders (asked first, automatic origin, idempotent) and the age of lights."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from casewatch.cases.models import Case
from casewatch.core import testing
from casewatch.core.models import Job
from casewatch.core.testing import fast_password_hashers  # noqa: F401
from casewatch.deadlines import services
from casewatch.deadlines.models import CaseDeadline, Escalation
from casewatch.problems.choices import OrderLevel, OrderOrigin
from casewatch.problems.models import SupervisionOrder

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def world(db):
    w = testing.build_world()
    testing.build_case_world(w)
    # a civil case under the simplified procedure: three months from 2 April 2024
    Case.objects.filter(pk=w.case_out.pk).update(procedure="simplified")
    return w


@time_machine.travel(dt.datetime(2024, 7, 20, 9, tzinfo=TZ), tick=False)
def test_refresh_by_a_supervisor_issues_no_orders(world, client):
    sup = world.user("city_supervisor")
    result = services.refresh(dt.date(2024, 7, 20), actor=sup)
    assert result["escalations"] == 1 and result["pending_escalations"] == 1
    assert SupervisionOrder.objects.count() == 0
    assert Escalation.objects.get().status == "pending"
    # the button asks first: a POST without the confirmation queues nothing
    client.force_login(sup)
    page = client.post("/deadlines/refresh/", {})
    assert page.status_code == 200 and "confirm" in page.content.decode()
    assert not Job.objects.filter(kind="deadlines.refresh").exists()
    client.post("/deadlines/refresh/", {"confirm": "on"})
    assert Job.objects.filter(kind="deadlines.refresh").count() == 1


@time_machine.travel(dt.datetime(2024, 7, 20, 9, tzinfo=TZ), tick=False)
def test_confirmed_escalation_opens_one_automatic_order(world, client):
    services.refresh(dt.date(2024, 7, 20))
    sup = world.user("city_supervisor")
    client.force_login(sup)
    listing = client.get("/deadlines/escalations/").content.decode()
    assert world.case_out.case_number in listing and "division_head" not in listing
    client.post("/deadlines/escalations/", {})  # not confirmed
    assert SupervisionOrder.objects.count() == 0
    client.post("/deadlines/escalations/", {"confirm": "on"})  # confirmed, but nothing ticked
    assert SupervisionOrder.objects.count() == 0
    pending = list(Escalation.objects.values_list("pk", flat=True))
    client.post("/deadlines/escalations/", {"confirm": "on", "ids": pending})
    order = SupervisionOrder.objects.get()
    assert order.origin == OrderOrigin.DEADLINE
    assert order.issued_by_id is None and order.issuer_unit_id is None
    assert order.level == OrderLevel.DISTRICT  # 海曙 court, not the city level of the supervisor
    assert order.case_id == world.case_out.pk
    esc = Escalation.objects.get()
    assert (esc.status, esc.order_id, esc.raised_by_id) == ("raised", order.pk, sup.pk)
    # idempotent: confirming again, or a later rung of the same case, opens no second order
    assert services.raise_escalations(sup)["opened"] == 0
    Escalation.objects.create(
        case_id=world.case_out.pk,
        unit_id="330203-CRT-MS1",
        step="president",
        overdue_days=800,
        as_of=dt.date(2024, 7, 20),
    )
    result = services.raise_escalations(sup)
    assert (result["opened"], result["attached"]) == (0, 1)
    assert SupervisionOrder.objects.count() == 1
    order.refresh_from_db()
    assert order.listed  # the top rung is 挂牌


def test_daily_tick_recomputes_lights_for_today(world):
    from casewatch.problems.tasks import tick

    services.refresh(dt.date(2024, 6, 20))
    assert CaseDeadline.objects.get(case=world.case_out).light == "yellow"
    with time_machine.travel(dt.datetime(2024, 7, 20, 1, tzinfo=TZ), tick=False):
        result = tick(digests=False)
    state = CaseDeadline.objects.get(case=world.case_out)
    assert result["deadlines_refreshed"] == 2
    assert (state.as_of, state.light, state.days_left) == (dt.date(2024, 7, 20), "red", -18)


def test_pages_show_when_lights_were_computed(world, client):
    services.refresh(dt.date(2024, 6, 20))
    sup = world.user("other_court")
    _token, raw = services.issue_display_token(sup, "330203-CRT", "lobby")
    client.force_login(sup)
    with time_machine.travel(dt.datetime(2024, 6, 30, 9, tzinfo=TZ), tick=False):
        pages = [
            client.get("/deadlines/").content.decode(),
            client.get(f"/deadlines/display/{raw}/").content.decode(),
        ]
    for body in pages:
        assert 'data-testid="lights-as-of"' in body
        assert "2024-06-20" in body
        assert "asof stale" in body  # ten days old, said so
    with time_machine.travel(dt.datetime(2024, 6, 20, 9, tzinfo=TZ), tick=False):
        body = client.get("/deadlines/").content.decode()
    assert "2024-06-20" in body and "asof stale" not in body

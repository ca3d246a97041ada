"""An order must reach someone: a receiving unit without receivers is flagged and the committee told."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casewatch.problems import services_orders
from casewatch.problems.models import Notification


def test_order_to_a_unit_nobody_receives_warns_and_tells_the_committee(world, client):
    city = world.user("city_sup")
    deadline = timezone.localdate() + dt.timedelta(days=10)
    # 鄞州 police: no legal officer or agency supervisor covers it in this world
    order = services_orders.issue_order(
        city, title="督办", instructions="限期核查", deadline=deadline, unit="330212-PSB"
    )
    assert "宁波市公安局鄞州区分局" in order.warning
    assert Notification.objects.filter(order=order, recipient=city, kind="order_issued").exists()
    client.force_login(city)
    page = client.get(f"/problems/orders/{order.pk}/").content.decode()
    assert 'data-testid="order-unreached"' in page
    api = client.get(f"/api/v1/problems/orders/{order.pk}").json()
    assert api["warning"]
    # the view that issues it says so at once
    response = client.post(
        "/problems/orders/new/",
        {
            "title": "再督办",
            "instructions": "限期",
            "deadline": deadline.isoformat(),
            "unit": "330212-PSB",
            "level": "city",
        },
        follow=True,
    )
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_order_to_a_unit_with_receivers_has_no_warning(world, client):
    sup = world.user("haishu_sup")
    deadline = timezone.localdate() + dt.timedelta(days=10)
    order = services_orders.issue_order(
        sup, title="督办", instructions="限期", deadline=deadline, unit="330203-CRT-MS1"
    )
    assert order.warning == ""
    assert Notification.objects.filter(order=order, recipient=world.users["haishu_legal"]).exists()


def test_orders_export_in_chinese_with_labels(world, client):
    import io

    import openpyxl

    city = world.user("city_sup")
    deadline = timezone.localdate() + dt.timedelta(days=10)
    services_orders.issue_order(
        city, title="督办导出", instructions="限期", deadline=deadline, unit="330203-CRT-MS1"
    )
    client.force_login(city)
    response = client.get("/problems/orders/?export=xlsx")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0][:3] == ("编号", "标题", "承办单位")
    row = rows[1]
    assert row[1] == "督办导出" and row[2] == "民事审判第一庭"
    assert "city" not in row and "open" not in row and "manual" not in row
    client.force_login(world.user("handler"))
    assert client.get("/problems/orders/?export=xlsx").status_code == 403

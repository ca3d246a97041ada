"""The problem list, its XLSX export and ``GET /api/v1/problems`` read their filters through one
form (problems.filtersets): the same parameters pick the same problems, and a malformed value is
refused by all three with the same message in Chinese and English — the page lists nothing (it
used to list every problem when a date could not be read)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from casewatch.core.testing import request_as
from casewatch.problems.models import Problem

from .test_board import _spread

API = "/api/v1/problems/"


def _page(client, who, query):
    r = request_as(client, who, reverse("problems:problem_list") + f"?{query}")
    assert r.status_code == 200
    return sorted(p.pk for p in r.context["page"]), r


def _api(client, who, query):
    r = request_as(client, who, f"{API}?{query}&limit=100", api=True)
    return (sorted(p["id"] for p in r.json()["items"]) if r.status_code == 200 else None), r


@pytest.mark.parametrize(
    "query",
    ["severity=high", "status=verified", "district=330203", "unit=330212-CRT", "metric=open&severity=low"],
)
def test_page_export_and_api_pick_the_same_problems(world, client, query):
    _spread(21)
    who = world.user("city_sup")
    page, _r = _page(client, who, query)
    api, _r = _api(client, who, query)
    assert page == api and page  # every query matches some of the 21
    assert len(page) < Problem.objects.count()  # and is a filter, not everything
    export = request_as(client, who, reverse("problems:problem_list") + f"?{query}&export=xlsx")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert sorted(r[0] for r in rows[1:]) == page


@pytest.mark.parametrize("query", ["since=2026-02-30", "severity=urgent", "metric=everything", "until=soon"])
def test_page_export_and_api_refuse_the_same_malformed_value(world, client, query):
    _spread(7)
    who = world.user("city_sup")
    page, r = _page(client, who, query)
    assert page == [] and r.context["total"] == 0
    assert 'data-testid="filter-errors"' in r.content.decode()
    message = r.context["form"].errors_text()
    assert "筛选条件无效" in message and "The filters are not valid" in message
    api, ar = _api(client, who, query)
    assert api is None and ar.status_code == 422 and ar.json()["message"] == message
    export = request_as(client, who, reverse("problems:problem_list") + f"?{query}&export=xlsx")
    assert export["Content-Type"].startswith("text/html")


def _orders():
    import datetime as dt

    from django.utils import timezone

    from casewatch.problems.models import SupervisionOrder

    today = timezone.localdate()
    make = SupervisionOrder.objects.create
    return [
        make(
            title="挂牌逾期",
            unit_id="330203-CRT",
            instructions="x",
            deadline=today - dt.timedelta(days=3),
            listed=True,
        ),
        make(
            title="挂牌未到期",
            unit_id="330212-CRT",
            instructions="x",
            deadline=today + dt.timedelta(days=9),
            listed=True,
        ),
        make(title="普通逾期", unit_id="330212-CRT", instructions="x", deadline=today - dt.timedelta(days=1)),
    ]


@pytest.mark.parametrize(
    ("query", "expected"), [("listed=on", [0, 1]), ("overdue=on", [0, 2]), ("listed=on&overdue=on", [0])]
)
def test_order_page_and_api_pick_the_same_orders(world, client, query, expected):
    orders = _orders()
    who = world.user("city_sup")
    page = request_as(client, who, reverse("problems:order_list") + f"?{query}")
    shown = sorted(o.pk for o in page.context["page"])
    api = request_as(client, who, f"{API}orders?{query.replace('=on', '=true')}", api=True)
    assert api.status_code == 200, api.content
    assert shown == sorted(o["id"] for o in api.json()["items"]) == sorted(orders[i].pk for i in expected)


def test_order_api_refuses_a_malformed_status_in_both_languages(world, client):
    r = request_as(client, world.user("city_sup"), f"{API}orders?status=lost", api=True)
    assert r.status_code == 422
    assert "筛选条件无效" in r.json()["message"] and "The filters are not valid" in r.json()["message"]


@pytest.mark.parametrize("query", ["status=lost", "level=planet", "listed=maybe&status=nope"])
def test_order_page_lists_no_order_for_a_malformed_filter_and_says_why(world, client, query):
    """The page used ``form.filter``, which skips an invalid form: ``?status=lost`` listed every
    order (and exported them all) as if no filter were set."""
    _orders()
    who = world.user("city_sup")
    r = request_as(client, who, reverse("problems:order_list") + f"?{query}")
    assert r.status_code == 200
    assert list(r.context["page"]) == []
    body = r.content.decode()
    assert 'data-testid="filter-errors"' in body
    message = r.context["form"].errors_text()
    assert "筛选条件无效" in message and "The filters are not valid" in message
    api = request_as(client, who, f"{API}orders?{query}", api=True)
    if "listed=maybe" not in query:  # the API reads booleans itself (true/false), the page a checkbox
        assert api.status_code == 422 and api.json()["message"] == message
    export = request_as(client, who, reverse("problems:order_list") + f"?{query}&export=xlsx")
    assert export["Content-Type"].startswith("text/html")

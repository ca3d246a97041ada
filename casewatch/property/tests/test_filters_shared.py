"""The ledger page and ``GET /api/v1/property/items`` read their filters through one form
(property.filtersets): the same parameters list the same items, and a malformed value is refused
by both with the same message in Chinese and English (the page lists nothing, not everything)."""

from __future__ import annotations

import pytest

from casewatch.core.testing import request_as

PAGE, API = "/property/items/", "/api/v1/property/items"


def _page(client, who, query):
    r = request_as(client, who, f"{PAGE}?{query}")
    assert r.status_code == 200
    return sorted(i.code for i in r.context["page"]), r


def _api(client, who, query):
    r = request_as(client, who, f"{API}?{query}", api=True)
    return (sorted(i["code"] for i in r.json()["items"]) if r.status_code == 200 else None), r


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=pending", ["pending"]),
        ("status=in_store", ["item_in"]),
        ("q={w.item_in.code}", ["item_in"]),
        ("q=甬", ["item_in", "pending"]),  # part of the case number
        ("case_id={w.case_in.pk}", ["item_in", "pending"]),
        ("case_id={w.case_in.pk}&status=pending", ["pending"]),
    ],
)
def test_page_and_api_list_the_same_items(client, world, query, expected):
    who = world.user("custodian")
    query = query.format(w=world)
    want = sorted(world.extra[k].code for k in expected)
    page, _r = _page(client, who, query)
    api, _r = _api(client, who, query)
    assert page == api == want


@pytest.mark.parametrize("query", ["status=lost", "case_id=abc", "case_id=-3"])
def test_page_and_api_refuse_the_same_malformed_value(client, world, query):
    who = world.user("custodian")
    page, r = _page(client, who, query)
    assert page == []
    assert 'data-testid="filter-errors"' in r.content.decode()
    message = r.context["form"].errors_text()
    assert "筛选条件无效" in message and "The filters are not valid" in message
    api, ar = _api(client, who, query)
    assert api is None and ar.status_code == 422 and ar.json()["message"] == message

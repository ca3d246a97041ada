"""The sessions and norms pages and their API lists read their filters through one form each
(campaign.filtersets): the same parameters list the same rows, and a malformed value is refused
by page and API with the same message in Chinese and English (the page lists nothing)."""

from __future__ import annotations

import pytest

from casewatch.core.testing import request_as

WHO = "district_legal"


def _page_titles(client, who, url):
    r = request_as(client, who, url)
    assert r.status_code == 200
    return sorted(x.title for x in r.context["page"]), r


def _api_titles(client, who, url):
    r = request_as(client, who, url, api=True)
    return (sorted(x["title"] for x in r.json()) if r.status_code == 200 else None), r


@pytest.mark.parametrize(
    ("page", "api", "query", "expected"),
    [
        ("/campaign/education/", "/api/v1/campaign/sessions/", "form=film", ["2025年旧场次", "警示教育片"]),
        (
            "/campaign/education/",
            "/api/v1/campaign/sessions/",
            "unit=330212-PSB-XJ",
            ["2025年旧场次", "警示教育片"],
        ),
        (
            "/campaign/education/",
            "/api/v1/campaign/sessions/",
            "start=2026-01-01&end=2026-03-31",
            ["警示教育大会"],
        ),
        ("/campaign/norms/", "/api/v1/campaign/norms/", "status=repealed", ["旧规定"]),
        ("/campaign/norms/", "/api/v1/campaign/norms/", "q=红线&kind=agency", ["执法办案“零容忍”八条红线"]),
    ],
)
def test_page_and_api_list_the_same_rows(client, world, page, api, query, expected):
    who = world.user(WHO)
    rows, _r = _page_titles(client, who, f"{page}?{query}")
    api_rows, _r = _api_titles(client, who, f"{api}?{query}")
    assert rows == api_rows == sorted(expected)


@pytest.mark.parametrize(
    ("page", "api", "query"),
    [
        ("/campaign/education/", "/api/v1/campaign/sessions/", "form=party"),
        ("/campaign/education/", "/api/v1/campaign/sessions/", "start=2026-04-31"),
        ("/campaign/education/", "/api/v1/campaign/sessions/", "start=2026-05-01&end=2026-01-01"),
        ("/campaign/norms/", "/api/v1/campaign/norms/", "kind=rumour"),
        ("/campaign/norms/", "/api/v1/campaign/norms/", "status=lost"),
    ],
)
def test_page_and_api_refuse_the_same_malformed_value(client, world, page, api, query):
    who = world.user(WHO)
    rows, r = _page_titles(client, who, f"{page}?{query}")
    assert rows == [] and 'data-testid="filter-errors"' in r.content.decode()
    message = r.context["filters"].errors_text()
    assert "筛选条件无效" in message and "The filters are not valid" in message
    api_rows, ar = _api_titles(client, who, f"{api}?{query}")
    assert api_rows is None and ar.status_code == 422 and ar.json()["message"] == message

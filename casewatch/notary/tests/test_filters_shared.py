"""The measures page, its export and ``GET /api/v1/notary/measures`` read the period through one
form (notary.filtersets): the same period gives the same figures, and a malformed or reversed
period is refused by all three with the same message in Chinese and English — never silently
replaced by the default period."""

from __future__ import annotations

import io

import openpyxl
import pytest

from casewatch.core.testing import request_as
from casewatch.notary.tests.test_views import app_in  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE, API = "/notary/measures/", "/api/v1/notary/measures"


@pytest.mark.parametrize(
    ("query", "total"),
    [("since=2026-01-01", 1), ("since=2000-01-01&until=2000-12-31", 0), ("", None)],
)
def test_page_api_and_export_give_the_same_figures(client, world, app_in, query, total):  # noqa: F811
    who = world.user("notary_in")
    page = request_as(client, who, f"{PAGE}?{query}")
    api = request_as(client, who, f"{API}?{query}", api=True).json()
    data = page.context["data"]
    assert data["totals"]["total"] == api["totals"]["total"]
    assert data["since"].isoformat() == api["since"] and data["until"].isoformat() == api["until"]
    if total is not None:
        assert api["totals"]["total"] == total
    export = request_as(client, who, f"{PAGE}?{query}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "公证处代码" or rows[0][0] == page.context["offices"].header()[0]
    assert sum(r[5] for r in rows[1:]) == api["totals"]["total"]  # the Total column


@pytest.mark.parametrize(
    "query", ["since=2026-13-01", "until=yesterday", "since=2026-06-01&until=2026-01-01"]
)
def test_page_api_and_export_refuse_the_same_bad_period(client, world, query):
    who = world.user("notary_in")
    page = request_as(client, who, f"{PAGE}?{query}")
    assert page.status_code == 200 and page.context["data"] is None
    assert 'data-testid="filter-errors"' in page.content.decode()
    message = page.context["form"].errors_text()
    assert "筛选条件无效" in message and "The filters are not valid" in message
    api = request_as(client, who, f"{API}?{query}", api=True)
    assert api.status_code == 422 and api.json()["message"] == message
    export = request_as(client, who, f"{PAGE}?{query}&format=xlsx")
    assert export["Content-Type"].startswith("text/html")

"""The findings page, its export and the API read their filters through one form
(screening.filtersets): the same parameters pick the same rows, and a malformed value is refused
by all of them with the same message in Chinese and English — the page lists nothing rather than
everything."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from casewatch.core.choices import Role
from casewatch.core.testing import request_as
from casewatch.screening.tests.test_findings_pages import _finding
from casewatch.screening.tests.test_services import city, police_case, user  # noqa: F401

API = "/api/v1/screening/findings"


@pytest.fixture
def findings(city):  # noqa: F811
    a = police_case(
        "330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00001号", "PSB212-001", "2026-09-01", "2026-09-03"
    )
    b = police_case(
        "330203-PSB-XJ", "甬海公(刑)立字〔2026〕00002号", "PSB203-001", "2026-09-01", "2026-09-03"
    )
    rows = [_finding(a, 1, "high"), _finding(a, 2, "low"), _finding(b, 3, "high"), _finding(b, 4, "medium")]
    return rows, user(Role.COMMITTEE_SUPERVISOR, "330200")


def _page_ids(client, who, query):
    response = request_as(client, who, reverse("screening:finding_list") + "?" + query)
    assert response.status_code == 200
    return sorted(f.pk for f in response.context["page"]), response


def _api_ids(client, who, query):
    response = request_as(client, who, f"{API}?{query}", api=True)
    return sorted(
        r["id"] for r in response.json()["items"]
    ) if response.status_code == 200 else None, response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("severity=high", [0, 2]),
        ("district=330212", [0, 1]),
        ("unit=330203-PSB", [2, 3]),
        ("severity=high&district=330203", [2]),
        ("status=dismissed", []),
    ],
)
def test_page_and_api_pick_the_same_rows(findings, client, query, expected):
    rows, who = findings
    want = sorted(rows[i].pk for i in expected)
    page, _r = _page_ids(client, who, query)
    api, _r = _api_ids(client, who, query)
    assert page == api == want


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["severity=urgent", "district=999999", "status=open&severity=x"])
def test_page_and_api_refuse_the_same_malformed_value_in_both_languages(findings, client, query):
    _rows, who = findings
    page, response = _page_ids(client, who, query)
    assert page == []  # not "everything"
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    message = response.context["form"].errors_text()
    assert "筛选条件无效" in message and "The filters are not valid" in message
    api, api_response = _api_ids(client, who, query)
    assert api is None and api_response.status_code == 422
    assert api_response.json()["message"] == message
    # the export refuses too: the page comes back with the message, no spreadsheet
    export = request_as(client, who, reverse("screening:finding_list") + f"?{query}&export=xlsx")
    assert export["Content-Type"].startswith("text/html") and "筛选条件无效" in export.content.decode()


@pytest.mark.django_db
def test_export_has_the_rows_the_page_lists(findings, client):
    rows, who = findings
    export = request_as(client, who, reverse("screening:finding_list") + "?severity=high&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    numbers = sorted(r[6] for r in list(sheet.iter_rows(values_only=True))[1:])
    assert numbers == sorted(rows[i].case.case_number for i in (0, 2))

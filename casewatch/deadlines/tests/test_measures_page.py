"""Measures page, API and XLSX: scope, groupings, bad parameters, the stored fact table."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest

from casewatch.core import testing
from casewatch.core.testing import (
    DENIED,
    LIST,
    Expect,
    Probe,
    assert_json_error,
    check_cell,
    fast_password_hashers,  # noqa: F401
    matrix_params,
)
from casewatch.deadlines import measures_store as store

D = dt.date


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    from casewatch.cases.models import Case
    from casewatch.core.models import Unit

    old = settings.VAR_DIR
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    with testing.rolled_back(django_db_blocker):
        world = testing.build_world()
        testing.build_case_world(world)
        # closed civil cases of 海曙 court: 10, 20, 40 days in 2024 and 30 days in 2023
        for i, (filed, closed) in enumerate(
            [
                (D(2024, 1, 1), D(2024, 1, 11)),
                (D(2024, 2, 1), D(2024, 2, 21)),
                (D(2024, 3, 1), D(2024, 4, 10)),
                (D(2023, 5, 1), D(2023, 5, 31)),
                (D(2024, 6, 10), D(2024, 6, 1)),  # closed before filing: excluded
            ]
        ):
            Case.objects.create(
                unit_id="330203-CRT-MS1",
                case_number=f"(2024)浙0203民初9100{i}号",
                case_type="civil",
                procedure="ordinary",
                status="closed",
                filed_at=filed,
                closed_at=closed,
            )
        world.extra["psb_name"] = Unit.objects.get(code="330212-PSB").name
        world.extra["court_name"] = Unit.objects.get(code="330203-CRT").name
        yield world
    settings.VAR_DIR = old


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


Q = "start=2023-01-01&end=2024-12-31&by=agency"
PROBES = [
    Probe("measures-page", f"/deadlines/measures/?{Q}", kind=LIST, marker="{w.psb_name}"),
    Probe("measures-api", f"/api/v1/deadlines/measures?{Q}", kind=LIST, api=True, marker="{w.psb_name}"),
    Probe(
        "measures-xlsx",
        f"/deadlines/measures/?{Q}&format=xlsx",
        kind=LIST,
        marker="{w.psb_name}",
        expect={DENIED: Expect(403, shows=False)},  # a handler may look but not export
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, world, probe, cell):
    check_cell(client, world, probe, cell)


def _api(client, user, query):
    return testing.request_as(client, user, f"/api/v1/deadlines/measures?{query}", api=True)


def test_api_median_by_year_per_court(client, world):
    body = _api(
        client, world.user("city_supervisor"), "start=2023-01-01&end=2024-12-31&by=court&by=year"
    ).json()
    rows = {(r["court"], r["year"]): r for r in body["duration"]}
    hs = rows[("330203-CRT", "2024")]
    assert hs["court_name"] == world.court_name and hs["year_name"] == "2024年"
    assert (hs["included"], hs["median"], hs["negative"]) == (3, "20.0", 1)  # 10 20 40
    assert rows[("330203-CRT", "2023")]["median"] == "30.0"
    assert body["params"]["by"] == ["court", "year"]


def test_api_no_grouping_and_scope(client, world):
    body = _api(client, world.user("district_legal"), "start=2024-01-01&end=2024-12-31").json()
    (d,) = body["duration"]
    assert d["included"] == 1 and d["median"] == "14.0"  # only 鄞州's police case (6 → 20 May)
    assert set(d) >= {"p25", "p50", "p75", "p90", "mean", "missing_filed", "over_max"}
    other = _api(client, world.user("other_court"), "start=2024-01-01&end=2024-12-31&by=court").json()
    assert {r["court"] for r in other["duration"]} == {"330203-CRT"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("by=judge_name", "by"),
        ("by=year&by=month", "by"),
        ("start=2024-05-01&end=2024-01-01", "start"),
        ("tiers=abc", "tiers"),
        ("tiers=90:150", "tiers"),
        ("percentiles=0,50", "percentiles"),
        ("max_years=0", "max_years"),
    ],
)
def test_api_bad_parameters(client, world, query, field):
    body = assert_json_error(_api(client, world.user("city_supervisor"), query), 422)
    assert body["message"].startswith((field + "：", field + ":"))  # Chinese by default


def test_api_bad_parameter_in_english(client, world):
    response = testing.request_as(
        client,
        world.user("city_supervisor"),
        "/api/v1/deadlines/measures?by=judge_name",
        api=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = assert_json_error(response, 422)
    assert body["message"].startswith("by: choose dimensions among court, district")


def test_api_malformed_date(client, world):
    assert _api(client, world.user("city_supervisor"), "start=2024-13-01").status_code == 422


def test_page_groupings_names_and_bad_input(client, world):
    client.force_login(world.user("city_supervisor"))
    page = client.get(
        "/deadlines/measures/?start=2024-01-01&end=2024-12-31&by=court&by=case_type&tiers=15:50,30:75"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert world.court_name in html and "民事审判案件" in html
    assert "<script>" not in html and " style=" not in html and "onclick" not in html
    assert "casewatch/chart.js" in html and "deadlines/measures.js" not in html
    bare = client.get("/deadlines/measures/").content.decode()  # default: by court and year
    assert 'value="court" checked' in bare and 'value="year" checked' in bare and "2024年" in bare
    assert "by=court&amp;by=year" in bare and "format=xlsx" in bare  # the export exports what is shown
    none = client.get("/deadlines/measures/?start=2024-01-01&by=").content.decode()  # all unticked
    assert 'value="court" checked' not in none
    bad = client.get("/deadlines/measures/?by=judge_name")
    assert bad.status_code == 200 and "by：请从" in bad.content.decode()


def test_trend_chart_months_in_order_named_series_and_as_of(client, world):
    from casewatch.cases.models import Case
    from casewatch.deadlines.views_measures import trend_chart

    # a civil case of 海曙 court pending since 2022: long pending (over 12 months) at every month end of 2024
    Case.objects.create(
        unit_id="330203-CRT-MS1",
        case_number="(2022)浙0203民初99001号",
        case_type="civil",
        procedure="ordinary",
        status="pending",
        filed_at=D(2022, 1, 3),
    )
    client.force_login(world.user("city_supervisor"))
    page = client.get("/deadlines/measures/?start=2024-01-01&end=2024-03-31&by=court")
    spec = page.context["trend_chart"]
    assert spec["kind"] == "line" and spec["categories"] == ["2024-01", "2024-02", "2024-03"]
    names = {s["name"]: s["data"] for s in spec["series"]}
    assert world.court_name in names and "null" not in names and "" not in names
    assert names[world.court_name] == [1, 1, 1]
    assert spec["asOf"] == "数据截至 2024-03-31"  # the period's end (before today)
    html = page.content.decode()
    assert 'data-chart="trend-spec"' in html
    drawn = json.loads(re.search(r'<script id="trend-spec" type="application/json">(.*?)</script>', html)[1])
    assert drawn == json.loads(json.dumps(spec))  # the page carries the view's description
    # rows out of month order and a group without a row for a month: months sorted, gaps are 0
    rows = [
        {"month": "2024-02", "n": 2, "group": "乙", "change": None},
        {"month": "2024-01", "n": 1, "group": "乙", "change": None},
        {"month": "2024-01", "n": 5, "group": "甲", "change": None},
    ]
    spec = trend_chart(rows, as_of=D(2024, 2, 29))
    assert spec["categories"] == ["2024-01", "2024-02"]
    assert [(s["name"], s["data"]) for s in spec["series"]] == [("乙", [1, 2]), ("甲", [5, 0])]
    ungrouped = trend_chart([{"month": "2024-01", "n": 3, "group": "", "change": None}], as_of=D(2024, 1, 31))
    assert [s["name"] for s in ungrouped["series"]] == ["长期未结"]  # the one series has a name


def test_xlsx_export(client, world):
    client.force_login(world.user("city_supervisor"))
    response = client.get("/deadlines/measures/?start=2023-01-01&end=2024-12-31&by=court&by=year&format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    duration = next(
        rows for title, rows in sheets.items() if "结案用时" in title or "disposition" in title.lower()
    )
    header = duration[3]
    assert header[:2] == ["法院", "年度"] and "中位数" in header
    row = next(r for r in duration[4:] if r[0] == world.court_name and r[1] == "2024年")
    assert row[header.index("中位数")] == 20.0


def test_xlsx_needs_export_permission(client, world):
    client.force_login(world.user("noscope"))
    assert client.get("/deadlines/measures/?format=xlsx").status_code == 403


def test_facts_built_once_per_data_version(world, monkeypatch):
    from casewatch.cases.models import Case

    first = store.ensure_facts()

    def boom(*_a, **_k):
        raise AssertionError("snapshot taken on a request")

    monkeypatch.setattr("casewatch.cases.snapshot.read_table", boom)
    params = store.parse_params({"start": "2024-01-01", "end": "2024-12-31"}, D(2024, 12, 31))
    store.compute_for(world.user("city_supervisor"), params)  # reads the stored facts only
    assert store.ensure_facts() == first
    monkeypatch.setattr("casewatch.analytics.measures.compute", boom)
    again = store.compute_for(world.user("city_supervisor"), params)  # the cached result
    assert again["_meta"]["facts_version"] == first.stem.removeprefix("facts-")
    monkeypatch.undo()
    from django.utils import timezone

    # importers write updated_at with the rows they change (queryset.update() would not)
    Case.objects.filter(case_number="(2024)浙0203民初91000号").update(
        closed_at=D(2024, 1, 21), updated_at=timezone.now()
    )
    assert store.ensure_facts() != first and not first.exists()

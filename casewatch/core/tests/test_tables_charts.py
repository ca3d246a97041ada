"""The shared table partial (core.tables + templates/table.html), the chart specs (core.charts)
and the shared filter form's bilingual refusal (core.filtersets.SharedFilterForm)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from casewatch.core import charts
from casewatch.core.filtersets import SharedFilterForm
from casewatch.core.tables import Column, Table


def _table(**kw):
    rows = [{"id": 1, "name": "甲", "n": 3}, {"id": 2, "name": "乙", "n": None}]
    columns = [
        Column("Name", lambda r: r["name"], link=lambda r: f"/x/{r['id']}/", sort="name"),
        Column("N", lambda r: r["n"], num=True, sort="n", testid=lambda r: f"n-{r['id']}"),
        Column("Secret", lambda r: "only in the file", page=False),
    ]
    return Table(columns, rows, empty="Nothing.", testid="t", **kw)


def test_partial_renders_links_numbers_testids_rows_and_boxes():
    html = render_to_string(
        "table.html",
        {
            "table": _table(
                query=QueryDict("q=a&page=3&sort=n"),
                sort="n",
                row_attrs=lambda r: {"data-key": r["id"]},
                select=lambda r: r["id"],
                select_label="Select",
            )
        },
    )
    assert 'data-testid="t"' in html
    assert '<tr data-key="1">' in html and 'name="ids" value="2"' in html
    assert '<td class="num" data-testid="n-1">3</td>' in html
    assert '<td class="num" data-testid="n-2">—</td>' in html  # missing value
    assert '<a href="/x/1/">甲</a>' in html
    assert "only in the file" not in html  # an export-only column
    # sort links keep the other parameters, drop the page, toggle the current column
    assert 'href="?q=a&amp;sort=-n"' in html and 'aria-sort="ascending"' in html
    assert 'href="?q=a&amp;sort=name"' in html


def test_empty_table_spans_every_column_and_export_has_its_own_columns():
    table = Table(_table().columns, [], empty="Nothing.", select=lambda r: r, select_label="x")
    html = render_to_string("table.html", {"table": table})
    assert '<td colspan="3">Nothing.</td>' in html  # check box + two shown columns
    full = _table()
    assert full.header() == ["Name", "N", "Secret"]
    assert list(full.values()) == [["甲", 3, "only in the file"], ["乙", None, "only in the file"]]


def test_chart_specs_order_categories_and_name_every_series():
    spec = charts.bars(["b", "a", None], values=[1, 5, 3], order="desc", links=["/b", "/a", "/n"])
    assert spec["categories"] == ["a", "—", "b"] and spec["series"][0]["data"] == [5, 3, 1]
    assert spec["links"] == ["/a", "/n", "/b"]
    months = charts.lines(["2024-03", "2024-01", "2024-02"], [(None, [3, 1, 2]), ("null", [0, 0, 0])])
    assert months["categories"] == ["2024-01", "2024-02", "2024-03"]
    assert [s["name"] for s in months["series"]] == ["—", "—"]  # never "null"
    assert months["series"][0]["data"] == [1, 2, 3]
    with pytest.raises(ValueError):
        charts.bars(["a"], values=[1, 2])
    with pytest.raises(ValueError):
        charts.bars(["a"], values=[1], order="random")


def test_chart_specs_say_their_as_of_day_in_the_readers_language():
    with translation.override("zh-hans"):
        zh = charts.pie([("甲", 1)], as_of=dt.date(2024, 7, 20))
    with translation.override("en"):
        en = charts.pie([("甲", 1)], as_of=dt.date(2024, 7, 20))
    assert zh["asOf"] == "数据截至 2024-07-20" and en["asOf"] == "Data as of 2024-07-20"
    assert zh["empty"] != en["empty"]


def test_chart_tag_writes_container_and_spec():
    html = render_to_string("charts.html")
    assert "vendor/echarts/echarts.min.js" in html and "casewatch/chart.js" in html
    from django.template import Context, Template

    out = Template('{% load casewatch %}{% chart "c1" spec "Label" "300px" %}').render(
        Context({"spec": charts.bars(["a"], values=[1])})
    )
    assert re.search(
        r'<div id="c1" class="chart" role="img" aria-label="Label" data-chart="c1-spec" style="height:300px">',
        out,
    )
    assert '<script id="c1-spec" type="application/json">' in out


class _Form(SharedFilterForm):
    day = forms.DateField(label="Day", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All"), ("a", "A")])

    def filter(self, qs):
        return qs


@pytest.mark.django_db
def test_shared_form_refuses_in_both_languages_and_lists_nothing():
    from casewatch.core.models import Unit

    form = _Form({"day": "2024-02-30", "kind": "b"})
    with translation.override("zh-hans"):
        zh_first = form.errors_text()
    with translation.override("en"):
        en_first = form.errors_text()
    zh, en = zh_first.split(" / ", 1)
    assert zh.startswith("筛选条件无效") and en.startswith("The filters are not valid")
    assert "Day" in en and "Kind" in en and "b" in en
    assert en_first == f"{en} / {zh}"
    assert form.apply(Unit.objects.all()).query.is_empty()
    assert not _Form({"kind": "a"}).apply(Unit.objects.all()).query.is_empty()
    from ninja.errors import HttpError

    with pytest.raises(HttpError) as exc:
        _Form.for_api({"day": "x", "kind": None})
    assert exc.value.status_code == 422 and "筛选条件无效" in str(exc.value)
    assert _Form.for_api({"day": None, "kind": ""}).is_valid()

"""The results page's charts: descriptions for the shared chart helper (core.charts), built by
the view from the computed figures, carried to the page as JSON (no page script of its own)."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.test import Client

from casewatch.core.models import Unit
from casewatch.surveys.factories import WaveFactory, bulk_responses
from casewatch.surveys.tests.test_results import tiny  # noqa: F401 - fixture


def _drawn(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}-spec" type="application/json">(.*?)</script>', html)
    assert found and f'data-chart="{chart_id}-spec"' in html, chart_id
    return json.loads(found[1])


def test_results_page_charts(tiny, zhenhai_user):  # noqa: F811
    instrument, first = tiny
    # a later wave of the same unit, named so that sorting by name would put it first
    later = WaveFactory(name="A-later", period_start=dt.date(2025, 6, 1), period_end=dt.date(2025, 6, 30))
    bulk_responses(
        later,
        instrument,
        Unit.objects.get(code="330211"),
        [{"a": s} for s in ["5", "5", "5", "4", "2"]],
        day=dt.date(2025, 6, 5),
    )
    client = Client()
    client.force_login(zhenhai_user)
    page = client.get(f"/surveys/waves/{first.pk}/results/")
    assert page.status_code == 200
    charts, res = page.context["charts"], page.context["res"]
    html = page.content.decode()
    assert "surveys/results.js" not in html and "casewatch/chart.js" in html
    for key in ("agency", "dimension", "trend", "distribution"):
        spec = charts[key]
        assert spec["asOf"] == "数据截至 2025-03-31"  # the wave's end (long past)
        assert _drawn(html, f"chart-{key}") == json.loads(json.dumps(spec))

    # rate in percent and index on one 0-100 axis, per agency in the computed order
    agency = charts["agency"]
    assert agency["kind"] == "bar" and agency["max"] == 100 and not agency["stacked"]
    assert agency["categories"] == [str(r.label) for r in res.by_agency]
    data = {s["name"]: dict(zip(agency["categories"], s["data"], strict=True)) for s in agency["series"]}
    court, police = (str(r.label) for r in sorted(res.by_agency, key=lambda r: r.key))
    # court: 8 valid ratings, 5 of them 4 or 5, index 62.5; police: 5 4 4, index (13/3 − 1)/4 × 100
    assert data["满意率（%）"] == {court: 62.5, police: 100.0}
    assert data["指数（0–100）"] == {court: 62.5, police: 83.3}

    # trend: the unit's waves in the order of their periods, not by name
    trend = charts["trend"]
    assert trend["kind"] == "line" and trend["categories"] == ["W1", "A-later"]
    assert [(s["name"], s["data"]) for s in trend["series"]] == [
        ("满意率（%）", [72.73, 80.0]),  # 8/11, 4/5
        ("指数（0–100）", [68.2, 80.0]),  # 750/11
    ]

    # distribution: one stacked bar per dimension, a series per score present and "don't know"
    dist = charts["distribution"]
    assert dist["stacked"] and dist["horizontal"]
    assert [s["name"] for s in dist["series"]] == ["1", "2", "3", "4", "5", "不清楚"]
    by_dim = {r.key: k for k, r in enumerate(res.by_dimension)}
    column = {key: [s["data"][k] for s in dist["series"]] for key, k in by_dim.items()}
    assert column == {"process": [1, 1, 1, 3, 2, 2], "respect": [0, 0, 0, 2, 1, 1]}


def test_results_charts_in_english_and_while_the_wave_runs(tiny, zhenhai_user, settings):  # noqa: F811
    from django.utils import timezone

    _instrument, wave = tiny
    wave.period_end = timezone.localdate() + dt.timedelta(days=30)  # still running: as of today
    wave.save(update_fields=["period_end"])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(zhenhai_user)
    charts = client.get(f"/surveys/waves/{wave.pk}/results/").context["charts"]
    assert charts["trend"]["asOf"] == f"Data as of {timezone.localdate().isoformat()}"
    assert [s["name"] for s in charts["agency"]["series"]] == ["Satisfaction rate (%)", "Index (0–100)"]
    assert charts["distribution"]["series"][-1]["name"] == "Don't know"

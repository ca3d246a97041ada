"""The results page in a real browser: its four charts drawn by the shared helper from the specs
the view built (no page script of its own), nothing failing to load, no script errors."""

from __future__ import annotations

import pytest

from casewatch.core.choices import Role
from casewatch.core.testing import PASSWORD, make_user
from casewatch.surveys.tests.test_results import tiny  # noqa: F401 - fixture
from casewatch.tests_browser.conftest import browser, new_page  # noqa: F401 - fixtures
from casewatch.tests_browser.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("chart-agency", "chart-dimension", "chart-trend", "chart-distribution")


def test_results_page_draws_its_charts(new_page, tiny):  # noqa: F811
    _instrument, wave = tiny
    make_user("zh_browser", Role.COMMITTEE_SUPERVISOR, "330211", "330211")
    page = new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    log_in(page, "zh_browser", PASSWORD)
    page.goto(f"/surveys/waves/{wave.pk}/results/")
    for chart_id in CHARTS:
        page.wait_for_selector(f'#{chart_id}[data-ready="1"] canvas')  # drawn, not the empty text
    assert page.get_attribute("#chart-agency", "aria-label") == "各机关满意度和指数"
    # what ECharts holds: the series and categories of the specs (not the "nothing to chart" text)
    drawn = page.evaluate(
        """ids => ids.map(id => {
          const o = echarts.getInstanceByDom(document.getElementById(id)).getOption();
          return [o.series.map(s => s.type + ':' + s.name), (o.yAxis[0].data || o.xAxis[0].data)];
        })""",
        list(CHARTS),
    )
    rate, index = "满意率（%）", "指数（0–100）"
    assert drawn[0][0] == [f"bar:{rate}", f"bar:{index}"] and len(drawn[0][1]) == 2  # court, police
    assert drawn[2] == [[f"line:{rate}", f"line:{index}"], ["W1"]]
    assert drawn[3][0] == [f"bar:{s}" for s in ("1", "2", "3", "4", "5", "不清楚")]
    assert errors == []

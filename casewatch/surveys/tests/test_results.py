"""Results: satisfaction rate, index, intervals and trends against hand-computed figures."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from casewatch.core.models import Unit
from casewatch.surveys import results, services
from casewatch.surveys.factories import WaveFactory, bulk_responses
from casewatch.surveys.stats import Metrics, newcombe, wilson
from casewatch.surveys.xlsform import ChoiceSpec, InstrumentSpec, ItemSpec

SAT = [ChoiceSpec("sat5", str(k), str(k), str(k), float(k)) for k in range(1, 6)] + [
    ChoiceSpec("sat5", "na", "不了解", "Don't know", None)
]


# --- the interval formulas against published values (Newcombe 1998, Stat Med 17:857 and 873) -----


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombe_1998(x, n, low, high):
    lo, hi = wilson(x, n)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_newcombe_difference_matches_published_examples():
    d, lo, hi = newcombe(48, 80, 56, 70)  # 56/70 − 48/80
    assert (d, lo, hi) == pytest.approx((0.2, 0.0524, 0.3339), abs=1e-4)
    d, lo, hi = newcombe(5, 56, 9, 48)  # 9/48 − 5/56
    assert (lo, hi) == pytest.approx((-0.0359, 0.2395), abs=1e-4)
    assert wilson(0, 0) == (None, None)


def test_metrics_by_hand():
    """Scores 5 5 4 4 4 3 2 1 and two "don't know"."""
    m = Metrics(top_box=2)
    m.add({"s1": 1, "s2": 1, "s3": 1, "s4": 3, "s5": 2, "na": 2, "sum": 28.0, "sumsq": 112.0})
    assert (m.n, m.n_na, m.answers, m.satisfied) == (8, 2, 10, 5)
    assert m.rate == 5 / 8
    assert m.mean == 3.5
    assert m.index == pytest.approx(62.5)  # (3.5 − 1) / 4 × 100
    xs = [100, 100, 75, 75, 75, 50, 25, 0]
    sd = math.sqrt(sum((x - 62.5) ** 2 for x in xs) / 7)
    assert m.index_ci == pytest.approx(
        (62.5 - 1.959964 * sd / math.sqrt(8), 62.5 + 1.959964 * sd / math.sqrt(8)), abs=1e-4
    )
    m.top_box = 3
    assert m.rate == 6 / 8


# --- computed from the database --------------------------------------------------------------


@pytest.fixture
def tiny(instruments, zhenhai_user):
    """Two rating items (court/process and police/respect), a choice and a number."""
    spec = InstrumentSpec(
        code="tiny",
        title_zh="小测评",
        title_en="Tiny",
        respondent_group="resident",
        items=[
            ItemSpec(
                "a",
                "likert",
                "法院程序",
                "Court process",
                list_name="sat5",
                dimension="process",
                agency="court",
            ),
            ItemSpec(
                "b",
                "likert",
                "公安尊重",
                "Police respect",
                list_name="sat5",
                dimension="respect",
                agency="police",
            ),
            ItemSpec("c", "select_one", "性别", "Sex", list_name="sex"),
            ItemSpec("d", "integer", "年龄", "Age"),
        ],
        choices=SAT + [ChoiceSpec("sex", "f", "女", "F"), ChoiceSpec("sex", "m", "男", "M")],
    )
    instrument = services.create_instrument(None, spec, publish=True)
    wave = WaveFactory(name="W1", period_start=dt.date(2025, 3, 1), period_end=dt.date(2025, 3, 31))
    wave.targets.create(respondent_group="resident", instrument=instrument, sample_size=20)
    zhenhai = Unit.objects.get(code="330211")
    a = ["5", "5", "4", "4", "4", "3", "2", "1", "na", "na"]
    b = ["5", "4", "4", "na"]
    rows = []
    for k in range(10):
        row = {"a": a[k], "c": "f" if k < 6 else "m", "d": str(20 + k)}
        if k < len(b):
            row["b"] = b[k]
        rows.append(row)
    bulk_responses(wave, instrument, zhenhai, rows, day=dt.date(2025, 3, 10))
    return instrument, wave


def test_rates_and_indices_from_the_database(tiny, zhenhai_user):
    instrument, wave = tiny
    res = results.compute(zhenhai_user, [wave])
    o = res.overall
    # pooled: a has 8 valid (5 top-2), b has 3 valid (3 top-2); 3 "don't know" excluded
    assert (o.n, o.n_na, o.satisfied) == (11, 3, 8)
    assert o.rate == pytest.approx(8 / 11)
    assert o.rate_ci == pytest.approx((0.434355, 0.902539), abs=1e-5)
    assert o.index == pytest.approx(750 / 11)  # mean of (score − 1)/4 × 100 over 11 answers
    assert o.index_ci == pytest.approx((49.388416, 86.975221), abs=1e-5)
    by_item = {r.key: r.metrics for r in res.by_item}
    assert by_item["a"].index == pytest.approx(62.5) and by_item["a"].counts == [1, 1, 1, 3, 2]
    assert by_item["b"].index == pytest.approx((13 / 3 - 1) / 4 * 100)
    assert {r.key: r.metrics.n for r in res.by_agency} == {"court": 8, "police": 3}
    assert {r.key: r.metrics.n for r in res.by_dimension} == {"process": 8, "respect": 3}
    assert [r.key for r in res.by_district] == ["330211"] and [r.key for r in res.by_month] == ["2025-03"]
    assert res.respondents["total"] == 10
    assert res.respondents["groups"][0]["achieved"] == 0.5
    sex = next(c for c in res.choices if c["item"] == "c")
    assert {o["value"]: (o["n"], o["share"]) for o in sex["options"]} == {"f": (6, 0.6), "m": (4, 0.4)}
    age = next(q for q in res.numbers if q["item"] == "d")
    assert (age["n"], age["mean"], age["low"], age["high"]) == (10, 24.5, 20, 29)
    assert "Wilson" in res.formula_texts()["wilson"]


def test_top_three_boxes_and_weights(tiny, zhenhai_user):
    _instrument, wave = tiny
    res = results.compute(zhenhai_user, [wave], top_box=3)
    assert res.overall.satisfied == 9 and res.overall.rate == pytest.approx(9 / 11)
    weighted = results.compute(zhenhai_user, [wave], weights={"dimension": {"process": 2}})
    # Σwx / Σw = (2 × 500 + 250) / (2 × 8 + 3)
    assert weighted.overall.index == pytest.approx(1250 / 19)
    assert weighted.overall.rate == pytest.approx(8 / 11)  # the rate counts answers, unweighted
    agency = results.compute(zhenhai_user, [wave], agency="police")
    assert agency.overall.n == 3


def test_trend_between_waves(tiny, zhenhai_user):
    instrument, first = tiny
    second = WaveFactory(name="W2", period_start=dt.date(2025, 6, 1), period_end=dt.date(2025, 6, 30))
    bulk_responses(
        second,
        instrument,
        Unit.objects.get(code="330211"),
        [{"a": s} for s in ["5", "5", "5", "4", "2"]],
        day=dt.date(2025, 6, 5),
    )
    res = results.compute(zhenhai_user, [second, first])
    assert [r.label for r in res.by_wave] == ["W1", "W2"]
    change = res.changes[0]
    d, lo, hi = newcombe(8, 11, 4, 5)
    assert (change.rate_delta, change.rate_low, change.rate_high) == pytest.approx((d, lo, hi))
    w2 = res.by_wave[1].metrics
    assert w2.index == pytest.approx((100 + 100 + 100 + 75 + 25) / 5)
    assert change.index_delta == pytest.approx(w2.index - 750 / 11)


def test_results_respect_scope(tiny, yinzhou_user, city_user):
    _instrument, wave = tiny
    # 鄞州 sees the wave only if it were its own; answers of 镇海 never reach it
    assert results.compute(yinzhou_user, [wave]).overall.answers == 0
    assert results.compute(city_user, [wave]).overall.answers == 14


@pytest.mark.slow
def test_demo_reproduces_the_article(instruments, city_user):
    """The pilot's figures, computed by the platform from the demo records: 3,636 forms at 97.33%."""
    from casewatch.surveys import demo
    from casewatch.surveys.models import Forum, Wave

    assert demo.load()["responses"] == 3636
    assert demo.load() == {"created": False}
    res = results.compute(city_user, [Wave.objects.get(name=demo.PILOT_WAVE)])
    assert res.respondents["total"] == 3636
    assert round(res.overall.rate * 100, 2) == 97.33
    assert Forum.objects.filter(unit__code="330212").count() == 21


def test_results_cached_until_a_response_arrives(tiny, zhenhai_user, yinzhou_user):
    """`compute` keeps the answer-derived figures per scope, language, waves and filters, and drops
    them when a response is stored; the respondent counts are always counted afresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    instrument, wave = tiny
    with CaptureQueriesContext(connection) as cold:
        first = results.compute(zhenhai_user, [wave])
    with CaptureQueriesContext(connection) as warm:
        again = results.compute(zhenhai_user, [wave])
    assert again.overall.n == first.overall.n == 11 and again.by_item[0].metrics.counts == [1, 1, 1, 3, 2]
    assert len(warm) < len(cold) and not any("surveys_answer" in q["sql"] for q in warm.captured_queries)
    wave.targets.update(sample_size=40)  # no response changes: the respondent counts still follow
    assert results.compute(zhenhai_user, [wave]).respondents["groups"][0]["achieved"] == 10 / 40
    assert results.compute(yinzhou_user, [wave]).overall.n == 0  # another scope, not the cached one
    with translation.override("zh-hans"):
        assert results.compute(zhenhai_user, [wave]).by_item[0].label == "法院程序"
    assert results.compute(zhenhai_user, [wave]).by_item[0].label == "Court process"
    assert results.compute(zhenhai_user, [wave], agency="police").overall.n == 3
    bulk_responses(wave, instrument, Unit.objects.get(code="330211"), [{"a": "5"}], day=dt.date(2025, 3, 11))
    fresh = results.compute(zhenhai_user, [wave])
    assert (fresh.overall.n, fresh.overall.satisfied, fresh.respondents["total"]) == (12, 9, 11)

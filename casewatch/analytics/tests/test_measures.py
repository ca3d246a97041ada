"""Court measures: hand-computed percentiles with ties and exclusions, every grouping, bucket order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from casewatch.analytics import measures as ms
from casewatch.analytics import measures_baseline
from casewatch.analytics.engines.duckdb_engine import DuckDBEngine

D = dt.date
UNITS = [
    ("3302", "宁波市", "city", None, None),
    ("330212", "鄞州区", "district", None, "3302"),
    ("330203", "海曙区", "district", None, "3302"),
    ("330212-CRT", "宁波市鄞州区人民法院", "agency", "court", "330212"),
    ("330212-CRT-MS1", "民一庭", "division", "court", "330212-CRT"),
    ("330203-CRT", "宁波市海曙区人民法院", "agency", "court", "330203"),
    ("330212-PSB", "宁波市公安局鄞州分局", "agency", "police", "330212"),
]
STAFF = [("J1", "张法官", "330212-CRT-MS1"), ("J2", "李法官", "330212-CRT")]
Y, YM, H, P = "330212-CRT", "330212-CRT-MS1", "330203-CRT", "330212-PSB"


def c(n, unit, filed, closed=None, status=None, case_type="civil", handler=None):
    return {
        "unit_code": unit,
        "case_number": n,
        "case_type": case_type,
        "procedure": "ordinary",
        "status": status or ("closed" if closed else "pending"),
        "handler_staff_no": handler,
        "filed_at": filed,
        "closed_at": closed,
    }


CASES = [
    c("y1", YM, D(2024, 1, 1), D(2024, 1, 11), handler="J1"),  # 10 days
    c("y2", YM, D(2024, 2, 1), D(2024, 2, 21), handler="J1"),  # 20
    c("y3", Y, D(2024, 3, 1), D(2024, 3, 21), handler="J2"),  # 20 (a tie)
    c("y4", Y, D(2024, 4, 1), D(2024, 5, 11)),  # 40
    c("y5", Y, None, D(2024, 5, 1)),  # excluded: no filing date
    c("y6", Y, D(2024, 6, 10), D(2024, 6, 1)),  # excluded: negative (−9)
    c("y7", Y, D(2013, 1, 1), D(2024, 2, 1)),  # excluded: over 10 years
    c("y8", Y, D(2023, 5, 31), D(2023, 6, 30)),  # 30, closed in 2023
    c("h1", H, D(2024, 7, 1), D(2024, 7, 6)),  # 5
    c("h2", H, D(2024, 7, 1), D(2024, 7, 16)),  # 15
    c("h3", H, D(2024, 1, 1), D(2024, 4, 10)),  # 100
    c("p1", P, D(2024, 3, 1), D(2024, 4, 20), case_type="police_criminal"),  # 50
    c("q1", Y, D(2024, 12, 1)),  # pending 30 days at 31 Dec 2024
    c("q2", Y, D(2024, 8, 1)),  # 152
    c("q3", Y, D(2022, 1, 1)),  # 1095
    c("q4", Y, D(2023, 10, 1)),  # 457
    c("q5", Y, D(2024, 3, 3), None, status="closed"),  # closed without a closing date
]


def _engine(cases=CASES) -> DuckDBEngine:
    engine = DuckDBEngine()
    engine.load(
        {
            "cases": pa.Table.from_pylist(cases),
            "units": pa.Table.from_pylist(
                [
                    dict(zip(("code", "name", "kind", "agency_kind", "parent_code"), u, strict=True))
                    for u in UNITS
                ]
            ),
            "staff": pa.Table.from_pylist(
                [dict(zip(("staff_no", "name", "unit_code"), s, strict=True)) for s in STAFF]
            ),
        }
    )
    engine._expose(D(2024, 12, 31), None)
    return engine


@pytest.fixture(scope="module")
def con():
    engine = _engine()
    yield engine.con
    engine.close()


def year(con, group_by=(), **kw):
    return ms.measures(con, D(2024, 1, 1), D(2024, 12, 31), group_by=group_by, **kw)


def by(rows, key):
    return {r[key]: r for r in rows}


def test_group_by_empty_was_a_syntax_error_in_the_old_code(con):
    with pytest.raises(Exception, match="(?i)syntax|parser"):
        measures_baseline.measures(con, D(2024, 1, 1), D(2024, 12, 31), group_by=())


def test_no_grouping_hand_computed(con):
    m = year(con)
    assert m["clearance"] == [{"filed": 12, "closed": 11, "rate": Decimal("91.67")}]
    # due dates: civil ordinary 6 months; y7 (11 years) is late; y5 has no filing date; police: no limit
    assert m["within_limit"] == [{"closed": 9, "within_limit": 8, "rate": Decimal("88.89")}]
    (d,) = m["duration"]
    # included, sorted: 5 10 15 20 20 40 50 100 (n = 8); P25 at h = 1.75: 10 + 0.75·5 = 13.75 → 13.8
    assert (d["closed"], d["missing_filed"], d["negative"], d["over_max"], d["included"]) == (11, 1, 1, 1, 8)
    assert (d["p25"], d["p50"], d["p75"], d["p90"]) == (
        Decimal("13.8"),
        Decimal("20.0"),
        Decimal("42.5"),  # h = 5.25: 40 + 0.25·10
        Decimal("65.0"),  # h = 6.3: 50 + 0.3·50
    )
    assert d["median"] == Decimal("20.0") and d["mean"] == Decimal("32.5")
    assert (d["min_days"], d["max_days"]) == (5, 100)
    assert m["exclusions"] == [
        {"closed": 11, "missing_filed": 1, "negative": 1, "over_max": 1, "included": 8}
    ]
    (o,) = m["over12"]
    assert (o["pending"], o["over_12m"], o["ratio"], o["closed_without_date"]) == (4, 2, Decimal("50.00"), 1)


def test_age_buckets_in_natural_order_with_chinese_labels(con):
    age = year(con)["age"]
    assert [r["bucket"] for r in age] == [
        "0-90",
        "91-180",
        "366-545",
        "731+",
    ]  # text order would put 91-180 last
    assert [r["bucket_name"] for r in age] == ["0–90天", "91–180天", "366–545天", "731天以上"]
    assert [r["pending"] for r in age] == [1, 1, 1, 1]


def test_group_by_court_with_names(con):
    rows = by(year(con, ("court",))["duration"], "court")
    assert rows[Y]["court_name"] == "宁波市鄞州区人民法院"  # the division's cases roll up to its court
    assert (rows[Y]["included"], rows[Y]["p25"], rows[Y]["median"], rows[Y]["p75"], rows[Y]["p90"]) == (
        4,
        Decimal("17.5"),  # 10 20 20 40: h = 0.75 → 10 + 0.75·10
        Decimal("20.0"),
        Decimal("25.0"),  # h = 2.25 → 20 + 0.25·20
        Decimal("34.0"),  # h = 2.7 → 20 + 0.7·20
    )
    assert rows[Y]["mean"] == Decimal("22.5")
    assert (rows[Y]["missing_filed"], rows[Y]["negative"], rows[Y]["over_max"]) == (1, 1, 1)
    assert (rows[H]["median"], rows[H]["p75"], rows[H]["p90"]) == (
        Decimal("15.0"),
        Decimal("57.5"),
        Decimal("83.0"),
    )
    assert rows[None]["court_name"] == "（未指定）" and rows[None]["median"] == Decimal("50.0")


def test_group_by_district_agency_unit_case_type_handler(con):
    dist = by(year(con, ("district",))["duration"], "district")
    assert dist["330212"]["district_name"] == "鄞州区"
    assert dist["330212"]["included"] == 5 and dist["330212"]["p90"] == Decimal("46.0")  # 10 20 20 40 50
    assert dist["330203"]["district_name"] == "海曙区" and dist["330203"]["median"] == Decimal("15.0")
    agency = by(year(con, ("agency",))["clearance"], "agency")
    assert agency[P] == {
        "agency": P,
        "agency_name": "宁波市公安局鄞州分局",
        "filed": 1,
        "closed": 1,
        "rate": Decimal("100.00"),
    }
    unit = by(year(con, ("unit",))["duration"], "unit")
    assert unit[YM]["unit_name"] == "民一庭" and unit[YM]["median"] == Decimal("15.0")
    types = by(year(con, ("case_type",))["duration"], "case_type")
    assert types["civil"]["case_type_name"] == "民事审判案件"
    assert (
        types["civil"]["p25"],
        types["civil"]["median"],
        types["civil"]["p75"],
        types["civil"]["p90"],
    ) == (
        Decimal("12.5"),
        Decimal("20.0"),
        Decimal("30.0"),
        Decimal("64.0"),
    )
    assert types["police_criminal"]["case_type_name"] == "公安刑事案件"
    handler = by(year(con, ("handler",))["duration"], "handler")
    assert handler["J1"]["handler_name"] == "张法官" and handler["J1"]["median"] == Decimal("15.0")
    assert handler["J2"]["included"] == 1 and handler[None]["handler_name"] == "（未指定）"


def test_group_by_period(con):
    q = by(year(con, ("quarter",))["duration"], "quarter")
    assert list(q) == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert q["2024-Q1"]["quarter_name"] == "2024年第1季度"
    assert (q["2024-Q1"]["included"], q["2024-Q1"]["over_max"], q["2024-Q1"]["median"]) == (
        3,
        1,
        Decimal("20.0"),
    )
    assert (q["2024-Q2"]["included"], q["2024-Q2"]["missing_filed"], q["2024-Q2"]["negative"]) == (3, 1, 1)
    assert q["2024-Q2"]["median"] == Decimal("50.0") and q["2024-Q3"]["median"] == Decimal("10.0")
    month = by(year(con, ("month",))["duration"], "month")
    assert month["2024-01"]["median"] == Decimal("10.0") and month["2024-01"]["month_name"] == "2024年1月"
    # stock measures are taken at each period's end
    age_q = [(r["quarter"], r["bucket"]) for r in year(con, ("quarter",))["age"]]
    # q4 (filed 1 Oct 2023) is 182 days old at the end of Q1, 457 at the end of Q4
    assert ("2024-Q1", "366-545") not in age_q and ("2024-Q4", "366-545") in age_q


def test_median_by_year_per_court(con):
    m = ms.measures(con, D(2023, 1, 1), D(2024, 12, 31), group_by=("court", "year"))
    rows = {(r["court"], r["year"]): r for r in m["duration"]}
    assert rows[(Y, "2023")]["median"] == Decimal("30.0") and rows[(Y, "2023")]["year_name"] == "2023年"
    assert rows[(Y, "2024")]["median"] == Decimal("20.0")
    assert rows[(H, "2024")]["median"] == Decimal("15.0")
    clear = {(r["court"], r["year"]): r for r in m["clearance"]}
    assert (clear[(Y, "2023")]["filed"], clear[(Y, "2023")]["closed"]) == (2, 1)  # y8 and q4 filed, y8 closed


def test_configurable_tiers_and_exclusions(con):
    m = year(con, ("case_type",), tiers={"civil": ((15, 50), (30, 75))})
    tiers = {r["days"]: r for r in m["disposition"] if r["case_type"] == "civil"}
    assert sorted(tiers) == [15, 30]
    assert (tiers[15]["within"], tiers[15]["closed"], tiers[15]["share"]) == (3, 7, Decimal("42.86"))
    assert tiers[15]["meets"] is False
    assert (tiers[30]["within"], tiers[30]["share"], tiers[30]["meets"]) == (5, Decimal("71.43"), False)
    # a 12-year ceiling keeps y7 (11 years) in
    d = year(con, exclusions=ms.Exclusions(max_years=12))["duration"][0]
    assert (d["over_max"], d["included"], d["max_days"]) == (0, 9, 4048)


def test_percentiles_round_half_up():
    engine = _engine([c("a", Y, D(2024, 1, 1), D(2024, 1, 1)), c("b", Y, D(2024, 1, 1), D(2024, 1, 2))])
    try:
        (d,) = year(engine.con, percentiles=(85, 95))["duration"]
    finally:
        engine.close()
    assert d["p85"] == Decimal("0.9")  # exactly 0.85: half up (banker's rounding would give 0.8)
    assert d["p95"] == Decimal("1.0") and d["median"] == Decimal("0.5")


def test_bad_arguments(con):
    with pytest.raises(ValueError, match="unknown dimension"):
        year(con, ("judge_name",))
    with pytest.raises(ValueError, match="at most one"):
        year(con, ("year", "month"))
    with pytest.raises(ValueError, match="percentiles"):
        year(con, percentiles=(0,))
    with pytest.raises(ValueError, match="table name"):
        ms.compute(con, D(2024, 1, 1), D(2024, 2, 1), facts="x; DROP TABLE cases")
    with pytest.raises(ValueError):
        ms.Exclusions(max_years=0)


def test_long_pending_trend_dense(con):
    trend = year(con, ("court",))["long_pending_trend"]
    rows = [r for r in trend if r["court"] == Y]
    assert len(rows) == 12
    # q3 (Jan 2022) is long pending all year, y7 (2013) until it closes on 1 Feb; q4 (Oct 2023) from Oct 2024 on
    assert (
        [r["long_pending"] for r in rows] == [2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2]
        and rows[0]["base"] == 2
        and rows[1]["change"] == Decimal("-50.00")
        and rows[-1]["change"] == Decimal("0.00")
    )

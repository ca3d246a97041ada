"""Deadline state, lights, custody chain and measures: hand-computed cases, SQL = Python, properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from casewatch.analytics import deadlines as dl
from casewatch.analytics.engines.duckdb_engine import DuckDBEngine
from casewatch.analytics.rules.fragments import EXCLUSIONS

D = dt.date


def _engine(cases: list[dict], events: list[dict], as_of: dt.date) -> DuckDBEngine:
    engine = DuckDBEngine()
    tables = {"cases": pa.Table.from_pylist(cases)}
    if events:
        keys = sorted({k for e in events for k in e})
        tables["events"] = pa.Table.from_pylist([{k: e.get(k) for k in keys} for e in events])
    engine.load(tables)
    engine._expose(as_of, None)
    return engine


def case(number, case_type, procedure, filed, status="pending", closed=None, unit="U1"):
    return {
        "unit_code": unit,
        "case_number": number,
        "case_type": case_type,
        "procedure": procedure,
        "status": status,
        "filed_at": filed,
        "closed_at": closed,
    }


def event(number, seq, kind, at, unit="U1", **extra):
    row = {
        "unit_code": unit,
        "case_number": number,
        "seq": seq,
        "kind": kind,
        "occurred_at": dt.datetime.combine(at, dt.time(10)),
    }
    row.update(extra)
    return row


def state_of(cases, events, as_of):
    engine = _engine(cases, events, as_of)
    try:
        return {r["case_number"]: r for r in dl.deadline_state(engine.con, as_of).to_pylist()}
    finally:
        engine.close()


def python_state(cases, events, as_of):
    return {
        c["case_number"]: dl.compute_case(
            c, [e for e in events if e["case_number"] == c["case_number"]], as_of
        )[0]
        for c in cases
    }


HAND = [
    # Spring Festival 2025 (28 Jan – 4 Feb): 3 months from 28 Oct 2024 ends on 28 Jan → 5 Feb.
    case("spring", "civil", "simplified", D(2024, 10, 28)),
    # 26 Jan 2025 is a Sunday but a make-up working day: no shift.
    case("makeup", "civil", "simplified", D(2024, 10, 26)),
    # Appraisal 1–21 Apr 2025 (20 days) is not counted: 3 Sep + 20 = 23 Sep 2025.
    case("appraisal", "civil", "ordinary", D(2025, 3, 3)),
    # Criminal 3 months → 3 Jun 2025; extension approved 10 Jun (after expiry) to 3 Sep.
    case("late_ext", "criminal", "ordinary", D(2025, 3, 3)),
]
HAND_EVENTS = [
    event("appraisal", 1, "appraisal_start", D(2025, 4, 1)),
    event("appraisal", 2, "appraisal_end", D(2025, 4, 21)),
    event(
        "late_ext",
        1,
        "trial_limit_extended",
        D(2025, 6, 10),
        new_due_date=D(2025, 9, 3),
        approver_level="upper_court",
        approved_at=dt.datetime(2025, 6, 10, 10),
    ),
]


def test_hand_computed_due_dates_sql_and_python():
    as_of = D(2025, 1, 20)
    sql = state_of(HAND, HAND_EVENTS, as_of)
    py = python_state(HAND, HAND_EVENTS, as_of)
    assert sql["spring"]["statutory_due"] == D(2025, 1, 28)
    assert sql["spring"]["due_date"] == D(2025, 2, 5) and sql["spring"]["holiday_shifted"]
    assert sql["makeup"]["due_date"] == D(2025, 1, 26) and not sql["makeup"]["holiday_shifted"]
    for key in ("spring", "makeup"):
        assert py[key]["due_date"] == sql[key]["due_date"]


def test_appraisal_excluded_and_late_extension():
    as_of = D(2025, 7, 1)
    sql = state_of(HAND, HAND_EVENTS, as_of)
    py = python_state(HAND, HAND_EVENTS, as_of)
    a = sql["appraisal"]
    assert a["excluded_days"] == 20 and a["due_date"] == D(2025, 9, 23)
    assert a["raw_age_days"] == 120 and a["legal_days_used"] == 100
    x = sql["late_ext"]
    assert x["extended_to"] == D(2025, 9, 3) and x["due_date"] == D(2025, 9, 3)
    assert x["extension_late"] is True and x["extension_approver"] == "upper_court"
    for key in ("appraisal", "late_ext"):
        assert py[key]["due_date"] == sql[key]["due_date"]
        assert py[key]["extension_late"] == sql[key]["extension_late"]


def test_lights_and_long_pending_classes():
    cases = [
        case("green", "criminal", "ordinary", D(2025, 6, 1)),  # due 1 Sep; 30 days used of 92
        case("yellow_share", "criminal", "ordinary", D(2025, 4, 20)),  # 72 of 92 days used ≥ 2/3
        case("yellow_civil", "civil", "ordinary", D(2025, 1, 25)),  # due 25 Jul, 24 days left ≤ 30
        case("red", "civil", "ordinary", D(2025, 1, 3)),  # due 3 Jul, 2 days left
        case("old", "civil", "ordinary", D(2023, 5, 1)),  # overdue > 2 years past due
        case("police", "police_criminal", None, D(2024, 1, 1)),  # no case-level limit
    ]
    sql = state_of(cases, [], D(2025, 7, 1))
    assert {k: v["light"] for k, v in sql.items()} == {
        "green": "green",
        "yellow_share": "yellow",
        "yellow_civil": "yellow",
        "red": "red",
        "old": "red",
        "police": "none",
    }
    assert (
        sql["old"]["long_pending_months"] == 24 and sql["police"]["long_pending_months"] == 12
    )  # exactly 18 months is not "more than"
    assert sql["old"]["escalation_step"] == "vice_president"
    assert sql["red"]["escalation_step"] is None
    cfg = [dl.LightConfig("", 1, 2, 10, 3)]
    assert state_of(cases[:1], [], D(2025, 7, 20))["green"]["light"] == "green"
    engine = _engine(cases[:1], [], D(2025, 7, 20))
    assert dl.deadline_state(engine.con, D(2025, 7, 20), lights=cfg).to_pylist()[0]["light"] == "yellow"


def test_custody_period_does_not_shift_and_gap_is_counted():
    events = [
        event("c1", 1, "detained", D(2024, 11, 25), person_party_id="P1"),
        event("c1", 2, "arrest_requested", D(2024, 11, 27), person_party_id="P1"),
        event("c1", 3, "arrest_approved", D(2024, 11, 28), person_party_id="P1"),
        # 2 months → 28 Jan 2025, in the Spring Festival: custody does not shift; held to 3 Feb.
        event("c2", 1, "detained", D(2025, 1, 1), person_party_id="P2"),
        event("c2", 2, "released", D(2025, 1, 3), person_party_id="P2"),
    ]
    engine = _engine([case("c1", "police_criminal", None, D(2024, 11, 25))], events, D(2025, 2, 3))
    rows = {r["person"]: r for r in dl.custody_state(engine.con, D(2025, 2, 3)).to_pylist()}
    assert rows["P1"]["basis_until"] == D(2025, 1, 28)
    assert rows["P1"]["stage"] == "investigation_custody" and rows["P1"]["in_custody"]
    assert rows["P1"]["gap_days"] == 6 and rows["P1"]["days_left"] == -6
    assert rows["P2"]["in_custody"] is False and rows["P2"]["gap_days"] == 0


_kinds = st.sampled_from(["appraisal", "public_notice", "suspension", "settlement"])


@settings(max_examples=25, deadline=None)
@given(
    filed=st.dates(D(2020, 1, 1), D(2025, 12, 31)),
    as_of_offset=st.integers(0, 900),
    intervals=st.lists(st.tuples(_kinds, st.integers(-30, 800), st.integers(0, 300)), max_size=4),
    case_type=st.sampled_from(["civil", "criminal", "enforcement", "administrative"]),
)
def test_legal_clock_never_exceeds_raw_age(filed, as_of_offset, intervals, case_type):
    as_of = filed + dt.timedelta(days=as_of_offset)
    events, seq = [], 0
    for kind, start, length in intervals:
        s, e = EXCLUSIONS[kind]
        seq += 1
        events.append(event("h", seq, s, filed + dt.timedelta(days=start)))
        seq += 1
        events.append(event("h", seq, e, filed + dt.timedelta(days=start + length)))
    cases = [case("h", case_type, "ordinary", filed)]
    row = state_of(cases, events, as_of)["h"]
    assert 0 <= row["legal_days_used"] <= row["raw_age_days"]
    py = python_state(cases, events, as_of)["h"]
    assert py["legal_days_used"] == row["legal_days_used"] and py["due_date"] == row["due_date"]


def test_rounding_is_half_up():
    assert dl.percent(1, 8) == Decimal("12.50")
    assert dl.percent(1, 800, 2) == Decimal("0.13")  # 0.125 → 0.13 (banker's would give 0.12)
    assert dl.half_up(Decimal("2.675")) == Decimal("2.68")
    assert dl.change_percent(1328, 4090) == Decimal("-67.53")
    assert dl.change_percent(1329, 4091) == Decimal("-67.51")
    assert dl.percent(1, 0) is None


def test_measures_hand_computed():
    cases = [
        case("a", "civil", "ordinary", D(2024, 1, 10), "closed", D(2024, 3, 1)),  # 51 days, within limit
        case(
            "b", "civil", "ordinary", D(2024, 2, 1), "closed", D(2024, 9, 2)
        ),  # 214 days, beyond 1 Aug (due 1 Aug)
        case("c", "civil", "ordinary", D(2024, 3, 1)),  # pending 305 days at 31 Dec
        case("d", "civil", "ordinary", D(2022, 6, 1)),  # pending > 12 months
        case("e", "civil", "ordinary", D(2023, 6, 30), "closed", D(2024, 6, 15)),  # closed, filed last year
    ]
    engine = _engine(cases, [], D(2024, 12, 31))
    m = dl.measures(
        engine.con,
        D(2024, 1, 1),
        D(2024, 12, 31),
        group_by=("case_type",),
        tiers={"civil": ((90, 75), (365, 98))},
    )
    assert m["clearance"] == [
        {
            "case_type": "civil",
            "case_type_name": "民事审判案件",
            "filed": 3,
            "closed": 3,
            "rate": Decimal("100.00"),
        }
    ]
    assert m["within_limit"][0] == {
        "case_type": "civil",
        "case_type_name": "民事审判案件",
        "closed": 3,
        "within_limit": 1,
        "rate": Decimal("33.33"),
    }
    tiers = {(r["days"]): r for r in m["disposition"]}
    assert tiers[90]["within"] == 1 and tiers[90]["share"] == Decimal("33.33") and not tiers[90]["meets"]
    assert tiers[365]["within"] == 3 and tiers[365]["share"] == Decimal("100.00") and tiers[365]["meets"]
    assert {r["bucket"]: r["pending"] for r in m["age"]} == {"181-365": 1, "731+": 1}
    assert m["over12"][0]["over_12m"] == 1 and m["over12"][0]["ratio"] == Decimal("50.00")
    trend = {r["month_end"]: r for r in m["long_pending_trend"]}
    # January: d (since 1 Jun 2023) only; June month end: d; e closed 15 Jun; e > 12 months from 30 Jun 2024 → never.
    assert trend[D(2024, 1, 31)]["long_pending"] == 1
    assert trend[D(2024, 12, 31)]["long_pending"] == 1 and trend[D(2024, 12, 31)]["change"] == Decimal("0.00")

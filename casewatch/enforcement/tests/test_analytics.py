"""The data plane, hand-computed: every deadline below was counted on the 2026 holiday notice.

2026 calendar used (国务院办公厅 notice, via chinese-calendar): Spring Festival off 15–23 Feb with
make-up working day Sat 14 Feb; Labour Day off 1–5 May with make-up Sat 9 May; 中秋 Fri 25 Sep and
National Day off 1–7 Oct with make-up Sat 10 Oct.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from casewatch.analytics import enforcement as enf
from casewatch.analytics import schema

D = dt.date
AS_OF = D(2026, 9, 30)


def table(name: str, rows: list[dict]) -> pa.Table:
    sch = schema.arrow_schema(name)
    full = [{f.name: r.get(f.name) for f in sch} for r in rows]
    return pa.Table.from_pylist(full, schema=sch)


def listing(listing_id, **kw):
    base = {
        "listing_id": listing_id,
        "unit_code": "330212-CRT",
        "case_number": f"（2026）浙0212执{listing_id}号",
        "debtor_party_id": "P" + listing_id,
        "ground": "1",
        "decided_on": D(2026, 1, 5),
    }
    base.update(kw)
    return base


def test_add_working_days_across_spring_festival_and_make_up_day():
    assert enf.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)  # Fri 13, Sat 14 (make-up), Tue 24
    assert enf.add_working_days(D(2026, 4, 30), 3) == D(2026, 5, 8)  # 1–5 May off
    assert enf.add_working_days(D(2026, 9, 29), 3) == D(2026, 10, 9)  # 30 Sep, 8 Oct, 9 Oct


def test_round_half_up_is_not_bankers_rounding():
    assert enf.round_half_up(Decimal("12.25")) == Decimal("12.3")
    assert enf.round_half_up(Decimal("12.35")) == Decimal("12.4")
    assert enf.round_half_up(Decimal("0.05")) == Decimal("0.1")


@pytest.fixture(scope="module")
def states():
    case = lambda n, **kw: {  # noqa: E731
        "unit_code": "330212-CRT",
        "case_number": f"（2026）浙0212执{n}号",
        "case_type": "enforcement",
        "status": "pending",
        "filed_at": D(2025, 12, 1),
        **kw,
    }
    cases = [
        case("L1", status="closed", outcome="performed", closed_at=D(2026, 2, 12)),
        case("L2"),
        case("L3"),
        case("L4"),
        case("L5"),
        case("L6"),
        case("L7"),
        case("L8"),
        case("L9"),
    ]
    listings = [
        listing("L1", deleted_on=D(2026, 2, 24)),  # performed 12 Feb → due 24 Feb, on time
        listing("L2", ground="3", decided_on=D(2024, 2, 10)),  # term ends 10 Feb 2026 → due 13 Feb
        listing(
            "L3", ground="2", decided_on=D(2023, 5, 1), serious=True, extra_years=1, deleted_on=D(2026, 5, 11)
        ),
        listing("L4", decided_on=D(2026, 1, 20)),  # 终本 5 Feb, nil searches 6 and 12 Feb → due 24 Feb
        listing(
            "L5",
            correction_requested_on=D(2026, 9, 16),  # + 15 = 1 Oct (holiday) → 8 Oct
        ),
        listing(
            "L6",
            correction_requested_on=D(2026, 9, 20),
            correction_decided_on=D(2026, 9, 29),
            correction_outcome="corrected",  # → 3 working days: 9 Oct
        ),
        listing(
            "L7",
            correction_requested_on=D(2026, 4, 10),
            correction_decided_on=D(2026, 4, 21),
            correction_outcome="rejected",  # apply by 21 Apr + 10 = 1 May → 6 May
            reconsideration_requested_on=D(2026, 5, 6),  # + 15 = 21 May
        ),
        listing("L8", decided_on=D(2026, 3, 2), debtor_party_id="MINOR"),
        listing("L9", security_provided=True, deleted_on=D(2025, 12, 30)),
    ]
    parties = [
        {"party_id": "MINOR", "kind": "person", "name": "未成年人", "birth_date": D(2008, 3, 3)},
        {"party_id": "PL1", "kind": "person", "name": "甲", "birth_date": D(1980, 3, 1)},
    ]
    rulings = [
        {
            "ruling_id": "R4",
            "unit_code": "330212-CRT",
            "case_number": "（2026）浙0212执L4号",
            "kind": "round_terminated",
            "ruled_on": D(2026, 2, 5),
        }
    ]
    searches = [
        {
            "search_id": f"S{i}",
            "unit_code": "330212-CRT",
            "case_number": "（2026）浙0212执L4号",
            "searched_on": d,
            "online": True,
            "result": "nil",
        }
        for i, d in enumerate([D(2026, 1, 25), D(2026, 2, 6), D(2026, 2, 12)])
    ]
    con = enf.connect(
        {
            "cases": table("cases", cases),
            "dishonest_listings": table("dishonest_listings", listings),
            "parties": table("parties", parties),
            "enforcement_rulings": table("enforcement_rulings", rulings),
            "asset_searches": table("asset_searches", searches),
        }
    )
    rows = enf.listing_state(con, AS_OF).to_pylist()
    return {r["listing_id"]: r for r in rows}


def test_deletion_after_performance_across_spring_festival(states):
    r = states["L1"]
    assert (r["trigger"], r["trigger_on"], r["deletion_due"]) == ("performed", D(2026, 2, 12), D(2026, 2, 24))
    assert r["deletion_state"] == "deleted_on_time"


def test_term_end_triggers_deletion(states):
    r = states["L2"]
    assert (r["term_end"], r["trigger"], r["deletion_due"]) == (D(2026, 2, 10), "term_ended", D(2026, 2, 13))
    assert r["deletion_state"] == "overdue"
    assert r["days_past_due"] == (AS_OF - D(2026, 2, 13)).days


def test_serious_term_plus_one_year_ends_on_labour_day(states):
    r = states["L3"]
    assert (r["term_end"], r["deletion_due"]) == (D(2026, 5, 1), D(2026, 5, 8))
    assert r["deletion_state"] == "deleted_late"  # 11 May > 8 May


def test_round_terminated_needs_two_nil_searches_after_the_ruling(states):
    r = states["L4"]
    # the nil search of 25 Jan came before the ruling and does not count
    assert (r["trigger"], r["trigger_on"], r["deletion_due"]) == (
        "round_terminated_nil",
        D(2026, 2, 12),
        D(2026, 2, 24),
    )


def test_correction_review_due_shifts_over_national_day(states):
    r = states["L5"]
    assert r["review_due"] == D(2026, 10, 8)
    assert r["correction_state"] == "in_review"


def test_correction_within_three_working_days(states):
    assert states["L6"]["correction_due"] == D(2026, 10, 9)


def test_reconsideration_deadlines(states):
    r = states["L7"]
    assert (r["reconsideration_apply_by"], r["reconsideration_due"]) == (D(2026, 5, 6), D(2026, 5, 21))
    assert r["correction_state"] == "reconsideration_overdue"


def test_wrongful_listings(states):
    assert states["L8"]["wrongful"] == "minor"  # 17 on 2 Mar 2026 (18 on 3 Mar)
    assert states["L8"]["age_at_decision"] == 17
    assert states["L9"]["wrongful"] == "must_not_list"
    assert states["L9"]["deletion_state"] == "deleted_before_listing"
    assert states["L1"]["wrongful"] is None


# --- eligibility ----------------------------------------------------------------------------------

PB = D(2026, 3, 10)


def _elig(payments, filings=(), pending_debtor=None):
    judgment = lambda n: {"unit_code": "330203-CRT", "case_number": f"（2026）浙0203民初{n}号"}  # noqa: E731
    deadlines = [
        {
            **judgment(n),
            "debtor_party_id": f"ORG{n}",
            "effective_on": D(2026, 2, 20),
            "perform_by": PB,
            "amount_due": Decimal("1000.00"),
        }
        for n in range(1, 6)
    ]
    pays = [
        {
            "payment_id": f"PAY{i}",
            **judgment(n),
            "debtor_party_id": f"ORG{n}",
            "paid_on": d,
            "amount": Decimal(a),
            "channel": "bank_transfer",
        }
        for i, (n, d, a) in enumerate(payments)
    ]
    parties = [{"party_id": f"ORG{n}", "kind": "organisation", "name": f"公司{n}"} for n in range(1, 6)]
    cases, cps = [], []
    if pending_debtor:
        cases.append(
            {
                "unit_code": "330281-CRT",
                "case_number": "（2025）浙0281执9号",
                "case_type": "enforcement",
                "status": "pending",
                "filed_at": D(2025, 6, 1),
            }
        )
        cps.append(
            {
                "unit_code": "330281-CRT",
                "case_number": "（2025）浙0281执9号",
                "party_id": pending_debtor,
                "role": "debtor",
            }
        )
    con = enf.connect(
        {
            "performance_deadlines": table("performance_deadlines", deadlines),
            "debtor_payments": table("debtor_payments", pays),
            "enforcement_filings": table("enforcement_filings", list(filings)),
            "parties": table("parties", parties),
            "cases": table("cases", cases),
            "case_parties": table("case_parties", cps),
        }
    )
    return {r["debtor_party_id"]: r for r in enf.eligibility(con, AS_OF).to_pylist()}


def test_eligibility_positive_and_near_misses():
    r = _elig(
        [
            (1, D(2026, 3, 1), "400.00"),
            (1, PB, "600.00"),  # in full on the last day: eligible
            (2, D(2026, 3, 1), "999.99"),  # one cent short
            (3, D(2026, 3, 5), "500.00"),
            (3, D(2026, 3, 11), "500.00"),  # full one day late
            (4, D(2026, 3, 9), "1000.00"),  # in time, but enforcement filed on 9 Mar, same day
            (5, D(2026, 3, 2), "1000.00"),  # in time, but a debtor in a pending 执 case elsewhere
        ],
        filings=[
            {
                "unit_code": "330203-CRT",
                "case_number": "（2026）浙0203执1号",
                "source_unit_code": "330203-CRT",
                "source_case_number": "（2026）浙0203民初4号",
                "debtor_party_id": "ORG4",
                "filed_on": D(2026, 3, 9),
                "amount_sought": Decimal("1000.00"),
            }
        ],
        pending_debtor="ORG5",
    )
    assert r["ORG1"]["reason"] == "eligible" and r["ORG1"]["paid_full_on"] == PB
    assert r["ORG2"]["reason"] == "not_paid_in_full" and r["ORG2"]["paid_total"] == Decimal("999.99")
    assert r["ORG3"]["reason"] == "paid_late" and r["ORG3"]["paid_full_on"] == D(2026, 3, 11)
    assert r["ORG4"]["reason"] == "enforcement_filed_first"
    assert r["ORG5"]["reason"] == "pending_enforcement"


def test_payments_cleared_by_district_matches_measures_per_district():
    """The campaign report's per-district clearance in one grouped query equals `measures` per district."""
    moves = [
        # (unit, kind, day): two districts, a receipt and one outside the period that must not count
        ("330226-CRT", "payout", D(2026, 3, 1)),
        ("330226-CRT", "fee_refund", D(2026, 7, 31)),
        ("330226-CRT-FT1", "payout", D(2026, 5, 2)),
        ("330226-CRT", "receipt", D(2026, 4, 1)),
        ("330226-CRT", "payout", D(2026, 8, 1)),
        ("330282-CRT", "payout", D(2026, 1, 1)),
        ("330212-CRT", "payout", D(2025, 12, 31)),
    ]
    rows = [
        {
            "movement_id": f"M{i}",
            "unit_code": u,
            "case_number": f"（2026）浙0000执{i}号",
            "kind": k,
            "occurred_on": d,
            "amount": Decimal("10.00"),
        }
        for i, (u, k, d) in enumerate(moves)
    ]
    con = enf.connect({"case_fund_movements": table("case_fund_movements", rows)})
    enf.listing_state(con, AS_OF)
    enf.eligibility(con, AS_OF)
    units = sorted({u for u, _k, _d in moves} | {"330212-CRT-FT9"})
    start, end = D(2026, 1, 1), D(2026, 7, 31)
    grouped = enf.payments_cleared_by_district(con, start, end, units)
    assert grouped == {"330226": 3, "330282": 1}
    for district in ("330226", "330282", "330212"):
        d_units = [c for c in units if c == district or c.startswith(f"{district}-")]
        per = enf.measures(con, start, end, AS_OF, units=d_units)["payments_cleared"]
        assert grouped.get(district, 0) == per, district
    # Units outside the given list do not count.
    assert enf.payments_cleared_by_district(con, start, end, ["330282-CRT"]) == {"330282": 1}

"""Each deadline rule of casewatch.analytics.property, hand-computed; the sample size; label codes.

Dates chosen around real 2025 holidays so the working-day shift is exercised (国庆 2025:
1–8 October off, Saturday 11 October a make-up working day).
"""

from __future__ import annotations

import datetime as dt

import pytest

from casewatch.analytics import property as plane


def item(**kw):
    base = {
        "item_id": 1,
        "centre": "330212-PSB-CW",
        "status": "in_store",
        "category": "phone",
        "in_account": False,
        "deposit_ref": "",
        "relevant": True,
        "seized_at": dt.datetime(2025, 6, 2, 10, 0),
        "handed_over_at": dt.datetime(2025, 6, 2, 15, 0),
        "freeze_until": None,
        "claim_notice_on": None,
        "claim_by_court": False,
        "judgment_effective_on": None,
        "receipt_sent_on": None,
    }
    base.update(kw)
    return base


def run(items, as_of, loans=()):
    out = plane.alerts(list(items), list(loans), as_of).to_pylist()
    return {(r["item_id"], r["rule"]): r for r in out}


def test_nothing_fires_for_a_clean_item():
    assert run([item()], dt.datetime(2025, 6, 20, 9, 0)) == {}


def test_handover_24_hours():
    seized = dt.datetime(2025, 6, 2, 10, 0)
    pending = item(status="pending", handed_over_at=None, seized_at=seized)
    # 23 h 59 min after seizure: running (warning); 24 h 1 min after: overdue
    assert (
        run([pending], seized + dt.timedelta(hours=23, minutes=59))[(1, "handover_24h")]["state"] == "warning"
    )
    late = run([pending], dt.datetime(2025, 6, 5, 9, 0))[(1, "handover_24h")]
    assert late["state"] == "overdue" and late["due_on"] == dt.date(2025, 6, 3) and late["days_over"] == 2
    # handed over 25 hours after seizure: a past violation stays on record
    done_late = item(handed_over_at=seized + dt.timedelta(hours=25))
    assert run([done_late], dt.datetime(2025, 7, 1))[(1, "handover_24h")]["state"] == "overdue"
    # exactly 24 hours is in time
    assert run([item(handed_over_at=seized + dt.timedelta(hours=24))], dt.datetime(2025, 7, 1)) == {}


def test_release_unrelated_in_3_days_with_holiday_shift():
    # seized Sunday 28 Sep 2025: 3 days → 1 Oct, a holiday; the period ends on the first working day, 9 Oct
    unrelated = item(relevant=False, seized_at=dt.datetime(2025, 9, 28, 9, 0))
    r = run([unrelated], dt.datetime(2025, 10, 9, 12, 0))[(1, "release_3d")]
    assert r["due_on"] == dt.date(2025, 10, 9) and r["state"] == "warning"
    r = run([unrelated], dt.datetime(2025, 10, 10, 9, 0))[(1, "release_3d")]
    assert r["state"] == "overdue" and r["days_over"] == 1
    # a working-day case: seized Mon 2 Jun → due Thu 5 Jun; on 4 Jun a warning, on 6 Jun overdue by 1
    plain = item(relevant=False, seized_at=dt.datetime(2025, 6, 2, 9, 0))
    assert run([plain], dt.datetime(2025, 6, 3, 9, 0)) == {}
    assert run([plain], dt.datetime(2025, 6, 4, 9, 0))[(1, "release_3d")]["state"] == "warning"
    assert run([plain], dt.datetime(2025, 6, 6, 9, 0))[(1, "release_3d")]["days_over"] == 1
    # released: no alert
    assert run([item(relevant=False, status="released")], dt.datetime(2025, 6, 30)) == {}


def test_freeze_six_months_alert_15_days_before():
    frozen = item(category="deposit", freeze_until=dt.date(2025, 12, 2))  # frozen 2 Jun + 6 months
    assert run([frozen], dt.datetime(2025, 11, 16, 9, 0)) == {}  # 16 days before: quiet
    warn = run([frozen], dt.datetime(2025, 11, 17, 9, 0))[(1, "freeze_6m")]  # 15 days before
    assert warn["state"] == "warning" and warn["started_on"] == dt.date(2025, 6, 2)
    assert run([frozen], dt.datetime(2025, 12, 2, 23, 0))[(1, "freeze_6m")]["state"] == "warning"
    lapsed = run([frozen], dt.datetime(2025, 12, 5, 9, 0))[(1, "freeze_6m")]
    assert lapsed["state"] == "overdue" and lapsed["days_over"] == 3


def test_overdue_borrowing():
    loan = {
        "item_id": 1,
        "centre": "330212-PSB-CW",
        "out_at": dt.datetime(2025, 6, 10, 9, 0),
        "due_at": dt.datetime(2025, 6, 12, 17, 0),
    }
    borrowed = item(status="borrowed")
    assert run([borrowed], dt.datetime(2025, 6, 11, 16, 0), [loan]) == {}
    assert run([borrowed], dt.datetime(2025, 6, 11, 17, 30), [loan])[(1, "loan_due")]["state"] == "warning"
    late = run([borrowed], dt.datetime(2025, 6, 14, 9, 0), [loan])[(1, "loan_due")]
    assert late["state"] == "overdue" and late["days_over"] == 2


@pytest.mark.parametrize(
    ("court", "notice", "due"),
    [
        # police: 6 months from 31 Mar 2025 → 30 Sep 2025 (clamped), a working day
        (False, dt.date(2025, 3, 31), dt.date(2025, 9, 30)),
        # court: 1 year from 1 Oct 2024 → 1 Oct 2025, 国庆 → first working day 9 Oct 2025
        (True, dt.date(2024, 10, 1), dt.date(2025, 10, 9)),
    ],
)
def test_claim_windows(court, notice, due):
    held = item(claim_notice_on=notice, claim_by_court=court)
    quiet = run([held], dt.datetime.combine(due - dt.timedelta(days=16), dt.time(9)))
    assert (1, "claim_window") not in quiet
    warn = run([held], dt.datetime.combine(due - dt.timedelta(days=15), dt.time(9)))[(1, "claim_window")]
    assert warn["due_on"] == due and warn["state"] == "warning"
    over = run([held], dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9)))[(1, "claim_window")]
    assert over["state"] == "overdue" and over["days_over"] == 1


def test_disposal_receipt_after_judgment():
    # effective Fri 1 Aug 2025 + 30 days = Sun 31 Aug → Mon 1 Sep 2025
    judged = item(judgment_effective_on=dt.date(2025, 8, 1))
    r = run([judged], dt.datetime(2025, 9, 2, 9, 0))[(1, "disposal_receipt")]
    assert r["due_on"] == dt.date(2025, 9, 1) and r["state"] == "overdue" and r["days_over"] == 1
    # disposed but the receipt not sent: still overdue; with the receipt: quiet
    assert run([item(judgment_effective_on=dt.date(2025, 8, 1), status="disposed")], dt.datetime(2025, 9, 2))
    assert (
        run(
            [
                item(
                    judgment_effective_on=dt.date(2025, 8, 1),
                    status="disposed",
                    receipt_sent_on=dt.date(2025, 8, 20),
                )
            ],
            dt.datetime(2025, 9, 2),
        )
        == {}
    )


def test_cash_must_be_in_the_compliant_account():
    drawer = item(category="cash", in_account=False, deposit_ref="")
    assert run([drawer], dt.datetime(2025, 6, 5))[(1, "cash_account")]["state"] == "overdue"
    banked = item(category="cash", in_account=True, deposit_ref="ZH3302120000001")
    assert run([banked], dt.datetime(2025, 6, 5)) == {}


def test_sample_size_formula():
    # n0 = 1.96² × 0.25 / 0.03² = 1067.11; n = n0 / (1 + (n0 − 1) / N)
    assert plane.sample_size(100_000) == 1056  # 1067.11 / 1.01066 = 1055.85 → 1056
    assert plane.sample_size(10_000) == 965  # 1067.11 / 1.10661 = 964.3 → 965
    assert plane.sample_size(500) == 341  # 1067.11 / 3.13222 = 340.7 → 341
    assert plane.sample_size(50) == 48
    assert plane.sample_size(0) == 0


def test_label_codes_have_a_check_character():
    code = plane.item_code("330212", 123)
    assert code.startswith("CW330212-0000123") and len(code) == 17 and plane.code_well_formed(code)
    typo = code[:12] + str((int(code[12]) + 1) % 10) + code[13:]
    assert not plane.code_well_formed(typo)
    swapped = code[:14] + code[15] + code[14] + code[16]
    assert swapped == code or not plane.code_well_formed(swapped)
    assert not plane.code_well_formed("CW330212-000012")

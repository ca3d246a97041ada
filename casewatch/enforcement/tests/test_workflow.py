"""Honour lists and pushes, fee reductions, credit-repair steps, and importing the enforcement tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casewatch.core.models import Unit
from casewatch.enforcement import repairs, services
from casewatch.enforcement.models import CreditRepair, DishonestListing, FeeReduction, HonourBatch

D = dt.date


def test_honour_batch_approval_publication_and_push_files(world):
    officer, other = world.user("enf_officer"), world.user("city_supervisor")
    unit = Unit.objects.get(code="330212-CRT")
    with pytest.raises(ValidationError):  # a certificate of another court
        services.create_batch(officer, unit, "第一批", [world.cert_out.pk])
    batch = services.create_batch(officer, unit, "第一批", [world.cert_in.pk])
    with pytest.raises(ValidationError):  # the preparer may not approve
        services.approve(officer, batch)
    with pytest.raises(ValidationError):  # not before publication
        services.push_file(officer, batch, "bank", "宁波银行")
    services.approve(other, batch)
    with pytest.raises(ValidationError):
        services.approve(other, batch)
    services.publish(officer, batch)
    bank = services.push_file(officer, batch, "bank", "宁波银行")
    rows = list(csv.DictReader(io.StringIO(bank.content.lstrip("\ufeff"))))
    assert bank.filename.endswith(".csv") and bank.rows == 1 and len(bank.sha256) == 64
    assert rows[0]["certificate_number"] == world.cert_in.number
    assert rows[0]["verification_code"] == world.cert_in.code and rows[0]["amount"] == "50000.00"
    credit = services.push_file(officer, batch, "credit", "信用宁波")
    obj = json.loads(credit.content.splitlines()[0])
    assert obj["subject_name"] == "宁波甲建材有限公司" and obj["subject_kind"] == "organisation"
    assert HonourBatch.objects.get(pk=batch.pk).pushes.count() == 2


def test_fee_reduction_rejects_bad_amounts(world):
    officer = world.user("enf_officer")
    for bad in ("-1", "0", "1.234", "abc"):
        with pytest.raises(ValidationError):
            services.record_fee_reduction(officer, world.cert_in, bad, "诉讼费用交纳办法")
    with pytest.raises(ValidationError):
        services.record_fee_reduction(officer, world.cert_in, "100", " ")
    f = services.record_fee_reduction(officer, world.cert_in, "525.00", "自动履行减半收取受理费")
    assert FeeReduction.objects.get(pk=f.pk).amount == Decimal("525.00")


def test_credit_repair_four_steps_with_deadlines(world):
    officer = world.user("enf_officer")
    listing = world.listing_in
    r = CreditRepair.objects.create(
        repair_id="T-XF-1",
        unit_id="330212-CRT",
        case_number=listing.case_number,
        case=listing.case,
        debtor_party_id=listing.debtor_party_id,
        listing_id=listing.listing_id,
        applied_on=D(2026, 4, 28),
        pledge_on=D(2026, 4, 28),
        status="applied",
    )
    assert repairs.deadlines(r)["verify_due"] == D(2026, 5, 13)  # 28 Apr + 15 = 13 May (a Wednesday)
    with pytest.raises(ValidationError) as exc:  # condition 1: nothing paid of 80,000
        repairs.verify(officer, r, "1", today=D(2026, 4, 30))
    assert exc.value.code == "not_met"
    with pytest.raises(ValidationError):  # condition 3 needs the officer's declaration
        repairs.verify(officer, r, "3", today=D(2026, 4, 30))
    repairs.verify(officer, r, "3", declared=True, today=D(2026, 4, 30))
    assert repairs.deadlines(r)["delete_due"] == D(2026, 5, 8)  # 3 working days over Labour Day
    repairs.delete_listing(officer, r, today=D(2026, 5, 7))
    listing = DishonestListing.objects.get(pk=listing.pk)
    assert (listing.trigger, listing.trigger_on, listing.deleted_on) == (
        "credit_repair",
        D(2026, 4, 30),
        D(2026, 5, 7),
    )
    with pytest.raises(ValidationError) as exc:
        repairs.complete(officer, r, today=D(2026, 6, 5))  # 29 days
    assert exc.value.code == "early"
    repairs.complete(officer, r, today=D(2026, 6, 6))
    assert CreditRepair.objects.get(pk=r.pk).status == "completed"
    from casewatch.enforcement import certificates

    cert = certificates.issue_repair(officer, r, today=D(2026, 6, 8))
    assert cert.number.startswith("XF2026-330212-CRT-") and cert.performed_on == D(2026, 6, 6)
    assert certificates.verify(cert.number, cert.code)[0] == "valid"
    with pytest.raises(ValidationError):
        certificates.issue_repair(officer, r, today=D(2026, 6, 8))


def test_shielding_plan_and_revoke_restores_listing(world):
    officer = world.user("enf_officer")
    listing = world.listing_in
    r = CreditRepair.objects.create(
        repair_id="T-XF-2",
        unit_id="330212-CRT",
        case_number=listing.case_number,
        case=listing.case,
        debtor_party_id=listing.debtor_party_id,
        listing_id=listing.listing_id,
        applied_on=D(2026, 9, 1),
        pledge_on=D(2026, 9, 1),
        status="applied",
    )
    with pytest.raises(ValidationError):
        repairs.shield(officer, r, [(D(2026, 10, 1), Decimal("-5"))], today=D(2026, 9, 10))
    repairs.shield(
        officer,
        r,
        [(D(2026, 10, 15), Decimal("30000")), (D(2026, 11, 15), Decimal("50000"))],
        today=D(2026, 9, 10),
    )
    plan = repairs.instalments(r)
    assert [p["covered"] for p in plan] == [False, False] and r.plan_amount == Decimal("80000")
    repairs.delete_listing(officer, r, today=D(2026, 9, 11))
    repairs.revoke(officer, r, "未按计划履行")
    listing = DishonestListing.objects.get(pk=listing.pk)
    assert listing.deleted_on is None and CreditRepair.objects.get(pk=r.pk).status == "revoked"


HEADER = "payment_id,unit_code,case_number,debtor_party_id,paid_on,amount,channel\n"
GOOD = "IMP-1,330212-CRT,（2026）浙0212民初101号,91330200MA2AAAAA1X,2026-03-21,10.00,bank_transfer\n"
UNKNOWN_CASE = "IMP-2,330212-CRT,（2026）浙0212民初999号,91330200MA2AAAAA1X,2026-03-21,10.00,bank_transfer\n"
BAD_CELLS = "IMP-3,330212-CRT,（2026）浙0212民初101号,91330200MA2AAAAA1X,2026-02-30,abc,paypal\n"


def test_import_enforcement_table_rejects_bad_rows_and_writes_nothing(world, tmp_path):
    from casewatch.cases.importing.pipeline import run_import
    from casewatch.enforcement.models import DebtorPayment

    user = world.user("city_supervisor")
    f = tmp_path / "debtor_payments.csv"
    before = DebtorPayment.objects.count()
    f.write_text(HEADER + GOOD + BAD_CELLS, encoding="utf-8")
    result = run_import([tmp_path], user=user)
    cols = {(p["row"], p["column"]) for p in result.problems.to_dicts()}
    assert (
        result.status == "rejected" and {(2, "paid_on"), (2, "amount"), (2, "channel")} <= cols
    )  # data rows count from 1
    assert all(p["reason_zh"] and p["reason_en"] for p in result.problems.to_dicts())
    f.write_text(HEADER + GOOD + UNKNOWN_CASE, encoding="utf-8")
    result = run_import([tmp_path], user=user)
    assert result.status == "rejected" and any(p["row"] == 2 for p in result.problems.to_dicts())
    assert DebtorPayment.objects.count() == before  # nothing half-written
    f.write_text(HEADER + GOOD, encoding="utf-8")
    ok = run_import([tmp_path], user=user)
    assert ok.status == "imported" and DebtorPayment.objects.filter(payment_id="IMP-1").exists()

"""A small enforcement world: two courts, a judgment paid in time, listings, funds, certificates.

Built once per module inside a rolled-back transaction (casewatch.core.testing.module_world);
each test runs in its own savepoint.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from casewatch.core import testing
from casewatch.core.choices import Role
from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)

D = dt.date
TODAY = D(2026, 9, 30)


def build_enforcement(world) -> None:
    from casewatch.cases.models import Case, CaseParty, Party
    from casewatch.enforcement import certificates
    from casewatch.enforcement.models import (
        CaseFundMovement,
        DebtorPayment,
        DishonestListing,
        EnforcementFiling,
        PerformanceDeadline,
    )

    world.users["enf_officer"] = testing.make_user(
        "enf_officer", Role.ENFORCEMENT_OFFICER, "330212-CRT", "330212-CRT-ZX"
    )
    world.users["enf_other"] = testing.make_user(
        "enf_other", Role.ENFORCEMENT_OFFICER, "330203-CRT", "330203-CRT-SG"
    )
    world.users["enf_noscope"] = testing.make_user(
        "enf_noscope", Role.ENFORCEMENT_OFFICER, None, "330212-CRT-ZX"
    )
    parties = {
        "ORG-A": Party.objects.create(
            party_id="91330200MA2AAAAA1X", kind="organisation", name="宁波甲建材有限公司"
        ),
        "ORG-B": Party.objects.create(
            party_id="91330200MA2BBBBB2X", kind="organisation", name="宁波乙贸易有限公司"
        ),
        "ORG-C": Party.objects.create(
            party_id="91330200MA2CCCCC3X", kind="organisation", name="宁波丙物流有限公司"
        ),
        "P1": Party.objects.create(
            party_id="330212198001011234", kind="person", name="王建国", birth_date=D(1980, 1, 1)
        ),
    }
    x = world.extra
    x["parties"] = parties

    def case(unit, number, case_type="civil", status="closed", **kw):
        return Case.objects.create(
            unit_id=unit,
            case_number=number,
            case_type=case_type,
            status=status,
            filed_at=kw.pop("filed_at", D(2026, 1, 5)),
            **kw,
        )

    # 鄞州: a judgment ORG-A paid in full in time (eligible) and one ORG-B paid late
    j1 = case("330212-CRT", "（2026）浙0212民初101号", closed_at=D(2026, 3, 1), outcome="judgment")
    j2 = case("330212-CRT", "（2026）浙0212民初102号", closed_at=D(2026, 3, 1), outcome="judgment")
    j3 = case("330212-CRT", "（2026）浙0212民初103号", closed_at=D(2026, 3, 1), outcome="judgment")
    for j, debtor in ((j1, "ORG-A"), (j2, "ORG-B"), (j3, "ORG-C")):
        CaseParty.objects.create(case=j, party=parties[debtor], role="defendant")
        CaseParty.objects.create(case=j, party=parties["P1"], role="plaintiff")
        PerformanceDeadline.objects.create(
            unit_id="330212-CRT",
            case_number=j.case_number,
            case=j,
            debtor_party_id=parties[debtor].party_id,
            effective_on=D(2026, 3, 16),
            perform_by=D(2026, 3, 26),
            amount_due=Decimal("50000.00"),
        )
    pay = lambda pid, j, debtor, day, amount: DebtorPayment.objects.create(  # noqa: E731
        payment_id=pid,
        unit_id="330212-CRT",
        case_number=j.case_number,
        case=j,
        debtor_party_id=parties[debtor].party_id,
        paid_on=day,
        amount=Decimal(amount),
        channel="bank_transfer",
    )
    pay("T-PAY-1", j1, "ORG-A", D(2026, 3, 20), "20000.00")
    pay("T-PAY-2", j1, "ORG-A", D(2026, 3, 26), "30000.00")
    pay("T-PAY-3", j2, "ORG-B", D(2026, 3, 30), "50000.00")
    pay("T-PAY-4", j3, "ORG-C", D(2026, 3, 20), "50000.00")
    # ORG-C is a debtor in a pending enforcement case elsewhere (海曙): near miss
    e_out = case(
        "330203-CRT",
        "（2025）浙0203执555号",
        case_type="enforcement",
        status="pending",
        filed_at=D(2025, 10, 1),
    )
    CaseParty.objects.create(case=e_out, party=parties["ORG-C"], role="debtor")
    # an enforcement case in 鄞州 with a listing; one in 海曙 with a listing (out of scope)
    e_in = case(
        "330212-CRT",
        "（2026）浙0212执201号",
        case_type="enforcement",
        status="pending",
        filed_at=D(2026, 1, 10),
    )
    CaseParty.objects.create(case=e_in, party=parties["P1"], role="debtor")
    EnforcementFiling.objects.create(
        unit_id="330212-CRT",
        case_number=e_in.case_number,
        case=e_in,
        debtor_party_id=parties["P1"].party_id,
        filed_on=D(2026, 1, 10),
        amount_sought=Decimal("80000.00"),
    )
    x["listing_in"] = DishonestListing.objects.create(
        listing_id="T-SX-IN",
        unit_id="330212-CRT",
        case_number=e_in.case_number,
        case=e_in,
        debtor_party_id=parties["P1"].party_id,
        ground="1",
        decided_on=D(2026, 2, 10),
    )
    x["listing_out"] = DishonestListing.objects.create(
        listing_id="T-SX-OUT",
        unit_id="330203-CRT",
        case_number=e_out.case_number,
        case=e_out,
        debtor_party_id=parties["ORG-C"].party_id,
        ground="4",
        decided_on=D(2026, 1, 20),
    )
    for mid, c, kind, day, amount, ref, rid in (
        ("T-AK-1", e_in, "receipt", D(2026, 5, 6), "30000.00", "NB-T-1", ""),
        ("T-AF-1", e_in, "payout", D(2026, 5, 20), "30000.00", "NB-T-2", "T-AK-1"),
        ("T-AK-2", e_in, "receipt", D(2026, 6, 1), "12000.00", "NB-T-3", ""),
    ):
        CaseFundMovement.objects.create(
            movement_id=mid,
            unit_id="330212-CRT",
            case_number=c.case_number,
            case=c,
            kind=kind,
            occurred_on=day,
            amount=Decimal(amount),
            bank_ref=ref,
            account_no="3305016333021201",
            receipt_id=rid,
        )
    x.update(j1=j1, j2=j2, j3=j3, e_in=e_in, e_out=e_out)
    officer = world.users["enf_officer"]
    x["cert_in"] = certificates.issue(officer, j1.pk, parties["ORG-A"].party_id, today=TODAY)
    other_j = case("330203-CRT", "（2026）浙0203民初301号", closed_at=D(2026, 3, 1), outcome="judgment")
    CaseParty.objects.create(case=other_j, party=parties["ORG-B"], role="defendant")
    PerformanceDeadline.objects.create(
        unit_id="330203-CRT",
        case_number=other_j.case_number,
        case=other_j,
        debtor_party_id=parties["ORG-B"].party_id,
        effective_on=D(2026, 3, 16),
        perform_by=D(2026, 3, 26),
        amount_due=Decimal("100.00"),
    )
    DebtorPayment.objects.create(
        payment_id="T-PAY-9",
        unit_id="330203-CRT",
        case_number=other_j.case_number,
        case=other_j,
        debtor_party_id=parties["ORG-B"].party_id,
        paid_on=D(2026, 3, 25),
        amount=Decimal("100.00"),
        channel="bank_transfer",
    )
    x["cert_out"] = certificates.issue(
        world.users["enf_other"], other_j.pk, parties["ORG-B"].party_id, today=TODAY
    )


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    with testing.rolled_back(django_db_blocker):
        world = testing.build_world()
        build_enforcement(world)
        yield world


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module

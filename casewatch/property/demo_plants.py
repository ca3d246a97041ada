"""Planted violations of the property demo, each listed in the ground truth with its rule.

They are written through the real services where a person would act (lend, take back damaged,
count a zone) and by targeted updates where the plant is a state of the record (a freeze about to
lapse, a claim window that ended). All in the demo centre (鄞州, ``330212-PSB-CW``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from casewatch.analytics.property import item_code
from casewatch.property import choices as C
from casewatch.property import services
from casewatch.property import services_inventory as inventory
from casewatch.property.models import CustodyEntry, Item, Location, PlaceEntry

CENTRE = "330212-PSB-CW"


def _fresh(case, n0: int, seized_at: dt.datetime, name: str, category: str, value) -> Item:
    """A new seizure registered by the officer today, not yet handed to the centre."""
    serial = Item.objects.filter(centre_id=CENTRE).count() + 1 + n0
    item = Item.objects.create(
        code=item_code("330212", serial),
        case=case,
        case_unit_id=case.unit_id,
        matter_id=case.matter_id,
        centre_id=CENTRE,
        measure=C.Measure.SEIZURE,
        category=category,
        name=name,
        features=name,
        quantity=Decimal(1),
        value=value,
        legal_document=f"扣押决定书（{case.case_number}）",
        relevant=True,
        seized_at=seized_at,
        seized_by=case.handler_id or "",
        status=C.ItemStatus.PENDING,
        custody_unit_id="330212-PSB",
        holder=f"办案民警 {case.handler_id or ''}".strip(),
        owner_name="王某某",
        owner_id_number="330212199001011234",
        owner_phone="13800001234",
    )
    CustodyEntry.objects.create(
        item=item,
        seq=1,
        kind=C.CustodyKind.SEIZED,
        at=seized_at,
        to_unit_id="330212-PSB",
        document=item.legal_document,
        giver=item.seized_by or "办案民警",
        receiver=item.seized_by or "办案民警",
        giver_confirmed_at=seized_at,
        receiver_confirmed_at=seized_at,
    )
    PlaceEntry.objects.create(
        item=item,
        seq=1,
        kind=C.PlaceKind.SEIZED,
        at=seized_at,
        to_holder=item.holder,
        giver="持有人",
        receiver=item.seized_by or "办案民警",
        giver_confirmed_at=seized_at,
        receiver_confirmed_at=seized_at,
    )
    return item


def plant(custodian, now: dt.datetime | None = None) -> list[dict]:
    """Write the plants; returns the ground truth rows (plant, rule, code, expected)."""
    from casewatch.cases.models import Case

    now = now or timezone.now()
    truth: list[dict] = []
    case = (
        Case.objects.filter(
            unit__code__startswith="330212-PSB", case_type="police_criminal", status="pending"
        )
        .order_by("case_number")
        .first()
        or Case.objects.filter(unit__code__startswith="330212-PSB").order_by("case_number").first()
    )
    if case is None:
        return truth
    # five fresh seizures for the counter (checked in on the phone during the demo), one overdue
    for k, (name, cat, value) in enumerate(
        (
            ("手机一部（黑色）", C.Category.PHONE, 2600),
            ("笔记本电脑一台", C.Category.PHONE, 5200),
            ("金项链一条", C.Category.VALUABLES, 9800),
            ("作案工具一批", C.Category.OTHER, None),
            ("现金人民币", C.Category.CASH, 12000),
        )
    ):
        item = _fresh(case, k, now - dt.timedelta(hours=2 + k), name, cat, value)
        truth.append(
            {"plant": "fresh_seizure", "rule": "", "code": item.code, "expected": "pending, due in 24 h"}
        )
    late = _fresh(case, 5, now - dt.timedelta(hours=30), "电动自行车一辆", C.Category.OTHER, 1800)
    truth.append(
        {
            "plant": "handover_overdue",
            "rule": C.AlertRule.HANDOVER,
            "code": late.code,
            "expected": "overdue: seized 30 h ago, not handed over",
        }
    )

    held = Item.objects.filter(centre_id=CENTRE, status=C.ItemStatus.IN_STORE).exclude(
        category=C.Category.CASH
    )
    police = list(held.filter(custody_unit_id="330212-PSB").order_by("code")[:2])
    pool = [i for i in held.order_by("code")[:40] if i not in police]
    if len(pool) < 4:
        return truth
    unrelated, claim, judged = pool[0], pool[1], pool[2]
    # the loans need items still in police custody: check in two of this morning's seizures if needed
    while len(police) < 2:
        fresh = Item.objects.get(code=truth[len(police)]["code"])
        services.check_in(custodian, fresh.code, "330212-W1-B-01-1", giver=fresh.seized_by or "办案民警")
        police.append(Item.objects.get(pk=fresh.pk))
        truth[len(police) - 1]["expected"] = "checked in and lent by the demo"
    loan_item, damaged = police[0], police[1]
    Item.objects.filter(pk=unrelated.pk).update(relevant=False, seized_at=now - dt.timedelta(days=6))
    truth.append(
        {
            "plant": "unrelated_not_released",
            "rule": C.AlertRule.RELEASE,
            "code": unrelated.code,
            "expected": "overdue: unrelated, seized 6 days ago, still held",
        }
    )
    loan = services.lend(
        custodian,
        loan_item.code,
        borrower="张警官",
        borrower_unit="330212-PSB-XJ",
        purpose=C.LoanPurpose.QUESTIONING,
        approver="刑侦大队 李大队长",
        due_at=now + dt.timedelta(hours=1),
    )
    type(loan).objects.filter(pk=loan.pk).update(
        out_at=now - dt.timedelta(days=5), due_at=now - dt.timedelta(days=2)
    )
    truth.append(
        {
            "plant": "loan_overdue",
            "rule": C.AlertRule.LOAN,
            "code": loan_item.code,
            "expected": "overdue: lent for questioning, due 2 days ago",
        }
    )
    services.lend(
        custodian,
        damaged.code,
        borrower="陈鉴定员",
        borrower_unit="330212-PSB-XJ",
        purpose=C.LoanPurpose.APPRAISAL,
        approver="刑侦大队 李大队长",
        due_at=now + dt.timedelta(days=1),
    )
    bins = Location.objects.filter(centre_id=CENTRE, kind=C.LocationKind.BIN).order_by("code")
    services.give_back(
        custodian,
        damaged.code,
        damaged.location.code if damaged.location_id else bins[0].code,
        condition=C.Condition.DAMAGED,
        note="外壳破损，鉴定时拆封",
    )
    truth.append(
        {
            "plant": "returned_damaged",
            "rule": "discrepancy",
            "code": damaged.code,
            "expected": "problem opened at the counter",
        }
    )
    Item.objects.filter(pk=claim.pk).update(claim_notice_on=(now - dt.timedelta(days=215)).date())
    truth.append(
        {
            "plant": "claim_window_ended",
            "rule": C.AlertRule.CLAIM,
            "code": claim.code,
            "expected": "overdue: return notice 7 months ago (police, 6 months), to the treasury",
        }
    )
    Item.objects.filter(pk=judged.pk).update(
        judgment_effective_on=(now - dt.timedelta(days=60)).date(), judgment_ref="（2026）浙0212刑初100号"
    )
    truth.append(
        {
            "plant": "judgment_not_disposed",
            "rule": C.AlertRule.RECEIPT,
            "code": judged.code,
            "expected": "overdue: judgment effective 60 days ago, not disposed, no receipt",
        }
    )
    cash = (
        Item.objects.filter(centre_id=CENTRE, category=C.Category.CASH, status__in=C.HELD)
        .exclude(status=C.ItemStatus.PENDING)
        .first()
    )
    if cash is not None:
        Item.objects.filter(pk=cash.pk).update(location=bins[0], deposit_ref="", status=C.ItemStatus.IN_STORE)
        truth.append(
            {
                "plant": "cash_in_drawer",
                "rule": C.AlertRule.CASH,
                "code": cash.code,
                "expected": "overdue: cash on a shelf, no deposit record",
            }
        )
    frozen = list(Item.objects.filter(centre_id=CENTRE, measure=C.Measure.FREEZE, status__in=C.HELD)[:2])
    if frozen:
        Item.objects.filter(pk=frozen[0].pk).update(freeze_until=(now + dt.timedelta(days=10)).date())
        truth.append(
            {
                "plant": "freeze_expiring",
                "rule": C.AlertRule.FREEZE,
                "code": frozen[0].code,
                "expected": "warning: freeze lapses in 10 days (alert from 15 days before)",
            }
        )
    if len(frozen) > 1:
        Item.objects.filter(pk=frozen[1].pk).update(freeze_until=(now - dt.timedelta(days=3)).date())
        truth.append(
            {
                "plant": "freeze_lapsed",
                "rule": C.AlertRule.FREEZE,
                "code": frozen[1].code,
                "expected": "overdue: freeze lapsed 3 days ago, not renewed",
            }
        )
    truth += _count(custodian)
    return truth


def _count(custodian) -> list[dict]:
    """A full count of zone W1-A: everything scanned except one planted missing item; one misplaced."""
    from casewatch.core.models import Unit

    for code in ("330212-W1-A", "330212-W1"):  # a small city: count the whole general warehouse instead
        zone = Location.objects.get(code=code)
        in_zone = list(
            Item.objects.filter(
                centre_id=CENTRE, status=C.ItemStatus.IN_STORE, location__path__startswith=zone.path
            )
            .select_related("location")
            .order_by("code")
        )
        if len(in_zone) >= 3:
            break
    else:
        return []
    missing, misplaced = in_zone[0], in_zone[1]
    other_bin = (
        Location.objects.filter(path__startswith=zone.path, kind=C.LocationKind.BIN)
        .exclude(pk=misplaced.location_id)
        .order_by("code")
        .first()
    )
    inv = inventory.start(
        custodian,
        Unit.objects.get(code=CENTRE),
        zone=zone,
        mode=C.InventoryMode.FULL,
        reason="保管员交接全面盘点（演示）",
        seed=2026,
    )
    for it in in_zone[1:]:
        where = other_bin if it.pk == misplaced.pk else it.location
        inventory.scan(custodian, inv, it.code, where.code)
    result = inventory.submit(custodian, inv)
    return [
        {
            "plant": "inventory_missing",
            "rule": "inventory",
            "code": missing.code,
            "expected": f"missing in count #{inv.pk} (problem #{result['problem_id']})",
        },
        {
            "plant": "inventory_misplaced",
            "rule": "inventory",
            "code": misplaced.code,
            "expected": f"misplaced in count #{inv.pk}: found in {other_bin.code}, recorded in {misplaced.location.code}",
        },
    ]

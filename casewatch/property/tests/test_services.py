"""Services: both streams and their invariants, transfer with the case, loans, disposal, counts,
bad input (bilingual, nothing half-written), discrepancies and overdue deadlines on the problem list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from casewatch.core.models import AuditLog
from casewatch.problems.models import Problem
from casewatch.property import services
from casewatch.property import services_inventory as inventory
from casewatch.property.alerts import refresh
from casewatch.property.errors import PropertyError
from casewatch.property.models import CustodyEntry, Item, Location, PlaceEntry
from casewatch.property.tests.conftest import make_item


def assert_chain(item: Item):
    """Both streams are unbroken chains ending in the item's heads; every event has both confirmations."""
    item.refresh_from_db()
    places = list(PlaceEntry.objects.filter(item=item).order_by("seq"))
    assert [p.seq for p in places] == list(range(1, len(places) + 1))
    for prev, nxt in zip(places, places[1:], strict=False):
        assert (nxt.from_location_id, nxt.from_holder) == (prev.to_location_id, prev.to_holder), (
            prev.seq,
            nxt.seq,
        )
    last = places[-1]
    assert (item.location_id, item.holder) == (last.to_location_id, last.to_holder)
    assert (item.location_id is None) != (item.holder == "")  # exactly one place
    custody = list(CustodyEntry.objects.filter(item=item).order_by("seq"))
    assert [c.seq for c in custody] == list(range(1, len(custody) + 1))
    for prev, nxt in zip(custody, custody[1:], strict=False):
        assert nxt.from_unit_id == prev.to_unit_id
    assert custody[-1].to_unit_id == item.custody_unit_id  # exactly one custody
    for e in places + custody:
        assert e.giver and e.receiver and e.giver_confirmed_at and e.receiver_confirmed_at


def err(exc_info) -> PropertyError:
    return exc_info.value


def test_check_in_move_lend_return_keep_the_chain(world):
    custodian = world.user("custodian")
    pending = world.pending
    services.check_in(custodian, pending.code, "330212-w1-c-02-3", giver="张警官")
    services.move(custodian, pending.code, "330212-W1-C-04-1")
    loan = services.lend(
        custodian,
        pending.code,
        borrower="张警官",
        borrower_unit="330212-PSB-XJ",
        purpose="questioning",
        approver="李大队长",
        due_at=timezone.now() + dt.timedelta(days=1),
    )
    item = Item.objects.get(pk=pending.pk)
    assert item.status == "borrowed" and item.location_id is None and "张警官" in item.holder
    services.give_back(custodian, pending.code, "330212-W1-C-04-1")
    item.refresh_from_db()
    assert item.status == "in_store" and item.location.code == "330212-W1-C-04-1"
    loan.refresh_from_db()
    assert loan.returned_at is not None and loan.return_condition == "ok"
    assert_chain(item)
    assert [p.kind for p in item.place_entries.order_by("seq")] == [
        "seized",
        "check_in",
        "move",
        "lend",
        "return",
    ]
    assert AuditLog.objects.filter(
        object_type="property.item", object_id=str(item.pk), message="property check-in"
    ).exists()


def test_database_refuses_two_places_or_an_unconfirmed_event(world):
    item = world.item_in
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=item.pk).update(holder="someone")  # a bin and a person at once
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceEntry.objects.create(
            item=item,
            seq=9,
            kind="move",
            at=timezone.now(),
            to_location=world.bin1,
            giver="a",
            receiver="b",
            giver_confirmed_at=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CustodyEntry.objects.create(
            item=item,
            seq=9,
            kind="transferred",
            at=timezone.now(),
            to_unit_id="330212-PRO",
            document="x",
            giver="a",
            receiver="b",
            receiver_confirmed_at=timezone.now(),
        )


def test_transfer_with_the_case_moves_custody_not_the_object(world):
    legal, prosecutor = world.user("district_legal"), world.user("prosecutor")
    item = world.item_in
    handover = services.propose_handover(legal, world.case_in, "330212-PRO", "起诉意见书 甬鄞公诉[2024]1号")
    item.refresh_from_db()
    assert item.custody_unit_id == "330212-PSB"  # nothing moves until the procuratorate accepts
    with pytest.raises(PropertyError) as exc:
        services.accept_handover(world.user("other_court"), handover)
    assert err(exc).error_code == "handover_scope"
    assert services.accept_handover(prosecutor, handover) == 2
    item.refresh_from_db()
    assert item.custody_unit_id == "330212-PRO" and item.location_id == world.bin1.pk  # 权属移交，实物不动
    entry = item.custody_entries.order_by("-seq").first()
    assert entry.kind == "transferred" and entry.giver_confirmed_at == handover.proposed_at
    assert entry.receiver_confirmed_at is not None and entry.receiver == "吴检察官"
    assert_chain(item)
    with pytest.raises(PropertyError) as exc:
        services.accept_handover(prosecutor, handover)
    assert err(exc).error_code == "handover_done"
    # a police case officer may no longer move or lend it: it is held by the procuratorate
    with pytest.raises(PropertyError) as exc:
        services.lend(
            world.user("custodian"),
            item.code,
            borrower="张警官",
            borrower_unit="330212-PSB-XJ",
            purpose="questioning",
            approver="李大队长",
            due_at=timezone.now() + dt.timedelta(days=1),
        )
    e = err(exc)
    assert e.error_code == "held_by_other" and item.code in e.text("en") and "检察院" in e.text("zh-hans")
    assert "procuratorate" not in e.text("zh-hans")


@pytest.mark.parametrize(
    ("what", "expected_code"),
    [("mistyped", "mistyped"), ("unknown", "unknown"), ("out_of_scope", "unknown"), ("second", "already_in")],
)
def test_bad_codes_are_refused_bilingually_and_write_nothing(world, what, expected_code):
    custodian = world.user("custodian")
    code = {
        "mistyped": world.pending.code[:-1] + ("0" if world.pending.code[-1] != "0" else "1"),
        "unknown": __import__("casewatch.analytics.property", fromlist=["item_code"]).item_code(
            "330212", 99999
        ),
        "out_of_scope": world.item_out.code,
        "second": world.item_in.code,
    }[what]
    before = (
        PlaceEntry.objects.count(),
        CustodyEntry.objects.count(),
        AuditLog.objects.exclude(action="access_denied").count(),
    )
    with pytest.raises(PropertyError) as exc:
        services.check_in(custodian, code, "330212-W1-C-01-1", giver="张警官")
    e = err(exc)
    assert e.error_code == expected_code
    zh, en = e.text("zh-hans"), e.text("en")
    assert code in zh and code in en and zh != en
    assert before == (
        PlaceEntry.objects.count(),
        CustodyEntry.objects.count(),
        AuditLog.objects.exclude(action="access_denied").count(),
    )
    if what == "second":
        assert "330212-W1-B-01-1" in en  # names where it already is
    if what == "out_of_scope":
        assert AuditLog.objects.filter(action="access_denied", object_repr=code).exists()


def test_move_of_an_item_held_by_another_agency(world):
    prosecutor_held = make_item(world.case_in, 50, location=world.bin1, custody="330212-PRO")
    with pytest.raises(PropertyError) as exc:
        services.move(world.user("district_handler"), prosecutor_held.code, "330212-W1-C-01-1")
    e = err(exc)
    assert e.error_code == "held_by_other" and prosecutor_held.code in e.text("en")
    prosecutor_held.refresh_from_db()
    assert prosecutor_held.location_id == world.bin1.pk and prosecutor_held.place_entries.count() == 2


def test_disposal_needs_an_effective_judgment_and_the_approvals(world):
    custodian = world.user("custodian")
    item = world.item_in
    kwargs = {"approval_level": "judgment", "approver": "王庭长", "certificate": "没收物品上缴凭证 001"}
    with pytest.raises(PropertyError) as exc:
        services.dispose(custodian, item.code, route="confiscate", **kwargs)
    assert err(exc).error_code == "no_judgment" and item.code in err(exc).text("en")
    item.refresh_from_db()
    assert item.status == "in_store" and not hasattr(item, "disposal_cached")
    with pytest.raises(PropertyError) as exc:
        services.dispose(
            custodian, item.code, route="presale", approval_level="department", approver="x", certificate="y"
        )
    assert err(exc).error_code == "approval"
    Item.objects.filter(pk=item.pk).update(judgment_effective_on=dt.date(2024, 9, 1))
    disposal = services.dispose(custodian, item.code, route="confiscate", receipt_sent=True, **kwargs)
    item.refresh_from_db()
    assert (
        item.status == "disposed" and disposal.certificate == "没收物品上缴凭证 001" and item.receipt_sent_on
    )
    assert_chain(item) if item.location_id or item.holder else None
    assert item.custody_entries.order_by("-seq").first().kind == "disposed"


def test_cash_goes_into_the_compliant_account(world):
    cash = make_item(
        world.case_in, 60, status="pending", holder="办案民警 张警官", category="cash", name="现金"
    )
    custodian = world.user("custodian")
    with pytest.raises(PropertyError) as exc:
        services.check_in(custodian, cash.code, "330212-W1-A-01-1", giver="张警官")
    assert err(exc).error_code == "cash_account"
    services.check_in(custodian, cash.code, "330212-ACC", giver="张警官", deposit_ref="ZH-0001")
    cash.refresh_from_db()
    assert cash.status == "off_site" and cash.deposit_ref == "ZH-0001"


def test_damage_on_return_opens_a_problem(world):
    custodian = world.user("custodian")
    item = world.item_in
    services.lend(
        custodian,
        item.code,
        borrower="陈鉴定员",
        borrower_unit="330212-PSB-XJ",
        purpose="appraisal",
        approver="李大队长",
        due_at=timezone.now() + dt.timedelta(days=1),
    )
    services.give_back(custodian, item.code, "330212-W1-B-01-1", condition="damaged", note="屏幕碎裂")
    d = item.discrepancies.get()
    problem = Problem.objects.get(pk=d.problem_id)
    assert problem.source == "property" and item.code in problem.title and problem.unit_id == "330212-PSB-CW"


def test_inventory_finds_missing_misplaced_unexpected_and_refuses_a_second_submit(world):
    custodian = world.user("custodian")
    zone = Location.objects.get(code="330212-W1-B")
    other = make_item(world.case_in, 70, location=Location.objects.get(code="330212-W1-B-02-1"))
    gone = make_item(world.case_in, 71, location=Location.objects.get(code="330212-W1-B-03-1"))
    elsewhere = make_item(world.case_in, 72, location=Location.objects.get(code="330212-W1-C-01-1"))
    inv = inventory.start(custodian, world.bin1.centre, zone=zone, mode="full", reason="保管员交接")
    assert inv.sample_size == 3 and inv.population == 3
    inventory.scan(custodian, inv, world.item_in.code, "330212-W1-B-01-1")
    inventory.scan(custodian, inv, other.code, "330212-W1-B-04-4")  # misplaced
    inventory.scan(custodian, inv, other.code, "330212-W1-B-04-4")  # read twice: kept once
    inventory.scan(custodian, inv, elsewhere.code, "330212-W1-B-01-1")  # recorded in zone C
    result = inventory.submit(custodian, inv)
    assert (result["missing"], result["misplaced"], result["unexpected"]) == (1, 1, 1)
    assert result["missing_codes"] == [gone.code]
    assert Problem.objects.get(pk=result["problem_id"]).source_ref == f"property-inventory:{inv.pk}"
    with pytest.raises(PropertyError) as exc:
        inventory.submit(custodian, inv)
    assert err(exc).error_code == "counted"
    assert inv.discrepancies.count() == 3  # nothing written twice


def test_sampled_inventory_draws_the_formula_size(world):
    from casewatch.analytics.property import sample_size

    custodian = world.user("custodian")
    inv = inventory.start(custodian, world.bin1.centre, mode="sampled", seed=7)
    assert inv.sample_size == sample_size(inv.population) and inv.expected.count() == inv.sample_size


def test_overdue_handover_becomes_a_problem_through_the_refresh(world):
    late = make_item(
        world.case_in,
        80,
        status="pending",
        holder="办案民警 张警官",
        seized_at=timezone.now() - dt.timedelta(hours=30),
    )
    result = refresh(world.user("city_supervisor"))
    alert = late.alerts.get(rule="handover_24h")
    assert alert.state == "overdue" and alert.problem_id
    problem = Problem.objects.get(pk=alert.problem_id)
    assert problem.source == "property" and late.code in problem.title and problem.unit_id == "330212-PSB-XJ"
    assert result["problems_opened"] >= 1
    again = refresh(world.user("city_supervisor"))  # idempotent: the problem is kept, not reopened
    assert again["problems_opened"] == 0 and late.alerts.get(rule="handover_24h").problem_id == problem.pk
    # the fresh seizure of this morning is only running
    assert world.pending.alerts.get(rule="handover_24h").state == "warning"

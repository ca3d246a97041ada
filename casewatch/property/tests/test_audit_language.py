"""Seized-property audit messages in the reader's language (issue 12, item 11): stored as
written (English, codes inside), shown translated with verbs, routes and modes by their labels."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from casewatch.core.testing import audit_messages_since as _new
from casewatch.core.testing import last_audit_id as _since
from casewatch.core.testing import message_in_both as _both
from casewatch.property import services
from casewatch.property import services_inventory as inventory
from casewatch.property.alerts import refresh
from casewatch.property.choices import DisposalRoute, InventoryMode
from casewatch.property.errors import PropertyError
from casewatch.property.models import Item, Location
from casewatch.property.tests.conftest import make_item

pytestmark = pytest.mark.django_db


def test_item_moves_and_disposal_read_in_chinese_and_english(world):
    custodian = world.user("custodian")
    code = world.pending.code
    since = _since()
    services.check_in(custodian, code, "330212-w1-c-02-3", giver="张警官")
    services.move(custodian, code, "330212-W1-C-04-1")
    services.lend(
        custodian,
        code,
        borrower="张警官",
        borrower_unit="330212-PSB-XJ",
        purpose="questioning",
        approver="李大队长",
        due_at=timezone.now() + dt.timedelta(days=1),
    )
    services.give_back(custodian, code, "330212-W1-C-04-1")
    item = world.item_in
    Item.objects.filter(pk=item.pk).update(judgment_effective_on=dt.date(2024, 9, 1))
    services.dispose(
        custodian,
        item.code,
        route="confiscate",
        receipt_sent=True,
        approval_level="judgment",
        approver="王庭长",
        certificate="没收物品上缴凭证 001",
    )
    with pytest.raises(PropertyError):
        services.lookup(world.user("other_custodian"), item.code)
    stored = [m for m in _new(since) if m.startswith(("property ", "view refused"))]
    assert stored == [
        "property check-in",
        "property move",
        "property lend",
        "property return",
        "property disposal confiscate",
        "view refused: outside the user's scope",
    ]
    texts = [_both(m) for m in stored]
    assert [zh for zh, _en in texts] == [
        "涉案财物入库",
        "涉案财物移库",
        "涉案财物借出",
        "涉案财物归还入库",
        f"涉案财物已处置：{DisposalRoute.CONFISCATE.label}",
        "涉案财物查询被拒绝：超出用户的数据范围",
    ]
    assert texts[0][1] == "property item checked in"
    assert texts[4][1] == "property item disposed of: Confiscated to the treasury"


def test_transfer_inventory_and_refresh_read_in_chinese_and_english(world):
    legal, prosecutor, custodian = (
        world.user("district_legal"),
        world.user("prosecutor"),
        world.user("custodian"),
    )
    since = _since()
    handover = services.propose_handover(legal, world.case_in, "330212-PRO", "起诉意见书 甬鄞公诉[2024]1号")
    n = services.accept_handover(prosecutor, handover)
    assert _new(since)[-2:] == [f"transfer list of {n} items", f"accepted: {n} items' custody"]
    assert _both(f"transfer list of {n} items") == (
        f"随案移送清单已发出，共 {n} 件财物",
        f"transfer list of {n} items sent with the case",
    )
    assert _both(f"accepted: {n} items' custody")[0] == f"移送已接收：接管 {n} 件财物的保管"

    zone = Location.objects.get(code="330212-W1-B")
    make_item(world.case_in, 71, location=Location.objects.get(code="330212-W1-B-03-1"))
    since = _since()
    inv = inventory.start(custodian, world.bin1.centre, zone=zone, mode="full", reason="保管员交接")
    started = _new(since)[-1]
    assert started == f"inventory full: {inv.sample_size} of {inv.population} items"
    assert _both(started)[0] == (
        f"盘点已开始（{InventoryMode.FULL.label}）：{inv.population} 件中清点 {inv.sample_size} 件"
    )
    result = inventory.submit(custodian, inv)
    submitted = _new(since)[-1]
    assert submitted.startswith("inventory submitted: {'expected': ")
    zh, en = _both(submitted)
    assert zh == (
        f"盘点已提交：应盘 {result['expected']} 件，已扫描 {result['scanned']} 件，短少 {result['missing']} 件，"
        f"账外 {result['unexpected']} 件，错位 {result['misplaced']} 件"
    )
    assert en.startswith(f"inventory submitted: {result['expected']} expected, ") and "{" not in en
    # a sampled count also stores its error rate (the same dict, one more key)
    sampled = (
        "inventory submitted: {'expected': 40, 'scanned': 39, 'missing': 1, 'unexpected': 0, 'misplaced': 1, "
        "'missing_codes': ['330212-2024-000001'], 'error_rate': 5.0, 'problem_id': 9}"
    )
    assert (
        _both(sampled)[0]
        == "盘点已提交：应盘 40 件，已扫描 39 件，短少 1 件，账外 0 件，错位 1 件，差错率 5.0%"
    )

    since = _since()
    refresh(world.user("city_supervisor"))
    refreshed = [m for m in _new(since) if m.startswith("property alerts refreshed")]
    assert len(refreshed) == 1
    zh, en = _both(refreshed[0])
    assert zh.startswith("涉案财物预警已刷新：") and "alerts" not in zh
    assert en == refreshed[0]


def test_an_unknown_message_is_shown_as_stored():
    assert _both("property teleported") == ("property teleported", "property teleported")

"""Fixtures of the property tests: the core world with cases, plus the 鄞州 centre's places, a
custodian, a procuratorate officer and items in and out of scope (built once per module, rolled back)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from casewatch.core import testing
from casewatch.core.choices import Role
from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)

TZ = dt.timezone(dt.timedelta(hours=8))


def make_item(
    case,
    code_serial: int,
    *,
    district="330212",
    status="in_store",
    location=None,
    holder="",
    category="phone",
    custody=None,
    name="手机一部",
    **extra,
):
    from casewatch.analytics.property import item_code
    from casewatch.property.models import CustodyEntry, Item, PlaceEntry

    seized = extra.pop("seized_at", timezone.now() - dt.timedelta(days=10))
    item = Item.objects.create(
        code=item_code(district, code_serial),
        case=case,
        case_unit_id=case.unit_id,
        centre_id=f"{district}-PSB-CW",
        measure="seizure",
        category=category,
        name=name,
        quantity=Decimal(1),
        value=Decimal("2600.00"),
        legal_document=f"扣押决定书（{case.case_number}）",
        seized_at=seized,
        seized_by="T-PSB-0001",
        status=status,
        custody_unit_id=custody or f"{district}-PSB",
        location=location,
        holder=holder if location is None else "",
        owner_name="王小明",
        owner_id_number="330212199001017777",
        owner_phone="13700001111",
        handed_over_at=None if status == "pending" else seized + dt.timedelta(hours=3),
        **extra,
    )
    CustodyEntry.objects.create(
        item=item,
        seq=1,
        kind="seized",
        at=seized,
        to_unit_id=item.custody_unit_id,
        document=item.legal_document,
        giver="张警官",
        receiver="张警官",
        giver_confirmed_at=seized,
        receiver_confirmed_at=seized,
    )
    PlaceEntry.objects.create(
        item=item,
        seq=1,
        kind="seized",
        at=seized,
        to_holder="办案民警 张警官",
        giver="持有人",
        receiver="张警官",
        giver_confirmed_at=seized,
        receiver_confirmed_at=seized,
    )
    if location is not None:
        at = item.handed_over_at
        PlaceEntry.objects.create(
            item=item,
            seq=2,
            kind="check_in",
            at=at,
            from_holder="办案民警 张警官",
            to_location=location,
            giver="张警官",
            receiver="保管员",
            giver_confirmed_at=at,
            receiver_confirmed_at=at,
        )
    return item


def build_property_world(world):
    from casewatch.core.models import Unit
    from casewatch.property.demo import build_locations
    from casewatch.property.models import Location

    world.users["custodian"] = testing.make_user(
        "custodian", Role.PROPERTY_CUSTODIAN, "330212-PSB-CW", "330212-PSB-CW", first_name="周保管"
    )
    world.users["other_custodian"] = testing.make_user(
        "other_custodian", Role.PROPERTY_CUSTODIAN, "330203-PSB-CW", "330203-PSB-CW"
    )
    world.users["prosecutor"] = testing.make_user(
        "prosecutor", Role.HANDLER, "330212-PRO", "330212-PRO-AG", first_name="吴检察官"
    )
    build_locations(Unit.objects.get(code="330212-PSB-CW"))
    build_locations(Unit.objects.get(code="330203-PSB-CW"))
    bin1 = Location.objects.get(code="330212-W1-B-01-1")
    item_in = make_item(world.case_in, 1, location=bin1)
    pending = make_item(
        world.case_in,
        2,
        status="pending",
        holder="办案民警 张警官",
        seized_at=timezone.now() - dt.timedelta(hours=3),
    )
    from casewatch.cases.models import Case

    case_haishu = Case.objects.create(
        unit_id="330203-PSB-XJ",
        case_number="甬海公(刑)立字[2024]90009号",
        case_type="police_criminal",
        cause_name="诈骗罪",
        status="pending",
        filed_at=dt.date(2024, 3, 2),
    )
    item_out = make_item(
        case_haishu, 1, district="330203", location=Location.objects.get(code="330203-W1-B-01-1")
    )
    world.extra.update(
        item_in=item_in, pending=pending, item_out=item_out, bin1=bin1, case_haishu=case_haishu
    )
    return world


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    with testing.rolled_back(django_db_blocker):
        world = testing.build_world()
        testing.build_case_world(world)
        build_property_world(world)
        yield world


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module

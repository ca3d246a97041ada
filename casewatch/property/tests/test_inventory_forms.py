"""Starting a count and recording a scan validate their POST with forms: an unknown or another
organisation's centre is refused (it used to fall back silently to the first centre), a missing or
too long code and an unknown location are bilingual field errors; nothing is written then."""

from __future__ import annotations

import pytest

from casewatch.core.models import AuditLog
from casewatch.property import services_inventory as inventory
from casewatch.property.models import Inventory, InventoryScan

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("centre", [None, "", "NOPE-CW", "330203-PSB-CW"])  # last: another district's
def test_start_count_unknown_centre_refused(client, world, centre):
    client.force_login(world.user("custodian"))
    audits = AuditLog.objects.count()
    data = {"mode": "full", "zone": "", "reason": ""}
    if centre is not None:
        data["centre"] = centre
    r = client.post("/property/inventories/", data, follow=True)
    text = _messages(r)
    assert "Centre" in text and "管理中心" in text, text
    assert not Inventory.objects.exists() and AuditLog.objects.count() == audits


def test_start_count_in_chosen_centre(client, world):
    client.force_login(world.user("custodian"))
    r = client.post("/property/inventories/", {"centre": "330212-PSB-CW", "mode": "full"})
    inv = Inventory.objects.get()
    assert r.status_code == 302 and inv.centre_id == "330212-PSB-CW"


@pytest.fixture
def inv(world):
    return inventory.start(world.user("custodian"), world.bin1.centre, mode="full")


@pytest.mark.parametrize(
    ("data", "needles"),
    [
        ({"code": "", "location": ""}, ("Label code", "标签编码", "required")),
        ({"code": "   "}, ("Label code", "required")),
        ({"code": "X" * 41}, ("Label code", "40")),
        ({"code": "A-1", "location": "NO-SUCH-BIN"}, ("Location code", "NO-SUCH-BIN", "本管理中心没有")),
        (
            {"code": "A-1", "location": "330203-W1-B-01-1"},
            ("Location code", "no such location"),
        ),  # other centre
    ],
)
def test_scan_malformed_refused(client, world, inv, data, needles):
    client.force_login(world.user("custodian"))
    audits = AuditLog.objects.count()
    r = client.post(f"/property/inventories/{inv.pk}/", data, follow=True)
    text = _messages(r)
    for needle in needles:
        assert needle in text, text
    assert not InventoryScan.objects.filter(inventory=inv).exists() and AuditLog.objects.count() == audits


def test_scan_valid_and_other_organisation_404(client, world, inv):
    client.force_login(world.user("other_custodian"))
    assert client.post(f"/property/inventories/{inv.pk}/", {"code": world.item_in.code}).status_code == 404
    assert not InventoryScan.objects.exists()
    client.force_login(world.user("custodian"))
    client.post(
        f"/property/inventories/{inv.pk}/",
        {"code": f" {world.item_in.code.lower()} ", "location": "330212-w1-b-01-1"},
    )
    scan = InventoryScan.objects.get(inventory=inv)
    assert scan.item_id == world.item_in.pk and scan.location_id == world.bin1.pk

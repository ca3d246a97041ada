"""``property-demo``: fill the centre from the demo city's canonical ``property_items`` and
``custody_events``, spread over warehouses, with planted violations listed in a ground truth.

Set-based: the canonical rows are read in one query each, the ledger rows and both streams are
written with ``bulk_create`` in batches, the planted cases are a handful of targeted updates. The
spread is deterministic (``--seed``). Every centre (each district's ``…-PSB-CW`` unit, and the
city's) gets two warehouses — W1 (综合库: zones A–C, 4 shelves × 4 bins each) and W2 (车辆停放场:
8 bays) — plus third-party custody, the single compliant account and a registry entry for
recorded-only items. Items of a case transferred to the procuratorate have their legal custody
there while they stay on their shelf (权属移交，实物不动).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from casewatch.analytics.property import item_code
from casewatch.core.models import Unit
from casewatch.property import choices as C
from casewatch.property.models import (
    Alert,
    CustodyEntry,
    Discrepancy,
    Disposal,
    Handover,
    Inventory,
    Item,
    Loan,
    Location,
    PlaceEntry,
)

DEMO_CENTRE = "330212-PSB-CW"
BATCH = 5000


def build_locations(centre: Unit) -> dict[str, list[Location]]:
    """The centre's places (idempotent: existing codes are kept). Returns bins per kind."""
    d = centre.code.split("-")[0]
    specs = [
        (f"{d}-W1", "综合库", C.LocationKind.WAREHOUSE, None),
        (f"{d}-W2", "车辆停放场", C.LocationKind.WAREHOUSE, None),
        (f"{d}-TP", "第三方保管（查封现场）", C.LocationKind.THIRD_PARTY, None),
        (f"{d}-ACC", "唯一合规账户（涉案款专户）", C.LocationKind.ACCOUNT, None),
        (f"{d}-REG", "登记机关（只登记不入库）", C.LocationKind.REGISTRY, None),
        (f"{d}-FILE", "随卷移送", C.LocationKind.WITH_FILE, None),
    ]
    for zone, zname in (("A", "贵重物品区"), ("B", "电子物证区"), ("C", "一般物品区")):
        specs.append((f"{d}-W1-{zone}", zname, C.LocationKind.ZONE, f"{d}-W1"))
        for shelf in range(1, 5):
            specs.append(
                (
                    f"{d}-W1-{zone}-{shelf:02d}",
                    f"{zone}区{shelf}号货架",
                    C.LocationKind.SHELF,
                    f"{d}-W1-{zone}",
                )
            )
            for b in range(1, 5):
                specs.append(
                    (
                        f"{d}-W1-{zone}-{shelf:02d}-{b}",
                        f"{zone}区{shelf}架{b}格",
                        C.LocationKind.BIN,
                        f"{d}-W1-{zone}-{shelf:02d}",
                    )
                )
    specs.append((f"{d}-W2-V", "停车区", C.LocationKind.ZONE, f"{d}-W2"))
    for b in range(1, 9):
        specs.append((f"{d}-W2-V-{b:02d}", f"{b}号车位", C.LocationKind.BIN, f"{d}-W2-V"))
    by_code = {loc.code: loc for loc in Location.objects.filter(centre=centre)}
    for code, name, kind, parent in specs:
        if code not in by_code:
            loc = Location(code=code, name=name, kind=kind, centre=centre, parent=by_code.get(parent))
            loc.save()
            by_code[code] = loc
    return {
        "valuables": [
            v for k, v in by_code.items() if k.startswith(f"{d}-W1-A-") and v.kind == C.LocationKind.BIN
        ],
        "electronics": [
            v for k, v in by_code.items() if k.startswith(f"{d}-W1-B-") and v.kind == C.LocationKind.BIN
        ],
        "general": [
            v for k, v in by_code.items() if k.startswith(f"{d}-W1-C-") and v.kind == C.LocationKind.BIN
        ],
        "vehicles": [v for k, v in by_code.items() if k.startswith(f"{d}-W2-V-")],
        "third_party": [by_code[f"{d}-TP"]],
        "account": [by_code[f"{d}-ACC"]],
        "registry": [by_code[f"{d}-REG"]],
    }


_SHELF = {
    C.Category.VALUABLES: "valuables",
    C.Category.PHONE: "electronics",
    C.Category.VEHICLE: "vehicles",
    C.Category.CASH: "account",
    C.Category.DEPOSIT: "account",
    C.Category.REAL_ESTATE: "registry",
}


def reset() -> None:
    """Remove the centre's demo rows (not the canonical tables)."""
    from casewatch.problems.models import Problem

    with transaction.atomic():
        for model in (Alert, Discrepancy, Disposal, Loan, CustodyEntry, PlaceEntry):
            model.objects.all().delete()
        Inventory.objects.all().delete()
        Handover.objects.all().delete()
        Item.objects.all().delete()
        # the parent link is protected row by row; one statement removes the whole tree
        with connection.cursor() as cur:
            cur.execute("DELETE FROM property_location")
        Problem.objects.filter(source="property", source_ref__startswith="property-").delete()


def fill(*, seed: int = 2026, now: dt.datetime | None = None, out=None) -> dict:
    """Register every canonical item in its district's centre, with both streams; returns counts."""
    from casewatch.cases.models import CustodyEvent, PropertyItem, Transfer

    rng = random.Random(seed)
    now = now or timezone.now()
    centres = {u.code: u for u in Unit.objects.filter(code__endswith="-PSB-CW")}
    rows = list(
        PropertyItem.objects.filter(centre_item__isnull=True)
        .select_related("case", "case__unit")
        .values(
            "pk",
            "item_id",
            "kind",
            "description",
            "value",
            "seized_at",
            "handed_to_custodian_at",
            "custodian_staff_no",
            "relevant",
            "released_at",
            "disposal",
            "disposal_at",
            "case_id",
            "case__unit__code",
            "case__matter_id",
            "case__case_number",
            "case__handler_id",
        )
        .order_by("item_id")
    )
    moved = dict(
        CustodyEvent.objects.filter(kind="transferred_with_case").values_list("item_id", "occurred_at")
    )
    to_unit = dict(
        Transfer.objects.filter(to_unit__code__endswith="-PRO").values_list("from_case_id", "to_unit_id")
    )
    agencies = set(Unit.objects.filter(kind="agency").values_list("code", flat=True))
    serial = {c: Item.objects.filter(centre_id=c).count() for c in centres}
    places = {}
    items, meta = [], []
    for r in rows:
        district = r["case__unit__code"].split("-")[0]
        centre = f"{district}-PSB-CW"
        if centre not in centres:
            continue
        if centre not in places:
            places[centre] = build_locations(centres[centre])
        serial[centre] += 1
        category = C.FROM_CANONICAL.get(r["kind"], C.Category.OTHER)
        police = f"{district}-PSB"
        transferred_at = moved.get(r["item_id"])
        pro = to_unit.get(r["case_id"]) or f"{district}-PRO"
        custody = pro if transferred_at and pro in agencies else police
        bins = places[centre][_SHELF.get(category, "general")]
        loc = bins[rng.randrange(len(bins))]
        status = C.ItemStatus.IN_STORE if loc.kind == C.LocationKind.BIN else C.ItemStatus.OFF_SITE
        holder = ""
        if r["released_at"]:
            status, loc, holder = C.ItemStatus.RELEASED, None, "已发还原主"
        elif not r["handed_to_custodian_at"]:
            status, loc, holder = (
                C.ItemStatus.PENDING,
                None,
                f"办案民警 {r['case__handler_id'] or ''}".strip(),
            )
        measure = {C.Category.DEPOSIT: C.Measure.FREEZE, C.Category.REAL_ESTATE: C.Measure.SEALING}.get(
            category, C.Measure.SEIZURE
        )
        items.append(
            Item(
                code=item_code(district, serial[centre]),
                source_item_id=r["pk"],
                case_id=r["case_id"],
                case_unit_id=r["case__unit__code"],
                matter_id=r["case__matter_id"],
                centre_id=centre,
                measure=measure,
                category=category,
                name=r["description"] or category.label,
                features=r["description"] or "",
                quantity=Decimal(1),
                value=r["value"],
                appraisal="价格认定书" if category in C.VALUABLE else "",
                legal_document=f"{'冻结' if measure == C.Measure.FREEZE else '扣押'}决定书（{r['case__case_number']}）",
                relevant=r["relevant"],
                seized_at=r["seized_at"],
                seized_by=r["case__handler_id"] or "",
                handed_over_at=r["handed_to_custodian_at"],
                status=status,
                custody_unit_id=custody,
                custody_document=f"随案移送清单（{r['case__case_number']}）" if custody == pro else "",
                location=loc,
                holder=holder,
                deposit_ref=f"ZH{district}{serial[centre]:07d}"
                if category == C.Category.CASH and loc
                else "",
                freeze_until=(r["seized_at"] + dt.timedelta(days=182)).date()
                if measure == C.Measure.FREEZE
                else None,
                disposed_at=r["released_at"],
            )
        )
        meta.append((r, police, custody, transferred_at, loc, holder))
    with transaction.atomic():
        Item.objects.bulk_create(items, batch_size=BATCH)
        saved = dict(Item.objects.filter(code__in=[i.code for i in items]).values_list("code", "pk"))
        custody_rows, place_rows = [], []
        for item, (r, police, custody, transferred_at, loc, holder) in zip(items, meta, strict=True):
            pk = saved[item.code]
            officer = r["case__handler_id"] or "办案民警"
            custodian = r["custodian_staff_no"] or "保管员"
            seized = r["seized_at"]
            custody_rows.append(
                CustodyEntry(
                    item_id=pk,
                    seq=1,
                    kind=C.CustodyKind.SEIZED,
                    at=seized,
                    from_unit=None,
                    to_unit_id=police,
                    document=item.legal_document,
                    giver=officer,
                    receiver=officer,
                    giver_confirmed_at=seized,
                    receiver_confirmed_at=seized,
                )
            )
            place_rows.append(
                PlaceEntry(
                    item_id=pk,
                    seq=1,
                    kind=C.PlaceKind.SEIZED,
                    at=seized,
                    to_holder=f"办案民警 {officer}",
                    giver="持有人",
                    receiver=officer,
                    giver_confirmed_at=seized,
                    receiver_confirmed_at=seized,
                )
            )
            handed = r["handed_to_custodian_at"]
            cseq = 1
            if handed:
                target = loc
                if target is None:  # released since: it was checked in at the general zone first
                    target = places[item.centre_id]["general"][0]
                place_rows.append(
                    PlaceEntry(
                        item_id=pk,
                        seq=2,
                        kind=C.PlaceKind.CHECK_IN,
                        at=handed,
                        from_holder=f"办案民警 {officer}",
                        to_location=target,
                        giver=officer,
                        receiver=custodian,
                        giver_confirmed_at=handed,
                        receiver_confirmed_at=handed,
                    )
                )
                if r["released_at"]:
                    place_rows.append(
                        PlaceEntry(
                            item_id=pk,
                            seq=3,
                            kind=C.PlaceKind.CHECK_OUT,
                            at=r["released_at"],
                            from_location=target,
                            to_holder=holder,
                            giver=custodian,
                            receiver="原主",
                            giver_confirmed_at=r["released_at"],
                            receiver_confirmed_at=r["released_at"],
                        )
                    )
            if custody != police:
                cseq += 1
                custody_rows.append(
                    CustodyEntry(
                        item_id=pk,
                        seq=cseq,
                        kind=C.CustodyKind.TRANSFERRED,
                        at=transferred_at,
                        from_unit_id=police,
                        to_unit_id=custody,
                        document=item.custody_document,
                        giver=officer,
                        receiver="检察院案件管理部",
                        giver_confirmed_at=transferred_at,
                        receiver_confirmed_at=transferred_at,
                    )
                )
            if r["released_at"]:
                cseq += 1
                custody_rows.append(
                    CustodyEntry(
                        item_id=pk,
                        seq=cseq,
                        kind=C.CustodyKind.RELEASED,
                        at=r["released_at"],
                        from_unit_id=custody,
                        to_unit_id=custody,
                        document="发还清单",
                        giver=custodian,
                        receiver="原主",
                        giver_confirmed_at=r["released_at"],
                        receiver_confirmed_at=r["released_at"],
                    )
                )
        CustodyEntry.objects.bulk_create(custody_rows, batch_size=BATCH)
        PlaceEntry.objects.bulk_create(place_rows, batch_size=BATCH)
    if out:
        out(
            f"registered {len(items):,} items, {len(custody_rows):,} custody and {len(place_rows):,} location events "
            f"in {len(places)} centres"
        )
    return {"items": len(items), "custody_events": len(custody_rows), "place_events": len(place_rows)}


def write_truth(path: Path, plants: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plants, ensure_ascii=False, indent=2, default=str), encoding="utf-8")

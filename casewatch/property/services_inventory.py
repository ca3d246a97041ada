"""Inventory (盘点): freeze what must be found, take scans, reconcile set-based, report.

A full count (on change of custodian, IAPE 15.1) expects every item on record in the zone; a
sampled count expects a random sample sized by `casewatch.analytics.property.sample_size`
(95% confidence, ±3%, finite-population correction), drawn with a stored seed so it can be
re-drawn and checked. Reconciliation is three SQL statements over the frozen expectation and the
scans: missing (expected, not scanned), unexpected (scanned, not expected: unknown code or an item
recorded elsewhere), misplaced (expected, scanned in another bin than on record).
"""

from __future__ import annotations

import random

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.analytics.property import sample_size
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.services import get_scoped_or_404
from casewatch.property import choices as C
from casewatch.property.errors import PropertyError
from casewatch.property.models import Discrepancy, Inventory, InventoryExpected, InventoryScan, Item, Location
from casewatch.property.services import normalise, require


def start(
    user,
    centre,
    *,
    zone: Location | None = None,
    mode: str = C.InventoryMode.FULL,
    reason: str = "",
    seed: int | None = None,
) -> Inventory:
    """Open a count of ``zone`` (or the whole centre) and freeze the items it must find."""
    require(user, Action.HANDLE)
    centre = get_scoped_or_404(user, type(centre), Action.VIEW, pk=centre.pk)
    qs = Item.objects.filter(centre=centre, status=C.ItemStatus.IN_STORE)
    if zone is not None:
        qs = qs.filter(location__path__startswith=zone.path)
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    with transaction.atomic():
        population = qs.count()
        n = population if mode == C.InventoryMode.FULL else sample_size(population)
        inv = Inventory.objects.create(
            centre=centre,
            zone=zone,
            mode=mode,
            reason=reason[:200],
            population=population,
            sample_size=n,
            seed=seed,
            status=C.InventoryStatus.OPEN,
            started_by=user,
            started_at=timezone.now(),
        )
        if mode == C.InventoryMode.FULL:
            # one INSERT … SELECT: the whole zone as it stands on record now (the same rows as `qs`)
            join, params = "", [inv.pk, centre.code]
            if zone is not None:
                join, params = (
                    "JOIN property_location l ON l.id = i.location_id AND l.path LIKE %s ",
                    [inv.pk, zone.path + "%", centre.code],
                )
            with connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO property_inventoryexpected (inventory_id, item_id, location_id) "  # noqa: S608 - fixed fragments
                    f"SELECT %s, i.id, i.location_id FROM property_item i {join}"
                    "WHERE i.centre_code = %s AND i.status = 'in_store'",
                    params,
                )
        else:
            pairs = sorted(qs.values_list("pk", "location_id"))
            InventoryExpected.objects.bulk_create(
                [
                    InventoryExpected(inventory=inv, item_id=i, location_id=loc)
                    for i, loc in random.Random(seed).sample(pairs, n)
                ],
                batch_size=5000,
            )
        audit.record(
            AuditAction.CREATE, inv, user=user, message=f"inventory {mode}: {n} of {population} items"
        )
    return inv


def number(inv: Inventory) -> str:
    return f"PD{inv.started_at:%Y%m%d}-{inv.pk}"


def scan(user, inv: Inventory, code: str, location: str = "") -> InventoryScan:
    """Record one code read during the count (a repeated read of the same code is kept once)."""
    require(user, Action.HANDLE)
    if inv.status != C.InventoryStatus.OPEN:
        raise PropertyError("counted", number=number(inv), at=f"{inv.submitted_at:%Y-%m-%d %H:%M}")
    code = normalise(code)
    item_id = Item.objects.filter(code=code, centre=inv.centre).values_list("pk", flat=True).first()
    loc = (
        Location.objects.filter(code=location.strip().upper(), centre=inv.centre).first()
        if location
        else None
    )
    scanned, _created = InventoryScan.objects.get_or_create(
        inventory=inv, code=code, defaults={"item_id": item_id, "location": loc, "at": timezone.now()}
    )
    return scanned


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def reconcile(inv: Inventory) -> dict:
    """Missing, unexpected and misplaced lists (set-based, no rows written)."""
    p = [inv.pk]
    if connection.vendor == "postgresql":
        # both tables were just filled in bulk: without fresh statistics the planner picks a nested
        # loop over 100,000 × 100,000 rows for the anti-join (measured: minutes instead of seconds)
        with connection.cursor() as cur:
            cur.execute("ANALYZE property_inventoryexpected, property_inventoryscan")
    missing = _rows(
        "SELECT e.item_id FROM property_inventoryexpected e LEFT JOIN property_inventoryscan s "
        "ON s.inventory_id = e.inventory_id AND s.item_id = e.item_id WHERE e.inventory_id = %s AND s.id IS NULL",
        p,
    )
    if inv.mode == C.InventoryMode.FULL:
        unexpected = _rows(
            "SELECT s.code, s.item_id FROM property_inventoryscan s LEFT JOIN property_inventoryexpected e "
            "ON e.inventory_id = s.inventory_id AND e.item_id = s.item_id WHERE s.inventory_id = %s AND e.id IS NULL",
            p,
        )
    else:
        # a sample leaves items of the zone unexpected by design; only codes foreign to the zone count
        zone_path = inv.zone.path if inv.zone_id else "/"
        unexpected = _rows(
            "SELECT s.code, s.item_id FROM property_inventoryscan s LEFT JOIN property_item i ON i.id = s.item_id "
            "LEFT JOIN property_location l ON l.id = i.location_id WHERE s.inventory_id = %s "
            "AND (i.id IS NULL OR i.status <> 'in_store' OR l.path IS NULL OR l.path NOT LIKE %s) "
            "AND NOT EXISTS (SELECT 1 FROM property_inventoryexpected e WHERE e.inventory_id = s.inventory_id "
            "AND e.item_id = s.item_id)",
            [inv.pk, zone_path + "%"],
        )
    misplaced = _rows(
        "SELECT e.item_id, e.location_id, s.location_id FROM property_inventoryexpected e "
        "JOIN property_inventoryscan s ON s.inventory_id = e.inventory_id AND s.item_id = e.item_id "
        "WHERE e.inventory_id = %s AND s.location_id IS NOT NULL AND s.location_id <> e.location_id",
        p,
    )
    return {
        "missing": [r[0] for r in missing],
        "unexpected": [(r[0], r[1]) for r in unexpected],
        "misplaced": [(r[0], r[1], r[2]) for r in misplaced],
    }


def submit(user, inv: Inventory) -> dict:
    """Close the count: reconcile, record discrepancies, one problem for the count if anything is off."""
    require(user, Action.HANDLE)
    with transaction.atomic():
        inv = Inventory.objects.select_for_update().get(pk=inv.pk)
        if inv.status != C.InventoryStatus.OPEN:
            raise PropertyError(
                "counted", number=number(inv), at=f"{timezone.localtime(inv.submitted_at):%Y-%m-%d %H:%M}"
            )
        found = reconcile(inv)
        now = timezone.now()
        scans = inv.scans.count()
        disc = [
            Discrepancy(
                item_id=i, centre=inv.centre, kind=C.DiscrepancyKind.MISSING, found_at=now, inventory=inv
            )
            for i in found["missing"]
        ]
        disc += [
            Discrepancy(
                item_id=i,
                code=code,
                centre=inv.centre,
                kind=C.DiscrepancyKind.UNEXPECTED,
                found_at=now,
                inventory=inv,
            )
            for code, i in found["unexpected"]
        ]
        disc += [
            Discrepancy(
                item_id=i, centre=inv.centre, kind=C.DiscrepancyKind.MISPLACED, found_at=now, inventory=inv
            )
            for i, _a, _b in found["misplaced"]
        ]
        Discrepancy.objects.bulk_create(disc, batch_size=5000)
        result = {
            "expected": inv.sample_size,
            "scanned": scans,
            "missing": len(found["missing"]),
            "unexpected": len(found["unexpected"]),
            "misplaced": len(found["misplaced"]),
            "missing_codes": list(
                Item.objects.filter(pk__in=found["missing"][:200]).values_list("code", flat=True)
            ),
        }
        if inv.mode == C.InventoryMode.SAMPLED and inv.sample_size:
            result["error_rate"] = round(100 * (result["missing"] + result["misplaced"]) / inv.sample_size, 2)
        problem_id = None
        if disc:
            from casewatch.problems.services import open_problem

            problem = open_problem(
                user,
                "property",
                unit=inv.centre_id,
                severity="high",
                title=_(
                    "Inventory %(number)s: %(missing)s missing, %(unexpected)s unexpected, %(misplaced)s misplaced"
                )
                % {"number": number(inv), **result},
                description=_("Missing: %(codes)s") % {"codes": ", ".join(result["missing_codes"]) or "—"},
                area=_("Seized property"),
                source_ref=f"property-inventory:{inv.pk}",
            )
            problem_id = problem.pk
            Discrepancy.objects.filter(inventory=inv).update(problem_id=problem_id)
        result["problem_id"] = problem_id
        inv.status, inv.submitted_at, inv.result = C.InventoryStatus.SUBMITTED, now, result
        inv.save()
        audit.record(AuditAction.TRANSITION, inv, user=user, message=f"inventory submitted: {result}")
    return result

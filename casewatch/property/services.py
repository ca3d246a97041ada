"""Daily work of the centre: look up a code, check in, move, lend and take back, transfer legal
custody with the case, dispose, record discrepancies.

Every function takes the acting user first, checks the role and the scope, runs in one
transaction with the item row locked (``select_for_update``), appends to the right stream and
moves that stream's head on the item, and writes the audit record. A refusal raises
:class:`~casewatch.property.errors.PropertyError` before anything is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.analytics.property import code_well_formed
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction, Role
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.querysets import scope_path
from casewatch.property import choices as C
from casewatch.property.errors import PropertyError
from casewatch.property.models import (
    CustodyEntry,
    Discrepancy,
    Disposal,
    Handover,
    Item,
    Loan,
    Location,
    PlaceEntry,
)


def require(user, *actions: str) -> None:
    """Refuse (403) a user whose role has none of the actions (default: view)."""
    if not any(user_can(user, a) for a in (actions or (Action.VIEW,))):
        raise PermissionDenied(_("Your role may not do this."))


def _names(item: Item) -> dict:
    return {"code": item.code, "name": item.name}


def normalise(code: str) -> str:
    """What a scanner or a person typed, as a label code (trimmed, upper case, full-width dash fixed)."""
    return (code or "").strip().upper().replace("－", "-").replace(" ", "")


def lookup(user, code: str, *, lock: bool = False) -> Item:
    """The item with this label code, if the user may see it.

    A code with a wrong check character is refused as mistyped before any lookup; an unknown code
    and an out-of-scope one get the same answer (the out-of-scope attempt is audited).
    """
    code = normalise(code)
    if not code_well_formed(code):
        raise PropertyError("mistyped", code=code or "—")
    qs = Item.objects.restrict(user, Action.VIEW).select_related("location", "custody_unit", "case", "centre")
    if lock:
        qs = qs.select_for_update(of=("self",))
    item = qs.filter(code=code).first()
    if item is None:
        hidden = Item.objects.filter(code=code).values_list("pk", flat=True).first()
        if hidden is not None:
            audit.record(
                AuditAction.ACCESS_DENIED,
                user=user,
                object_type="property.item",
                object_id=str(hidden),
                object_repr=code,
                message="view refused: outside the user's scope",
            )
        raise PropertyError("unknown", code=code)
    return item


def _relock(item: Item) -> Item:
    """The item row again, locked for the rest of the transaction."""
    return (
        Item.objects.select_for_update(of=("self",))
        .select_related("location", "custody_unit", "case", "centre")
        .get(pk=item.pk)
    )


def _location(item_or_centre, code: str) -> Location:
    centre = item_or_centre.centre_id if isinstance(item_or_centre, Item) else item_or_centre
    loc = Location.objects.filter(code=(code or "").strip().upper(), centre_id=centre).first()
    if loc is None:
        raise PropertyError("unknown_location", location=code or "—")
    return loc


def is_custodian_of(user, item: Item) -> bool:
    """A custodian whose scope contains the item's centre."""
    path = scope_path(user)
    return (
        path is not None
        and (user.is_superuser or user.role == Role.PROPERTY_CUSTODIAN)
        and (path == "/" or item.centre.path.startswith(path))
    )


def _agency_of(unit: Unit) -> Unit:
    return unit.agency or unit


def _may_handle(user, item: Item, what: str) -> None:
    """Physical work is the centre's; a case officer may act only on items of their own agency."""
    require(user, Action.HANDLE)
    if is_custodian_of(user, item):
        return
    mine = user.unit.agency if user.unit_id else None
    custody = _agency_of(item.custody_unit)
    if mine is None or mine.pk != custody.pk:
        raise PropertyError("held_by_other", **_names(item), agency=custody.name, what=what)


def _next_seq(model, item: Item) -> int:
    return (model.objects.filter(item=item).aggregate(m=Max("seq"))["m"] or 0) + 1


def _place(
    user,
    item: Item,
    kind: str,
    *,
    to_location=None,
    to_holder: str = "",
    giver: str,
    receiver: str,
    condition: str = C.Condition.OK,
    note: str = "",
    at=None,
) -> PlaceEntry:
    """Append a physical event and move the item's place head (both confirmations at the counter)."""
    now = at or timezone.now()
    entry = PlaceEntry.objects.create(
        item=item,
        seq=_next_seq(PlaceEntry, item),
        kind=kind,
        at=now,
        from_location=item.location,
        from_holder=item.holder,
        to_location=to_location,
        to_holder="" if to_location else to_holder,
        giver=giver,
        receiver=receiver,
        giver_confirmed_at=now,
        receiver_confirmed_at=now,
        condition=condition,
        note=note,
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    item.location, item.holder = to_location, ("" if to_location else to_holder)
    return entry


def _person(user) -> str:
    return (user.get_full_name() or user.username)[:60]


def _audit(user, item: Item, verb: str, before: dict) -> None:
    audit.record(
        AuditAction.TRANSITION,
        item,
        user=user,
        before=before,
        after={"status": item.status, "place": item.place, "custody": item.custody_unit_id},
        message=f"property {verb}",
    )


def _state(item: Item) -> dict:
    return {"status": item.status, "place": item.place, "custody": item.custody_unit_id}


def check_in(
    user,
    code: str,
    location: str,
    *,
    giver: str,
    condition: str = C.Condition.OK,
    note: str = "",
    deposit_ref: str = "",
) -> Item:
    """Receive an item from the seizing officer into a bin (or cash into the compliant account)."""
    found = lookup(user, code)  # outside the transaction: a refused look-up stays audited
    with transaction.atomic():
        item = _relock(found)
        _may_handle(user, item, _("check in"))
        if item.status != C.ItemStatus.PENDING:
            since = (
                f"{timezone.localtime(item.handed_over_at):%Y-%m-%d %H:%M}" if item.handed_over_at else "—"
            )
            raise PropertyError("already_in", **_names(item), place=item.place, since=since)
        loc = _location(item, location)
        if item.category == C.Category.CASH and (
            loc.kind != C.LocationKind.ACCOUNT or not deposit_ref.strip()
        ):
            raise PropertyError("cash_account", **_names(item))
        before = _state(item)
        now = timezone.now()
        entry = _place(
            user,
            item,
            C.PlaceKind.CHECK_IN,
            to_location=loc,
            giver=giver or item.seized_by,
            receiver=_person(user),
            condition=condition,
            note=note,
            at=now,
        )
        item.status = (
            C.ItemStatus.OFF_SITE
            if loc.kind
            in (
                C.LocationKind.THIRD_PARTY,
                C.LocationKind.WITH_FILE,
                C.LocationKind.ACCOUNT,
                C.LocationKind.REGISTRY,
            )
            else C.ItemStatus.IN_STORE
        )
        item.handed_over_at = now
        if deposit_ref:
            item.deposit_ref = deposit_ref.strip()[:80]
        item.save()
        _audit(user, item, "check-in", before)
        if condition != C.Condition.OK:
            record_discrepancy(user, item, condition, note or entry.get_kind_display())
    return item


def move(user, code: str, location: str, *, note: str = "") -> Item:
    """Move an item between places of the centre (the legal custody does not change)."""
    found = lookup(user, code)  # outside the transaction: a refused look-up stays audited
    with transaction.atomic():
        item = _relock(found)
        _may_handle(user, item, _("move"))
        if item.status not in (C.ItemStatus.IN_STORE, C.ItemStatus.OFF_SITE):
            raise PropertyError("not_in_store", **_names(item), status=item.get_status_display())
        loc = _location(item, location)
        if loc.pk == item.location_id:
            raise PropertyError("same_location", **_names(item), location=loc)
        if item.category == C.Category.CASH and loc.kind != C.LocationKind.ACCOUNT:
            raise PropertyError("cash_account", **_names(item))
        before = _state(item)
        _place(
            user,
            item,
            C.PlaceKind.MOVE,
            to_location=loc,
            giver=_person(user),
            receiver=_person(user),
            note=note,
        )
        item.status = (
            C.ItemStatus.IN_STORE
            if loc.kind in (C.LocationKind.BIN, C.LocationKind.SHELF, C.LocationKind.ZONE)
            else C.ItemStatus.OFF_SITE
        )
        item.save()
        _audit(user, item, "move", before)
    return item


def lend(
    user,
    code: str,
    *,
    borrower: str,
    borrower_unit: str,
    purpose: str,
    approver: str,
    due_at: dt.datetime,
    note: str = "",
) -> Loan:
    """Lend an item for questioning, appraisal or trial: approver and due time required (L5)."""
    found = lookup(user, code)  # outside the transaction: a refused look-up stays audited
    with transaction.atomic():
        item = _relock(found)
        require(user, Action.HANDLE)
        if item.status != C.ItemStatus.IN_STORE:
            raise PropertyError("not_in_store", **_names(item), status=item.get_status_display())
        unit = Unit.objects.filter(code=borrower_unit).first()
        custody = _agency_of(item.custody_unit)
        if unit is None or _agency_of(unit).pk != custody.pk:
            raise PropertyError("held_by_other", **_names(item), agency=custody.name, what=_("borrow"))
        if not is_custodian_of(user, item):
            _may_handle(user, item, _("lend"))
        now = timezone.now()
        if (
            not borrower.strip()
            or not approver.strip()
            or due_at is None
            or due_at <= now
            or purpose not in C.LoanPurpose.values
        ):
            raise PropertyError("loan_fields", **_names(item))
        before = _state(item)
        _place(
            user,
            item,
            C.PlaceKind.LEND,
            to_holder=f"{borrower.strip()}（{unit.name}）"[:100],
            giver=_person(user),
            receiver=borrower.strip()[:60],
            note=note,
            at=now,
        )
        item.status = C.ItemStatus.BORROWED
        item.save()
        loan = Loan.objects.create(
            item=item,
            borrower=borrower.strip()[:60],
            purpose=purpose,
            approver=approver.strip()[:60],
            out_at=now,
            due_at=due_at,
        )
        _audit(user, item, "lend", before)
    return loan


def give_back(user, code: str, location: str, *, condition: str = C.Condition.OK, note: str = "") -> Item:
    """Take a lent item back, checked for damage, shortage or a swap (a discrepancy opens a problem)."""
    found = lookup(user, code)  # outside the transaction: a refused look-up stays audited
    with transaction.atomic():
        item = _relock(found)
        _may_handle(user, item, _("take back"))
        if item.status != C.ItemStatus.BORROWED:
            raise PropertyError("not_borrowed", **_names(item))
        loc = _location(item, location)
        loan = item.loans.filter(returned_at__isnull=True).order_by("-out_at").first()
        before = _state(item)
        now = timezone.now()
        _place(
            user,
            item,
            C.PlaceKind.RETURN,
            to_location=loc,
            giver=loan.borrower if loan else item.holder[:60],
            receiver=_person(user),
            condition=condition,
            note=note,
            at=now,
        )
        item.status = C.ItemStatus.IN_STORE
        item.save()
        if loan:
            Loan.objects.filter(pk=loan.pk).update(returned_at=now, return_condition=condition)
        _audit(user, item, "return", before)
        if condition != C.Condition.OK:
            record_discrepancy(user, item, condition, note)
    return item


def record_discrepancy(user, item: Item, kind: str, note: str = "", *, inventory=None) -> Discrepancy:
    """Record damage, shortage or a swap and put it on the problem list (source "property")."""
    from casewatch.problems.services import open_problem

    found = Discrepancy.objects.create(
        item=item,
        code=item.code,
        centre_id=item.centre_id,
        kind=kind,
        found_at=timezone.now(),
        note=note[:300],
        inventory=inventory,
    )
    label = C.DiscrepancyKind(kind).label
    problem = open_problem(
        user,
        "property",
        unit=item.centre_id,
        case=None,
        severity="high",
        title=f"{item.code} {item.name} · {label}"[:200],
        description=_("Discrepancy found on %(code)s (%(name)s): %(kind)s. %(note)s")
        % {"code": item.code, "name": item.name, "kind": label, "note": note},
        area=_("Seized property"),
        source_ref=f"property-discrepancy:{found.pk}",
    )
    Discrepancy.objects.filter(pk=found.pk).update(problem_id=problem.pk)
    found.problem_id = problem.pk
    return found


# --- legal custody ------------------------------------------------------------------------------


def propose_handover(user, case, to_unit: str, document: str) -> Handover:
    """Send a case's held items' legal custody to the next agency (随案移送清单); nothing moves yet."""
    require(user, Action.HANDLE, Action.CHANGE)
    target = Unit.objects.filter(code=to_unit).first()
    if target is None:
        raise PropertyError("unknown_location", location=to_unit)
    with transaction.atomic():
        from_agency = _agency_of(case.unit)
        items = list(
            Item.objects.restrict(user, Action.VIEW)
            .select_for_update(of=("self",))
            .filter(case=case, status__in=C.HELD, custody_unit__path__startswith=from_agency.path)
        )
        if not items:
            raise PropertyError("handover_nothing", case=case.case_number, agency=from_agency.name)
        now = timezone.now()
        handover = Handover.objects.create(
            number=f"YS{now:%Y%m%d%H%M%S}-{case.pk}",
            case=case,
            from_unit=from_agency,
            to_unit=_agency_of(target),
            document=(document or "").strip()[:120] or _("Transfer list"),
            status=C.HandoverStatus.PROPOSED,
            proposed_by=user,
            proposed_at=now,
        )
        handover.items.set(items)
        audit.record(AuditAction.CREATE, handover, user=user, message=f"transfer list of {len(items)} items")
    return handover


def accept_handover(user, handover: Handover) -> int:
    """The receiving agency confirms ("look, compare, click"): custody moves, the objects stay put.

    One custody event per item, both confirmations (the sender's at sending, the receiver's now);
    the items' places are not touched. Returns the number of items.
    """
    require(user, Action.HANDLE, Action.CHANGE)
    with transaction.atomic():
        handover = Handover.objects.select_for_update().select_related("to_unit").get(pk=handover.pk)
        if handover.status == C.HandoverStatus.ACCEPTED:
            raise PropertyError(
                "handover_done", number=handover.number, at=f"{handover.accepted_at:%Y-%m-%d %H:%M}"
            )
        path = scope_path(user)
        if path is None or not (
            path == "/"
            or handover.to_unit.path.startswith(path)
            or (user.unit_id and user.unit.path.startswith(handover.to_unit.path))
        ):
            raise PropertyError("handover_scope", number=handover.number, agency=handover.to_unit.name)
        now = timezone.now()
        items = list(handover.items.select_for_update().all())
        seqs = dict(
            CustodyEntry.objects.filter(item__in=items)
            .values("item")
            .annotate(m=Max("seq"))
            .values_list("item", "m")
        )
        CustodyEntry.objects.bulk_create(
            [
                CustodyEntry(
                    item=it,
                    seq=seqs.get(it.pk, 0) + 1,
                    kind=C.CustodyKind.TRANSFERRED,
                    at=now,
                    from_unit_id=it.custody_unit_id,
                    to_unit=handover.to_unit,
                    document=handover.document,
                    giver=_person(handover.proposed_by),
                    receiver=_person(user),
                    giver_confirmed_at=handover.proposed_at,
                    receiver_confirmed_at=now,
                    recorded_by=user,
                )
                for it in items
            ]
        )
        Item.objects.filter(pk__in=[it.pk for it in items]).update(
            custody_unit=handover.to_unit, custody_document=handover.document, updated_at=now
        )
        handover.status, handover.accepted_by, handover.accepted_at = C.HandoverStatus.ACCEPTED, user, now
        handover.save()
        audit.record(
            AuditAction.TRANSITION, handover, user=user, message=f"accepted: {len(items)} items' custody"
        )
    return len(items)


# --- disposal -----------------------------------------------------------------------------------

#: routes that need a higher approval than the judgment itself
_APPROVAL = {C.DisposalRoute.PRESALE: (C.ApprovalLevel.COUNTY_CHIEF, C.ApprovalLevel.COURT_PRESIDENT)}


def dispose(
    user,
    code: str,
    *,
    route: str,
    approval_level: str,
    approver: str,
    certificate: str,
    recipient: str = "",
    proceeds: Decimal | None = None,
    judgment_ref: str = "",
    receipt_sent: bool = False,
) -> Disposal:
    """Dispose of an item as the judgment says (or pre-judgment sale / release with the approvals)."""
    found = lookup(user, code)  # outside the transaction: a refused look-up stays audited
    with transaction.atomic():
        item = _relock(found)
        _may_handle(user, item, _("dispose of"))
        route_label = C.DisposalRoute(route).label if route in C.DisposalRoute.values else route
        if item.status not in C.HELD or item.status == C.ItemStatus.BORROWED:
            raise PropertyError("not_in_store", **_names(item), status=item.get_status_display())
        if route not in C.NO_JUDGMENT_ROUTES and item.judgment_effective_on is None:
            raise PropertyError("no_judgment", **_names(item), route=route_label)
        needed = _APPROVAL.get(route)
        if needed and approval_level not in needed:
            raise PropertyError(
                "approval",
                **_names(item),
                route=route_label,
                level=" / ".join(str(C.ApprovalLevel(x).label) for x in needed),
            )
        if not approver.strip() or not certificate.strip() or approval_level not in C.ApprovalLevel.values:
            raise PropertyError("certificate", **_names(item))
        before = _state(item)
        now = timezone.now()
        _place(
            user,
            item,
            C.PlaceKind.CHECK_OUT,
            to_holder=(recipient or route_label)[:100],
            giver=_person(user),
            receiver=(recipient or route_label)[:60],
            at=now,
        )
        CustodyEntry.objects.create(
            item=item,
            seq=_next_seq(CustodyEntry, item),
            kind=C.CustodyKind.RELEASED
            if route.startswith(("return", "release"))
            else C.CustodyKind.DISPOSED,
            at=now,
            from_unit_id=item.custody_unit_id,
            to_unit_id=item.custody_unit_id,
            document=certificate[:120],
            giver=_person(user),
            receiver=(recipient or route_label)[:60],
            giver_confirmed_at=now,
            receiver_confirmed_at=now,
            recorded_by=user,
        )
        disposal = Disposal.objects.create(
            item=item,
            route=route,
            approval_level=approval_level,
            approver=approver.strip()[:60],
            judgment_ref=judgment_ref or item.judgment_ref,
            proceeds=proceeds,
            certificate=certificate.strip()[:120],
            at=now,
            recorded_by=user,
        )
        item.status = (
            C.ItemStatus.RELEASED if route.startswith(("return", "release")) else C.ItemStatus.DISPOSED
        )
        item.disposed_at = now
        if receipt_sent:
            item.receipt_sent_on = timezone.localdate()
        item.save()
        _audit(user, item, f"disposal {route}", before)
    return disposal


def timeline(item: Item) -> list[dict]:
    """Both streams of one item, merged by time (the item page's timeline)."""
    rows = [
        {
            "at": e.at,
            "stream": "custody",
            "kind": e.get_kind_display(),
            "what": f"{e.from_unit_id or '—'} → {e.to_unit_id}",
            "document": e.document,
            "giver": e.giver,
            "receiver": e.receiver,
            "condition": e.get_condition_display(),
            "seq": e.seq,
        }
        for e in item.custody_entries.all()
    ] + [
        {
            "at": e.at,
            "stream": "place",
            "kind": e.get_kind_display(),
            "what": f"{e.from_location or e.from_holder or '—'} → {e.to_place}",
            "document": e.note,
            "giver": e.giver,
            "receiver": e.receiver,
            "condition": e.get_condition_display(),
            "seq": e.seq,
        }
        for e in item.place_entries.select_related("from_location", "to_location")
    ]
    return sorted(rows, key=lambda r: (r["at"], r["stream"], r["seq"]))

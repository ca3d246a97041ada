"""API ``/api/v1/property/``: items (scoped, owners masked), one item with its two streams, scans,
dashboard figures. Refusals answer 400 with ``code``, ``message``, ``message_zh`` and ``message_en``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from casewatch.core.choices import Action
from casewatch.core.masking import mask
from casewatch.property import dashboard, services
from casewatch.property.errors import PropertyError
from casewatch.property.filtersets import ItemFilterForm
from casewatch.property.models import Item

router = Router(tags=["property"])


class ItemOut(Schema):
    code: str
    name: str
    case_number: str
    category: str
    measure: str
    status: str
    value: Decimal | None
    custody_unit: str
    place: str
    seized_at: dt.datetime
    handed_over_at: dt.datetime | None
    owner_name: str

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.case_number

    @staticmethod
    def resolve_custody_unit(obj):
        return obj.custody_unit_id

    @staticmethod
    def resolve_place(obj):
        return obj.place

    @staticmethod
    def resolve_owner_name(obj):
        return mask("name", obj.owner_name)


class ScanIn(Schema):
    code: str
    action: str
    location: str = ""
    giver: str = ""
    borrower: str = ""
    borrower_unit: str = ""
    purpose: str = "questioning"
    approver: str = ""
    due_at: dt.datetime | None = None
    condition: str = "ok"
    deposit_ref: str = ""
    note: str = ""


@router.get("/items", response=list[ItemOut])
@paginate(LimitOffsetPagination)
def list_items(request, status: str | None = None, case_id: str | None = None, q: str | None = None):
    """Items in scope with the ledger page's filters (property.filtersets); a malformed value is
    a 422 with the page's message, in Chinese and in English."""
    form = ItemFilterForm.for_api({"status": status, "case_id": case_id, "q": q})
    qs = Item.objects.restrict(request.auth, Action.VIEW).select_related("case", "location")
    return form.apply(qs).order_by("code")


@router.get("/items/{code}", response={200: dict, 400: dict})
def item_detail(request, code: str):
    try:
        item = services.lookup(request.auth, code)
    except PropertyError as exc:
        return 400, exc.bilingual()
    out = ItemOut.from_orm(item).dict()
    out["owner_id_number"] = mask("id_number", item.owner_id_number)
    out["owner_phone"] = mask("phone", item.owner_phone)
    out["timeline"] = [{**r, "at": r["at"].isoformat()} for r in services.timeline(item)]
    return 200, out


@router.post("/scan", response={200: dict, 400: dict, 403: dict})
def scan(request, payload: ScanIn):
    """One counter operation by code: check_in, move, lend or return."""
    user = request.auth
    try:
        if payload.action == "check_in":
            item = services.check_in(
                user,
                payload.code,
                payload.location,
                giver=payload.giver,
                condition=payload.condition,
                note=payload.note,
                deposit_ref=payload.deposit_ref,
            )
        elif payload.action == "move":
            item = services.move(user, payload.code, payload.location, note=payload.note)
        elif payload.action == "lend":
            item = services.lend(
                user,
                payload.code,
                borrower=payload.borrower,
                borrower_unit=payload.borrower_unit,
                purpose=payload.purpose,
                approver=payload.approver,
                due_at=payload.due_at,
            ).item
        elif payload.action == "return":
            item = services.give_back(
                user, payload.code, payload.location, condition=payload.condition, note=payload.note
            )
        else:
            return 400, {
                "code": "action",
                "message": "check_in | move | lend | return",
                "message_zh": "操作只能是 check_in、move、lend 或 return",
                "message_en": "action must be check_in, move, lend or return",
            }
    except PropertyError as exc:
        return 400, exc.bilingual()
    except PermissionDenied as exc:
        return 403, {"code": "forbidden", "message": str(exc)}
    return 200, {
        "code": item.code,
        "status": item.status,
        "place": item.place,
        "custody_unit": item.custody_unit_id,
    }


@router.get("/dashboard")
def dashboard_figures(request, centre: str = ""):
    services.require(request.auth, Action.VIEW)
    fig = dict(dashboard.cached_figures(request.auth, centre))
    fig.pop("computed_at", None)
    fig["overdue"] = [{**r, "due_on": r["due_on"].isoformat()} for r in fig["overdue"]]
    for key in ("by_status", "by_category", "by_agency"):
        for row in fig[key]:
            row["value"] = float(row["value"] or 0)
    fig["totals"]["value"] = float(fig["totals"]["value"] or 0)
    return fig

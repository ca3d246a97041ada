"""Printed matter and counts: label sheets, transfer lists, the monthly ledger, inventories."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casewatch.core.choices import Action
from casewatch.core.exports import xlsx_response
from casewatch.core.masking import mask
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.property import choices as C
from casewatch.property import documents, forms, services, tables
from casewatch.property import services_inventory as inventory
from casewatch.property.errors import PropertyError
from casewatch.property.models import Inventory, Item, Location
from casewatch.property.views import _centres, _handover

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(data: bytes, name: str, ctype: str) -> HttpResponse:
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def labels(request):
    """Label sheet PDF for a case (``?case=``) or listed codes (``?codes=a,b``), at most 2,000 labels."""
    services.require(request.user, Action.EXPORT)
    qs = Item.objects.restrict(request.user, Action.VIEW).select_related("case").order_by("code")
    if request.GET.get("case"):
        qs = qs.filter(case_id=request.GET["case"])
    elif request.GET.get("codes"):
        qs = qs.filter(code__in=[services.normalise(c) for c in request.GET["codes"].split(",")])
    else:
        qs = qs.filter(status=C.ItemStatus.PENDING)
    items = list(qs[:2000])
    record_export(request.user, "property.labels", len(items), "pdf")
    return _file(documents.label_sheet(items), "labels.pdf", "application/pdf")


@login_required
def handover_document(request, pk: int, fmt: str):
    services.require(request.user, Action.EXPORT)
    h = _handover(request.user, pk)
    record_export(request.user, "property.handover", h.items.count(), fmt)
    if fmt == "pdf":
        return _file(documents.transfer_list_pdf(h), f"{h.number}.pdf", "application/pdf")
    return _file(documents.transfer_list_docx(h), f"{h.number}.docx", DOCX)


@login_required
def ledger(request):
    """The monthly ledger (XLSX): every item seized or moved in the month, owners masked."""
    services.require(request.user, Action.EXPORT)
    try:
        month = dt.date.fromisoformat((request.GET.get("month") or "") + "-01")
    except ValueError:
        month = timezone.localdate().replace(day=1)
    end = (month + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    start_at = dt.datetime.combine(month, dt.time(), tz)
    end_at = dt.datetime.combine(end, dt.time(), tz)
    qs = (
        Item.objects.restrict(request.user, Action.VIEW)
        .filter(seized_at__lt=end_at)
        .exclude(disposed_at__lt=start_at)
        .select_related("case", "location", "custody_unit")
        .order_by("code")
    )
    header = [
        pgettext("property", "Code"),
        _("Case number"),
        _("Name"),
        _("Category"),
        _("Legal measure"),
        _("Quantity"),
        _("Value (yuan)"),
        _("Status"),
        _("Legal custody"),
        _("Location"),
        _("Seized at"),
        _("Handed over at"),
        _("Owner"),
        _("Legal document"),
        _("Deposit record"),
    ]

    def rows():
        for i in qs.iterator(chunk_size=2000):
            yield [
                i.code,
                i.case.case_number,
                i.name,
                i.get_category_display(),
                i.get_measure_display(),
                float(i.quantity),
                float(i.value) if i.value is not None else None,
                i.get_status_display(),
                i.custody_unit.name,
                i.place,
                timezone.localtime(i.seized_at).replace(tzinfo=None),
                timezone.localtime(i.handed_over_at).replace(tzinfo=None) if i.handed_over_at else None,
                mask("name", i.owner_name),
                i.legal_document,
                i.deposit_ref,
            ]

    record_export(request.user, "property.ledger", qs.count(), "xlsx")
    return xlsx_response(f"ledger-{month:%Y-%m}.xlsx", _("Ledger"), header, rows())


@login_required
def inventory_list(request):
    services.require(request.user, Action.VIEW)
    form = forms.InventoryForm(request.POST or None)
    centres = list(_centres(request.user))
    if request.method == "POST":
        services.require(request.user, Action.HANDLE)
        where = forms.CentreForm(request.POST, centres=centres)
        where_ok, form_ok = where.is_valid(), form.is_valid()
        if not where_ok:
            for text in forms.errors(where):
                messages.error(request, text)
        if where_ok and form_ok:
            centre = where.centres[where.cleaned_data["centre"]]
            zone = None
            if form.cleaned_data["zone"]:
                zone = Location.objects.filter(
                    code=form.cleaned_data["zone"].strip().upper(), centre=centre
                ).first()
                if zone is None:
                    messages.error(
                        request, PropertyError("unknown_location", location=form.cleaned_data["zone"]).text()
                    )
                    return redirect("property:inventory_list")
            inv = inventory.start(
                request.user,
                centre,
                zone=zone,
                mode=form.cleaned_data["mode"],
                reason=form.cleaned_data["reason"],
            )
            return redirect("property:inventory_detail", pk=inv.pk)
    invs = Inventory.objects.restrict(request.user, Action.VIEW).select_related("zone")[:100]
    return render(
        request,
        "property/inventory_list.html",
        {
            "form": form,
            "inventories": invs,
            "table": tables.inventory_table(invs),
            "centres": centres,
            "can_handle": user_can(request.user, Action.HANDLE),
        },
    )


@login_required
def inventory_detail(request, pk: int):
    inv = get_scoped_or_404(
        request.user, Inventory.objects.select_related("zone", "centre"), Action.VIEW, pk=pk
    )
    if request.method == "POST":
        services.require(request.user, Action.HANDLE)
        try:
            if "submit" in request.POST:
                result = inventory.submit(request.user, inv)
                messages.success(
                    request,
                    _(
                        "Count submitted: %(missing)s missing, %(unexpected)s unexpected, "
                        "%(misplaced)s misplaced."
                    )
                    % result,
                )
            else:
                form = forms.InventoryScanForm(request.POST, centre=inv.centre)
                if form.is_valid():
                    inventory.scan(
                        request.user, inv, form.cleaned_data["code"], form.cleaned_data["location"]
                    )
                else:
                    for text in forms.errors(form):
                        messages.error(request, text)
        except PropertyError as exc:
            messages.error(request, exc.text())
        return redirect("property:inventory_detail", pk=pk)
    if request.GET.get("format") == "docx":
        services.require(request.user, Action.EXPORT)
        found = _found(inv)
        record_export(request.user, "property.inventory", len(found), "docx")
        return _file(
            documents.inventory_docx(inv, found, inventory.number(inv)), f"{inventory.number(inv)}.docx", DOCX
        )
    found = _found(inv) if inv.result else []
    return render(
        request,
        "property/inventory_detail.html",
        {
            "inv": inv,
            "number": inventory.number(inv),
            "scans": inv.scans.select_related("item", "location").order_by("-at")[:50],
            "scanned": inv.scans.count(),
            "found": found,
            "found_table": tables.found_table(found),
            "can_handle": user_can(request.user, Action.HANDLE),
        },
    )


def _found(inv):
    return [
        (d.get_kind_display(), d.item.code if d.item_id else d.code, d.item.name if d.item_id else "")
        for d in inv.discrepancies.select_related("item").order_by("kind", "code")[:2000]
    ]

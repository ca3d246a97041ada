"""Pages: dashboard, item list and page, the phone counter, a case's property tab, transfer lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.core import jobs
from casewatch.core.choices import Action
from casewatch.core.masking import mask
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.property import choices as C
from casewatch.property import dashboard as dash
from casewatch.property import forms, services, tables
from casewatch.property.errors import PropertyError
from casewatch.property.filtersets import ItemFilterForm
from casewatch.property.models import Handover, Item


def _centres(user):
    return Unit.objects.restrict(user, Action.VIEW).filter(code__endswith="-CW").order_by("code")


@login_required
def dashboard(request):
    services.require(request.user, Action.VIEW)
    centre = request.GET.get("centre", "")
    fig = dash.cached_figures(request.user, centre)
    return render(
        request,
        "property/dashboard.html",
        {
            "fig": fig,
            "charts": dash.chart_data(fig),
            "agency_table": tables.by_agency_table(fig["by_agency"]),
            "alert_table": tables.alert_count_table(fig["alerts"]),
            "overdue_table": tables.overdue_table(fig["overdue"]),
            "centres": _centres(request.user),
            "centre": centre,
            "can_handle": user_can(request.user, Action.HANDLE),
            "can_export": user_can(request.user, Action.EXPORT),
        },
    )


@login_required
def item_list(request):
    services.require(request.user, Action.VIEW)
    form = ItemFilterForm(request.GET or None)
    qs = Item.objects.restrict(request.user, Action.VIEW).select_related("case", "location", "custody_unit")
    qs = form.apply(qs)
    page = Paginator(qs.order_by("code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "property/item_list.html",
        {"page": page, "form": form, "table": tables.item_table(page)},
    )


@login_required
def item_detail(request, code: str):
    try:
        item = services.lookup(request.user, code)
    except PropertyError as exc:
        raise Http404(_("Not found.")) from exc
    timeline = services.timeline(item)
    return render(
        request,
        "property/item_detail.html",
        {
            "item": item,
            "timeline": timeline,
            "loans": item.loans.all(),
            "timeline_table": tables.timeline_table(timeline),
            "loan_table": tables.loan_table(item.loans.all()),
            "alerts": item.alerts.all(),
            "owner": {
                "name": mask("name", item.owner_name),
                "id_number": mask("id_number", item.owner_id_number),
                "phone": mask("phone", item.owner_phone),
            },
            "loan_form": forms.LoanForm(),
            "return_form": forms.ReturnForm(),
            "disposal_form": forms.DisposalForm(),
            "can_handle": user_can(request.user, Action.HANDLE),
            "disposal": getattr(item, "disposal", None) if hasattr(item, "disposal") else None,
        },
    )


def _fail(request, exc: PropertyError):
    messages.error(request, exc.text())


@login_required
@require_POST
def item_action(request, code: str, action: str):
    """Lend, take back or dispose from the item page (forms post here; refusals come back as messages)."""
    services.require(request.user, Action.HANDLE)
    form_class = {"lend": forms.LoanForm, "return": forms.ReturnForm, "dispose": forms.DisposalForm}.get(
        action
    )
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(
            request, "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
        )
        return redirect("property:item_detail", code=code)
    d = form.cleaned_data
    try:
        if action == "lend":
            services.lend(request.user, code, **d)
            messages.success(request, _("%(code)s lent out.") % {"code": code})
        elif action == "return":
            services.give_back(request.user, code, d["location"], condition=d["condition"], note=d["note"])
            messages.success(request, _("%(code)s taken back.") % {"code": code})
        else:
            services.dispose(request.user, code, **d)
            messages.success(request, _("%(code)s disposed of.") % {"code": code})
    except PropertyError as exc:
        _fail(request, exc)
    return redirect("property:item_detail", code=services.normalise(code))


@login_required
def scan(request):
    """The phone-sized counter page: scan (camera or USB scanner) or type a code, choose the action."""
    services.require(request.user, Action.VIEW)
    result = error = None
    form = forms.ScanForm(request.POST or None, initial={"action": request.GET.get("action", "check_in")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["action"] == "look":
                item = services.lookup(request.user, d["code"])
            elif d["action"] == "check_in":
                item = services.check_in(
                    request.user,
                    d["code"],
                    d["location"],
                    giver=d["giver"],
                    condition=d["condition"],
                    note=d["note"],
                    deposit_ref=d["deposit_ref"],
                )
            elif d["action"] == "move":
                item = services.move(request.user, d["code"], d["location"], note=d["note"])
            elif d["action"] == "return":
                item = services.give_back(
                    request.user, d["code"], d["location"], condition=d["condition"], note=d["note"]
                )
            else:
                return redirect("property:item_detail", code=services.normalise(d["code"]))
            result = item
        except PropertyError as exc:
            error = exc
        except PermissionDenied as exc:
            error = exc
        if result is not None:
            keep = {"action": d["action"], "location": d["location"]}
            form = forms.ScanForm(initial=keep)
    return render(
        request,
        "property/scan.html",
        {
            "form": form,
            "result": result,
            "error": error,
            "error_en": error.text("en") if isinstance(error, PropertyError) else "",
            "error_zh": error.text("zh-hans") if isinstance(error, PropertyError) else "",
        },
    )


@login_required
def case_tab(request, pk: int):
    """A case's property: items, both streams' heads, mass check-in, transfer with the case."""
    from casewatch.cases.models import Case

    case = get_scoped_or_404(request.user, Case.objects.select_related("unit"), Action.VIEW, pk=pk)
    items = (
        Item.objects.restrict(request.user, Action.VIEW)
        .filter(case=case)
        .select_related("location", "custody_unit")
    )
    return render(
        request,
        "property/case_tab.html",
        {
            "case": case,
            "items": items,
            "items_table": tables.item_table(
                items, with_case=False, testid="case-items", empty=_("No property recorded for this case.")
            ),
            "handovers": case.property_handovers.all(),
            "handover_form": forms.HandoverForm(),
            "checkin_form": forms.CaseCheckInForm(),
            "can_handle": user_can(request.user, Action.HANDLE),
        },
    )


@login_required
@require_POST
def case_check_in(request, pk: int):
    """Mass check-in of all of a case's items still awaiting hand-over (all or nothing)."""
    from casewatch.cases.models import Case

    services.require(request.user, Action.HANDLE)
    case = get_scoped_or_404(request.user, Case, Action.VIEW, pk=pk)
    form = forms.CaseCheckInForm(request.POST)
    if form.is_valid():
        codes = list(
            Item.objects.restrict(request.user, Action.VIEW)
            .filter(case=case, status=C.ItemStatus.PENDING)
            .exclude(category=C.Category.CASH)
            .values_list("code", flat=True)
        )
        try:
            with transaction.atomic():
                for code in codes:
                    services.check_in(
                        request.user, code, form.cleaned_data["location"], giver=form.cleaned_data["giver"]
                    )
            messages.success(request, _("%(n)s items checked in.") % {"n": len(codes)})
        except PropertyError as exc:
            _fail(request, exc)
    return redirect("property:case_tab", pk=pk)


@login_required
@require_POST
def case_handover(request, pk: int):
    from casewatch.cases.models import Case

    services.require(request.user, Action.HANDLE)
    case = get_scoped_or_404(request.user, Case.objects.select_related("unit"), Action.VIEW, pk=pk)
    form = forms.HandoverForm(request.POST)
    if form.is_valid():
        try:
            h = services.propose_handover(
                request.user, case, form.cleaned_data["to_unit"].strip(), form.cleaned_data["document"]
            )
            messages.success(request, _("Transfer list %(number)s sent.") % {"number": h.number})
        except PropertyError as exc:
            _fail(request, exc)
    return redirect("property:case_tab", pk=pk)


def _handovers(user):
    from django.db.models import Q

    from casewatch.core.querysets import scope_path

    path = scope_path(user)
    qs = Handover.objects.select_related("case", "from_unit", "to_unit")
    if path is None or not user_can(user, Action.VIEW):
        return qs.none()
    if path == "/":
        return qs
    return qs.filter(Q(from_unit__path__startswith=path) | Q(to_unit__path__startswith=path))


@login_required
def handover_list(request):
    services.require(request.user, Action.VIEW)
    return render(
        request,
        "property/handover_list.html",
        {"handovers": _handovers(request.user)[:200], "can_handle": user_can(request.user, Action.HANDLE)},
    )


def _handover(user, pk):
    h = _handovers(user).filter(pk=pk).first()
    if h is None:
        get_scoped_or_404(user, Handover, Action.VIEW, pk=pk)  # audits the attempt, raises 404
    return h


@login_required
@require_POST
def handover_accept(request, pk: int):
    h = _handover(request.user, pk)
    try:
        n = services.accept_handover(request.user, h)
        messages.success(
            request,
            _("Accepted: legal custody of %(n)s items moved; the objects stay where they are.") % {"n": n},
        )
    except PropertyError as exc:
        _fail(request, exc)
    return redirect("property:handover_list")


@login_required
@require_POST
def refresh(request):
    """Queue the alert refresh (it opens problems for new overdue items, as this user)."""
    services.require(request.user, Action.HANDLE)
    jobs.enqueue("property.refresh", request.user)
    messages.success(request, _("Alert refresh queued."))
    return redirect("property:dashboard")

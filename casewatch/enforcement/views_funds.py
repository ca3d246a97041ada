"""Pages: credit repairs (four steps), honour batches and pushes, case funds, clearance, reconciliation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.analytics.schema import REPAIR_CONDITIONS
from casewatch.core.choices import Action
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.enforcement import data, forms, funds, repairs, services, tables
from casewatch.enforcement.models import (
    Certificate,
    ClearanceBatch,
    CreditRepair,
    HonourBatch,
    Push,
    StatementImport,
)
from casewatch.enforcement.views import LIMIT, PAGE, _date, _errors, _page_offset, pager, require


@login_required
def repair_list(request):
    require(request.user, Action.VIEW)
    qs = CreditRepair.objects.restrict(request.user, Action.VIEW)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    offset, page = pager(request, qs.count())
    return render(
        request,
        "enforcement/repair_list.html",
        {"repairs": tables.repairs_table(qs[offset : offset + PAGE]), "status": status, "pager": page},
    )


@login_required
def repair_detail(request, repair_id: str):
    r = get_scoped_or_404(request.user, CreditRepair, Action.VIEW, repair_id=repair_id)
    return render(
        request,
        "enforcement/repair_detail.html",
        {
            "r": r,
            "due": repairs.deadlines(r),
            "checklist": tables.checklist_table(
                [{**c, "label": REPAIR_CONDITIONS[c["n"]][0]} for c in repairs.checklist(r)]
            ),
            "instalments": repairs.instalments(r) if r.instalments.exists() else [],
            "can_change": user_can(request.user, Action.CHANGE),
            "conditions": REPAIR_CONDITIONS,
        },
    )


@login_required
@require_POST
def repair_step(request, repair_id: str):
    r = get_scoped_or_404(request.user, CreditRepair, Action.CHANGE, repair_id=repair_id)
    form = forms.RepairStepForm(request.POST)
    if not form.is_valid():
        _messages(request, forms.errors(form))
        return redirect("enforcement:repair", repair_id=repair_id)
    step, data = form.cleaned_data["step"], form.cleaned_data
    try:
        if step == "verify":
            repairs.verify(request.user, r, data["condition"], data["declared"])
        elif step == "shield":
            repairs.shield(request.user, r, data["plan"])
        elif step == "delete":
            repairs.delete_listing(request.user, r)
        elif step == "complete":
            repairs.complete(request.user, r)
        elif step == "certificate":
            from casewatch.enforcement import certificates

            cert = certificates.issue_repair(request.user, r)
            messages.success(request, _("Certificate issued."))
            return redirect("enforcement:certificate", number=cert.number)
        else:  # revoke
            repairs.revoke(request.user, r, data["reason"])
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("enforcement:repair", repair_id=repair_id)


def _messages(request, texts: list[str]) -> None:
    for text in texts:
        messages.error(request, text)


# --- honour batches and pushes ------------------------------------------------------------------


@login_required
def batch_list(request):
    require(request.user, Action.VIEW)
    if request.method == "POST":
        form = forms.BatchCreateForm(request.POST)
        if form.is_valid():
            unit = get_scoped_or_404(request.user, Unit, Action.VIEW, code=form.cleaned_data["unit"])
            try:
                batch = services.create_batch(
                    request.user, unit, form.cleaned_data["title"], form.cleaned_data["certificate"]
                )
                return redirect("enforcement:batch", pk=batch.pk)
            except ValidationError as exc:
                _errors(request, exc)
        else:
            _messages(request, forms.errors(form))
    batches = HonourBatch.objects.restrict(request.user, Action.VIEW).select_related("unit")[:LIMIT]
    certs = (
        Certificate.objects.restrict(request.user, Action.VIEW)
        .filter(revoked_at__isnull=True)
        .select_related("unit")[:LIMIT]
    )
    units = sorted({c.unit for c in certs}, key=lambda u: u.code)
    return render(
        request,
        "enforcement/batch_list.html",
        {"batches": tables.batches_table(batches), "certs": certs, "units": units},
    )


@login_required
def batch_detail(request, pk: int):
    b = get_scoped_or_404(request.user, HonourBatch, Action.VIEW, pk=pk)
    if request.method == "POST":
        form = forms.BatchActionForm(request.POST)
        if not form.is_valid():
            _messages(request, forms.errors(form))
            return redirect("enforcement:batch", pk=pk)
        action, data = form.cleaned_data["action"], form.cleaned_data
        try:
            if action == "approve":
                services.approve(request.user, b)
            elif action == "publish":
                services.publish(request.user, b)
            else:  # push
                services.push_file(request.user, b, data["target"], data["recipient"])
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("enforcement:batch", pk=pk)
    return render(
        request,
        "enforcement/batch_detail.html",
        {"b": b, "entries": b.entries.select_related("certificate__case"), "pushes": b.pushes.all()},
    )


@login_required
def push_download(request, pk: int):
    p = get_scoped_or_404(request.user, Push, Action.EXPORT, pk=pk)
    record_export(request.user, "enforcement.push", p.rows, p.filename.rsplit(".", 1)[-1])
    resp = HttpResponse(
        p.content.encode(), content_type="text/csv" if p.filename.endswith(".csv") else "application/x-ndjson"
    )
    resp["Content-Disposition"] = f'attachment; filename="{p.filename}"'
    return resp


# --- case funds -----------------------------------------------------------------------------------


@login_required
def fund_overview(request):
    """Money held, aging (> 30 days, 法发〔2017〕6号), clearance batches and statements."""
    require(request.user, Action.VIEW)
    as_of = _date(request.GET.get("as_of"), timezone.localdate())
    if request.method == "POST":
        form = forms.ClearanceForm(request.POST)
        if form.is_valid():
            unit = get_scoped_or_404(request.user, Unit, Action.VIEW, code=form.cleaned_data["unit"])
            try:
                batch = funds.create_clearance(
                    request.user, unit, form.cleaned_data["title"], form.cleaned_data["held_since"] or as_of
                )
                return redirect("enforcement:clearance", pk=batch.pk)
            except ValidationError as exc:
                _errors(request, exc)
        else:
            _messages(request, forms.errors(form))
    aging = data.aging_page(request.user, as_of, limit=PAGE, offset=_page_offset(request))  # in DuckDB
    _offset, page = pager(request, aging["aged_count"])
    batches = ClearanceBatch.objects.restrict(request.user, Action.VIEW).select_related("unit")[:50]
    statements = StatementImport.objects.restrict(request.user, Action.VIEW).select_related("unit")[:50]
    units = (
        Unit.objects.restrict(request.user, Action.VIEW).filter(code__contains="-CRT").order_by("code")[:200]
    )
    return render(
        request,
        "enforcement/funds.html",
        {
            "as_of": as_of,
            "aged": tables.aged_table(aging["aged"]),
            "pager": page,
            "aged_count": aging["aged_count"],
            "aged_amount": aging["aged_amount"],
            "held_count": aging["held_count"],
            "batches": tables.clearance_table([(b, funds.clearance_progress(b, as_of)) for b in batches]),
            "statements": statements,
            "units": units,
            "can_change": user_can(request.user, Action.CHANGE),
            "can_import": user_can(request.user, Action.IMPORT),
        },
    )


@login_required
def clearance_detail(request, pk: int):
    b = get_scoped_or_404(request.user, ClearanceBatch, Action.VIEW, pk=pk)
    as_of = _date(request.GET.get("as_of"), timezone.localdate())
    return render(request, "enforcement/clearance.html", {"b": b, "p": funds.clearance_progress(b, as_of)})


@login_required
def statement_upload(request):
    require(request.user, Action.IMPORT)
    if request.method == "POST":
        form = forms.StatementForm(request.POST, request.FILES)
        if form.is_valid():
            unit = get_scoped_or_404(request.user, Unit, Action.VIEW, code=form.cleaned_data["unit"])
            f = form.cleaned_data["file"]
            try:
                imp = funds.import_statement(request.user, unit, f.name, f.read())
                return redirect("enforcement:statement", pk=imp.pk)
            except ValidationError as exc:
                _errors(request, exc)
        else:
            _messages(request, forms.errors(form))
    units = (
        Unit.objects.restrict(request.user, Action.VIEW).filter(code__contains="-CRT").order_by("code")[:200]
    )
    return render(request, "enforcement/statement_upload.html", {"units": units})


@login_required
def statement_detail(request, pk: int):
    s = get_scoped_or_404(request.user, StatementImport, Action.VIEW, pk=pk)
    status = request.GET.get("status", "")
    lines = s.statement_lines.select_related("movement")
    if status:
        lines = lines.filter(status=status)
    msgs = {k: f"{zh} / {en}" for k, (zh, en) in funds.LINE_MESSAGES.items()}
    return render(
        request,
        "enforcement/statement.html",
        {
            "s": s,
            "lines": tables.statement_table([(ln, msgs.get(ln.status, "")) for ln in lines[:2000]]),
            "status": status,
        },
    )

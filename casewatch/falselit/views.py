"""Pages: leads list, lead / cluster view with the relationship graph and the workflow, a case's
risk panel, statistics, evidence package export (DOCX, XLSX). Scoped; out of scope → 404."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from casewatch.analytics.falselit.config import INDICATORS
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.core.tables import xlsx
from casewatch.falselit import forms, services, tables
from casewatch.falselit.choices import Category, LeadOutcome, LeadStatus
from casewatch.falselit.models import Lead


def _reveal(request) -> bool:
    return request.GET.get("reveal") == "1" and user_can(request.user, Action.REVEAL)


@login_required
def lead_list(request):
    qs = Lead.objects.restrict(request.user, Action.VIEW).select_related("unit__parent__parent")
    filters = forms.LeadFilterForm(request.GET)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["category"]:
            qs = qs.filter(category=data["category"])
        if data["min_score"]:
            qs = qs.filter(score__gte=data["min_score"])
        leads = qs[:500]
    else:
        # a wrong filter lists nothing and says why (never everything)
        leads = Lead.objects.none()
    status, category = request.GET.get("status", ""), request.GET.get("category", "")
    min_score = request.GET.get("min_score", "")
    return render(
        request,
        "falselit/lead_list.html",
        {
            "leads": tables.leads_table(leads),
            "filter_errors": forms.error_text(filters) if filters.is_bound and not filters.is_valid() else [],
            "statuses": LeadStatus.choices,
            "categories": Category.choices,
            "status": status,
            "category": category,
            "min_score": min_score,
        },
    )


def _hits(lead: Lead, reveal: bool) -> list[dict]:
    return [
        {
            **h,
            "label": INDICATORS.get(h["code"], (h["code"],))[0],
            "evidence": services.masked_evidence(h["evidence"], reveal),
        }
        for h in lead.evidence
    ]


def _post_action(request, lead: Lead) -> None:
    """One workflow step from the lead page, through its form: a missing or wrong field is
    refused with a message naming it and no service is called (nothing is written)."""
    form_class = forms.ACTIONS.get(request.POST.get("action", ""))
    if form_class is None:
        messages.error(request, _("Unknown action: choose triage, refer, outcome or supervision."))
        return
    form = form_class(request.POST)
    if not form.is_valid():
        for line in forms.error_text(form):
            messages.error(request, line)
        return
    data = form.cleaned_data
    try:
        if form_class is forms.TriageForm:
            services.triage(request.user, lead.pk, accept=data["accept"], note=data["note"])
        elif form_class is forms.ReferForm:
            services.refer(request.user, lead.pk, to_unit=data["to_unit"], note=data["note"])
        elif form_class is forms.OutcomeForm:
            services.record_outcome(request.user, lead.pk, outcome=data["outcome"], feedback=data["note"])
        else:
            services.list_for_supervision(
                request.user, lead.pk, deadline=data["deadline"], instructions=data["note"]
            )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return
    messages.success(request, _("Saved."))


@login_required
def lead_detail(request, pk: int):
    lead = get_scoped_or_404(
        request.user, Lead.objects.select_related("unit__parent__parent", "case"), Action.VIEW, pk=pk
    )
    reveal = _reveal(request)
    if reveal:
        audit.record(AuditAction.REVEAL, lead, user=request.user, message="revealed lead graph")
    if request.method == "POST":
        _post_action(request, lead)
        return redirect("falselit:lead_detail", pk=pk)
    units = forms.referral_units()
    return render(
        request,
        "falselit/lead_detail.html",
        {
            "lead": lead,
            "hits": tables.hits_table(_hits(lead, reveal)),
            "graph": services.masked_graph(lead.graph, reveal),
            "referrals": lead.referrals.select_related("from_unit", "to_unit"),
            "units": units,
            "outcomes": [c for c in LeadOutcome.choices if c[0]],
            "can_change": user_can(request.user, Action.CHANGE),
            "can_supervise": user_can(request.user, Action.SUPERVISE),
            "can_reveal": user_can(request.user, Action.REVEAL),
            "reveal": reveal,
        },
    )


@login_required
def case_panel(request, pk: int):
    from casewatch.cases.models import Case

    case = get_scoped_or_404(request.user, Case.objects.select_related("unit"), Action.VIEW, pk=pk)
    panel = services.case_risk(request.user, case)
    for h in panel["hits"]:
        h["label"] = INDICATORS.get(h["code"], (h["code"],))[0]
        h["evidence"] = services.masked_evidence(h["evidence"], False)
    return render(
        request, "falselit/case_panel.html", {**panel, "hits": tables.case_hits_table(panel["hits"])}
    )


@login_required
def lead_stats(request):
    if not user_can(request.user, Action.VIEW):
        raise Http404
    stats = services.stats(request.user)
    return render(
        request,
        "falselit/stats.html",
        {
            "stats": stats,
            "by_category": tables.category_table(stats["by_category"]),
            "by_agency": tables.agency_table(stats["by_agency"]),
        },
    )


@login_required
def lead_export(request, pk: int, fmt: str):
    lead = get_scoped_or_404(request.user, Lead, Action.EXPORT, pk=pk)
    if fmt not in ("docx", "xlsx"):
        raise Http404
    audit.record(AuditAction.EXPORT, lead, user=request.user, message=f"evidence package {fmt}")
    # the page's table (tables.hits_table): the files have its headings and values
    table = tables.hits_table(_hits(lead, False))
    header, rows = table.header(), list(table.values())
    name = f"falselit-lead-{lead.pk}"
    if fmt == "xlsx":
        return xlsx(table, f"{name}.xlsx", _("Evidence"))
    from docx import Document

    doc = Document()
    doc.add_heading(_("False-litigation lead evidence package"), level=1)
    doc.add_paragraph(f"{lead.title}")
    doc.add_paragraph(
        _("Risk score: %(score).2f · category: %(cat)s · holding unit: %(unit)s")
        % {"score": lead.score, "cat": lead.get_category_display(), "unit": lead.unit.name}
    )
    doc.add_paragraph(_("The system proposes; the receiving agency decides. Personal data is masked."))
    table = doc.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for r in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, r, strict=True):
            cell.text = str(text)
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    return FileResponse(
        buf,
        as_attachment=True,
        filename=f"{name}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )

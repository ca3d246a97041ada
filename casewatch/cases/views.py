"""Pages of the case registry: search, case detail with the matter timeline, party, indicator."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.cases.filtersets import CaseFilterForm
from casewatch.cases.models import Case, Party
from casewatch.cases.services import case_parties, keyset_page, matter_timeline, single_track_coverage
from casewatch.core.choices import Action
from casewatch.core.exports import csv_response, xlsx_response
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export, reveal

CASE_EXPORT_HEADER = [
    "unit_code",
    "case_number",
    "case_type",
    "cause_name",
    "procedure",
    "status",
    "handler_staff_no",
    "filed_at",
    "closed_at",
    "outcome",
    "matter_id",
]


def _export_rows(qs):
    fields = [
        "unit_id",
        "case_number",
        "case_type",
        "cause_name",
        "procedure",
        "status",
        "handler_id",
        "filed_at",
        "closed_at",
        "outcome",
        "matter_id",
    ]
    yield from qs.order_by("-filed_at", "-id").values_list(*fields).iterator(chunk_size=5000)


@login_required
def case_list(request):
    if not user_can(request.user, Action.VIEW):
        raise PermissionDenied
    form = CaseFilterForm(request.GET or None)
    qs = form.filter(Case.objects.restrict(request.user, Action.VIEW))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        if not user_can(request.user, Action.EXPORT):
            raise PermissionDenied(_("Your role may not export."))
        record_export(request.user, "cases.case", qs.count(), fmt)
        if fmt == "csv":
            return csv_response("cases.csv", CASE_EXPORT_HEADER, _export_rows(qs))
        return xlsx_response("cases.xlsx", "cases", CASE_EXPORT_HEADER, _export_rows(qs))
    page = keyset_page(qs, request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_export": user_can(request.user, Action.EXPORT),
        },
    )


@login_required
def case_detail(request, pk):
    case = get_scoped_or_404(request.user, Case.objects.select_related("unit", "handler", "matter"), pk=pk)
    cases, timeline = matter_timeline(request.user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "matter_cases": cases,
            "timeline": timeline,
            "parties": case_parties(case),
            "property_items": case.property_items.all()[:200],
            "can_reveal": user_can(request.user, Action.REVEAL),
        },
    )


@login_required
def party_detail(request, pk):
    party = get_scoped_or_404(request.user, Party, pk=pk)
    links = (
        party.case_links.filter(case__in=Case.objects.restrict(request.user))
        .select_related("case", "case__unit")
        .order_by("-case__filed_at")[:500]
    )
    return render(
        request,
        "cases/party_detail.html",
        {"party": party, "links": links, "can_reveal": user_can(request.user, Action.REVEAL)},
    )


@login_required
@require_POST
def party_reveal(request, pk, field):
    """Reveal one personal field of a party (htmx fragment); every reveal is audited."""
    party = get_scoped_or_404(request.user, Party, pk=pk)
    value = reveal(request.user, party, field)
    return HttpResponse(format_html('<span class="revealed">{}</span>', value))


def _parse_day(value, default):
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def indicator_single_track(request):
    today = dt.date.today()
    start = _parse_day(request.GET.get("start"), dt.date(today.year, 1, 1))
    end = _parse_day(request.GET.get("end"), today)
    if start > end:
        start, end = end, start
    data = single_track_coverage(request.user, start, end)
    return render(request, "cases/indicator_single_track.html", {"data": data})

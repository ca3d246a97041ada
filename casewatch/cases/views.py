"""Pages of the case registry: search, case detail with the matter timeline, party, indicator."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.cases.filtersets import CaseFilterForm
from casewatch.cases.models import Case, Party
from casewatch.cases.services import (
    PAGE_SIZE,
    case_parties,
    keyset_page,
    matter_timeline,
    single_track_coverage,
)
from casewatch.core.choices import Action
from casewatch.core.exports import csv_response, xlsx_response
from casewatch.core.pagination import page_size
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export, reveal


def case_export_header() -> list[str]:
    """Column headings of the case export, in the reader's language."""
    return [
        _("Unit"),
        _("Unit code"),
        _("Case number"),
        _("Case type"),
        _("Cause"),
        _("Procedure"),
        _("Status"),
        _("Handler"),
        _("Handler staff number"),
        _("Filed"),
        _("Closed"),
        _("Outcome"),
        _("Matter"),
    ]


def _label(codes: dict, zh: bool):
    """code → label in the reader's language, for the canonical enumerations of the schema."""
    return lambda value: codes[value][0 if zh else 1] if value in codes else (value or "")


def _export_rows(qs):
    """Rows of the case export: names and labels, not codes (one query, streamed)."""
    from casewatch.analytics.schema import CASE_STATUSES, CASE_TYPES, OUTCOMES, PROCEDURES

    zh = not (get_language() or "zh-hans").startswith("en")
    case_type, procedure = _label(CASE_TYPES, zh), _label(PROCEDURES, zh)
    status, outcome = _label(CASE_STATUSES, zh), _label(OUTCOMES, zh)
    fields = [
        "unit__parent__name",
        "unit__kind",
        "unit__name",
        "unit_id",
        "case_number",
        "case_type",
        "cause_name",
        "procedure",
        "status",
        "handler__name",
        "handler_id",
        "filed_at",
        "closed_at",
        "outcome",
        "matter_id",
    ]
    rows = qs.order_by("-filed_at", "-id").values_list(*fields).iterator(chunk_size=5000)
    for (
        parent,
        kind,
        unit,
        code,
        number,
        ctype,
        cause,
        proc,
        st,
        handler,
        staff_no,
        filed,
        closed,
        out,
        matter,
    ) in rows:
        yield [
            f"{parent} {unit}" if parent and kind in ("division", "unit") else unit,
            code,
            number,
            case_type(ctype),
            cause,
            procedure(proc),
            status(st),
            handler or "",
            staff_no or "",
            filed,
            closed,
            outcome(out),
            matter or "",
        ]


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
            return csv_response("cases.csv", case_export_header(), _export_rows(qs))
        return xlsx_response("cases.xlsx", _("Cases"), case_export_header(), _export_rows(qs))
    page = keyset_page(
        qs, request.GET.get("after"), page_size(request, PAGE_SIZE), walk_index=form.walks_filed_index()
    )
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
    range_error = ""
    if start > end:  # said on the page, not silently
        range_error = _("The start date %(start)s was after the end date %(end)s: the two were swapped.") % {
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
        start, end = end, start
    data = single_track_coverage(request.user, start, end)
    return render(request, "cases/indicator_single_track.html", {"data": data, "range_error": range_error})

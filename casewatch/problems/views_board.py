"""The progress board (挂图作战) page and the documents made from it: the progress notice
(晾晒通报, DOCX) and the weekly report (DOCX or PDF)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from casewatch.core import charts, tables
from casewatch.core.choices import Action
from casewatch.core.services import record_export
from casewatch.problems import board, reports
from casewatch.problems.forms import NoticeForm, PeriodForm
from casewatch.problems.services import can

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _period(request):
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        return form, d["since"], d["until"], (d["root"] or "").strip() or None
    return form, None, None, None


@login_required
def board_page(request):
    form, since, until, root = _period(request)
    figures = board.figures(request.user, since=since, until=until, root=root)
    return render(
        request,
        "problems/board.html",
        {
            "form": form,
            "figures": figures,
            "map_chart": map_chart(figures),
            "trend_chart": trend_chart(figures),
            "orders_table": listed_orders_table(figures["listed_orders"]),
            "notice_form": NoticeForm(initial={"since": since, "until": until, "ranked": True}),
            "can_export": can(request.user, Action.EXPORT),
            "can_notice": can(request.user, Action.SUPERVISE),
        },
    )


def map_chart(figures: dict) -> dict:
    """Ningbo's districts coloured by rectification rate; a district links to its problems."""
    rows = [
        {
            "name": d["name"],
            "value": d["value"],
            "link": d["link"],
            "tip": f"{d['rectified']} / {d['found']}" + (f" · {d['overdue']} ⚠" if d["overdue"] else ""),
        }
        for d in figures["map"]
    ]
    return charts.area_map(
        "宁波", rows, as_of=figures["today"], title=_("Map of Ningbo coloured by rectification rate")
    )


def trend_chart(figures: dict) -> dict:
    """Problems found (bars) and rectified (line) per month, months in order."""
    t = figures["trend"]
    return charts.bars(
        t["months"],
        [(_("problems found"), t["found"]), (_("rectified"), t["rectified"])],
        horizontal=False,
        order="label",
        line=[1],
        as_of=figures["today"],
        title=_("Problems found and rectified per month"),
    )


def listed_orders_table(orders: list[dict]) -> tables.Table:
    C = tables.Column  # noqa: N806 - short constructor keeps the columns readable

    def deadline(o):
        if not o["overdue"]:
            return o["deadline"]
        return format_html('{} <span class="status light-red">{}</span>', o["deadline"], _("overdue"))

    return tables.Table(
        [
            C("#", lambda o: o["id"], link=lambda o: o["url"]),
            C(_("Title"), lambda o: o["title"], link=lambda o: o["url"]),
            C(_("Unit"), lambda o: o["unit"]),
            C(_("Level"), lambda o: o["level_label"]),
            C(_("Deadline"), lambda o: o["deadline"], show=deadline),
        ],
        orders,
        empty=_("No listed orders."),
        testid="listed-orders",
    )


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def board_notice(request):
    """The progress notice for a period, ranked or not, as the supervisor chooses (DOCX)."""
    if not can(request.user, Action.SUPERVISE):
        raise PermissionDenied(_("Only supervisors may issue progress notices."))
    form = NoticeForm(request.GET or None)
    since = until = None
    ranked = True
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
        ranked = form.cleaned_data["ranked"]
    data = reports.progress_notice_docx(request.user, since=since, until=until, ranked=ranked)
    record_export(request.user, "problems.progress_notice", 1, "docx")
    stamp = (until or timezone.localdate()).strftime("%Y%m%d")
    return _attachment(data, f"progress-notice-{stamp}.docx", DOCX)


@login_required
def weekly_report(request):
    """The weekly progress report, DOCX (default) or PDF, for the week ending on a day."""
    if not can(request.user, Action.EXPORT):
        raise PermissionDenied(_("Your role may not export."))
    fmt = request.GET.get("format", "docx")
    try:
        week_ending = (
            dt.date.fromisoformat(request.GET["week_ending"]) if request.GET.get("week_ending") else None
        )
    except ValueError:
        week_ending = None
    stamp = (week_ending or timezone.localdate()).strftime("%Y%m%d")
    if fmt == "pdf":
        data = reports.weekly_pdf(request.user, week_ending)
        record_export(request.user, "problems.weekly_report", 1, "pdf")
        return _attachment(data, f"weekly-report-{stamp}.pdf", "application/pdf")
    data = reports.weekly_docx(request.user, week_ending)
    record_export(request.user, "problems.weekly_report", 1, "docx")
    return _attachment(data, f"weekly-report-{stamp}.docx", DOCX)

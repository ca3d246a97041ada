"""The problem pages' tables (core.tables).

The problem list and its XLSX export pick their columns from one catalogue (`problem_columns`):
each column is defined once (heading and value), the page shows some of them in its order and
the export writes the others too, so a heading or a value can never differ between the two.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casewatch.core.tables import Column, Table
from casewatch.problems.filtersets import DISTRICT_CHOICES

DISTRICT_NAMES = dict(DISTRICT_CHOICES)

#: the page's columns, in its order
PAGE = ("number", "title", "severity", "status", "unit", "case", "assignee", "deadline")
#: the export's columns, in its order
EXPORT = (
    "number",
    "source",
    "status",
    "severity",
    "district",
    "unit",
    "case",
    "area",
    "title",
    "description",
    "measure",
    "responsible",
    "assignee",
    "found",
    "deadline",
    "overdue",
    "verified",
    "returned",
)


def _detail(p) -> str:
    return reverse("problems:problem_detail", args=[p.pk])


def problem_columns(today) -> dict[str, Column]:
    C = Column  # noqa: N806 - short constructor keeps the columns readable

    def title(p):
        extra = p.get_source_display() + (f" · {p.area}" if p.area else "")
        return format_html('<a href="{}">{}</a><br><small>{}</small>', _detail(p), p.title, extra)

    def unit(p):
        if p.unit.parent_id:
            return format_html("<small>{}</small><br>{}", p.unit.parent.name, p.unit.name)
        return p.unit.name

    def status(p):  # as problems/_status.html draws it
        badge = format_html('<span class="status pstatus-{}">{}</span>', p.status, p.get_status_display())
        if p.is_open and p.deadline and p.deadline < today:
            badge = format_html('{} <span class="status light-red">{}</span>', badge, _("overdue"))
        return badge

    return {
        "number": C(_("Number"), lambda p: p.pk, link=_detail),
        "source": C(_("Source"), lambda p: p.get_source_display()),
        "status": C(_("Status"), lambda p: p.get_status_display(), show=status),
        "severity": C(_("Severity"), lambda p: p.get_severity_display()),
        "district": C(
            _("District"), lambda p: DISTRICT_NAMES.get(p.unit.division_code, p.unit.division_code)
        ),
        "unit": C(
            _("Unit"),
            lambda p: f"{p.unit.parent.name} {p.unit.name}" if p.unit.parent_id else p.unit.name,
            show=unit,
        ),
        "case": C(
            _("Case number"),
            lambda p: p.case.case_number if p.case_id else "",
            link=lambda p: reverse("cases:case_detail", args=[p.case_id]) if p.case_id else "",
        ),
        "area": C(_("Area"), lambda p: p.area),
        "title": C(_("Title"), lambda p: p.title, show=title),
        "description": C(_("Description"), lambda p: p.description),
        "measure": C(_("Required measure"), lambda p: p.measure_text),
        "responsible": C(_("Responsible person"), lambda p: p.responsible.name if p.responsible_id else ""),
        "assignee": C(
            _("Assigned to"),
            lambda p: (p.assignee.get_full_name() or p.assignee.username) if p.assignee_id else "",
        ),
        "found": C(_("Found"), lambda p: timezone.localtime(p.created_at)),
        "deadline": C(_("Deadline"), lambda p: p.deadline),
        "overdue": C(_("Overdue (days)"), lambda p: p.days_overdue(today), num=True),
        "verified": C(_("Verified"), lambda p: timezone.localtime(p.verified_at) if p.verified_at else ""),
        "returned": C(_("Times returned"), lambda p: p.return_count, num=True),
    }


def problem_table(rows, today, *, export: bool = False, select: bool = False) -> Table:
    """The list as the page shows it, or (`export`) as the XLSX writes it."""
    columns = problem_columns(today)
    if export:
        return Table([columns[k] for k in EXPORT], rows)
    page = [columns[k] for k in PAGE]
    page[0] = Column("#", page[0].value, link=page[0].link)
    return Table(
        page,
        rows,
        empty=_("No problems match."),
        testid="problems",
        row_attrs=lambda p: {"data-problem": p.pk},
        select=(lambda p: p.pk) if select else None,
        select_label=_("Select"),
    )


def evidence_table(rows) -> Table:
    C = Column  # noqa: N806

    def name(e):
        url = reverse("problems:evidence_download", args=[e.pk])
        note = format_html("<br><small>{}</small>", e.note) if e.note else ""
        return format_html('<a href="{}" download>{}</a>{}', url, e.original_name, note)

    def size(e):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(e.size)

    return Table(
        [
            C(_("File name"), lambda e: e.original_name, show=name),
            C(_("Type"), lambda e: (e.kind or "").upper()),
            C(_("Size"), size, num=True),
            C(
                _("SHA-256"),
                lambda e: e.sha256,
                show=lambda e: format_html("<code>{}…</code>", e.sha256[:16]),
            ),
            C(
                _("Uploaded"),
                lambda e: (
                    f"{timezone.localtime(e.uploaded_at):%Y-%m-%d %H:%M} {e.uploaded_by.username if e.uploaded_by_id else ''}".strip()
                ),
            ),
        ],
        rows,
        empty=_("No evidence yet."),
        testid="evidence",
    )


def history_table(rows) -> Table:
    C = Column  # noqa: N806
    return Table(
        [
            C(_("Time"), lambda e: e.at),
            C(_("Action"), lambda e: e.get_action_display()),
            C(_("Status"), lambda e: f"{e.from_status_label} → {e.to_status_label}"),
            C(
                _("By"),
                lambda e: (e.actor.get_full_name() or e.actor.username) if e.actor_id else _("system"),
            ),
            C(_("Reason"), lambda e: e.reason),
        ],
        rows,
        testid="history",
    )

"""The false-litigation pages' tables as shared tables (core.tables + templates/table.html): the
leads list, a lead's indicators and evidence (also the evidence package's Excel sheet and Word
table: the page and the files have the same headings and values), a case's risk panel and the
statistics by category and by holding agency.

No table of these pages stays hand-written.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casewatch.core.tables import Column, Table


def _score(value) -> str:
    return f"{value:.2f}"


def leads_table(leads) -> Table:
    return Table(
        [
            Column(_("Lead"), lambda d: d.title, link=lambda d: reverse("falselit:lead_detail", args=[d.pk])),
            Column(_("Category"), lambda d: d.get_category_display()),
            Column(_("Risk score"), lambda d: _score(d.score), num=True),
            Column(_("Indicators"), lambda d: " ".join(d.codes)),
            Column(_("Court"), lambda d: d.court.name if d.court else None),
            Column(_("Holding unit"), lambda d: d.unit.name),
            Column(_("Status"), lambda d: d.get_status_display()),
            Column(_("Outcome"), lambda d: d.get_outcome_display()),
        ],
        leads,
        empty=_("No leads."),
        testid="leads",
    )


def _indicator(h: dict) -> str:
    return f"{h['code']} {h['label']}"


def hits_table(hits) -> Table:
    """A lead's indicators with their evidence: the page and the evidence package."""
    return Table(
        [
            Column(_("Case"), lambda h: h["case_key"].replace("|", " ")),
            Column(_("Indicator"), _indicator),
            Column(_("Explanation"), lambda h: h["detail"]),
            Column(_("Evidence"), lambda h: "; ".join(h["evidence"])),
        ],
        hits,
        empty="—",
        testid="hits",
    )


def case_hits_table(hits) -> Table:
    """The indicators that fired for one case (its risk panel)."""
    return Table(
        [
            Column(_("Indicator"), _indicator),
            Column(_("Explanation"), lambda h: h["detail"]),
            Column(_("Evidence"), lambda h: "; ".join(h["evidence"])),
        ],
        hits,
        empty=_("No indicator fired for this case."),
        testid="hits",
    )


def category_table(rows) -> Table:
    return Table(
        [Column(_("Category"), lambda r: r["category"]), Column(_("Leads"), lambda r: r["n"], num=True)],
        rows,
        empty="—",
        testid="by-category",
    )


def agency_table(rows) -> Table:
    return Table(
        [
            Column(_("Agency"), lambda r: r["unit__agency_kind"]),
            Column(_("Leads"), lambda r: r["n"], num=True),
            Column(_("Confirmed"), lambda r: r["confirmed"], num=True),
            Column(_("Not confirmed"), lambda r: r["not_confirmed"], num=True),
        ],
        rows,
        empty="—",
        testid="by-agency",
    )

"""The property pages' tables (core.tables): the ledger and a case's items, the dashboard's
tables, inventories, an item's timeline and loans."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casewatch.core.tables import Column, Table

C = Column


def _item_link(i) -> str:
    return reverse("property:item_detail", args=[i.code])


def item_table(rows, *, with_case: bool = True, testid: str = "items", empty=None) -> Table:
    columns = [
        C(pgettext_lazy("property", "Code"), lambda i: i.code, link=_item_link),
        C(_("Name"), lambda i: i.name),
        C(_("Case number"), lambda i: i.case.case_number if i.case_id else None, page=with_case),
        C(_("Status"), lambda i: i.get_status_display()),
        C(_("Legal custody"), lambda i: i.custody_unit.name if i.custody_unit_id else None),
        C(_("Location"), lambda i: i.place),
    ]
    return Table(columns, rows, empty=empty or _("No items match."), testid=testid)


def _yuan(value) -> str:
    return f"{float(value or 0):,.0f}"


def by_agency_table(rows) -> Table:
    return Table(
        [
            C(_("Legal custody"), lambda r: r["custody_unit__name"]),
            C(pgettext_lazy("property", "Items"), lambda r: r["n"], num=True),
            C(_("Value (yuan)"), lambda r: _yuan(r["value"]), num=True),
        ],
        rows,
        empty=_("Nothing held."),
        testid="by-agency",
    )


def alert_count_table(rows) -> Table:
    return Table(
        [
            C(_("Rule"), lambda a: a["label"]),
            C(_("State"), lambda a: _("Overdue") if a["state"] == "overdue" else _("Due soon")),
            C(pgettext_lazy("property", "Items"), lambda a: a["n"], num=True),
        ],
        rows,
        empty=_("No deadline is running close."),
        testid="alert-counts",
    )


def overdue_table(rows) -> Table:
    from casewatch.property import choices as PC

    rules = dict(PC.AlertRule.choices)
    return Table(
        [
            C(
                pgettext_lazy("property", "Code"),
                lambda a: a["item__code"],
                link=lambda a: reverse("property:item_detail", args=[a["item__code"]]),
            ),
            C(_("Name"), lambda a: a["item__name"]),
            C(_("Rule"), lambda a: rules.get(a["rule"], a["rule"])),
            C(_("Due"), lambda a: a["due_on"]),
            C(_("Days overdue"), lambda a: a["days_over"], num=True),
            C(
                _("Problem"),
                lambda a: f"#{a['problem_id']}" if a["problem_id"] else "",
                link=lambda a: (
                    reverse("problems:problem_detail", args=[a["problem_id"]]) if a["problem_id"] else ""
                ),
            ),
        ],
        rows,
        empty=_("Nothing overdue."),
        testid="overdue",
    )


def inventory_table(rows) -> Table:
    return Table(
        [
            C("#", lambda i: i.pk, link=lambda i: reverse("property:inventory_detail", args=[i.pk])),
            C(_("Zone"), lambda i: str(i.zone) if i.zone_id else _("whole centre")),
            C(_("Mode"), lambda i: i.get_mode_display()),
            C(_("Items to count"), lambda i: f"{i.sample_size} / {i.population}", num=True),
            C(_("Status"), lambda i: i.get_status_display()),
            C(_("Started at"), lambda i: i.started_at),
        ],
        rows,
        empty=_("No inventories yet."),
        testid="inventories",
    )


def found_table(rows) -> Table:
    """An inventory's discrepancies: (kind, code, name) rows."""
    return Table(
        [
            C(_("Kind"), lambda r: r[0]),
            C(pgettext_lazy("property", "Code"), lambda r: r[1]),
            C(_("Name"), lambda r: r[2]),
        ],
        rows,
        testid="inventory-found",
    )


def timeline_table(rows) -> Table:
    return Table(
        [
            C(_("Time"), lambda e: e["at"]),
            C(_("Stream"), lambda e: _("Legal custody") if e["stream"] == "custody" else _("Location")),
            C(_("Event"), lambda e: e["kind"]),
            C(_("From → to"), lambda e: e["what"]),
            C(_("Handed over by"), lambda e: e["giver"]),
            C(_("Received by"), lambda e: e["receiver"]),
            C(_("Condition"), lambda e: e["condition"]),
            C(_("Document or note"), lambda e: e["document"]),
        ],
        rows,
        testid="timeline",
    )


def loan_table(rows) -> Table:
    return Table(
        [
            C(_("Borrower"), lambda x: x.borrower),
            C(_("Purpose"), lambda x: x.get_purpose_display()),
            C(_("Approved by"), lambda x: x.approver),
            C(_("Lent at"), lambda x: x.out_at),
            C(_("Due back"), lambda x: x.due_at),
            C(_("Returned at"), lambda x: x.returned_at),
        ],
        rows,
        testid="loans",
    )

"""The enforcement pages' tables as shared tables (core.tables + templates/table.html): the
dishonest-debtor list (also its Excel export: the page and the file have the same headings and
values), certificates, credit repairs and a repair's five conditions, honour lists, clearance
batches, aged receipts, a bank statement's lines and the measures. The list pages still read
their rows from the derived DuckDB tables a page of 100 at a time (enforcement/data.py); only the
rendering is shared.

The dishonest-debtor list has a form in a cell (record a deletion) and is converted all the same,
because its export is the same rows: the form is a page-only last column (``deletion_form``).

Tables that stay hand-written, and why:

- the incentive eligibility (incentive.html, ``#eligibility``): an issue-certificate form in a
  row's last cell, and the browser test finds rows under ``#eligibility``;
- a clearance batch's progress (clearance.html, ``#progress``): a vertical fact sheet (a heading
  per row, one value), not a list of rows.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casewatch.core.tables import Column, Table


def listings_table(rows, *, deletion_form=None) -> Table:
    """The dishonest-debtor list. `rows` carry the labels set by the view (``debtor_name``,
    ``ground_label``, ``trigger_label``, ``state_label``, ``correction_text``, ``wrongful_label``).
    `deletion_form`, when given (the user may change), is a page-only last column: a row's
    "record deletion" form (a callable of the row giving safe HTML)."""

    def state(r):
        days = r.get("days_past_due")
        if days and days > 0:
            return f"{r['state_label']} (+{days})"
        return r["state_label"]

    columns = [
        Column(_("Listing"), lambda r: r["listing_id"]),
        Column(_("Case number"), lambda r: r["case_number"]),
        Column(_("Debtor"), lambda r: r["debtor_name"]),
        Column(_("Ground"), lambda r: r["ground_label"]),
        Column(_("Decided on"), lambda r: r["decided_on"]),
        Column(_("Term ends"), lambda r: r.get("term_end")),
        Column(_("Trigger"), lambda r: r["trigger_label"] or None),
        Column(_("Trigger on"), lambda r: r["trigger_on"]),
        Column(_("Deletion due"), lambda r: r["deletion_due"]),
        Column(_("Deleted on"), lambda r: r["deleted_on"]),
        Column(_("State"), lambda r: r["state_label"], show=state),
        Column(_("Correction"), lambda r: r["correction_text"] or None),
        Column(_("Wrongful"), lambda r: r["wrongful_label"]),
    ]
    if deletion_form is not None:
        columns.append(Column("", lambda r: "", show=deletion_form, export=False))
    return Table(
        columns,
        rows,
        empty=_("No listings."),
        testid="listings",
        row_attrs=lambda r: {"class": f"state-{r['deletion_state']}"},
    )


def certificates_table(certificates) -> Table:
    return Table(
        [
            Column(
                _("Number"),
                lambda c: c.number,
                link=lambda c: reverse("enforcement:certificate", args=[c.number]),
            ),
            Column(_("Court"), lambda c: c.unit.name),
            Column(_("Case number"), lambda c: c.case.case_number),
            Column(_("Amount"), lambda c: c.amount, num=True),
            Column(_("Issued on"), lambda c: c.issued_on),
            Column(_("Status"), lambda c: _("revoked") if c.revoked_at else _("valid")),
        ],
        certificates,
        empty=_("No certificates."),
        testid="certificates",
    )


def repairs_table(repairs) -> Table:
    return Table(
        [
            Column(
                _("Repair"),
                lambda r: r.repair_id,
                link=lambda r: reverse("enforcement:repair", args=[r.repair_id]),
            ),
            Column(_("Case number"), lambda r: r.case_number),
            Column(_("Applied on"), lambda r: r.applied_on),
            Column(_("Verified on"), lambda r: r.verified_on),
            Column(_("Deleted on"), lambda r: r.deleted_on),
            Column(_("Completed on"), lambda r: r.completed_on),
            Column(_("Status"), lambda r: r.status_label),
        ],
        repairs,
        empty=_("No credit repairs."),
        testid="repairs",
    )


def checklist_table(checklist) -> Table:
    """A credit repair's five conditions checked against the records (repairs.checklist, with the
    condition's ``label`` set by the view); ``met`` None means the officer must declare it."""

    def result(c):
        if c["met"] is None:
            return _("declaration needed")
        return _("met") if c["met"] else _("not met")

    return Table(
        [
            Column(_("Number"), lambda c: c["n"], num=True),
            Column(_("Condition"), lambda c: c["label"]),
            Column(_("Result"), result),
            Column(_("Evidence"), lambda c: c["evidence"], css="muted"),
        ],
        checklist,
        empty="—",
        testid="checklist",
    )


def _day(value):
    """A stored moment as the local day (the lists show days)."""
    from django.utils import timezone

    if value is None:
        return None
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def batches_table(batches) -> Table:
    return Table(
        [
            Column(_("Title"), lambda b: b.title, link=lambda b: reverse("enforcement:batch", args=[b.pk])),
            Column(_("Court"), lambda b: b.unit.name),
            Column(_("Approved"), lambda b: _day(b.approved_at)),
            Column(_("Published"), lambda b: _day(b.published_at)),
        ],
        batches,
        empty=_("No lists yet."),
        testid="honour-lists",
    )


def clearance_table(batches) -> Table:
    """Clearance batches with their progress: (batch, funds.clearance_progress) pairs."""

    def cleared(pair):
        p = pair[1]
        percent = "—" if p["percent"] is None else p["percent"]
        return f"{p['cleared']} / {p['held']} ({percent}%)"

    return Table(
        [
            Column(
                _("Title"),
                lambda bp: bp[0].title,
                link=lambda bp: reverse("enforcement:clearance", args=[bp[0].pk]),
            ),
            Column(_("Court"), lambda bp: bp[0].unit.name),
            Column(_("Receipts"), lambda bp: bp[1]["receipts"], num=True),
            Column(_("Cleared"), lambda bp: bp[1]["receipts_cleared"], num=True),
            Column(_("Payments"), lambda bp: bp[1]["payments"], num=True),
            Column(_("Money cleared"), cleared),
        ],
        batches,
        empty=_("No clearance batches."),
        testid="clearance",
    )


def aged_table(rows) -> Table:
    """Receipts holding money for more than 30 days (a page of the derived table)."""
    return Table(
        [
            Column(_("Receipt"), lambda r: r["movement_id"]),
            Column(_("Case number"), lambda r: r["case_number"]),
            Column(_("Received on"), lambda r: r["received_on"]),
            Column(_("Amount"), lambda r: r["amount"], num=True),
            Column(_("Held"), lambda r: r["held"], num=True),
            Column(_("Days"), lambda r: r["age_days"], num=True),
        ],
        rows,
        empty=_("No aged money."),
        testid="aged",
    )


def statement_table(lines) -> Table:
    """A bank statement's lines with the reconciliation result: (line, message) pairs."""
    return Table(
        [
            Column(_("Line"), lambda lm: lm[0].line_no, num=True),
            Column(_("Account"), lambda lm: lm[0].account_no),
            Column(_("Date"), lambda lm: lm[0].booked_on),
            Column(_("Amount"), lambda lm: lm[0].amount, num=True),
            Column(_("Reference"), lambda lm: lm[0].bank_ref),
            Column(_("Result"), lambda lm: lm[1]),
            Column(_("Ledger movement"), lambda lm: lm[0].movement.movement_id if lm[0].movement else ""),
            Column(
                _("Difference"),
                lambda lm: "" if lm[0].difference is None else lm[0].difference,
                num=True,
            ),
        ],
        lines,
        empty="—",
        testid="statement-lines",
        row_attrs=lambda lm: {"class": f"line-{lm[0].status}"},
    )


def measures_table(rows) -> Table:
    """The measures: (key, title, value, extra, definition) rows; each row's id is ``m-<key>``."""
    return Table(
        [
            Column(_("Measure"), lambda m: m[1]),
            Column(_("Value"), lambda m: m[2], css="value"),
            Column("", lambda m: m[3]),
            Column(_("Definition"), lambda m: m[4], css="muted"),
        ],
        rows,
        empty="—",
        testid="measures",
        row_attrs=lambda m: {"id": f"m-{m[0]}"},
    )


def deletion_form(url_of, csrf_token: str, trigger_options, labels: dict):
    """The listing's "record deletion" form for a row not yet deleted (safe HTML), else ""."""

    def form(r):
        if r["deleted_on"]:
            return ""
        return format_html(
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="date" name="deleted_on" required aria-label="{}">'
            '<select name="trigger" aria-label="{}">{}</select><button type="submit">{}</button></form>',
            url_of(r["listing_id"]),
            csrf_token,
            labels["deleted_on"],
            labels["trigger"],
            trigger_options,
            labels["record"],
        )

    return form

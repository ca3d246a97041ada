"""The notary pages' tables (core.tables): the queue, certificates, import errors, reviews and
samples, and the measures (the page and its XLSX export from one definition)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casewatch.core.tables import Column, Table

C = Column


def pct(v) -> str:
    """A rate as a percentage rounded half up to 2 decimals (docs/indicators.md)."""
    if v is None:
        return "—"
    return f"{(Decimal(str(v)) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def days(v) -> str:
    return "—" if v is None else str(Decimal(str(v)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def office_table(rows) -> Table:
    """Applications by office and channel; the export adds the office code and the on-time count."""
    return Table(
        [
            C(_("Office code"), lambda r: r["office"], page=False),
            C(
                _("Office"),
                lambda r: r["name"],
                show=lambda r: format_html("{} <small>{}</small>", r["name"], r["office"]),
            ),
            C(_("Online"), lambda r: r["online"], num=True),
            C(_("Window"), lambda r: r["window"], num=True),
            C(_("Imported"), lambda r: r["import"], num=True),
            C(_("Total"), lambda r: r["total"], num=True),
            C(_("Share done online"), lambda r: pct(r["online_share"]), num=True),
            C(_("Issued"), lambda r: r["issued"], num=True),
            C(_("On time"), lambda r: r["on_time"], num=True, page=False),
            C(_("On-time rate"), lambda r: pct(r["on_time_rate"]), num=True),
        ],
        rows,
        empty=_("No applications in the period."),
        testid="by-office",
    )


def matter_table(rows) -> Table:
    from casewatch.notary import measures

    return Table(
        [
            C(_("Matter"), lambda m: f"{m['matter__name']} / {m['matter__name_en']}"),
            C(_("Issued"), lambda m: m["n"], num=True),
            C(_("Average working days"), lambda m: days(m["avg_days"]), num=True),
            C(_("On-time rate"), lambda m: pct(measures.rate(m["on_time"], m["n"])), num=True),
        ],
        rows,
        empty=_("No applications in the period."),
        testid="by-matter",
    )


def check_table(rows) -> Table:
    """Review findings per checklist item: (label, count) rows."""
    return Table(
        [C(_("Check"), lambda r: r[0]), C(_("Findings"), lambda r: r[1], num=True)],
        rows,
        testid="by-check",
    )


def result_table(rows) -> Table:
    """A review's result per checklist item: (label, result) rows."""
    return Table(
        [C(_("Check"), lambda r: r[0]), C(_("Result"), lambda r: r[1])], rows, testid="review-results"
    )


def queue_table(rows) -> Table:
    """(item, masked applicant name, light) rows."""

    def due(row):
        item, _name, light = row
        if not light:
            return item.due_on
        return format_html(
            '<span class="notary-light notary-light-{}">{}</span>', light, item.due_on.isoformat()
        )

    return Table(
        [
            C(
                _("Application"),
                lambda r: r[0].application.number,
                link=lambda r: reverse("notary:application_detail", args=[r[0].application_id]),
            ),
            C(_("Office"), lambda r: r[0].application.office.name),
            C(_("Channel"), lambda r: r[0].application.get_channel_display()),
            C(_("Applicant"), lambda r: r[1], css="masked"),
            C(_("Matter"), lambda r: r[0].matter.display_name),
            C(_("Status"), lambda r: r[0].get_status_display()),
            C(_("Due"), lambda r: r[0].due_on, show=due),
        ],
        rows,
        empty=_("Nothing in the queue."),
        testid="queue",
    )


def certificate_table(rows) -> Table:
    return Table(
        [
            C(_("Certificate number"), lambda c: c.number),
            C(
                _("Application"),
                lambda c: c.item.application.number,
                link=lambda c: reverse("notary:application_detail", args=[c.item.application_id]),
            ),
            C(_("Issued on"), lambda c: c.issued_on),
            C(_("Status"), lambda c: _("revoked") if c.revoked_at else _("valid")),
        ],
        rows,
        empty=_("No certificates."),
        testid="certificates",
    )


def import_error_table(rows) -> Table:
    return Table(
        [
            C(_("Row"), lambda e: e["row"]),  # an identifier, not a quantity
            C(_("Column"), lambda e: e["column"]),
            C(_("Problem"), lambda e: e["message"]),
        ],
        rows,
        testid="import-errors",
        css="errors",
    )


def review_table(rows) -> Table:
    return Table(
        [
            C(
                _("Application"),
                lambda r: r.item.application.number,
                link=lambda r: reverse("notary:review_detail", args=[r.pk]),
            ),
            C(_("Matter"), lambda r: r.item.matter.display_name),
            C(_("Kind"), lambda r: r.get_kind_display()),
            C(_("Status"), lambda r: r.get_status_display()),
            C(_("Findings"), lambda r: r.findings, num=True),
        ],
        rows,
        empty=_("No reviews."),
        testid="reviews",
    )


def sample_table(rows) -> Table:
    return Table(
        [
            C(_("Office"), lambda s: s.office.name),
            C(_("Period"), lambda s: f"{s.period_from:%Y-%m-%d} – {s.period_to:%Y-%m-%d}"),
            C(_("Rate"), lambda s: s.rate, num=True),
            C(_("Seed"), lambda s: s.seed, show=lambda s: format_html("<code>{}</code>", s.seed)),
            C(_("Selected"), lambda s: f"{len(s.selected)} / {s.candidates}", num=True),
        ],
        rows,
        empty=_("No samples yet."),
        testid="samples",
    )

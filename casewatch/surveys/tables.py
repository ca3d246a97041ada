"""The surveys pages' plain lists as shared tables (core.tables): waves, instruments, forums and
an invitation batch's strata.

Tables that stay hand-written, and why: the results (rates and indices with their intervals in
one cell, the agency × dimension matrix, the distributions), the free-text answers (a tag form
and a problem form in each row), a wave's targets, batches and public links (toggle and QR
actions per row) and a forum's parts (a delete button per row).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casewatch.core.tables import Column, Table
from casewatch.surveys.choices import RespondentGroup


def _date(value):
    return value.isoformat() if value else None


def waves_table(waves) -> Table:
    """Waves with their response counts (``response_count`` set by the view)."""
    return Table(
        [
            Column(_("Wave"), lambda w: w.name, link=lambda w: reverse("surveys:wave_detail", args=[w.pk])),
            Column(_("Organising unit"), lambda w: w.unit.name),
            Column(_("Period"), lambda w: f"{_date(w.period_start)} – {_date(w.period_end)}"),
            Column(_("Status"), lambda w: w.get_status_display()),
            Column(_("Responses"), lambda w: getattr(w, "response_count", 0), num=True),
        ],
        waves,
        empty=_("No waves yet."),
        testid="waves",
    )


def instruments_table(instruments) -> Table:
    """Instruments with their item counts (``n_items`` annotated by the view)."""
    return Table(
        [
            Column(_("Code"), lambda i: i.code),
            Column(_("Version"), lambda i: i.version, num=True),
            Column(
                _("Title"),
                lambda i: f"{i.title} ({_('shipped')})" if i.builtin else i.title,
                link=lambda i: reverse("surveys:instrument_detail", args=[i.pk]),
            ),
            Column(_("Respondent group"), lambda i: i.get_respondent_group_display()),
            Column(_("Status"), lambda i: i.get_status_display()),
            Column(_("Items"), lambda i: i.n_items, num=True),
            Column(
                _("XLSForm"),
                lambda i: _("Download"),
                link=lambda i: reverse("surveys:instrument_xlsform", args=[i.pk]),
            ),
        ],
        instruments,
        empty=_("No instruments yet."),
        testid="instruments",
    )


def forums_table(forums) -> Table:
    """Forums with attendees and issues (``attendees``, ``n_issues`` annotated by the view)."""
    return Table(
        [
            Column(_("Date"), lambda f: f.held_on),
            Column(
                _("Title"), lambda f: f.title, link=lambda f: reverse("surveys:forum_detail", args=[f.pk])
            ),
            Column(_("Place"), lambda f: f.place),
            Column(_("Organising unit"), lambda f: f.unit.name),
            Column(_("Agencies evaluated"), lambda f: "、".join(str(a) for a in f.agency_labels())),
            Column(_("Attendees"), lambda f: f.attendees or 0, num=True),
            Column(_("Issues"), lambda f: f.n_issues, num=True),
        ],
        forums,
        empty=_("No forums recorded."),
        testid="forums",
    )


def strata_table(strata) -> Table:
    """An invitation batch per unit, case type and respondent group, with the invitations used."""
    groups = dict(RespondentGroup.choices)
    return Table(
        [
            Column(_("Unit"), lambda s: s["unit__name"]),
            Column(_("Case type"), lambda s: s["case_type_label"]),
            Column(_("Group"), lambda s: groups.get(s["respondent_group"], s["respondent_group"])),
            Column(_("Invitations"), lambda s: s["n"], num=True),
            Column(_("Used"), lambda s: s["used"], num=True),
        ],
        strata,
        empty="—",
        testid="strata",
    )

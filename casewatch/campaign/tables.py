"""The campaign pages' tables (core.tables): sessions and their attendance, norms and their
links, research topics, computed reports and a report's figures."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from casewatch.core.tables import Column, Table

C = Column


def _yes(value) -> str:
    return str(_("yes")) if value else "—"


def task_table(rows) -> Table:
    """A campaign's tasks: lead and owner units, milestones (done ones ticked) and progress."""

    def milestones(t):
        items = format_html_join(
            "",
            "<li>{} {}{}</li>",
            (
                (
                    m.due_on.isoformat() if m.due_on else "",
                    m.title,
                    format_html(" ✓ {}", m.done_on.isoformat()) if m.done_on else "",
                )
                for m in t.milestones.all()
            ),
        )
        return format_html('<ul class="plain">{}</ul>', items)

    return Table(
        [
            C(_("Task"), lambda t: t.get_kind_display(), link=lambda t: t.module_url or ""),
            C(_("Lead unit"), lambda t: t.lead_unit.name if t.lead_unit_id else None),
            C(_("Owner units"), lambda t: "、".join(u.name for u in t.owners.all())),
            C(_("Milestones"), lambda t: "", show=milestones),
            C(_("Progress"), lambda t: f"{t.done}/{t.total} · {t.progress}%", num=True),
        ],
        rows,
        empty=_("No tasks recorded."),
        testid="tasks",
    )


def session_table(rows) -> Table:
    return Table(
        [
            C(_("Date"), lambda s: s.held_on),
            C(_("Title"), lambda s: s.title, link=lambda s: reverse("campaign:session_detail", args=[s.pk])),
            C(_("Form"), lambda s: s.get_form_display()),
            C(_("Organising unit"), lambda s: s.unit.name),
            C(_("Attendees"), lambda s: s.n, num=True),
        ],
        rows,
        empty=_("No sessions recorded."),
        testid="sessions",
    )


def attendance_table(rows) -> Table:
    return Table(
        [
            C(_("Staff number"), lambda a: a.staff.staff_no),
            C(_("Name"), lambda a: a.staff.name),
            C(_("Unit"), lambda a: a.staff.unit.name),
            C(_("How"), lambda a: a.get_method_display()),
            C(_("Recorded"), lambda a: a.recorded_at),
        ],
        rows,
        empty=_("Nobody has signed in yet."),
        testid="attendance",
    )


def norm_table(rows) -> Table:
    return Table(
        [
            C(_("Issued on"), lambda n: n.issued_on),
            C(_("Title"), lambda n: n.title, link=lambda n: reverse("campaign:norm_detail", args=[n.pk])),
            C(_("Document number"), lambda n: n.doc_number or None),
            C(_("Kind"), lambda n: n.get_kind_display()),
            C(_("Lead issuer"), lambda n: n.unit.name),
            C(_("Status"), lambda n: n.get_status_display()),
            C(_("Links"), lambda n: n.n_links, num=True),
        ],
        rows,
        empty=_("No norms found."),
        testid="norms",
    )


def norm_link_table(rows) -> Table:
    def target_link(link):
        if link.kind == "screening_rule":
            return reverse("screening:rule_list") + f"#{link.target}"
        return ""

    return Table(
        [
            C(_("Kind"), lambda n: n.get_kind_display()),
            C(_("Target"), lambda n: n.target, link=target_link),
            C(_("Note"), lambda n: n.note),
        ],
        rows,
        empty=_("No links yet."),
        testid="links",
    )


def topic_table(rows) -> Table:
    return Table(
        [
            C(_("Title"), lambda t: t.title, link=lambda t: reverse("campaign:topic_detail", args=[t.pk])),
            C(_("Owner unit"), lambda t: t.unit.name),
            C(_("Lead person"), lambda t: t.lead or None),
            C(_("Status"), lambda t: t.get_status_display()),
            C(_("Report"), lambda t: _yes(t.report_file)),
        ],
        rows,
        empty=_("No research topics recorded."),
        testid="topics",
    )


def snapshot_table(rows) -> Table:
    return Table(
        [
            C(
                _("Computed"),
                lambda s: s.created_at,
                link=lambda s: reverse("campaign:snapshot", args=[s.pk]),
            ),
            C(_("Scope"), lambda s: s.unit.name),
            C(_("Period"), lambda s: f"{s.period_start:%Y-%m-%d} – {s.as_of:%Y-%m-%d}"),
            C(_("Staged report"), lambda s: _yes(s.staged)),
            C(
                _("Digest"),
                lambda s: s.digest[:12],
                show=lambda s: format_html("<code>{}</code>", s.digest[:12]),
            ),
        ],
        rows,
        empty=_("No report computed yet."),
        testid="snapshots",
    )


def figure_table(group: str, figures: list[dict], *, zh: bool) -> Table:
    """One group of a report's figures (rows carry data-key; the value cell value-<key>)."""
    return Table(
        [
            C(
                _("Figure"),
                lambda f: f["label_zh"] if zh else f["label_en"],
                link=lambda f: f.get("link") or "",
            ),
            C(_("Value"), lambda f: f["text"], num=True, testid=lambda f: f"value-{f['key']}"),
            C(_("Detail"), lambda f: f["detail"]),
            C(_("Change since the last report"), lambda f: f.get("delta"), num=True),
            C(
                _("Definition"),
                lambda f: f["definition_zh"] if zh else f["definition_en"],
                css="definition",
            ),
        ],
        figures,
        testid=f"figures-{group}",
        row_attrs=lambda f: {"data-key": f["key"]},
    )

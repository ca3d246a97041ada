"""The core pages' tables (core.tables): the organisation, a unit's staff, jobs, and the audit
trail — whose page and CSV/XLSX exports take their columns from one catalogue (`audit_columns`):
every column is defined once, the page shows some in its order, the files write the others too."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casewatch.core.tables import Column, Table

C = Column


def _status(job):
    return format_html('<span class="status status-{}">{}</span>', job.status, job.get_status_display())


def job_table(rows, *, recent: bool = False) -> Table:
    """Jobs; `recent` is the home page's short form (kind label, no progress or actor)."""
    columns = [
        C("#", lambda j: j.pk, link=lambda j: reverse("core:job_detail", args=[j.pk])),
        C(_("Kind"), lambda j: j.label if recent else j.kind),
        C(_("Status"), lambda j: j.get_status_display(), show=_status),
        C(_("Progress"), lambda j: f"{j.percent}%", num=True, page=not recent),
        C(_("Started by"), lambda j: j.actor.username if j.actor_id else None, page=not recent),
        C(_("Created"), lambda j: j.created_at),
    ]
    return Table(columns, rows, empty=_("No jobs."), testid="recent-jobs" if recent else "jobs")


def unit_table(rows) -> Table:
    return Table(
        [
            C(
                _("Code"),
                lambda u: u.code,
                show=lambda u: format_html(
                    '<a href="{}"><code>{}</code></a>', reverse("core:unit_detail", args=[u.code]), u.code
                ),
            ),
            C(
                _("Name"),
                lambda u: u.name,
                show=lambda u: format_html('<span style="padding-left: {}em">{}</span>', u.depth, u.name),
            ),
            C(_("Kind"), lambda u: u.get_kind_display()),
            C(_("Agency kind"), lambda u: u.get_agency_kind_display()),
            C(_("Division code"), lambda u: u.division_code),
            C(_("Parent"), lambda u: u.parent.name if u.parent_id else None),
        ],
        rows,
        empty=_("No units in your scope."),
        testid="units",
    )


#: the audit page's columns, in its order
AUDIT_PAGE = ("time", "username", "action", "object", "details", "client_ip", "request_id")
#: the audit exports' columns, in their order
AUDIT_EXPORT = (
    "time",
    "name",
    "request_id",
    "client_ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "message",
)


def audit_columns() -> dict[str, Column]:
    from casewatch.core.audit_text import details_text, message_text, object_type_label

    types: dict[str, str] = {}

    def type_label(r) -> str:
        if r.object_type not in types:
            types[r.object_type] = object_type_label(r.object_type)
        return types[r.object_type]

    def details(r):
        text = message_text(r.message) if r.message else ""
        if not (r.before or r.after):
            return text
        return format_html(
            "{}<details><summary>{}</summary><pre>{}\n→ {}</pre></details>",
            text,
            _("before / after"),
            details_text(r.object_type, r.before),
            details_text(r.object_type, r.after),
        )

    return {
        "time": C(_("Time"), lambda r: r.timestamp),
        "username": C(_("User"), lambda r: r.username or None),
        "name": C(_("User"), lambda r: (r.user.get_full_name() if r.user_id else "") or r.username),
        "request_id": C(
            _("Request id"),
            lambda r: r.request_id,
            show=lambda r: format_html("<code>{}</code>", r.request_id),
        ),
        "client_ip": C(_("Client address"), lambda r: r.client_ip or ""),
        "action": C(_("Action"), lambda r: r.get_action_display()),
        "object": C(_("Object"), lambda r: f"{type_label(r)} {r.object_repr}"),
        "object_type": C(_("Object type"), type_label),
        "object_id": C(_("Object id"), lambda r: r.object_id),
        "object_repr": C(_("Object"), lambda r: r.object_repr),
        "details": C(_("Details"), lambda r: message_text(r.message), show=details),
        "before": C(_("Before"), lambda r: details_text(r.object_type, r.before)),
        "after": C(_("After"), lambda r: details_text(r.object_type, r.after)),
        "message": C(_("Message"), lambda r: message_text(r.message)),
    }


def audit_table(rows, *, export: bool = False) -> Table:
    columns = audit_columns()
    keys = AUDIT_EXPORT if export else AUDIT_PAGE
    return Table([columns[k] for k in keys], rows, empty=_("No records."), testid="audit")


def staff_table(rows, *, can_reveal: bool) -> Table:
    from casewatch.core.templatetags.casewatch import personal

    return Table(
        [
            C(_("Staff number"), lambda s: s.staff_no),
            C(_("Name"), lambda s: s.name),
            C(_("Position"), lambda s: s.position),
            C(
                _("ID number"),
                lambda s: "",
                show=lambda s: personal(s, "id_number", can_reveal, "core:staff_reveal"),
            ),
            C(_("Phone"), lambda s: "", show=lambda s: personal(s, "phone", can_reveal, "core:staff_reveal")),
        ],
        rows,
        empty=_("No staff recorded."),
        testid="staff",
    )

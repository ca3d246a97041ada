"""Pages: deadline list, case panel, measures, performance, settings, display tokens, display board."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casewatch.analytics.schema import CASE_TYPES
from casewatch.core import jobs, tables
from casewatch.core.choices import Action
from casewatch.core.exports import xlsx_response
from casewatch.core.forms import IdsField
from casewatch.core.models import Unit
from casewatch.core.pagination import paginate
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.deadlines import forms as dl_forms
from casewatch.deadlines import labels, services
from casewatch.deadlines.choices import Light
from casewatch.deadlines.forms import LightRuleForm
from casewatch.deadlines.models import CaseDeadline, CustodyState, DisplayToken, LightRule

SORTS = {
    "days_left": ("days_left", "case_number"),
    "-overdue": ("-overdue_days", "case_number"),
    "age": ("-raw_age_days",),
}


def _date(value, default):
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def deadline_list(request):
    services.require(request.user, Action.VIEW)
    qs = CaseDeadline.objects.restrict(request.user, Action.VIEW)
    light = request.GET.get("light", "")
    if light in Light.values:
        qs = qs.filter(light=light)
    case_type = request.GET.get("case_type", "")
    if case_type:
        qs = qs.filter(case_type=case_type)
    unit = request.GET.get("unit", "")
    if unit:
        qs = qs.filter(unit__path__contains=f"/{unit}/")
    if request.GET.get("long_pending"):
        qs = qs.filter(long_pending_months__gt=0)
    sort = request.GET.get("sort", "days_left")
    qs = qs.order_by(*SORTS.get(sort, SORTS["days_left"]))
    if request.GET.get("export") == "xlsx":
        services.require(request.user, Action.EXPORT)
        record_export(request.user, "deadlines.casedeadline", qs.count(), "xlsx")
        return xlsx_response(_("deadlines") + ".xlsx", _("Deadlines"), deadline_header(), deadline_rows(qs))
    counts = dict(qs.order_by().values_list("light").annotate(n=Count("pk")))
    page = paginate(request, qs.select_related("unit__parent"))
    for d in page:
        d.unit_label = labels.unit_name(d.unit)
        d.case_type_label = labels.case_type(d.case_type)
    return render(
        request,
        "deadlines/deadline_list.html",
        {
            "page": page,
            "counts": counts,
            "lights": Light.choices,
            "case_types": CASE_TYPES,
            "filters": request.GET,
            "can_supervise": user_can(request.user, Action.SUPERVISE),
            "can_export": user_can(request.user, Action.EXPORT),
            **_as_of_context(),
        },
    )


def performance_table(rows: list[dict]) -> tables.Table:
    """Points per unit and handler, with the unit's and the handler's names (page and export)."""
    from casewatch.core.models import Staff

    units = {
        u.code: u
        for u in Unit.objects.filter(code__in={r["unit_code"] for r in rows}).select_related("parent")
    }
    staff = dict(
        Staff.objects.filter(staff_no__in={r["handler"] for r in rows if r["handler"]}).values_list(
            "staff_no", "name"
        )
    )
    for r in rows:
        r["unit_name"] = labels.unit_name(units.get(r["unit_code"])) or r["unit_code"]
        r["handler_name"] = staff.get(r["handler"], r["handler"])
    C = tables.Column  # noqa: N806 - short constructor keeps the columns readable
    return tables.Table(
        [
            C(gettext_lazy("Month"), lambda r: r["month"]),
            C(gettext_lazy("Unit"), lambda r: r["unit_name"]),
            C(gettext_lazy("Handler"), lambda r: r["handler_name"]),
            C(gettext_lazy("Pending"), lambda r: r["pending"], num=True),
            C(gettext_lazy("Red lights"), lambda r: r["red"], num=True),
            C(gettext_lazy("Days overdue"), lambda r: r["overdue_days"], num=True),
            C(gettext_lazy("Long pending"), lambda r: r["long_pending"], num=True),
            C(gettext_lazy("Points"), lambda r: float(r["points"]), num=True),
        ],
        rows,
        empty=gettext_lazy("No cases."),
        testid="performance",
    )


def deadline_header() -> list[str]:
    """Column headings of the lights export, in the reader's language (as the list shows them)."""
    return [
        _("Light"),
        _("Case number"),
        _("Unit"),
        _("Case type"),
        _("Filed"),
        _("Due date"),
        _("Days left"),
        _("Days overdue"),
        _("Legal days used"),
        _("Raw age (days)"),
        _("Long pending (months)"),
        _("As of"),
    ]


def deadline_rows(qs):
    """Rows of the lights export: labels and unit names, not codes (one query, streamed)."""
    for d in qs.select_related("unit__parent").iterator(chunk_size=2000):
        yield [
            labels.light(d.light),
            d.case_number,
            labels.unit_name(d.unit),
            labels.case_type(d.case_type),
            d.filed_at,
            d.due_date,
            d.days_left,
            d.overdue_days,
            d.legal_days_used,
            d.raw_age_days,
            d.long_pending_months or None,
            d.as_of,
        ]


@login_required
def case_panel(request, pk: int):
    from casewatch.cases.models import Case

    case = get_scoped_or_404(request.user, Case.objects.select_related("unit"), Action.VIEW, pk=pk)
    as_of = _date(request.GET.get("as_of"), timezone.localdate())
    state, steps = services.case_panel(case, as_of)
    for step in steps:
        step.details = labels.step_details(step.data)
        step.shown = labels.step_value(step.value)
    state["light_label"] = labels.light(state.get("light"))
    state["step_label"] = labels.step(state.get("escalation_step"))
    stored = CaseDeadline.objects.filter(case_id=case.pk).first()
    return render(
        request,
        "deadlines/case_panel.html",
        {"case": case, "state": state, "steps": steps, "stored": stored, "as_of": as_of},
    )


@login_required
def performance(request):
    services.require(request.user, Action.VIEW)
    month = _date(
        (request.GET.get("month") or "") + "-01" if request.GET.get("month") else "",
        timezone.localdate().replace(day=1),
    )
    rows = services.performance(request.user, month)
    if request.GET.get("format") == "xlsx":
        services.require(request.user, Action.EXPORT)
        table = performance_table(rows)
        record_export(request.user, "deadlines.performance", len(rows), "xlsx")
        return tables.xlsx(table, f"performance-{month:%Y-%m}.xlsx", _("Performance points"))
    # a page of (unit, handler) rows: the city has thousands, and names are looked up for the shown ones
    page = paginate(request, rows, 100)
    return render(
        request,
        "deadlines/performance.html",
        {
            "table": performance_table(list(page.object_list)),
            "page": page,
            "month": month,
            "points": services.points(),
        },
    )


@login_required
def settings_page(request):
    """Light rules: the active ones, a Django form for a new version (errors by field), the ladder."""
    services.require(request.user, Action.VIEW)
    form = LightRuleForm(request.POST or None)
    if request.method == "POST":
        services.require(request.user, Action.SUPERVISE)
        if form.is_valid():
            try:
                services.save_light_rule(request.user, form.cleaned_data["case_type"], **form.values())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("A new version of the light rule is active."))
                return redirect("deadlines:settings")
    lights = [
        {
            "case_type": labels.case_type(c.case_type) if c.case_type else _("Every case type (default)"),
            "share": f"{c.yellow_share_num}/{c.yellow_share_den}",
            "yellow_days_left": c.yellow_days_left,
            "red_days_left": c.red_days_left,
            "months": "、".join(str(m) for m in c.long_pending_months),
        }
        for c in services.light_configs()
    ]
    history = [
        {
            "case_type": labels.case_type(r.case_type) if r.case_type else _("Every case type (default)"),
            "version": r.version,
            "created_at": r.created_at,
            "by": (r.created_by.get_full_name() or r.created_by.username) if r.created_by_id else "",
            "active": r.active,
            "note": r.note,
        }
        for r in LightRule.objects.select_related("created_by")[:50]
    ]
    ladder = [
        {"step": labels.step(s.step), "days": s.min_overdue_days, "listed": s.listed}
        for s in services.ladder()
    ]
    return render(
        request,
        "deadlines/settings.html",
        {
            "form": form,
            **settings_tables(lights, history),
            "ladder": ladder,
            "points": services.points(),
            "can_supervise": user_can(request.user, Action.SUPERVISE),
        },
    )


def settings_tables(lights: list[dict], history: list[dict]) -> dict[str, tables.Table]:
    """The active light rules and their versions, for the shared table partial."""
    C = tables.Column  # noqa: N806 - short constructor keeps the columns readable
    lights_table = tables.Table(
        [
            C(_("Case type"), lambda c: c["case_type"]),
            C(_("Yellow from share used"), lambda c: c["share"]),
            C(_("Yellow at days left"), lambda c: c["yellow_days_left"], num=True),
            C(_("Red at days left"), lambda c: c["red_days_left"], num=True),
            C(_("Long-pending classes (months)"), lambda c: c["months"]),
        ],
        lights,
        testid="light-rules",
    )
    history_table = tables.Table(
        [
            C(_("Case type"), lambda r: r["case_type"]),
            C(_("version"), lambda r: r["version"], num=True),
            C(_("Created"), lambda r: r["created_at"]),
            C(_("By"), lambda r: r["by"]),
            C(_("Status"), lambda r: _("active") if r["active"] else _("replaced")),
            C(_("Reason for the change"), lambda r: r["note"]),
        ],
        history,
        empty=_("Built-in defaults; no version saved yet."),
        testid="light-rule-versions",
    )
    return {"lights_table": lights_table, "history_table": history_table}


class ConfirmForm(forms.Form):
    """A supervisor's explicit confirmation before a batch action."""

    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked the list and confirm"),
        required=True,
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


def _as_of_context() -> dict:
    """When the stored lights were computed, and how many days ago (0 = today)."""
    as_of = CaseDeadline.objects.aggregate(d=Max("as_of"))["d"]
    today = timezone.localdate()
    return {"as_of": as_of, "stale_days": (today - as_of).days if as_of else None, "today": today}


@login_required
def refresh(request):
    """Recompute lights now: the page says what will happen; the POST (confirmed) queues the job."""
    services.require(request.user, Action.SUPERVISE)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.enqueue("deadlines.refresh", request.user)
        messages.success(request, _("Refresh queued (job %(id)s).") % {"id": job.pk})
        return redirect("deadlines:deadline_list")
    return render(
        request,
        "deadlines/refresh_confirm.html",
        {
            "form": form,
            "pending": services.pending_escalations(request.user).count(),
            **_as_of_context(),
        },
    )


class EscalationConfirmForm(ConfirmForm):
    ids = IdsField(
        label=gettext_lazy("Cases"),
        error_messages={"required": gettext_lazy("Tick at least one case.")},
    )


@login_required
def escalations(request):
    """Escalations waiting for a supervisor: listed first, orders only after a confirmed POST."""
    services.require(request.user, Action.SUPERVISE)
    form = EscalationConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Only the ticked cases: with none ticked nothing is raised (it used to raise them all).
        result = services.raise_escalations(request.user, ids=form.cleaned_data["ids"])
        messages.success(
            request,
            _("%(opened)d supervision order(s) opened, %(attached)d escalation(s) noted on open orders.")
            % result,
        )
        for warning in result["warnings"]:
            messages.warning(request, warning)
        return redirect("deadlines:escalations")
    pending = services.pending_escalations(request.user)
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "deadlines/escalations.html",
        {"page": page, "form": form, "total": page.paginator.count, **_as_of_context()},
    )


@login_required
def token_list(request):
    services.require(request.user, Action.SUPERVISE)
    raw = None
    if request.method == "POST":
        if "revoke" in request.POST:
            revoke = dl_forms.RevokeTokenForm(request.POST)
            if not revoke.is_valid():  # not a token id: no such token
                raise Http404(_("Not found."))
            services.revoke_display_token(request.user, revoke.cleaned_data["revoke"])
            messages.success(request, _("Display token revoked."))
            return redirect("deadlines:token_list")
        form = dl_forms.DisplayTokenForm(request.POST, user=request.user)
        if form.is_valid():
            _token, raw = services.issue_display_token(
                request.user, form.cleaned_data["unit"].code, form.cleaned_data["name"]
            )
        else:
            for text in dl_forms.errors(form):
                messages.error(request, text)
    tokens = DisplayToken.objects.restrict(request.user, Action.VIEW).select_related("unit")
    units = dl_forms.display_token_units(request.user)
    return render(request, "deadlines/token_list.html", {"tokens": tokens, "units": units, "raw": raw})


def display(request, token: str):
    """The wall display: no session; the token opens one scope, read-only, no personal data."""
    tok = DisplayToken.lookup(token)
    if tok is None:
        raise Http404(_("Not found."))
    DisplayToken.objects.filter(pk=tok.pk).update(last_used_at=timezone.now())
    base = CaseDeadline.objects.filter(unit__path__startswith=tok.unit.path)
    children = list(Unit.objects.filter(parent=tok.unit).order_by("code")) or [tok.unit]
    panels = []
    for unit in children:
        qs = base.filter(unit__path__startswith=unit.path)
        counts = dict(qs.order_by().values_list("light").annotate(n=Count("pk")))
        if not counts:
            continue
        lp = dict(
            qs.filter(long_pending_months__gt=0)
            .order_by()
            .values_list("long_pending_months")
            .annotate(n=Count("pk"))
        )
        panels.append(
            {
                "unit": unit,
                "counts": counts,
                "long_pending": sorted(lp.items()),
                "red": qs.filter(light=Light.RED)
                .order_by("days_left")
                .values("case_number", "handler_staff_no", "days_left")[:12],
                "yellow": qs.filter(light=Light.YELLOW)
                .order_by("days_left")
                .values("case_number", "handler_staff_no", "days_left")[:12],
            }
        )
    response = render(
        request,
        "deadlines/display.html",
        {"scope": tok.unit, "panels": panels, "now": timezone.localtime(), **_as_of_context()},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def custody_list(request):
    """Persons in custody or held past their legal basis (custody chain), scoped; names masked."""
    services.require(request.user, Action.VIEW)
    qs = CustodyState.objects.restrict(request.user, Action.VIEW).select_related("unit__parent")
    only = request.GET.get("only", "")
    if only == "gap":
        qs = qs.filter(gap_days__gt=0)
    elif only == "in_custody":
        qs = qs.filter(in_custody=True)
    qs = qs.order_by("-gap_days", "days_left", "case_number")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for c in page:
        c.unit_label = labels.unit_name(c.unit)
        c.stage_label = labels.stage(c.stage)
        c.person_masked = mask_person(c.person)
    return render(
        request,
        "deadlines/custody_list.html",
        {
            "page": page,
            "table": custody_table(page),
            "only": only,
            "counts": {
                "all": qs.count(),
                "gap": qs.filter(gap_days__gt=0).count(),
                "in_custody": qs.filter(in_custody=True).count(),
            },
            **_as_of_context(),
        },
    )


def custody_table(page) -> tables.Table:
    """The custody chain's rows on the page (the shared partial): masked person, case, stage, basis."""
    from django.urls import reverse
    from django.utils.html import format_html

    C = tables.Column  # noqa: N806 - short constructor keeps the columns readable
    yes, no = _("yes,no").split(",")

    def gap(c):  # days held without a legal basis stand out
        return format_html('<span class="light-red">{}</span>', c.gap_days) if c.gap_days else c.gap_days

    return tables.Table(
        [
            C(_("Person"), lambda c: c.person_masked, css="masked"),
            C(
                _("Case number"),
                lambda c: c.case_number,
                link=lambda c: reverse("deadlines:case_panel", args=[c.case_id]) if c.case_id else "",
            ),
            C(_("Unit"), lambda c: c.unit_label),
            C(_("stage"), lambda c: c.stage_label),
            C(_("stage started"), lambda c: c.stage_started),
            C(_("legal basis until"), lambda c: c.basis_until),
            C(_("days left"), lambda c: c.days_left, num=True),
            C(_("days without legal basis"), lambda c: c.gap_days, num=True, show=gap),
            C(_("in custody"), lambda c: yes if c.in_custody else no),
        ],
        page,
        empty=_("No one."),
        testid="custody",
    )


def mask_person(value: str) -> str:
    """A person's identifier in the custody chain, masked like an ID number (first 4, last 4)."""
    from casewatch.core.masking import mask_id_number

    return mask_id_number(value) if value and len(value) > 8 else "****"

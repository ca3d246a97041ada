"""Campaign pages: the campaign and its tasks, warning education, norms, research topics, the report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.campaign import forms, reports, services, tables
from casewatch.campaign.choices import TopicStatus
from casewatch.campaign.filtersets import NormFilterForm, SessionFilterForm
from casewatch.campaign.models import (
    Attendance,
    Campaign,
    EducationSession,
    Norm,
    ReportSnapshot,
    ResearchTopic,
)
from casewatch.core import charts
from casewatch.core.choices import Action
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export


def _require(request, action=Action.VIEW):
    if not user_can(request.user, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    """Flash every field error with the field's label."""
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}: {e}" if label else e)


@login_required
def home(request):
    """The campaign office's page: each campaign's six tasks with owners, milestones and progress."""
    _require(request)
    campaigns = list(
        Campaign.objects.restrict(request.user).prefetch_related(
            "tasks__milestones", "tasks__owners", "tasks__lead_unit"
        )
    )
    for c in campaigns:
        for t in c.tasks.all():
            ms = list(t.milestones.all())
            t.done = sum(1 for x in ms if x.done_on)
            t.total = len(ms)
            t.progress = round(100 * t.done / t.total) if t.total else 0
            t.module_url = _task_url(t.kind)
        c.task_table = tables.task_table(c.tasks.all())
    latest = ReportSnapshot.objects.restrict(request.user).select_related("unit").first()
    return render(request, "campaign/home.html", {"campaigns": campaigns, "latest": latest})


def _task_url(kind: str) -> str:
    names = {
        "review": "reviews:campaign_list",
        "falselit": "falselit:lead_list",
        "fairness": "surveys:home",
        "hard_problems": "problems:board",
        "norms": "campaign:norm_list",
        "education": "campaign:session_list",
    }
    try:
        return reverse(names[kind])
    except Exception:  # noqa: BLE001 — a module that is not installed has no page
        return ""


# --- warning education ------------------------------------------------------------------------


@login_required
def session_list(request):
    _require(request)
    qs = (
        EducationSession.objects.restrict(request.user).select_related("unit").annotate(n=Count("attendance"))
    )
    filters = SessionFilterForm(request.GET or None)
    qs = filters.apply(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    create = forms.SessionCreateForm(user=request.user) if user_can(request.user, Action.CHANGE) else None
    return render(
        request,
        "campaign/session_list.html",
        {
            "page": page,
            "table": tables.session_table(page),
            "create": create,
            "filters": filters,
        },
    )


@login_required
@require_POST
def session_create(request):
    _require(request, Action.CHANGE)
    form = forms.SessionCreateForm(request.POST, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("campaign:session_list")
    data = dict(form.cleaned_data)
    data.pop("unit_code")
    try:
        session = services.create_session(request.user, **data)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("campaign:session_list")
    messages.success(request, _("Session recorded."))
    return redirect("campaign:session_detail", pk=session.pk)


@login_required
def session_detail(request, pk):
    _require(request)
    session = get_scoped_or_404(request.user, EducationSession.objects.select_related("unit"), pk=pk)
    rows = Attendance.objects.filter(session=session).select_related("staff__unit")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    token = request.session.pop(f"campaign-signin-{session.pk}", "")
    signin_url = request.build_absolute_uri(reverse("campaign:signin", args=[token])) if token else ""
    qr_svg = ""
    if signin_url:
        import segno

        qr_svg = segno.make(signin_url, error="m").svg_inline(scale=5)
    return render(
        request,
        "campaign/session_detail.html",
        {
            "session": session,
            "page": page,
            "table": tables.attendance_table(page),
            "count": rows.count(),
            "can_change": user_can(request.user, Action.CHANGE),
            "import_form": forms.AttendanceImportForm(),
            "signin_url": signin_url,
            "qr_svg": qr_svg,
        },
    )


@login_required
@require_POST
def session_action(request, pk, action):
    _require(request, Action.CHANGE)
    session = get_scoped_or_404(request.user, EducationSession, Action.CHANGE, pk=pk)
    try:
        if action == "open":
            token = services.open_signin(request.user, session)
            request.session[f"campaign-signin-{session.pk}"] = token
            messages.success(request, _("Sign-in is open: show the QR code to the attendees."))
        elif action == "close":
            services.close_signin(request.user, session)
            messages.success(request, _("Sign-in is closed."))
        elif action == "import":
            form = forms.AttendanceImportForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("Choose a CSV or XLSX file."))
            upload = form.cleaned_data["file"]
            result = services.import_attendance(request.user, session, upload.read(), upload.name)
            messages.success(
                request,
                _("%(added)s attendees added (%(present)s were already recorded).") % result,
            )
        else:
            raise Http404(_("Not found."))
    except ValidationError as exc:
        errors = (getattr(exc, "params", None) or {}).get("errors") if hasattr(exc, "params") else None
        _errors(request, exc)
        for e in (errors or [])[1:20]:
            messages.error(
                request, _("%(file)s row %(row)s, column %(column)s, value %(value)s: %(reason)s.") % e
            )
    return redirect("campaign:session_detail", pk=session.pk)


def signin(request, token):
    """The phone page behind a session's QR code: staff number and ID ending, no login needed."""
    session = EducationSession.by_signin_token(token)
    if session is None:
        raise Http404(_("This sign-in code is not valid or sign-in is closed."))
    form = forms.SignInForm(request.POST or None)
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            row = services.sign_in(session, form.cleaned_data["staff_no"], form.cleaned_data["id_tail"])
            done = row.staff.name
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "campaign/signin.html", {"session": session, "form": form, "done": done})


@login_required
def coverage(request):
    """Coverage by unit and by agency: distinct persons reached ÷ roster, over a period."""
    _require(request)
    from casewatch.campaign.indicators import education_by_unit

    start, end = forms.default_period()
    form = forms.ReportForm(request.GET or None)
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    else:
        for e in form.non_field_errors():
            messages.error(request, e)
    units = Unit.objects.restrict(request.user).filter(kind__in=("district", "agency")).order_by("path")
    if request.user.scope and request.user.scope.kind in ("agency", "unit"):
        units = Unit.objects.restrict(request.user).order_by("path")
    units = list(units[:80])
    figures = education_by_unit(units, start, end)
    rows = [{"unit": unit, **figures[unit.id]} for unit in units]
    return render(request, "campaign/coverage.html", {"rows": rows, "start": start, "end": end, "form": form})


# --- norms ------------------------------------------------------------------------------------


@login_required
def norm_list(request):
    _require(request)
    qs = Norm.objects.restrict(request.user).select_related("unit").annotate(n_links=Count("links"))
    filters = NormFilterForm(request.GET or None)
    qs = filters.apply(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    create = forms.NormForm(user=request.user) if user_can(request.user, Action.CHANGE) else None
    return render(
        request,
        "campaign/norm_list.html",
        {
            "page": page,
            "table": tables.norm_table(page),
            "filters": filters,
            "create": create,
        },
    )


@login_required
@require_POST
def norm_create(request):
    _require(request, Action.CHANGE)
    form = forms.NormForm(request.POST, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("campaign:norm_list")
    d = form.cleaned_data
    with transaction.atomic():
        norm = Norm.objects.create(
            title=d["title"],
            doc_number=d["doc_number"],
            kind=d["kind"],
            unit=d["unit"],
            issued_on=d["issued_on"],
            effective_on=d["effective_on"],
            status=d["status"],
            summary=d["summary"],
            full_text=d["full_text"],
        )
        norm.co_issuers.set(d["co_issuer_units"])
    messages.success(request, _("Norm registered."))
    return redirect("campaign:norm_detail", pk=norm.pk)


@login_required
def norm_detail(request, pk):
    _require(request)
    norm = get_scoped_or_404(request.user, Norm.objects.select_related("unit", "replaces"), pk=pk)
    if request.method == "POST":
        _require(request, Action.CHANGE)
        form = forms.NormLinkForm(request.POST)
        if form.is_valid():
            try:
                services.link_norm(request.user, norm, **form.cleaned_data)
                messages.success(request, _("Link added."))
            except ValidationError as exc:
                _errors(request, exc)
        else:
            messages.error(request, _("Choose what the norm grounds and name it."))
        return redirect("campaign:norm_detail", pk=norm.pk)
    return render(
        request,
        "campaign/norm_detail.html",
        {
            "norm": norm,
            "links": tables.norm_link_table(norm.links.all()),
            "co_issuers": norm.co_issuers.all(),
            "link_form": forms.NormLinkForm() if user_can(request.user, Action.CHANGE) else None,
        },
    )


# --- research topics --------------------------------------------------------------------------


@login_required
def topic_list(request):
    _require(request)
    qs = ResearchTopic.objects.restrict(request.user).select_related("unit")
    status = request.GET.get("status", "")
    if status in TopicStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    create = forms.TopicForm(user=request.user) if user_can(request.user, Action.CHANGE) else None
    return render(
        request,
        "campaign/topic_list.html",
        {
            "page": page,
            "table": tables.topic_table(page),
            "status": status,
            "statuses": TopicStatus.choices,
            "create": create,
        },
    )


@login_required
@require_POST
def topic_create(request):
    _require(request, Action.CHANGE)
    form = forms.TopicForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("campaign:topic_list")
    d = form.cleaned_data
    try:
        with transaction.atomic():
            topic = ResearchTopic.objects.create(
                unit=d["unit"],
                title=d["title"],
                status=d["status"],
                lead=d["lead"],
                findings=d["findings"],
                recommendations=d["recommendations"],
            )
            if d.get("report"):
                services.attach_report(request.user, topic, d["report"])
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("campaign:topic_list")
    messages.success(request, _("Research topic recorded."))
    return redirect("campaign:topic_detail", pk=topic.pk)


@login_required
def topic_detail(request, pk):
    _require(request)
    topic = get_scoped_or_404(request.user, ResearchTopic.objects.select_related("unit"), pk=pk)
    if request.GET.get("download") and topic.report_file:
        from django.core.files.storage import default_storage
        from django.http import FileResponse

        fh = default_storage.open(topic.report_file, "rb")
        response = FileResponse(fh, as_attachment=True, filename=topic.report_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return render(request, "campaign/topic_detail.html", {"topic": topic})


# --- the report -------------------------------------------------------------------------------


def _report_unit(request, code: str) -> Unit:
    if not code:
        if request.user.scope is None:
            raise Http404(_("Not found."))
        return request.user.scope
    return get_scoped_or_404(request.user, Unit, Action.VIEW, code=code)


@login_required
def report(request):
    """The campaign report: compute and freeze (POST), or show the latest snapshot for the user's scope."""
    _require(request)
    if request.method == "POST":
        form = forms.ReportForm(request.POST)
        if not form.is_valid():
            for e in forms.errors(form):
                messages.error(request, e)
            return redirect("campaign:report")
        d = form.cleaned_data
        start, end = forms.default_period()
        start, end = d.get("start") or start, d.get("end") or end
        unit = _report_unit(request, (d.get("unit_code") or "").strip())
        try:
            snap = services.freeze_report(
                request.user,
                unit,
                start,
                end,
                staged=d["staged"],
                enforcement_until=d.get("enforcement_until"),
            )
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("campaign:report")
        return redirect("campaign:snapshot", pk=snap.pk)
    snaps = ReportSnapshot.objects.restrict(request.user).select_related("unit")
    page = Paginator(snaps, 30).get_page(request.GET.get("page"))
    default_start, default_end = forms.default_period()
    return render(
        request,
        "campaign/report.html",
        {
            "page": page,
            "table": tables.snapshot_table(page),
            "scope": request.user.scope,
            "default_start": default_start,
            "default_end": default_end,
        },
    )


@login_required
def snapshot(request, pk):
    _require(request)
    snap = get_scoped_or_404(request.user, ReportSnapshot.objects.select_related("unit"), pk=pk)
    figures = services.with_changes(snap)
    fmt = request.GET.get("format", "")
    if fmt in ("docx", "pdf"):
        _require(request, Action.EXPORT)
        name = f"campaign-report-{snap.unit.code}-{snap.as_of.isoformat()}.{fmt}"
        if fmt == "docx":
            body = reports.report_docx(snap, figures)
            ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            body = reports.report_pdf(snap, figures)
            ctype = "application/pdf"
        record_export(request.user, f"campaign report {snap.pk}", len(figures), fmt)
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    for f in figures:
        f["text"] = reports.value_text(f)
        f["detail"] = reports.detail_text(f)
    groups = {}
    for f in figures:
        groups.setdefault(f["group"], []).append(f)
    zh = request.LANGUAGE_CODE.startswith("zh")
    groups = {g: tables.figure_table(g, rows, zh=zh) for g, rows in groups.items()}
    rates = [
        f
        for f in figures
        if f.get("unit") == "%" and isinstance(f.get("value"), int | float) and f["value"] >= 0
    ]
    chart = charts.bars(
        [f["label_zh"] if zh else f["label_en"] for f in rates],
        values=[f["value"] for f in rates],
        links=[f.get("link") or "" for f in rates],
        percent=True,
        max_value=100,
        as_of=snap.as_of,
    )
    return render(
        request,
        "campaign/snapshot.html",
        {
            "snap": snap,
            "groups": groups,
            "chart": chart,
            "previous": services.previous_snapshot(snap),
            "title": reports.title(snap),
            "can_export": user_can(request.user, Action.EXPORT),
            "zh": request.LANGUAGE_CODE.startswith("zh"),
        },
    )

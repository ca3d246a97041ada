"""Pages of the platform shell: login, password, overview, organisation, audit trail, jobs, tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casewatch.core import audit, jobs
from casewatch.core.choices import Action, AuditAction, JobStatus
from casewatch.core.exports import csv_response, xlsx_response
from casewatch.core.filtersets import AuditFilterForm, UnitFilterForm
from casewatch.core.forms import LoginForm, TokenForm
from casewatch.core.models import ApiToken, AuditLog, Job, Staff, Unit
from casewatch.core.pagination import paginate
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, issue_token, record_export, reveal, revoke_token
from casewatch.core.tables_lists import audit_table, job_table, staff_table, unit_table


def require_action(request, action: str) -> None:
    if not user_can(request.user, action):
        raise PermissionDenied(_("Your role does not allow this."))


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Log in, and apply the account's language (LocaleMiddleware reads the cookie only)."""
        response = super().form_valid(form)
        lang = form.get_user().language
        if lang and check_for_language(lang):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, lang, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
            )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        get_user_model()._default_manager.filter(pk=user.pk).update(must_change_password=False)
        audit.record(AuditAction.PASSWORD_CHANGED, user, user=user)
        messages.success(self.request, _("Your password has been changed."))
        return response


@require_GET
def healthz(request):
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database error means "not healthy"
        return JsonResponse(
            {"status": "error", "database": "unreachable", "detail": str(exc)[:200]}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


@require_POST
def set_language(request):
    """Switch the interface language and remember it (cookie, session and the user's profile)."""
    lang = request.POST.get("language", "")
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    response = redirect(nxt)
    if lang and check_for_language(lang):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, lang, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
        )
        if request.user.is_authenticated:
            get_user_model()._default_manager.filter(pk=request.user.pk).update(language=lang)
    return response


@login_required
def home(request):
    """The role's home page: its to-dos first (counted in scope, linked), then the modules it may open."""
    from casewatch.core.context_processors import all_modules
    from casewatch.core.home import job_label, todos_for

    units = Unit.objects.restrict(request.user, Action.VIEW)
    recent_jobs = list(Job.objects.restrict(request.user, Action.VIEW).select_related("actor")[:5])
    for job in recent_jobs:
        job.label = job_label(job.kind)
    context = {
        "scope": request.user.scope,
        "todos": todos_for(request.user),
        "modules": all_modules(request.user),
        "unit_count": units.count(),
        "staff_count": Staff.objects.restrict(request.user, Action.VIEW).count(),
        "recent_jobs": recent_jobs,
        "jobs_table": job_table(recent_jobs, recent=True),
    }
    return render(request, "core/home.html", context)


@login_required
def unit_list(request):
    require_action(request, Action.VIEW)
    form = UnitFilterForm(request.GET or None)
    qs = form.apply(Unit.objects.restrict(request.user, Action.VIEW).select_related("parent"))
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "core/unit_list.html", {"form": form, "page": page, "table": unit_table(page)})


@login_required
def unit_detail(request, code):
    unit = get_scoped_or_404(request.user, Unit, code=code)
    children = Unit.objects.restrict(request.user).filter(parent=unit)
    staff = Staff.objects.restrict(request.user).filter(unit=unit)
    return render(
        request,
        "core/unit_detail.html",
        {
            "unit": unit,
            "children": children,
            "staff": staff,
            "staff_table": staff_table(staff, can_reveal=user_can(request.user, Action.REVEAL)),
            "can_reveal": user_can(request.user, Action.REVEAL),
        },
    )


@login_required
@require_POST
def staff_reveal(request, pk, field):
    """Reveal one personal field of a staff record (an htmx fragment); each reveal is audited."""
    staff = get_scoped_or_404(request.user, Staff, pk=pk)
    value = reveal(request.user, staff, field)
    return HttpResponse(format_html('<span class="revealed">{}</span>', value))


def audit_header() -> list[str]:
    """Column headings of the audit export, in the reader's language."""
    return audit_table([], export=True).header()


def _audit_rows(qs):
    """Audit rows with labels (action, object type), local times, the person's name."""
    return audit_table(qs.select_related("user").iterator(chunk_size=2000), export=True).values()


@login_required
def audit_list(request):
    require_action(request, Action.AUDIT)
    form = AuditFilterForm(request.GET or None)
    qs = form.apply(AuditLog.objects.restrict(request.user))
    fmt = request.GET.get("export")
    # a malformed filter exports nothing: the page says what is wrong instead
    if fmt in ("csv", "xlsx") and not (form.is_bound and form.errors):
        require_action(request, Action.EXPORT)
        # The file holds exactly the rows counted in the export's own record (which, like any
        # record written while the file streams, comes after them).
        newest = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        qs = qs.filter(id__lte=newest)
        count = qs.count()
        record_export(request.user, "core.auditlog", count, fmt)
        if fmt == "csv":
            return csv_response("audit-trail.csv", audit_header(), _audit_rows(qs))
        return xlsx_response("audit-trail.xlsx", _("Audit trail"), audit_header(), _audit_rows(qs))
    page = paginate(request, qs)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "table": audit_table(page), "querystring": request.GET.urlencode()},
    )


@login_required
def job_list(request):
    qs = Job.objects.restrict(request.user).select_related("actor")
    if not user_can(request.user, Action.AUDIT) and not user_can(request.user, Action.ADMIN):
        qs = qs.filter(actor=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page, "table": job_table(page)})


@login_required
def job_detail(request, pk):
    job = get_scoped_or_404(request.user, Job, pk=pk)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def job_retry(request, pk):
    job = get_scoped_or_404(request.user, Job, pk=pk)
    if job.actor_id != request.user.pk and not user_can(request.user, Action.ADMIN):
        raise PermissionDenied(_("Only the person who started a job, or an administrator, may retry it."))
    if job.status != JobStatus.FAILED:
        messages.error(request, _("Only a failed job can be retried."))
    else:
        jobs.retry(job, request.user)
        messages.success(request, _("The job is queued again."))
    return redirect("core:job_detail", pk=job.pk)


@login_required
@require_POST
def job_selftest(request):
    require_action(request, Action.ADMIN)
    job = jobs.enqueue("core.selftest", request.user, steps=5, fail=request.POST.get("fail") == "1")
    return redirect("core:job_detail", pk=job.pk)


@login_required
def token_list(request):
    new_secret = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, new_secret = issue_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["days"]
            )
            form = TokenForm()
    else:
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/token_list.html", {"form": form, "tokens": tokens, "new_secret": new_secret})


@login_required
@require_POST
def token_revoke(request, pk):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        if ApiToken.objects.filter(pk=pk).exists():
            # Someone else's token: answer like a missing one, but keep the attempt on record.
            audit.record(
                AuditAction.ACCESS_DENIED,
                user=request.user,
                object_type=ApiToken._meta.label_lower,
                object_id=str(pk),
                object_repr=str(ApiToken._meta.verbose_name),
                message="revoke refused: another user's token",
            )
        raise Http404(_("Not found."))
    revoke_token(request.user, token)
    messages.success(request, _("The token has been revoked."))
    return redirect("core:token_list")

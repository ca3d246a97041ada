"""Operations pages and endpoints: /readyz, /metrics, the API docs gate, sessions, schedules."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casewatch.core import metrics, scheduler, sessions
from casewatch.core.choices import Action
from casewatch.core.models import ApiToken, User
from casewatch.core.models_ops import Schedule, SchedulerLease, UserSession
from casewatch.core.permissions import user_can


def _bearer_user(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        return ApiToken.authenticate(header[7:].strip())
    return None


def docs_login_required(view):
    """The OpenAPI document and the docs page: a signed-in session (or an API token), else login."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.must_change_password:
            return view(request, *args, **kwargs)
        if _bearer_user(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse(
                {
                    "code": "unauthorized",
                    "message": _("Authentication required: a valid API token or session."),
                },
                status=401,
            )
        return redirect_to_login(request.get_full_path())

    return wrapped


@require_GET
def readyz(request):
    """Ready to serve: database reachable, every migration applied, the var dir writable."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
        plan = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
        checks["migrations"] = "ok" if not plan else f"{len(plan)} unapplied"
    except Exception as exc:  # any database error means "not ready"
        checks["database"] = f"error: {str(exc)[:200]}"
    probe = settings.VAR_DIR / ".readyz"
    try:
        probe.write_text("ok")
        probe.unlink()
        checks["var_dir"] = "ok"
    except OSError as exc:
        checks["var_dir"] = f"error: {exc}"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503
    )


@require_GET
def metrics_view(request):
    """Prometheus text format; open to CASEWATCH_METRICS_ALLOWED_IPS, else a sysadmin or auditor."""
    allowed = request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS
    user = getattr(request, "user", None)
    if not allowed and not (user_can(user, Action.ADMIN) or user_can(user, Action.AUDIT)):
        token_user = _bearer_user(request)
        if not (user_can(token_user, Action.ADMIN) or user_can(token_user, Action.AUDIT)):
            return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


# --- sessions -------------------------------------------------------------------------------


def _manageable_users(request):
    if user_can(request.user, Action.ADMIN):
        return User.objects.restrict(request.user, Action.ADMIN)
    return User.objects.filter(pk=request.user.pk)


@login_required
def session_list(request):
    """The signed-in sessions of this account (and, for administrators, of accounts in scope)."""
    mine = sessions.active_sessions(request.user).order_by("-last_seen_at")
    others = []
    if user_can(request.user, Action.ADMIN):
        others = (
            UserSession.objects.filter(
                ended_at__isnull=True,
                last_seen_at__gte=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE),
                user__in=_manageable_users(request),
            )
            .exclude(user=request.user)
            .select_related("user")
            .order_by("-last_seen_at")[:500]
        )
    return render(
        request,
        "core/sessions.html",
        {"mine": mine, "others": others, "current_key": request.session.session_key},
    )


@login_required
@require_POST
def session_revoke(request, pk):
    """End one session (one's own, or an account's in an administrator's scope)."""
    record = get_object_or_404(UserSession, pk=pk, ended_at__isnull=True)
    if (
        record.user_id != request.user.pk
        and not _manageable_users(request).filter(pk=record.user_id).exists()
    ):
        raise PermissionDenied(_("Your role does not allow this."))
    sessions.revoke(record, request.user)
    messages.success(request, _("The session has been ended."))
    if record.session_key == request.session.session_key:
        return redirect("core:login")
    return redirect("core:session_list")


# --- schedules ------------------------------------------------------------------------------


@login_required
def schedule_list(request):
    """Scheduled work: when each ran, its outcome, failures in a row, and when it runs next."""
    if not (user_can(request.user, Action.ADMIN) or user_can(request.user, Action.AUDIT)):
        raise PermissionDenied(_("Your role does not allow this."))
    scheduler.ensure_defaults()
    scheduler.refresh_outcomes()
    lease = SchedulerLease.objects.filter(name=scheduler.LEASE_NAME).first()
    now = timezone.now()
    from casewatch.core.home import job_label, schedule_label

    schedules = list(Schedule.objects.select_related("last_job"))
    for s in schedules:
        s.label, s.kind_label = schedule_label(s.name), job_label(s.kind)
    return render(
        request,
        "core/schedules.html",
        {
            "schedules": schedules,
            "lease": lease,
            "lease_active": lease is not None and lease.expires_at > now,
            "can_run": user_can(request.user, Action.ADMIN),
        },
    )


@login_required
@require_POST
def schedule_action(request, pk):
    """Run a schedule now, or switch it on or off (administrators)."""
    if not user_can(request.user, Action.ADMIN):
        raise PermissionDenied(_("Your role does not allow this."))
    schedule = get_object_or_404(Schedule, pk=pk)
    what = request.POST.get("do")
    if what == "run":
        try:
            job = scheduler.run_now(schedule, request.user)
        except KeyError:
            messages.error(request, _("This job kind is not available on this installation."))
        else:
            messages.success(request, _("Queued job #%(id)s.") % {"id": job.pk})
    elif what in ("enable", "disable"):
        from casewatch.core import audit
        from casewatch.core.choices import AuditAction

        schedule.enabled = what == "enable"
        if schedule.enabled:
            schedule.next_run_at = scheduler.next_run(schedule, timezone.now())
        schedule.save(update_fields=["enabled", "next_run_at"])
        audit.record(AuditAction.UPDATE, schedule, user=request.user, message=f"schedule {what}d")
    return redirect("core:schedule_list")

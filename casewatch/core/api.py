"""API endpoints of the core app: who am I, units, jobs, the audit trail."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from casewatch.core import jobs
from casewatch.core.choices import Action
from casewatch.core.filtersets import AuditFilterForm, UnitFilterForm
from casewatch.core.models import AuditLog, Job, Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404

router = Router(tags=["platform"])


class MeOut(Schema):
    username: str
    role: str
    unit: str | None
    scope: str | None
    language: str


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    agency_kind: str
    division_code: str
    parent_code: str | None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress: float
    message: str
    error: str
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict | list | None


class AuditOut(Schema):
    id: int
    timestamp: datetime
    username: str
    request_id: str
    client_ip: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | list | None
    after: dict | list | None
    message: str


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "role": user.role,
        "unit": user.unit.code if user.unit_id else None,
        "scope": user.scope.code if user.scope_id else None,
        "language": user.language,
    }


@router.get("/units", response=list[UnitOut])
@paginate(LimitOffsetPagination)
def list_units(request, q: str | None = None, kind: str | None = None, agency_kind: str | None = None):
    """Units in scope with the organisation page's filters (core.filtersets.UnitFilterForm)."""
    form = UnitFilterForm.for_api({"q": q, "kind": kind, "agency_kind": agency_kind})
    return form.apply(Unit.objects.restrict(request.auth, Action.VIEW).select_related("parent"))


@router.get("/units/{code}", response=UnitOut)
def get_unit(request, code: str):
    return get_scoped_or_404(request.auth, Unit.objects.select_related("parent"), code=code)


@router.get("/jobs", response=list[JobOut])
@paginate(LimitOffsetPagination)
def list_jobs(request, status: str | None = None):
    qs = Job.objects.restrict(request.auth)
    if not user_can(request.auth, Action.AUDIT) and not user_can(request.auth, Action.ADMIN):
        qs = qs.filter(actor=request.auth)
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/jobs/{job_id}", response=JobOut)
def get_job(request, job_id: int):
    return get_scoped_or_404(request.auth, Job, pk=job_id)


@router.post("/jobs/{job_id}/retry", response=JobOut)
def retry_job(request, job_id: int):
    job = get_scoped_or_404(request.auth, Job, pk=job_id)
    if job.actor_id != request.auth.pk and not user_can(request.auth, Action.ADMIN):
        raise PermissionDenied(_("Only the person who started a job, or an administrator, may retry it."))
    try:
        return jobs.retry(job, request.auth)
    except ValueError:
        raise HttpError(409, _("Only a failed job can be retried.")) from None


@router.get("/audit", response=list[AuditOut])
@paginate(LimitOffsetPagination)
def list_audit(
    request,
    action: str | None = None,
    user: str | None = None,
    object_type: str | None = None,
    request_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
):
    """The audit trail with the audit page's filters (core.filtersets.AuditFilterForm: ``user``
    and ``object_type`` match part of the name, as on the page)."""
    if not user_can(request.auth, Action.AUDIT):
        raise PermissionDenied(_("Only auditors may read the audit trail."))
    params = {k: v for k, v in locals().items() if k != "request"}
    form = AuditFilterForm.for_api(params)
    return form.apply(AuditLog.objects.restrict(request.auth))

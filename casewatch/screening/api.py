"""Screening API: rules, runs, findings (scoped), triage and starting a run."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from casewatch.core import jobs
from casewatch.core.choices import Action
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.screening import services
from casewatch.screening.filtersets import FindingFilterForm
from casewatch.screening.models import Finding, RuleVersion, ScreeningRun

router = Router(tags=["screening"])


class RuleOut(Schema):
    rule_id: str
    version: int
    title_zh: str
    title_en: str
    area: str
    severity: str
    basis: list
    explanation_zh: str
    explanation_en: str
    sql: str


class FindingOut(Schema):
    id: int
    key: str
    rule_id: str
    rule_version: int
    unit_code: str
    case_id: int
    subject: str
    area: str
    severity: str
    status: str
    evidence: dict
    dismissed_reason: str

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit_id


class RunOut(Schema):
    id: int
    engine: str
    mode: str
    as_of: dt.date
    status: str
    findings_new: int
    findings_unchanged: int
    findings_resolved: int
    seconds: float | None
    rule_seconds: dict
    rows_scanned: dict


class TriageIn(Schema):
    ids: list[int]
    action: str
    reason: str = ""


class RunIn(Schema):
    as_of: dt.date | None = None
    mode: str = "full"


@router.get("/rules", response=list[RuleOut])
def list_rules(request):
    services.sync_catalogue()
    latest: dict[str, RuleVersion] = {}
    for rv in RuleVersion.objects.order_by("rule_id", "version"):
        latest[rv.rule_id] = rv
    return list(latest.values())


@router.get("/findings", response=list[FindingOut])
@paginate(LimitOffsetPagination)
def list_findings(
    request,
    rule: str | None = None,
    status: str | None = None,
    severity: str | None = None,
    area: str | None = None,
    district: str | None = None,
    unit: str | None = None,
):
    """Findings in scope, with the list page's filters (screening.filtersets); a malformed value
    is a 422 with the page's message, in Chinese and in English."""
    params = {k: v for k, v in locals().items() if k != "request"}
    form = FindingFilterForm.for_api(params)
    return form.apply(Finding.objects.restrict(request.auth)).order_by("id")


@router.get("/findings/{finding_id}", response=FindingOut)
def get_finding(request, finding_id: int):
    return get_scoped_or_404(request.auth, Finding, pk=finding_id)


@router.post("/findings/triage")
def triage(request, payload: TriageIn):
    try:
        if payload.action == "confirm":
            n = services.confirm(request.auth, payload.ids)
        elif payload.action == "dismiss":
            n = services.dismiss(request.auth, payload.ids, payload.reason)
        else:
            raise HttpError(422, _("Unknown action."))
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    return {"changed": n}


@router.get("/runs", response=list[RunOut])
@paginate(LimitOffsetPagination)
def list_runs(request):
    if not user_can(request.auth, Action.VIEW):
        raise PermissionDenied
    return ScreeningRun.objects.all()


@router.post("/runs", response={202: dict})
def start_run(request, payload: RunIn):
    if not user_can(request.auth, Action.SUPERVISE):
        raise PermissionDenied(_("Only supervisors may start a screening run."))
    mode = "incremental" if payload.mode == "incremental" else "full"
    job = jobs.enqueue(
        "screening.analyze",
        request.auth,
        engine="duckdb",
        as_of=payload.as_of.isoformat() if payload.as_of else None,
        mode=mode,
    )
    return 202, {"job": job.pk}

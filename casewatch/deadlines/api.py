"""API: deadline states (scoped), one case's computation; measures in `api_measures`."""

import datetime as dt
from importlib import import_module

from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from casewatch.core.choices import Action
from casewatch.core.services import get_scoped_or_404
from casewatch.deadlines import services
from casewatch.deadlines.models import CaseDeadline, CustodyState

router = Router(tags=["deadlines"])


class DeadlineOut(Schema):
    case_id: int
    unit_code: str
    case_number: str
    case_type: str
    procedure: str
    handler_staff_no: str
    filed_at: dt.date
    limit_period: str
    excluded_days: int
    extended_to: dt.date | None
    due_date: dt.date | None
    legal_days_used: int
    raw_age_days: int
    days_left: int | None
    overdue_days: int
    light: str
    long_pending_months: int
    escalation_step: str
    as_of: dt.date

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit_id


@router.get("/cases", response=list[DeadlineOut])
@paginate(LimitOffsetPagination)
def list_deadlines(
    request, light: str | None = None, case_type: str | None = None, long_pending: bool = False
):
    qs = CaseDeadline.objects.restrict(request.auth, Action.VIEW).order_by("days_left", "case_number")
    if light:
        qs = qs.filter(light=light)
    if case_type:
        qs = qs.filter(case_type=case_type)
    if long_pending:
        qs = qs.filter(long_pending_months__gt=0)
    return qs


@router.get("/cases/{case_id}")
def case_deadline(request, case_id: int):
    from casewatch.cases.models import Case

    case = get_scoped_or_404(request.auth, Case, Action.VIEW, pk=case_id)
    state, steps = services.case_panel(case)
    return {
        "state": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in state.items()},
        "steps": [
            {
                "kind": s.kind,
                "text": s.text,
                "value": s.value.isoformat() if isinstance(s.value, dt.date) else s.value,
                "data": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in s.data.items()},
            }
            for s in steps
        ],
    }


class CustodyOut(Schema):
    """One person's custody chain (the person's identifier masked; reveal is a page action)."""

    person: str
    case_id: int | None
    unit_code: str
    case_number: str
    stage: str
    stage_label: str
    stage_started: dt.date | None
    basis_until: dt.date | None
    in_custody: bool
    days_left: int | None
    gap_days: int
    detained_on: dt.date | None
    as_of: dt.date

    @staticmethod
    def resolve_person(obj):
        from casewatch.deadlines.views import mask_person

        return mask_person(obj.person)

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit_id

    @staticmethod
    def resolve_stage_label(obj):
        from casewatch.deadlines.labels import stage

        return stage(obj.stage)


@router.get("/custody", response=list[CustodyOut])
@paginate(LimitOffsetPagination)
def list_custody(request, gap_only: bool = False, in_custody: bool | None = None):
    """Custody chains in the caller's scope; ``gap_only``: persons held without a legal basis."""
    qs = CustodyState.objects.restrict(request.auth, Action.VIEW).order_by("-gap_days", "days_left", "id")
    if gap_only:
        qs = qs.filter(gap_days__gt=0)
    if in_custody is not None:
        qs = qs.filter(in_custody=in_custody)
    return qs


router.add_router("", import_module("casewatch.deadlines.api_measures").router)

"""API endpoints of the case registry (read): matters, cases, parties, events; scoped and masked.

No ``from __future__ import annotations`` here: django-ninja must see ``Query[CaseFilters]`` as a
real type, or the query-parameter model is never completed (500 on the list and on openapi.json).
"""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from casewatch.cases.filtersets import CaseFilterForm
from casewatch.cases.models import Case, Event, Matter, Party
from casewatch.core.choices import Action
from casewatch.core.masking import mask
from casewatch.core.services import get_scoped_or_404

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    unit_code: str
    case_number: str
    matter_id: str | None
    case_type: str
    cause_name: str
    procedure: str
    status: str
    handler_staff_no: str | None
    received_at: dt.date | None
    filed_at: dt.date
    closed_at: dt.date | None
    outcome: str
    plea_leniency: bool | None

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit_id

    @staticmethod
    def resolve_handler_staff_no(obj):
        return obj.handler_id


class CaseFilters(Schema):
    q: str | None = None
    agency_kind: str | None = None
    district: str | None = None
    unit: str | None = None
    case_type: str | None = None
    cause: str | None = None
    status: str | None = None
    handler: str | None = None
    filed_from: dt.date | None = None
    filed_to: dt.date | None = None
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None


class PartyOut(Schema):
    id: int
    party_id: str
    kind: str
    name: str
    id_number: str
    phone: str
    address: str
    division_code: str


class EventOut(Schema):
    seq: int
    kind: str
    occurred_at: dt.datetime
    actor_staff_no: str
    approver_level: str
    approved_at: dt.datetime | None
    new_due_date: dt.date | None
    result: str
    lawyer_present: bool | None
    recorded: bool | None
    reason: str


class MatterOut(Schema):
    matter_id: str
    kind: str
    opened_at: dt.date
    title: str
    cases: list[CaseOut]


def _masked_party(party: Party) -> dict:
    """API responses carry personal data masked; the reveal is a page action, one field at a time."""
    return {
        "id": party.pk,
        "party_id": mask("party_id", party.party_id),
        "kind": party.kind,
        "name": party.name,
        "id_number": mask("id_number", party.id_number),
        "phone": mask("phone", party.phone),
        "address": mask("address", party.address),
        "division_code": party.division_code,
    }


class CappedCount(LimitOffsetPagination):
    """``count`` is exact up to 10,000 and 10,001 above ("more than 10,000"), as on the search
    page: an exact count of a million cases costs 300 ms on every request."""

    def _items_count(self, queryset) -> int:
        from casewatch.cases.services import COUNT_CAP

        return queryset.order_by()[: COUNT_CAP + 1].count()


@router.get("/cases", response=list[CaseOut])
@paginate(CappedCount)
def list_cases(request, filters: Query[CaseFilters]):
    form = CaseFilterForm({k: v for k, v in filters.dict().items() if v is not None})
    if form.is_bound and not form.is_valid():
        raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return form.filter(Case.objects.restrict(request.auth, Action.VIEW)).order_by("-filed_at", "-id")


@router.get("/cases/{case_id}", response=CaseOut)
def get_case(request, case_id: int):
    return get_scoped_or_404(request.auth, Case, pk=case_id)


@router.get("/cases/{case_id}/events", response=list[EventOut])
def case_events(request, case_id: int):
    case = get_scoped_or_404(request.auth, Case, pk=case_id)
    return list(Event.objects.filter(case=case).order_by("occurred_at", "seq"))


@router.get("/cases/{case_id}/parties", response=list[PartyOut])
def case_parties(request, case_id: int):
    case = get_scoped_or_404(request.auth, Case, pk=case_id)
    return [_masked_party(link.party) for link in case.party_links.select_related("party")]


@router.get("/matters/{matter_id}", response=MatterOut)
def get_matter(request, matter_id: str):
    matter = Matter.objects.filter(matter_id=matter_id).first()
    cases = list(Case.objects.restrict(request.auth).filter(matter_id=matter_id).order_by("filed_at"))
    if matter is None or not cases:
        # A matter is visible through its cases; none in scope answers like a missing one.
        if matter is not None:
            get_scoped_or_404(request.auth, Case, matter_id=matter_id)
        raise Http404
    return {
        "matter_id": matter.matter_id,
        "kind": matter.kind,
        "opened_at": matter.opened_at,
        "title": matter.title,
        "cases": cases,
    }


@router.get("/parties/{party_pk}", response=PartyOut)
def get_party(request, party_pk: int):
    return _masked_party(get_scoped_or_404(request.auth, Party, pk=party_pk))

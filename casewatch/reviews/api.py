"""Reviews API (/api/v1/reviews/): campaigns, their frozen case lists, reviews and the three-way
evaluations (blind until all three are submitted, exactly as on the pages).

Everything passes `restrict(user, action)`; out-of-scope objects answer 404 like missing ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Router, Schema
from ninja.errors import HttpError

from casewatch.core.choices import Action
from casewatch.core.services import get_scoped_or_404
from casewatch.reviews import evaluations as evaluation_service
from casewatch.reviews import services
from casewatch.reviews.models import Campaign, Selection

router = Router(tags=["reviews"])


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    unit_code: str
    case_types: list[str]
    closed_from: dt.date
    closed_to: dt.date
    seed: str
    frozen_at: dt.datetime | None
    selected: int

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit_id and obj.unit.code

    @staticmethod
    def resolve_selected(obj):
        return obj.selections.count()


class SelectionOut(Schema):
    id: int
    case_id: int
    case_number: str
    unit_code: str
    case_type: str
    reasons: list[dict]

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.case_number

    @staticmethod
    def resolve_unit_code(obj):
        return obj.case.unit_id

    @staticmethod
    def resolve_case_type(obj):
        return obj.case.case_type


class ReviewOut(Schema):
    id: int
    kind: str
    status: str
    reviewer: str
    score: Decimal | None
    grade: str
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.username


class ScoreIn(Schema):
    item_id: int
    points: Decimal
    reason: str = ""


class DraftIn(Schema):
    scores: list[ScoreIn]
    comments: str = ""
    submit: bool = False


@router.get("/campaigns/", response=list[CampaignOut])
def campaign_list(request):
    return list(Campaign.objects.restrict(request.auth, Action.VIEW).select_related("unit")[:200])


@router.get("/campaigns/{pk}/", response=CampaignOut)
def campaign_detail(request, pk: int):
    return get_scoped_or_404(request.auth, Campaign, Action.VIEW, pk=pk)


@router.get("/campaigns/{pk}/selections/", response=list[SelectionOut])
def campaign_selections(request, pk: int):
    campaign = get_scoped_or_404(request.auth, Campaign, Action.VIEW, pk=pk)
    return list(Selection.objects.restrict(request.auth).filter(campaign=campaign).select_related("case"))


@router.get("/selections/{pk}/evaluations/", response=list[ReviewOut])
def evaluations(request, pk: int):
    """The three evaluations: only the caller's own until all three are submitted."""
    selection = get_scoped_or_404(request.auth, Selection, Action.VIEW, pk=pk)
    return evaluation_service.visible_evaluations(request.auth, selection)


@router.get("/reviews/{pk}/", response=ReviewOut)
def review_detail(request, pk: int):
    return services.own_review(request.auth, pk)


@router.put("/reviews/{pk}/", response=ReviewOut)
def review_save(request, pk: int, payload: DraftIn):
    review = services.own_review(request.auth, pk)
    entries = {s.item_id: (s.points, s.reason) for s in payload.scores}
    try:
        return services.save_draft(request.auth, review, entries, payload.comments, submit=payload.submit)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None

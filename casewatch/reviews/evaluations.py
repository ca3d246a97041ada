"""Three-way evaluation (self-assessment, legal or quality department, outside expert), blind
until all three are in, and the panels that settle a disagreement or a petition."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.cases.models import Petition
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.services import get_scoped_or_404
from casewatch.reviews.choices import THREE_WAY, PanelStatus, PanelTrigger, ReviewKind, ReviewStatus
from casewatch.reviews.guards import require, transition
from casewatch.reviews.models import PanelDecision, Review, Selection


def evaluations_visible(user, selection: Selection) -> bool:
    """Blind: others' evaluations show only when all three are submitted."""
    submitted = Review.objects.filter(
        selection=selection, kind__in=THREE_WAY, status=ReviewStatus.SUBMITTED
    ).count()
    return submitted == len(THREE_WAY)


def visible_evaluations(user, selection: Selection) -> list[Review]:
    """The evaluations the user may see now: all when unblinded, else only their own."""
    qs = list(
        Review.objects.filter(selection=selection, kind__in=THREE_WAY).select_related("reviewer", "rubric")
    )
    if evaluations_visible(user, selection):
        return qs
    return [r for r in qs if r.reviewer_id == user.pk]


def check_disagreement(selection: Selection) -> PanelDecision | None:
    """When all three are in: different grades or a score gap above the threshold open a panel."""
    evals = list(
        Review.objects.filter(selection=selection, kind__in=THREE_WAY, status=ReviewStatus.SUBMITTED)
    )
    if len(evals) < len(THREE_WAY):
        return None
    campaign = selection.campaign
    grades = {r.grade for r in evals}
    gap = max(r.score for r in evals) - min(r.score for r in evals)
    if len(grades) == 1 and gap <= campaign.disagreement_threshold:
        return None
    existing = PanelDecision.objects.filter(selection=selection, trigger=PanelTrigger.DISAGREEMENT).first()
    if existing:
        return existing
    panel = PanelDecision.objects.create(
        selection=selection,
        case=selection.case,
        trigger=PanelTrigger.DISAGREEMENT,
        detail={
            "scores": {r.kind: str(r.score) for r in evals},
            "grades": {r.kind: r.grade for r in evals},
            "gap": str(gap),
            "threshold": str(campaign.disagreement_threshold),
        },
    )
    return panel


def open_petition_panel(user, selection: Selection, petition: Petition) -> PanelDecision:
    require(user, Action.SUPERVISE)
    selection = get_scoped_or_404(user, Selection.objects.select_related("case"), pk=selection.pk)
    petition = get_scoped_or_404(user, Petition, Action.VIEW, pk=petition.pk)
    if petition.case_id != selection.case_id:
        raise ValidationError(_("The petition is not about this case."), code="petition")
    return PanelDecision.objects.create(
        selection=selection,
        case=selection.case,
        trigger=PanelTrigger.PETITION,
        petition=petition,
        detail={"petition": petition.petition_id},
    )


def decide_panel(
    user, panel: PanelDecision, *, grade: str, score, reasoning: str, petition_outcome: str = ""
) -> PanelDecision:
    """Record the panel's decision; a petition's outcome (e.g. 息访息诉) is written to the petition."""
    require(user, Action.SUPERVISE)
    panel = get_scoped_or_404(
        user, PanelDecision.objects.select_related("petition", "selection__campaign"), pk=panel.pk
    )
    if panel.status == PanelStatus.DECIDED:
        raise ValidationError(_("The panel has already decided."), code="illegal_transition")
    if not (reasoning or "").strip():
        raise ValidationError(_("A reasoning is required."), code="reason_required")
    if panel.petition_id:
        from casewatch.analytics.schema import PETITION_OUTCOMES

        if petition_outcome not in PETITION_OUTCOMES:
            raise ValidationError(_("Choose the petition's outcome."), code="petition_outcome")
    with transaction.atomic():
        panel.grade, panel.score, panel.reasoning = grade, score, reasoning.strip()
        panel.status, panel.decided_by, panel.decided_at = PanelStatus.DECIDED, user, timezone.now()
        panel.petition_outcome = petition_outcome
        panel.save()
        if panel.petition_id:
            pet = panel.petition
            before = {"outcome": pet.outcome}
            pet.outcome = petition_outcome
            if petition_outcome != "pending":
                pet.closed_at = timezone.localdate()
            pet.save(update_fields=["outcome", "closed_at", "updated_at"])
            audit.record(
                AuditAction.UPDATE,
                pet,
                user=user,
                before=before,
                after={"outcome": petition_outcome},
                message=f"petition outcome from review panel #{panel.pk}",
            )
        transition(user, panel, {"status": "open"}, {"status": "decided", "grade": grade}, "panel decided")
    return panel


def final_result(selection: Selection) -> tuple[Decimal | None, str]:
    """The case's result: a decided panel overrides; else the quality review; else the expert's.

    Read from ``selection.panels`` and ``selection.reviews`` as a whole (two queries, none when
    the caller prefetched them, as the selected-cases table does)."""
    decided = [p for p in selection.panels.all() if p.status == PanelStatus.DECIDED]
    if decided:
        panel = max(decided, key=lambda p: (p.decided_at, p.pk))
        return panel.score, panel.grade
    submitted: dict[str, Review] = {}
    for r in sorted(selection.reviews.all(), key=lambda r: r.pk):
        if r.status == ReviewStatus.SUBMITTED:
            submitted.setdefault(r.kind, r)
    for kind in (ReviewKind.REVIEW, ReviewKind.EXPERT, ReviewKind.QUALITY):
        if kind in submitted:
            return submitted[kind].score, submitted[kind].grade
    return None, ""

"""Review workflows as plain functions taking the acting user first: campaigns, assignment and
reviewing. The seeded draw is in `sampling`, three-way evaluations and panels in `evaluations`,
四类案件 and 一案双查 in `casetags`; the permission and status checks they share in `guards`.

Campaign state machine: planning ──draw──▶ sampling ──start──▶ reviewing ──close──▶ report.
The case list can be drawn again and picks added while sampling; `start_reviewing` freezes it
and writes the seed and the candidate fingerprint to the audit trail, so anyone can re-run
`draw_sample(campaign, seed)` on the same data and get the same list.
"""

from __future__ import annotations

import secrets
from collections import Counter
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casewatch.cases.models import Case
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import User
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.reviews.choices import (
    THREE_WAY,
    CampaignStatus,
    ConflictLevel,
    ReviewKind,
    ReviewStatus,
)
from casewatch.reviews.choices import SelectionReason as R
from casewatch.reviews.evaluations import check_disagreement
from casewatch.reviews.guards import check_status, locked_campaign, require, transition
from casewatch.reviews.models import (
    Campaign,
    ItemScore,
    Reassignment,
    Review,
    Rubric,
    RubricItem,
    Selection,
)
from casewatch.reviews.sampling import draw_params, draw_sample, supervisor_picks

S = CampaignStatus
ZERO = Decimal("0")
HUNDRED = Decimal("100")

# --- campaigns and sampling ---------------------------------------------------------------------


def create_campaign(user, *, name, scope_units, case_types, closed_from, closed_to, **fields) -> Campaign:
    """A campaign in planning, organised by `user` from their own unit."""
    require(user, Action.SUPERVISE)
    if closed_from > closed_to:
        raise ValidationError(_("The closing period ends before it starts."), code="period")
    units = list(scope_units)
    for u in units:  # the organiser can only cover what they see
        get_scoped_or_404(user, type(u), Action.VIEW, pk=u.pk)
    rubrics = fields.pop("rubrics", None)
    reviewers = fields.pop("reviewers", None)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name.strip()[:200],
            unit=user.unit if user.unit_id else user.scope,
            organiser=user,
            case_types=list(case_types),
            closed_from=closed_from,
            closed_to=closed_to,
            **fields,
        )
        campaign.scope_units.set(units)
        if rubrics is None:
            rubrics = [r for ct in case_types if (r := latest_rubric(ct))]
        campaign.rubrics.set(rubrics)
        if reviewers:
            campaign.reviewers.set(reviewers)
    return campaign


def latest_rubric(case_type: str) -> Rubric | None:
    return Rubric.objects.filter(case_type=case_type, active=True).order_by("-version").first()


def run_draw(user, campaign: Campaign, seed: str | None = None) -> Campaign:
    """Draw (or redraw) the case list; supervisor picks survive a redraw."""
    require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    check_status(campaign, (S.PLANNING, S.SAMPLING), _("drawn"))
    seed = (seed or "").strip() or secrets.token_hex(8)
    with transaction.atomic():
        campaign = locked_campaign(campaign, (S.PLANNING, S.SAMPLING), _("drawn"))
        picks = supervisor_picks(campaign)
        result = draw_sample(campaign, seed, picks)
        picked_by = {s.case_id: s.picked_by_id for s in campaign.selections.filter(picked_by__isnull=False)}
        campaign.selections.all().delete()
        Selection.objects.bulk_create(
            Selection(
                campaign=campaign,
                case_id=cid,
                reasons=e["reasons"],
                stratum=e["stratum"],
                picked_by_id=picked_by.get(cid),
            )
            for cid, e in sorted(result["selection"].items())
        )
        before = {"status": campaign.status, "seed": campaign.seed}
        campaign.status, campaign.seed, campaign.draw_fingerprint = S.SAMPLING, seed, result["fingerprint"]
        campaign.save(update_fields=["status", "seed", "draw_fingerprint"])
        transition(
            user,
            campaign,
            before,
            {
                "status": campaign.status,
                "seed": seed,
                "fingerprint": result["fingerprint"],
                "candidates": result["candidates"],
                "selected": len(result["selection"]),
                "params": draw_params(campaign),
            },
            f"campaign draw: seed {seed}, {len(result['selection'])} of {result['candidates']} cases",
        )
    return campaign


def pick_case(user, campaign: Campaign, case: Case, reason: str) -> Selection:
    """A supervisor adds a case by hand, with a reason, while sampling."""
    require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    case = get_scoped_or_404(user, Case, Action.VIEW, pk=case.pk)
    check_status(campaign, (S.PLANNING, S.SAMPLING), _("changed"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to pick a case."), code="reason_required")
    with transaction.atomic():
        campaign = locked_campaign(campaign, (S.PLANNING, S.SAMPLING), _("changed"))
        sel, _created = Selection.objects.get_or_create(
            campaign=campaign,
            case=case,
            defaults={"stratum": f"{case.unit_id}|{case.case_type}", "picked_by": user},
        )
        sel.reasons = [*sel.reasons, {"code": R.PICK, "detail": reason[:300]}]
        sel.picked_by = user
        sel.save(update_fields=["reasons", "picked_by"])
        audit.record(
            AuditAction.UPDATE, campaign, user=user, message=f"picked case {case.case_number}: {reason}"
        )
    return sel


def start_reviewing(user, campaign: Campaign) -> Campaign:
    """Freeze the list: no redraws or picks afterwards. The seed goes to the audit trail."""
    require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    check_status(campaign, (S.SAMPLING,), _("started"))
    if not campaign.selections.exists():
        raise ValidationError(_("Draw the case list first."), code="empty")
    with transaction.atomic():
        campaign = locked_campaign(campaign, (S.SAMPLING,), _("started"))
        before = {"status": campaign.status}
        campaign.status, campaign.frozen_at = S.REVIEWING, timezone.now()
        campaign.save(update_fields=["status", "frozen_at"])
        ids = list(campaign.selections.order_by("case_id").values_list("case_id", flat=True))
        transition(
            user,
            campaign,
            before,
            {
                "status": campaign.status,
                "seed": campaign.seed,
                "fingerprint": campaign.draw_fingerprint,
                "selected_case_ids": ids,
                "params": draw_params(campaign),
            },
            f"campaign list frozen: seed {campaign.seed}, {len(ids)} cases",
        )
    return campaign


def close_campaign(user, campaign: Campaign) -> Campaign:
    require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    check_status(campaign, (S.REVIEWING,), _("closed"))
    with transaction.atomic():
        campaign = locked_campaign(campaign, (S.REVIEWING,), _("closed"))
        campaign.status = S.REPORT
        campaign.save(update_fields=["status"])
        transition(user, campaign, {"status": S.REVIEWING}, {"status": S.REPORT}, "campaign to report")
    return campaign


# --- reviewers ---------------------------------------------------------------------------------


def conflict(campaign: Campaign, case: Case, reviewer: User, kind: str = ReviewKind.REVIEW) -> str | None:
    """Why `reviewer` may not review `case`, or None. Self-assessment is by the handling side."""
    if kind == ReviewKind.SELF:
        return None
    if case.handler_id and reviewer.staff_id and reviewer.staff.staff_no == case.handler_id:
        return _("The reviewer handled this case.")
    if campaign.conflict_level != ConflictLevel.HANDLER and reviewer.unit_id:
        own = case.unit.agency if campaign.conflict_level == ConflictLevel.AGENCY else case.unit
        if own is not None and reviewer.unit.is_within(own):
            return _("The reviewer belongs to the case's own unit.")
    if not Case.objects.restrict(reviewer, Action.VIEW).filter(pk=case.pk).exists():
        return _("The case lies outside the reviewer's scope.")
    return None


def assign(user, selection: Selection, reviewer: User, kind: str = ReviewKind.REVIEW) -> Review:
    """Assign one reviewer to a selected case; refused on a conflict of interest.

    The campaign's status, the reviewer's conflicts and the new review are checked and written in
    one transaction holding the campaign's row lock. A refusal is a decision, not a failure: the
    locked transaction ends without it (nothing to roll back), then the refusal's audit record is
    written and committed in a transaction of its own before the error is raised. The call must
    therefore be a transaction of its own (``durable``): inside a caller's transaction a later
    rollback would silently erase the record of the refusal, so that is refused outright.
    """
    require(user, Action.SUPERVISE)
    selection = get_scoped_or_404(
        user, Selection.objects.select_related("campaign", "case__unit"), pk=selection.pk
    )
    campaign, case = selection.campaign, selection.case
    if kind != ReviewKind.SELF and not (
        user_can(reviewer, Action.REVIEW) or user_can(reviewer, Action.CHANGE)
    ):
        raise ValidationError(_("The account's role may not review cases."), code="role")
    with transaction.atomic(durable=True):
        campaign = locked_campaign(campaign, (S.REVIEWING,), _("assigned"))
        with translation.override("en"):  # the audit trail stores the reason as written (English)
            why = conflict(campaign, case, reviewer, kind)
        if why is None:
            rubric = campaign.rubric_for(case.case_type)
            if rubric is None:
                raise ValidationError(_("The campaign has no rubric for this case type."), code="rubric")
            review, created = Review.objects.get_or_create(
                selection=selection,
                kind=kind,
                defaults={"case": case, "reviewer": reviewer, "rubric": rubric},
            )
            if not created:
                raise ValidationError(_("This review is already assigned."), code="assigned")
    if why is not None:
        with transaction.atomic(durable=True):
            audit.record(
                AuditAction.UPDATE,
                campaign,
                user=user,
                message=f"assignment refused: {reviewer} / {case}: {why}",
            )
        raise ValidationError(_(why), code="conflict")
    return review


def auto_assign(user, campaign: Campaign) -> int:
    """Give every unassigned selection a reviewer from the pool: fewest reviews first, no conflicts."""
    require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    pool = list(
        campaign.reviewers.filter(is_active=True).select_related("unit", "scope").order_by("username")
    )
    load = Counter(
        Review.objects.filter(selection__campaign=campaign, kind=ReviewKind.REVIEW).values_list(
            "reviewer_id", flat=True
        )
    )
    made = 0
    todo = campaign.selections.exclude(reviews__kind=ReviewKind.REVIEW).select_related(
        "case__unit", "campaign"
    )
    for sel in todo:
        for reviewer in sorted(pool, key=lambda u: (load[u.pk], u.username)):
            if conflict(campaign, sel.case, reviewer) is None:
                assign(user, sel, reviewer)
                load[reviewer.pk] += 1
                made += 1
                break
    return made


def reassign(user, review: Review, to_user: User, reason: str) -> Review:
    """Give an unsubmitted review to another reviewer, with a reason (recorded as a
    `Reassignment`). The campaign's status (reviewing) and the review's lock are checked under the
    campaign's and the review's row locks, in the order every writer takes them."""
    require(user, Action.SUPERVISE)
    review = get_scoped_or_404(
        user, Review.objects.select_related("selection__campaign", "case__unit"), pk=review.pk
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to reassign."), code="reason_required")
    why = conflict(review.selection.campaign, review.case, to_user, review.kind)
    if why:
        raise ValidationError(why, code="conflict")
    with transaction.atomic():
        locked_campaign(review.selection.campaign, (S.REVIEWING,), _("changed"))
        review = (
            Review.objects.select_for_update()
            .select_related("selection__campaign", "case__unit")
            .get(pk=review.pk)
        )
        if review.locked:
            raise ValidationError(_("A submitted review cannot be reassigned."), code="locked")
        Reassignment.objects.create(
            review=review, from_user=review.reviewer, to_user=to_user, reason=reason, by=user
        )
        review.reviewer = to_user
        review.save(update_fields=["reviewer", "saved_at"])
    return review


# --- reviewing -----------------------------------------------------------------------------------


def own_review(user, review_id: int) -> Review:
    """The review if the user may open it: its reviewer, or a supervisor in scope (404 otherwise)."""
    review = get_scoped_or_404(
        user,
        Review.objects.select_related("selection__campaign", "case__unit", "rubric", "reviewer"),
        pk=review_id,
    )
    if review.reviewer_id != user.pk and not user_can(user, Action.SUPERVISE):
        raise Http404(_("Not found."))
    return review


def compute(review: Review, entries: dict[int, tuple[Decimal, str]]) -> Decimal:
    """Validate item entries against the rubric and return the score (clamped to 0–100)."""
    items = {
        i.pk: i for i in RubricItem.objects.filter(section__rubric=review.rubric).select_related("section")
    }
    taken: Counter = Counter()
    bonus = ZERO
    for item_id, (points, reason) in entries.items():
        item = items.get(item_id)
        if item is None:
            raise ValidationError(_("The item is not part of this rubric."), code="item")
        if points < 0 or points > item.max_points:
            raise ValidationError(
                _("%(item)s: points must lie between 0 and %(max)s.")
                % {"item": item.code, "max": item.max_points},
                code="points",
            )
        if points and not item.positive and not (reason or "").strip():
            raise ValidationError(
                _("%(item)s: a reason is required for a deduction.") % {"item": item.code},
                code="reason_required",
            )
        if item.positive:
            bonus += points
        else:
            taken[item.section_id] += points
    deducted = ZERO
    for section in review.rubric.sections.all():
        deducted += min(taken[section.pk], section.max_points)
    return max(ZERO, min(HUNDRED, HUNDRED - deducted + bonus))


def save_draft(
    user, review: Review, entries: dict[int, tuple[Decimal, str]], comments: str = "", *, submit=False
) -> Review:
    """Autosave (and optionally submit) the reviewer's entries; a submitted review is locked."""
    if review.reviewer_id != user.pk:
        raise PermissionDenied(_("Only the assigned reviewer may score this review."))
    with transaction.atomic():
        # the campaign first (the order every writer takes), so a close cannot pass between the
        # status check and the save
        campaign = Campaign.objects.select_for_update().get(pk=review.selection.campaign_id)
        review = (
            Review.objects.select_for_update()
            .select_related("rubric", "selection__campaign")
            .get(pk=review.pk)
        )
        if review.locked:
            raise ValidationError(_("The review has been submitted and is locked."), code="locked")
        if campaign.status != S.REVIEWING:
            raise ValidationError(_("The campaign is not in its reviewing stage."), code="illegal_transition")
        score = compute(review, entries)
        existing = {s.item_id: s for s in review.scores.all()}
        for item_id, (points, reason) in entries.items():
            row = existing.get(item_id) or ItemScore(review=review, item_id=item_id)
            row.points, row.reason = points, (reason or "").strip()
            row.save()
        review.score, review.grade = score, review.rubric.grade_for(score)
        review.comments = comments
        fields = ["score", "grade", "comments", "saved_at"]
        if submit:
            review.status, review.submitted_at = ReviewStatus.SUBMITTED, timezone.now()
            fields += ["status", "submitted_at"]
        review.save(update_fields=fields)
        if submit:
            transition(
                user,
                review,
                {"status": "draft"},
                {"status": "submitted", "score": str(score), "grade": review.grade},
                f"review submitted: {score} {review.grade}",
            )
    if submit and review.kind in THREE_WAY:
        check_disagreement(review.selection)
    return review


def raise_problem(
    user, score: ItemScore, *, measure: str = "remedy_defect", severity: str = "medium", deadline=None
):
    """Put a deduction on the problem list at once (idempotent per item score)."""
    from casewatch.problems.services import open_problem

    review = own_review(user, score.review_id)
    if score.points <= 0 or score.item.positive:
        raise ValidationError(_("Only a deduction can raise a problem."), code="not_deduction")
    case = review.case
    problem = open_problem(
        user,
        "review",
        unit=case.unit,
        case=case,
        severity=severity,
        title=f"{case.case_number} · {score.item.code} {score.item.text}"[:200],
        description=_("Review deduction of %(points)s points (%(campaign)s): %(reason)s")
        % {"points": score.points, "campaign": review.selection.campaign.name, "reason": score.reason},
        area=score.item.section.title,
        measure=measure,
        deadline=deadline,
        responsible=case.handler,
        source_ref=f"review-score:{score.pk}",
    )
    ItemScore.objects.filter(pk=score.pk).update(problem=problem)
    return problem

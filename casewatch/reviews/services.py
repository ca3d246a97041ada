"""Review workflows as plain functions taking the acting user first.

Campaign state machine: planning ──draw──▶ sampling ──start──▶ reviewing ──close──▶ report.
The case list can be drawn again and picks added while sampling; `start_reviewing` freezes it
and writes the seed and the candidate fingerprint to the audit trail, so anyone can re-run
`draw_sample(campaign, seed)` on the same data and get the same list.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casewatch.cases.models import Case, Event, Petition
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import User
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.reviews.choices import (
    THREE_WAY,
    TRAIL_STEPS,
    CampaignStatus,
    ConflictLevel,
    PanelStatus,
    PanelTrigger,
    ReviewKind,
    ReviewStatus,
)
from casewatch.reviews.choices import SelectionReason as R
from casewatch.reviews.models import (
    Campaign,
    CaseTag,
    DualCheck,
    DualCheckPart,
    ItemScore,
    PanelDecision,
    Reassignment,
    Review,
    Rubric,
    RubricItem,
    Selection,
    TagEntry,
)

S = CampaignStatus
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def _require(user, *actions: str) -> None:
    if not any(user_can(user, a) for a in actions):
        raise PermissionDenied(_("Your role does not allow this."))


def _status(campaign: Campaign, allowed, verb: str) -> None:
    if campaign.status not in allowed:
        raise ValidationError(
            _("A campaign that is %(status)s cannot be %(verb)s.")
            % {"status": campaign.get_status_display(), "verb": verb},
            code="illegal_transition",
        )


def _locked(campaign: Campaign, allowed, verb: str) -> Campaign:
    """The campaign re-read with a row lock inside the caller's transaction, its status checked
    there: two supervisors acting at once cannot both pass the check (draw while freezing …)."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _status(locked, allowed, verb)
    return locked


def _transition(user, obj, before: dict, after: dict, message: str) -> None:
    audit.record(AuditAction.TRANSITION, obj, user=user, before=before, after=after, message=message)


# --- campaigns and sampling ---------------------------------------------------------------------


def create_campaign(user, *, name, scope_units, case_types, closed_from, closed_to, **fields) -> Campaign:
    """A campaign in planning, organised by `user` from their own unit."""
    _require(user, Action.SUPERVISE)
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


def candidates(campaign: Campaign):
    """Closed cases of the covered units and types closed in the period, in a fixed order."""
    paths = Q()
    for u in campaign.scope_units.all():
        paths |= Q(unit__path__startswith=u.path)
    if not paths:
        return Case.objects.none()
    return (
        Case.objects.filter(paths)
        .filter(
            case_type__in=campaign.case_types,
            closed_at__gte=campaign.closed_from,
            closed_at__lte=campaign.closed_to,
        )
        .order_by("unit_id", "case_type", "case_number", "id")
    )


def _targeted(campaign: Campaign, base) -> dict[int, list[dict]]:
    """Mandatory inclusions, each with its reason (set-based queries over the candidate set)."""
    from casewatch.screening.choices import FindingStatus
    from casewatch.screening.models import Finding

    ids = base.values("id")
    out: dict[int, list[dict]] = defaultdict(list)
    if campaign.include_reversed:
        for cid, kind in (
            Event.objects.filter(case_id__in=ids, kind__in=("reversed", "remanded"))
            .order_by("case_id", "kind")
            .values_list("case_id", "kind")
            .distinct()
        ):
            out[cid].append({"code": R.REVERSED, "detail": kind})
    if campaign.include_petitions:
        for cid, pid in (
            Petition.objects.filter(case_id__in=ids)
            .order_by("case_id", "petition_id")
            .values_list("case_id", "petition_id")
        ):
            out[cid].append({"code": R.PETITION, "detail": pid})
    if campaign.include_findings:
        for cid, rule in (
            Finding.objects.filter(case_id__in=ids)
            .exclude(status=FindingStatus.DISMISSED)
            .order_by("case_id", "rule_id")
            .values_list("case_id", "rule_id")
            .distinct()
        ):
            out[cid].append({"code": R.FINDING, "detail": rule})
    if campaign.include_four_types:
        for cid, kind in (
            CaseTag.objects.filter(case_id__in=ids, removed_at__isnull=True)
            .order_by("case_id", "kind")
            .values_list("case_id", "kind")
        ):
            out[cid].append({"code": R.FOUR_TYPES, "detail": kind})
    return out


def _quotas(sizes: dict[str, int], campaign: Campaign) -> dict[str, int]:
    """Random cases per stratum: rate × size (rounded half up), or a fixed total split by largest remainder."""
    if campaign.sample_size is None:
        rate = Decimal(campaign.sample_rate)
        return {k: int((rate * n).to_integral_value(rounding="ROUND_HALF_UP")) for k, n in sizes.items()}
    total = sum(sizes.values())
    if not total:
        return {k: 0 for k in sizes}
    want = min(campaign.sample_size, total)
    exact = {k: Decimal(want) * n / total for k, n in sizes.items()}
    quota = {k: int(v) for k, v in exact.items()}
    rest = want - sum(quota.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - quota[k]), k))[:rest]:
        quota[k] += 1
    return quota


def draw_sample(campaign: Campaign, seed: str, picks: dict[int, list[dict]] | None = None) -> dict:
    """The selection for a seed: {case_id: {"reasons": [...], "stratum": str}} plus a fingerprint.

    Pure given the database: the candidate list is read in a fixed order and every random choice
    comes from one `random.Random(seed)`. Order of work: mandatory inclusions and picks (never
    capped), then the minimum per handler, then the stratified random draw up to each stratum's
    quota. Caps per unit and per handler limit the random and minimum draws only.
    """
    import random

    rows = list(candidates(campaign).values_list("id", "unit_id", "case_type", "handler_id"))
    fingerprint = hashlib.sha256(",".join(str(r[0]) for r in rows).encode()).hexdigest()
    info = {r[0]: r for r in rows}
    rng = random.Random(seed)
    chosen: dict[int, dict] = {}

    def stratum(cid):
        return f"{info[cid][1]}|{info[cid][2]}"

    def add(cid, reason):
        entry = chosen.setdefault(cid, {"reasons": [], "stratum": stratum(cid)})
        entry["reasons"].append(reason)

    for cid, reasons in sorted(_targeted(campaign, candidates(campaign)).items()):
        for reason in reasons:
            add(cid, reason)
    for cid, reasons in sorted((picks or {}).items()):
        if cid in info:
            for reason in reasons:
                add(cid, reason)

    per_unit: Counter = Counter()
    per_handler: Counter = Counter()

    def capped(cid) -> bool:
        _id, unit, _t, handler = info[cid]
        if campaign.max_per_unit is not None and per_unit[unit] >= campaign.max_per_unit:
            return True
        return bool(
            handler
            and campaign.max_per_handler is not None
            and per_handler[handler] >= campaign.max_per_handler
        )

    def take(cid, reason):
        add(cid, reason)
        per_unit[info[cid][1]] += 1
        if info[cid][3]:
            per_handler[info[cid][3]] += 1

    for cid in chosen:
        per_unit[info[cid][1]] += 1
        if info[cid][3]:
            per_handler[info[cid][3]] += 1

    if campaign.min_per_handler:
        by_handler = defaultdict(list)
        for cid, _u, _t, handler in rows:
            if handler:
                by_handler[handler].append(cid)
        for handler in sorted(by_handler):
            pool = rng.sample(by_handler[handler], len(by_handler[handler]))
            for cid in pool:
                if per_handler[handler] >= campaign.min_per_handler:
                    break
                if cid in chosen or capped(cid):
                    continue
                take(cid, {"code": R.HANDLER_MINIMUM, "detail": handler})

    strata = defaultdict(list)
    for cid, unit, ctype, _h in rows:
        strata[f"{unit}|{ctype}"].append(cid)
    quotas = _quotas({k: len(v) for k, v in strata.items()}, campaign)
    for key in sorted(strata):
        have = sum(
            1
            for cid in strata[key]
            if cid in chosen
            and any(r["code"] == R.RANDOM or r["code"] == R.HANDLER_MINIMUM for r in chosen[cid]["reasons"])
        )
        for cid in rng.sample(strata[key], len(strata[key])):
            if have >= quotas[key]:
                break
            if cid in chosen or capped(cid):
                continue
            take(cid, {"code": R.RANDOM, "detail": key})
            have += 1
    return {"selection": chosen, "fingerprint": fingerprint, "candidates": len(rows), "quotas": quotas}


def _params(campaign: Campaign) -> dict:
    return {
        "sample_rate": str(campaign.sample_rate),
        "sample_size": campaign.sample_size,
        "min_per_handler": campaign.min_per_handler,
        "max_per_handler": campaign.max_per_handler,
        "max_per_unit": campaign.max_per_unit,
        "include": {
            "reversed": campaign.include_reversed,
            "petitions": campaign.include_petitions,
            "findings": campaign.include_findings,
            "four_types": campaign.include_four_types,
        },
        "case_types": campaign.case_types,
        "period": [campaign.closed_from.isoformat(), campaign.closed_to.isoformat()],
        "units": sorted(campaign.scope_units.values_list("code", flat=True)),
    }


def _picks(campaign: Campaign) -> dict[int, list[dict]]:
    out = {}
    for sel in campaign.selections.all():
        mine = [r for r in sel.reasons if r["code"] == R.PICK]
        if mine:
            out[sel.case_id] = mine
    return out


def run_draw(user, campaign: Campaign, seed: str | None = None) -> Campaign:
    """Draw (or redraw) the case list; supervisor picks survive a redraw."""
    _require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    _status(campaign, (S.PLANNING, S.SAMPLING), _("drawn"))
    seed = (seed or "").strip() or secrets.token_hex(8)
    with transaction.atomic():
        campaign = _locked(campaign, (S.PLANNING, S.SAMPLING), _("drawn"))
        picks = _picks(campaign)
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
        _transition(
            user,
            campaign,
            before,
            {
                "status": campaign.status,
                "seed": seed,
                "fingerprint": result["fingerprint"],
                "candidates": result["candidates"],
                "selected": len(result["selection"]),
                "params": _params(campaign),
            },
            f"campaign draw: seed {seed}, {len(result['selection'])} of {result['candidates']} cases",
        )
    return campaign


def pick_case(user, campaign: Campaign, case: Case, reason: str) -> Selection:
    """A supervisor adds a case by hand, with a reason, while sampling."""
    _require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    case = get_scoped_or_404(user, Case, Action.VIEW, pk=case.pk)
    _status(campaign, (S.PLANNING, S.SAMPLING), _("changed"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to pick a case."), code="reason_required")
    with transaction.atomic():
        campaign = _locked(campaign, (S.PLANNING, S.SAMPLING), _("changed"))
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
    _require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    _status(campaign, (S.SAMPLING,), _("started"))
    if not campaign.selections.exists():
        raise ValidationError(_("Draw the case list first."), code="empty")
    with transaction.atomic():
        campaign = _locked(campaign, (S.SAMPLING,), _("started"))
        before = {"status": campaign.status}
        campaign.status, campaign.frozen_at = S.REVIEWING, timezone.now()
        campaign.save(update_fields=["status", "frozen_at"])
        ids = list(campaign.selections.order_by("case_id").values_list("case_id", flat=True))
        _transition(
            user,
            campaign,
            before,
            {
                "status": campaign.status,
                "seed": campaign.seed,
                "fingerprint": campaign.draw_fingerprint,
                "selected_case_ids": ids,
                "params": _params(campaign),
            },
            f"campaign list frozen: seed {campaign.seed}, {len(ids)} cases",
        )
    return campaign


def close_campaign(user, campaign: Campaign) -> Campaign:
    _require(user, Action.SUPERVISE)
    campaign = get_scoped_or_404(user, Campaign, Action.SUPERVISE, pk=campaign.pk)
    _status(campaign, (S.REVIEWING,), _("closed"))
    with transaction.atomic():
        campaign = _locked(campaign, (S.REVIEWING,), _("closed"))
        campaign.status = S.REPORT
        campaign.save(update_fields=["status"])
        _transition(user, campaign, {"status": S.REVIEWING}, {"status": S.REPORT}, "campaign to report")
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
    _require(user, Action.SUPERVISE)
    selection = get_scoped_or_404(
        user, Selection.objects.select_related("campaign", "case__unit"), pk=selection.pk
    )
    campaign, case = selection.campaign, selection.case
    if kind != ReviewKind.SELF and not (
        user_can(reviewer, Action.REVIEW) or user_can(reviewer, Action.CHANGE)
    ):
        raise ValidationError(_("The account's role may not review cases."), code="role")
    with transaction.atomic(durable=True):
        campaign = _locked(campaign, (S.REVIEWING,), _("assigned"))
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
    _require(user, Action.SUPERVISE)
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
    _require(user, Action.SUPERVISE)
    review = get_scoped_or_404(
        user, Review.objects.select_related("selection__campaign", "case__unit"), pk=review.pk
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to reassign."), code="reason_required")
    if review.locked:
        raise ValidationError(_("A submitted review cannot be reassigned."), code="locked")
    why = conflict(review.selection.campaign, review.case, to_user, review.kind)
    if why:
        raise ValidationError(why, code="conflict")
    with transaction.atomic():
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
            _transition(
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


# --- three-way evaluation ------------------------------------------------------------------------


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
    _require(user, Action.SUPERVISE)
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
    _require(user, Action.SUPERVISE)
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
        _transition(user, panel, {"status": "open"}, {"status": "decided", "grade": grade}, "panel decided")
    return panel


def final_result(selection: Selection) -> tuple[Decimal | None, str]:
    """The case's result: a decided panel overrides; else the quality review; else the expert's."""
    panel = selection.panels.filter(status=PanelStatus.DECIDED).order_by("-decided_at").first()
    if panel:
        return panel.score, panel.grade
    for kind in (ReviewKind.REVIEW, ReviewKind.EXPERT, ReviewKind.QUALITY):
        r = selection.reviews.filter(kind=kind, status=ReviewStatus.SUBMITTED).first()
        if r:
            return r.score, r.grade
    return None, ""


# --- 四类案件 and 一案双查 ----------------------------------------------------------------------


def tag_case(user, case: Case, kind: str, note: str) -> CaseTag:
    _require(user, Action.SUPERVISE, Action.CHANGE)
    case = get_scoped_or_404(user, Case, Action.VIEW, pk=case.pk)
    with transaction.atomic():
        tag = CaseTag.objects.create(case=case, kind=kind, note=note, tagged_by=user)
        TagEntry.objects.create(tag=tag, action="tagged", note=note, by=user)
    return tag


def tag_trail(user, tag: CaseTag, action: str, note: str) -> TagEntry:
    """Add a supervision step (progress report, referral to the judicial committee, removal)."""
    _require(user, Action.SUPERVISE, Action.CHANGE)
    tag = get_scoped_or_404(user, CaseTag, Action.VIEW, pk=tag.pk)
    if action not in dict(TRAIL_STEPS):
        raise ValidationError(_("Choose a step of the supervision trail."), code="action")
    if not (note or "").strip():
        raise ValidationError(_("A note is required."), code="reason_required")
    with transaction.atomic():
        entry = TagEntry.objects.create(tag=tag, action=action, note=note, by=user)
        if action == "removed":
            tag.removed_at = timezone.now()
            tag.save(update_fields=["removed_at"])
    return entry


def open_dual_check(
    user, case: Case, clue_source: str, handling_reviewer: User, discipline_reviewer: User
) -> DualCheck:
    _require(user, Action.SUPERVISE)
    case = get_scoped_or_404(user, Case, Action.VIEW, pk=case.pk)
    if handling_reviewer.pk == discipline_reviewer.pk:
        raise ValidationError(_("The two checks need different reviewers."), code="reviewer")
    with transaction.atomic():
        check = DualCheck.objects.create(case=case, clue_source=clue_source, opened_by=user)
        DualCheckPart.objects.create(dual_check=check, track="handling", reviewer=handling_reviewer)
        DualCheckPart.objects.create(dual_check=check, track="discipline", reviewer=discipline_reviewer)
    return check


def conclude_part(user, part: DualCheckPart, conclusion: str) -> DualCheckPart:
    if part.reviewer_id != user.pk:
        raise PermissionDenied(_("Only the check's reviewer may conclude it."))
    if part.concluded_at:
        raise ValidationError(_("This check is already concluded."), code="illegal_transition")
    if not (conclusion or "").strip():
        raise ValidationError(_("A conclusion is required."), code="reason_required")
    part.conclusion, part.concluded_at = conclusion.strip(), timezone.now()
    part.save(update_fields=["conclusion", "concluded_at"])
    audit.record(AuditAction.UPDATE, part.dual_check, user=user, message=f"dual check {part.track} concluded")
    return part

"""四类案件 (the four kinds of case under the court leaders' supervision) and 一案双查 (the
case-handling and staff-discipline checks of one enforcement case)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.cases.models import Case
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import User
from casewatch.core.services import get_scoped_or_404
from casewatch.reviews.choices import TRAIL_STEPS
from casewatch.reviews.guards import require
from casewatch.reviews.models import CaseTag, DualCheck, DualCheckPart, TagEntry


def tag_case(user, case: Case, kind: str, note: str) -> CaseTag:
    require(user, Action.SUPERVISE, Action.CHANGE)
    case = get_scoped_or_404(user, Case, Action.VIEW, pk=case.pk)
    with transaction.atomic():
        tag = CaseTag.objects.create(case=case, kind=kind, note=note, tagged_by=user)
        TagEntry.objects.create(tag=tag, action="tagged", note=note, by=user)
    return tag


def tag_trail(user, tag: CaseTag, action: str, note: str) -> TagEntry:
    """Add a supervision step (progress report, referral to the judicial committee, removal)."""
    require(user, Action.SUPERVISE, Action.CHANGE)
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
    require(user, Action.SUPERVISE)
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

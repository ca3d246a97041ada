"""What every review workflow checks first: the actor's permission and the campaign's status,
the latter re-read under a row lock inside the caller's transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import AuditAction
from casewatch.core.permissions import user_can
from casewatch.reviews.models import Campaign


def require(user, *actions: str) -> None:
    """Refuse (403) unless the user's role allows one of the actions."""
    if not any(user_can(user, a) for a in actions):
        raise PermissionDenied(_("Your role does not allow this."))


def check_status(campaign: Campaign, allowed, verb: str) -> None:
    """Refuse a move the campaign's state machine does not allow from its current status."""
    if campaign.status not in allowed:
        raise ValidationError(
            _("A campaign that is %(status)s cannot be %(verb)s.")
            % {"status": campaign.get_status_display(), "verb": verb},
            code="illegal_transition",
        )


def locked_campaign(campaign: Campaign, allowed, verb: str) -> Campaign:
    """The campaign re-read with a row lock inside the caller's transaction, its status checked
    there: two supervisors acting at once cannot both pass the check (draw while freezing …)."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_status(locked, allowed, verb)
    return locked


def transition(user, obj, before: dict, after: dict, message: str) -> None:
    """The audit record of a workflow transition (message in the stored English format)."""
    audit.record(AuditAction.TRANSITION, obj, user=user, before=before, after=after, message=message)

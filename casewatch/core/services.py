"""Core workflows: scoped lookups, audited reveals, API tokens, language preference."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import ApiToken
from casewatch.core.permissions import user_can


def get_scoped_or_404(user, model_or_qs, action: str = Action.VIEW, **lookup):
    """The object if it lies in the user's scope; otherwise 404.

    An out-of-scope object answers exactly like a missing one, so its existence does not leak,
    but the attempt is written to the audit trail.
    """
    qs = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs._default_manager.all()
    model = qs.model
    obj = qs.restrict(user, action).filter(**lookup).first()
    if obj is not None:
        return obj
    hidden = model._default_manager.filter(**lookup).first()
    if hidden is not None:
        audit.record(
            AuditAction.ACCESS_DENIED,
            user=user,
            object_type=model._meta.label_lower,
            object_id=str(hidden.pk),
            object_repr=model._meta.verbose_name,
            message=f"{action} refused: outside the user's scope or role",
        )
    raise Http404(_("Not found."))


def reveal(user, obj, field: str) -> str:
    """Return the clear value of a personal field and log the reveal. Refused without the role."""
    if field not in getattr(type(obj), "personal_fields", ()):
        raise PermissionDenied(_("This field cannot be revealed."))
    if not user_can(user, Action.REVEAL):
        raise PermissionDenied(_("Your role may not reveal personal data."))
    value = getattr(obj, field, "") or ""
    audit.record(AuditAction.REVEAL, obj, user=user, message=f"revealed {field}")
    return value


def issue_token(user, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """Create a personal API token that expires after `days`; the secret is returned once."""
    if not 1 <= days <= 366:
        raise ValueError(_("A token must expire within 1 to 366 days."))
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name.strip()[:80] or "token", timezone.now() + timedelta(days=days))
        audit.record(
            AuditAction.TOKEN_CREATED, user, user=user, message=f"token {token.prefix}… ({token.name})"
        )
    return token, raw


def revoke_token(user, token: ApiToken) -> None:
    """Revoke one of the user's own tokens."""
    if token.user_id != user.pk:
        raise Http404(_("Not found."))
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(AuditAction.TOKEN_REVOKED, user, user=user, message=f"token {token.prefix}… revoked")


def record_export(user, what: str, rows: int, fmt: str) -> None:
    """Every export is an audited action."""
    audit.record(AuditAction.EXPORT, user=user, object_type=what, message=f"{rows} rows as {fmt}")

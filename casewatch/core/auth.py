"""Password login with lockout: 5 failures lock an account for 15 minutes (configurable)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone

from casewatch.core import audit
from casewatch.core.choices import AuditAction


class AccountLocked(PermissionDenied):
    """Raised while an account is locked; carries the time it unlocks."""

    def __init__(self, until):
        super().__init__("locked")
        self.until = until


class LockoutModelBackend(ModelBackend):
    """Django's model backend plus failed-login counting and temporary lockout."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        user = User._default_manager.filter(username=username).first()
        now = timezone.now()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            audit.record(AuditAction.LOGIN_FAILED, message=f"unknown username {username[:60]!r}")
            return None
        if user.is_locked(now):
            audit.record(AuditAction.LOGIN_FAILED, user, user=user, message="account locked")
            if request is not None:
                # django.contrib.auth.authenticate() swallows PermissionDenied: tell the form here.
                request.account_locked_until = user.locked_until
            raise AccountLocked(user.locked_until)
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User._default_manager.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
                user.failed_login_count, user.locked_until = 0, None
            return user
        count = user.failed_login_count + 1
        update = {"failed_login_count": count}
        audit.record(AuditAction.LOGIN_FAILED, user, user=user, message=f"failed attempt {count}")
        if count >= settings.LOCKOUT_THRESHOLD:
            update = {
                "failed_login_count": 0,
                "locked_until": now + timedelta(minutes=settings.LOCKOUT_MINUTES),
            }
            audit.record(
                AuditAction.LOCKOUT,
                user,
                user=user,
                message=f"locked for {settings.LOCKOUT_MINUTES} minutes after {count} failed logins",
            )
        User._default_manager.filter(pk=user.pk).update(**update)
        return None


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    audit.set_user(user)
    audit.record(AuditAction.LOGIN, user, user=user)
    if user.language and request is not None and hasattr(request, "session"):
        request.session["_language"] = user.language


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, user, user=user)

"""Password login with throttling per address and per account, password expiry and history.

Three counters, all in the database so every server process sees them:

* **account from one address** (``pair:<user>:<ip>``): ``CASEWATCH_LOCKOUT_THRESHOLD`` (5) failures
  lock that account *for that address* for ``CASEWATCH_LOCKOUT_MINUTES`` (15). Someone typing wrong
  passwords for a colleague's account cannot lock the colleague out of their own workstation.
* **address** (``ip:<ip>``): ``CASEWATCH_IP_LOCKOUT_THRESHOLD`` (20) failures with any usernames
  block every login from that address for the same time (password guessing across accounts).
* **account from everywhere** (``User.failed_login_count``): ``CASEWATCH_ACCOUNT_LOCKOUT_THRESHOLD``
  (50) failures from all addresses lock the account itself (a distributed attack). 0 disables it.

Counts start again after the lock or after a window of the lock's length without failures; a
successful login clears the account's counters for that address.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import AuditAction
from casewatch.core.models_ops import LoginThrottle


class AccountLocked(PermissionDenied):
    """Raised while an account (from this address) or the address is locked; carries the unlock time."""

    def __init__(self, until, scope: str = "account"):
        super().__init__("locked")
        self.until = until
        self.scope = scope


def _window() -> timedelta:
    return timedelta(minutes=settings.LOCKOUT_MINUTES)


def throttle_locked_until(key: str, now):
    """The time a throttle key unlocks, or None when it is not locked."""
    until = LoginThrottle.objects.filter(key=key, locked_until__gt=now).values_list("locked_until", flat=True)
    return next(iter(until), None)


def _fail(key: str, threshold: int, now) -> tuple[int, bool]:
    """Count one failure for a key; returns (failures in the window, whether this one locked it)."""
    stale = now - _window()
    with transaction.atomic():
        updated = LoginThrottle.objects.filter(key=key, window_started_at__gte=stale).update(
            failures=F("failures") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    LoginThrottle.objects.update_or_create(
                        key=key, defaults={"failures": 1, "window_started_at": now, "locked_until": None}
                    )
            except IntegrityError:  # another process created it a moment ago
                LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1)
        count = LoginThrottle.objects.filter(key=key).values_list("failures", flat=True).first() or 1
        if threshold and count >= threshold:
            LoginThrottle.objects.filter(key=key).update(
                failures=0, window_started_at=now, locked_until=now + _window()
            )
            return count, True
    return count, False


def _pair_key(user, ip) -> str:
    return f"pair:{user.pk}:{ip or '-'}"


class LockoutModelBackend(ModelBackend):
    """Django's model backend plus failed-login counting and temporary lockout (see module doc)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        ip = audit.current().client_ip or (request.META.get("REMOTE_ADDR") if request is not None else None)
        now = timezone.now()
        ip_until = throttle_locked_until(f"ip:{ip or '-'}", now)
        user = User._default_manager.filter(username=username).first()
        if ip_until is not None:
            User().set_password(password)
            audit.record(
                AuditAction.LOGIN_FAILED, user, user=user, message=f"address {ip} blocked after failed logins"
            )
            self._tell(request, ip_until, "address")
            raise AccountLocked(ip_until, "address")
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            audit.record(AuditAction.LOGIN_FAILED, message=f"unknown username {username[:60]!r}")
            self._fail_address(ip, now)
            return None
        pair_until = throttle_locked_until(_pair_key(user, ip), now)
        until = max(u for u in (pair_until, user.locked_until if user.is_locked(now) else None, now) if u)
        if until > now:
            audit.record(AuditAction.LOGIN_FAILED, user, user=user, message="account locked")
            self._tell(request, until, "account")
            raise AccountLocked(until)
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User._default_manager.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
                user.failed_login_count, user.locked_until = 0, None
            LoginThrottle.objects.filter(key=_pair_key(user, ip)).delete()
            return user
        count, locked = _fail(_pair_key(user, ip), settings.LOCKOUT_THRESHOLD, now)
        audit.record(AuditAction.LOGIN_FAILED, user, user=user, message=f"failed attempt {count} from {ip}")
        if locked:
            audit.record(
                AuditAction.LOCKOUT,
                user,
                user=user,
                message=f"locked for {settings.LOCKOUT_MINUTES} minutes from {ip} after {count} failed logins",
            )
        self._fail_account(user, now)
        self._fail_address(ip, now)
        return None

    @staticmethod
    def _tell(request, until, scope):
        if request is not None:
            # django.contrib.auth.authenticate() swallows PermissionDenied: tell the form here.
            request.account_locked_until = until
            request.account_locked_scope = scope

    @staticmethod
    def _fail_account(user, now):
        User = get_user_model()
        User._default_manager.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        threshold = settings.ACCOUNT_LOCKOUT_THRESHOLD
        count = User._default_manager.filter(pk=user.pk).values_list("failed_login_count", flat=True)[0]
        if threshold and count >= threshold:
            User._default_manager.filter(pk=user.pk).update(
                failed_login_count=0, locked_until=now + _window()
            )
            audit.record(
                AuditAction.LOCKOUT,
                user,
                user=user,
                message=f"account locked for {settings.LOCKOUT_MINUTES} minutes after {count} failed logins "
                "from all addresses",
            )

    @staticmethod
    def _fail_address(ip, now):
        count, locked = _fail(f"ip:{ip or '-'}", settings.IP_LOCKOUT_THRESHOLD, now)
        if locked:
            audit.record(
                AuditAction.LOCKOUT,
                object_type="address",
                object_id=ip or "",
                message=f"address {ip} blocked for {settings.LOCKOUT_MINUTES} minutes after {count} failed logins",
            )


# --- password expiry and history ------------------------------------------------------------


def password_expired(user, now=None) -> bool:
    """True when password expiry is on (CASEWATCH_PASSWORD_MAX_AGE_DAYS) and the password is older."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user is None or not user.is_authenticated:
        return False
    changed = user.password_changed_at or user.date_joined
    return changed is not None and changed + timedelta(days=days) <= (now or timezone.now())


class PasswordHistoryValidator:
    """Refuses the current and the last CASEWATCH_PASSWORD_HISTORY passwords (when that is set), and
    remembers each new password's hash and time (Django calls `password_changed` on every change)."""

    def validate(self, password, user=None):
        keep = settings.PASSWORD_HISTORY
        if not keep or user is None or not user.pk:
            return
        from django.contrib.auth.hashers import check_password

        from casewatch.core.models_ops import PasswordHistory

        earlier = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:keep])
        current = get_user_model()._default_manager.filter(pk=user.pk).values_list("password", flat=True)
        for encoded in [*current, *earlier]:
            if encoded and check_password(password, encoded):
                raise ValidationError(
                    _(
                        "This password was used recently. Choose one you have not used in your last %(n)d passwords."
                    )
                    % {"n": keep},
                    code="password_reused",
                )

    def password_changed(self, password, user=None):
        if user is None or not user.pk:
            return
        from casewatch.core.models_ops import PasswordHistory

        now = timezone.now()
        get_user_model()._default_manager.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        keep = settings.PASSWORD_HISTORY
        if keep:
            PasswordHistory.objects.create(user=user, password=user.password)
            old = list(PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:])
            PasswordHistory.objects.filter(pk__in=old).delete()

    def get_help_text(self):
        if settings.PASSWORD_HISTORY:
            return _("Your password cannot be one of your last %(n)d passwords.") % {
                "n": settings.PASSWORD_HISTORY
            }
        return ""


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    audit.set_user(user)
    audit.record(AuditAction.LOGIN, user, user=user)
    if user.language and request is not None and hasattr(request, "session"):
        request.session["_language"] = user.language
    if request is not None and hasattr(request, "session"):
        from casewatch.core.sessions import open_session

        open_session(request, user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, user, user=user)
    if request is not None and hasattr(request, "session"):
        from casewatch.core.sessions import close_session

        close_session(request.session.session_key, "logout")

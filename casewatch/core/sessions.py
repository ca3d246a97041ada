"""Session records: every signed-in browser session, listed for its owner and revocable.

A record is opened at login (address, browser), touched at most once a minute by the middleware,
and closed at logout, on revocation, or when the idle timeout let the session lapse (seen from
`last_seen_at`). Revoking deletes the session from Django's session store, so the next request
of that browser is anonymous.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from casewatch.core import audit
from casewatch.core.choices import AuditAction
from casewatch.core.models_ops import UserSession

TOUCH_EVERY = timedelta(seconds=60)


def open_session(request, user) -> UserSession | None:
    """Record the session that a login just created."""
    key = request.session.session_key
    if not key:
        request.session.save()
        key = request.session.session_key
    record, _created = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "client_ip": audit.current().client_ip or request.META.get("REMOTE_ADDR"),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "last_seen_at": timezone.now(),
            "ended_at": None,
            "end_reason": "",
        },
    )
    request.session["_cw_touch"] = timezone.now().timestamp()
    return record


def close_session(session_key: str | None, reason: str) -> None:
    """Mark a session record ended (logout, revoked, expired)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )


def touch(request) -> None:
    """Note activity on the record, at most once a minute (a cheap UPDATE, no read)."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return
    now = timezone.now()
    last = session.get("_cw_touch", 0)
    if now.timestamp() - last >= TOUCH_EVERY.total_seconds():
        session["_cw_touch"] = now.timestamp()
        UserSession.objects.filter(session_key=session.session_key, ended_at__isnull=True).update(
            last_seen_at=now
        )


def active_sessions(user):
    """The user's sessions that are still open (not ended and not idle past the timeout)."""
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return UserSession.objects.filter(user=user, ended_at__isnull=True, last_seen_at__gte=cutoff)


def revoke(record: UserSession, by) -> None:
    """End a session now: delete it from the session store and audit who did it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key=record.session_key).delete()
    close_session(record.session_key, "revoked")
    audit.record(
        AuditAction.LOGOUT,
        record.user,
        user=by,
        message=f"session {record.session_key[:6]}… from {record.client_ip} revoked by {by.username}",
    )


def active_sessions_count() -> int:
    """Open sessions of all accounts (for /metrics)."""
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return UserSession.objects.filter(ended_at__isnull=True, last_seen_at__gte=cutoff).count()

"""Request context (id, client address, audit, access log, metrics), security headers, session
records, and the password changes an account owes (first login, expiry)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from casewatch.core import audit, metrics

access_log = logging.getLogger("casewatch.requests")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request) -> str | None:
    """The client address: REMOTE_ADDR, or the nearest untrusted X-Forwarded-For entry when the
    request came through a proxy listed in CASEWATCH_TRUSTED_PROXIES."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXIES
    if remote and remote in trusted:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        for address in reversed(forwarded):
            if address not in trusted:
                return address
    return remote


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID), opens an audit context for it, writes
    one JSON access-log line and counts it for /metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        # A proxy's id is kept (one id from nginx to the audit trail); anything odd is replaced.
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        ip = client_ip(request)
        if ip:
            request.META["REMOTE_ADDR"] = ip
        token = audit.begin(request.id, ip)
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
        finally:
            ctx = audit.current()
            audit.end(token)
            seconds = time.perf_counter() - started
            route = metrics.route_of(request)
            metrics.observe_request(request.method, route, status, seconds)
            user = ctx.user or getattr(request, "user", None)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "request_id": request.id,
                    "client_ip": ip,
                    "user": getattr(user, "username", "") if getattr(user, "is_authenticated", False) else "",
                    "method": request.method,
                    "path": request.path,
                    "route": route,
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                },
            )
        response["X-Request-ID"] = request.id
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Django 5.2 has neither)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = "; ".join(f"{k} {v}" for k, v in settings.CSP_DIRECTIVES.items())
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


class SessionRecordMiddleware:
    """Keeps the signed-in session's record fresh (at most one UPDATE a minute)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from casewatch.core.sessions import touch

            touch(request)
        return self.get_response(request)


class AuditUserMiddleware:
    """Puts the authenticated user into the audit context (after authentication ran)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            audit.set_user(user)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Seeded and reset accounts must choose a new password before anything else."""

    # Respondent links of surveys and wall displays must open whatever the staff account's state.
    ALLOWED_PREFIXES = (
        "/static/",
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/",
        "/surveys/t/",
        "/surveys/p/",
        "/surveys/sw.js",
        "/deadlines/display/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from casewatch.core.auth import password_expired

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            owed = user.must_change_password or password_expired(user)
            if owed:
                allowed = {
                    reverse("core:password_change"),
                    reverse("core:logout"),
                    reverse("core:set_language"),
                }
                if request.path not in allowed and not request.path.startswith(self.ALLOWED_PREFIXES):
                    return redirect("core:password_change")
        return self.get_response(request)


class DefaultLanguageMiddleware:
    """Pages open in Simplified Chinese unless the person chose English (the language cookie).

    Browsers send their own Accept-Language (often English on office machines); the platform's
    working language is Chinese, so pages ignore it. The API keeps honouring Accept-Language,
    which is how programs ask for English errors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        if not request.path.startswith("/api/") and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META["HTTP_ACCEPT_LANGUAGE"] = settings.LANGUAGE_CODE
        return self.get_response(request)

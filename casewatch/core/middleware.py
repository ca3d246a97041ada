"""Request context for the audit trail, and the first-login password change."""

from __future__ import annotations

import uuid

from django.shortcuts import redirect
from django.urls import reverse

from casewatch.core import audit


def client_ip(request) -> str | None:
    """The client address (REMOTE_ADDR; proxies are expected to set it correctly)."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and opens an audit context for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4().hex[:16]
        token = audit.begin(request.id, client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            audit.end(token)
        response["X-Request-ID"] = request.id
        return response


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
        "/api/",
        "/surveys/t/",
        "/surveys/p/",
        "/surveys/sw.js",
        "/deadlines/display/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("core:password_change"), reverse("core:logout"), reverse("core:set_language")}
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

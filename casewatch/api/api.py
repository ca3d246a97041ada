"""The REST API: /api/v1/ with an OpenAPI document and interactive docs at /api/v1/docs.

Authentication: a personal API token (``Authorization: Bearer cw_…``) or the browser session.
Every endpoint goes through the same `restrict` gate as the pages; out-of-scope objects answer
404. Errors are JSON ``{"code": …, "message": …}`` in the request's language.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from casewatch.core import audit
from casewatch.core.models import ApiToken
from casewatch.core.views_ops import docs_login_required


class TokenAuth(HttpBearer):
    """Bearer token from the token page."""

    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
            audit.set_user(user)
        return user


class SessionAuth(APIKeyCookie):
    """The browser session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.must_change_password:
            return user
        return None


api = NinjaAPI(
    title="casewatch API",
    version="1",
    description="执法司法规范化监督平台 API — scoped by the caller's organisation subtree.",
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=docs_login_required,  # the OpenAPI document and the docs page need a login too
    auth=[TokenAuth(), SessionAuth()],
)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", str(exc) or _("Your role does not allow this."))


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, 401, "unauthorized", _("Authentication required: a valid API token or session."))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return _error(request, 422, "invalid", _("The request is not valid."), errors=exc.errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, getattr(exc, "code", "error"), str(exc))


api.add_router("/", import_module("casewatch.core.api").router)
api.add_router("/cases/", import_module("casewatch.cases.api_import").router)
for _app in (
    "cases",
    "screening",
    "problems",
    "deadlines",
    "reviews",
    "falselit",
    "surveys",
    "property",
    "enforcement",
    "notary",
    "campaign",
):
    # An installed app without an API (or not yet with one) simply adds no router.
    if apps.is_installed(f"casewatch.{_app}") and find_spec(f"casewatch.{_app}.api") is not None:
        module = import_module(f"casewatch.{_app}.api")
        api.add_router(f"/{_app}/", module.router)

"""URL map: the platform shell, each app under its own prefix, the API under /api/v1/."""

from importlib.util import find_spec

from django.apps import apps
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _

from casewatch.api.api import api
from casewatch.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("casewatch.core.urls")),
]


def api_not_found(request, rest=""):
    """Unknown API paths answer in the API's JSON error shape, not an HTML page."""
    return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)


urlpatterns.append(re_path(r"^api/(?P<rest>.*)$", api_not_found))

for _app, _prefix in (
    ("cases", "cases/"),
    ("screening", "screening/"),
    ("problems", "problems/"),
    ("deadlines", "deadlines/"),
    ("reviews", "reviews/"),
    ("falselit", "falselit/"),
    ("surveys", "surveys/"),
    ("property", "property/"),
    ("enforcement", "enforcement/"),
    ("notary", "notary/"),
    ("campaign", "campaign/"),
):
    if apps.is_installed(f"casewatch.{_app}") and find_spec(f"casewatch.{_app}.urls") is not None:
        urlpatterns.append(path(_prefix, include(f"casewatch.{_app}.urls")))

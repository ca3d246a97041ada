"""URL map: the platform shell, each app under its own prefix, the API under /api/v1/."""

from django.apps import apps
from django.urls import include, path

from casewatch.api.api import api
from casewatch.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("casewatch.core.urls")),
]

for _app, _prefix in (
    ("cases", "cases/"),
    ("screening", "screening/"),
    ("problems", "problems/"),
    ("deadlines", "deadlines/"),
    ("reviews", "reviews/"),
    ("falselit", "falselit/"),
    ("surveys", "surveys/"),
):
    if apps.is_installed(f"casewatch.{_app}"):
        urlpatterns.append(path(_prefix, include(f"casewatch.{_app}.urls")))

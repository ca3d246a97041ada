"""URLconf for the importer's API tests: the real URLs, plus the import router mounted at
/api/v1/cases/ when the project's API does not mount it yet (the lead mounts it in api/api.py)."""

from django.urls import path

from casewatch.api.api import api
from casewatch.cases.api_import import router
from casewatch.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(reg[1] is router for reg in getattr(api, "_router_registrations", ())):
    from ninja import NinjaAPI

    from casewatch.api.api import SessionAuth, TokenAuth

    test_api = NinjaAPI(urls_namespace="import_test_api", auth=[TokenAuth(), SessionAuth()], docs_url=None)
    test_api.add_router("/cases/", router)
    urlpatterns.insert(0, path("api/v1/", test_api.urls))

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Assembles the REST API (/api/v1/) from each app's router."""

    name = "casewatch.api"
    label = "casewatch_api"

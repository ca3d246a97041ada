from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """The case registry: matters, cases, parties, events, documents, transfers; importers."""

    name = "casewatch.cases"
    label = "cases"
    verbose_name = _("Case registry")

    def ready(self):
        from casewatch.core.context_processors import register_nav

        register_nav("cases:case_list", _("Cases"), "view", position=1)
        register_nav("cases:import_list", _("Imports"), "import")
        register_nav("cases:indicator_single_track", _("Single-track coverage"), "view")
        from importlib.util import find_spec

        if find_spec("casewatch.cases.tasks"):
            from casewatch.cases import tasks  # noqa: F401 - registers the import job

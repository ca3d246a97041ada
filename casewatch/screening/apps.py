from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    """Screening (全面排查): the rule catalogue, screening runs and findings."""

    name = "casewatch.screening"
    label = "screening"
    verbose_name = _("Screening")

    def ready(self):
        from casewatch.core.context_processors import register_nav
        from casewatch.screening import (
            audit_text,
            tasks,  # noqa: F401 - registers the analysis job
        )

        audit_text.register()

        register_nav("screening:finding_list", _("Findings"), "view", position=2)
        register_nav("screening:rule_list", _("Rules"), "view", position=3)
        register_nav("screening:run_list", _("Screening runs"), "view", position=4)

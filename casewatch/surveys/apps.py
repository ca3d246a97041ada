from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Perceived-fairness evaluation (公平正义感受度评价): instruments, waves, tokens, responses,
    results, forums and reports."""

    name = "casewatch.surveys"
    label = "surveys"
    verbose_name = _("Perception surveys")

    def ready(self):
        from casewatch.core.context_processors import register_nav
        from casewatch.surveys import audit_text, tasks  # noqa: F401 - tasks registers the export job

        audit_text.register()

        register_nav("surveys:home", _("Perception surveys"), "view")
        register_nav("surveys:forum_list", _("Forums"), "view")

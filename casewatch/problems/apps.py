from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    """The problem list (问题清单): rectification, supervision orders, accountability and the board."""

    name = "casewatch.problems"
    label = "problems"
    verbose_name = _("Problems and rectification")

    def ready(self):
        from casewatch.core.context_processors import register_nav
        from casewatch.problems import audit_text, tasks  # noqa: F401 - tasks registers the scheduled jobs

        audit_text.register()

        register_nav("problems:problem_list", _("Problems"), "view", position=5)
        register_nav("problems:board", _("Progress board"), "view", position=6)
        register_nav("problems:order_list", _("Supervision orders"), "view", position=7)
        register_nav("problems:accountability", _("Accountability"), "view", position=8)

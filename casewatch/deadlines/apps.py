from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """Legal time limits, pendency, traffic lights, the display board and performance points."""

    name = "casewatch.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from casewatch.core.context_processors import register_nav
        from casewatch.deadlines import audit_text, measures_store, tasks  # noqa: F401 - register the refresh and measures jobs

        audit_text.register()

        register_nav("deadlines:deadline_list", _("Deadlines"), "view")
        register_nav("deadlines:measures", _("Deadline measures"), "view")

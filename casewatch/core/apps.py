from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Organisation tree, accounts and scopes, audit trail, jobs."""

    name = "casewatch.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from casewatch.core import audit, auth, jobs, scheduled_jobs  # noqa: F401 - signals, job kinds
        from casewatch.core.context_processors import register_nav

        register_nav("core:schedule_list", _("Scheduled work"), "admin")

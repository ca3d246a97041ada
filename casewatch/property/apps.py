from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    """The seized-property centre (涉案财物跨部门管理中心)."""

    name = "casewatch.property"
    label = "property"
    verbose_name = _("Seized-property centre")

    def ready(self):
        from casewatch.core.context_processors import register_nav
        from casewatch.property import audit_text, tasks  # noqa: F401 - tasks registers the alert refresh job

        audit_text.register()

        register_nav("property:dashboard", _("Seized property"), "view")

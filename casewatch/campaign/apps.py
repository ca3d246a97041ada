from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    """The campaign office's module (提升年活动): tasks, warning education, norms, research, the report."""

    name = "casewatch.campaign"
    label = "campaign"
    verbose_name = _("Campaign")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casewatch.campaign import audit_text
        from casewatch.core.context_processors import register_nav

        audit_text.register()

        register_nav("campaign:home", _("Campaign"), "view")
        register_nav("campaign:report", _("Campaign report"), "view")

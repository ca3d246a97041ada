from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FalselitConfig(AppConfig):
    """False-litigation leads (虚假诉讼): scan results, triage, referrals, feedback, statistics."""

    name = "casewatch.falselit"
    label = "falselit"
    verbose_name = _("False litigation")

    def ready(self):
        from casewatch.core.context_processors import register_nav

        register_nav("falselit:lead_list", _("False-litigation leads"), "view")

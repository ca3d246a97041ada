from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    """Enforcement and credit: dishonest-debtor list, positive incentive, credit repair, case funds."""

    name = "casewatch.enforcement"
    label = "enforcement"
    verbose_name = _("Enforcement and credit")

    def ready(self):
        from casewatch.core.context_processors import register_nav
        from casewatch.enforcement import audit_text

        audit_text.register()

        register_nav("enforcement:listings", _("Dishonest-debtor list"), "view")
        register_nav("enforcement:measures", _("Enforcement measures"), "view")

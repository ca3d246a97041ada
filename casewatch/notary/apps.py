from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotaryConfig(AppConfig):
    """公证E通: notarisation by many channels, integrated applications, digital processing, review."""

    name = "casewatch.notary"
    label = "notary"
    verbose_name = _("Notarisation")

    def ready(self):
        from casewatch.core.context_processors import register_nav
        from casewatch.notary import audit_text

        audit_text.register()

        register_nav("notary:queue", _("Notarisation"), "view", position=40)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """Case-quality review (案件评查): campaigns, sampling, rubrics, reviews, 一案三评, 四类案件, 一案双查."""

    name = "casewatch.reviews"
    label = "reviews"
    verbose_name = _("Case-quality review")

    def ready(self):
        from casewatch.core.context_processors import register_nav
        from casewatch.reviews import audit_text

        audit_text.register()

        register_nav("reviews:campaign_list", _("Review campaigns"), "view", position=9)
        register_nav("reviews:queue", _("My reviews"), "review", position=10)

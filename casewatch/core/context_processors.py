"""Template context: the navigation a user may use."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from casewatch.core.permissions import user_can

#: (url name, label, required action). Apps add their entries to this list in their AppConfig.
NAVIGATION: list[tuple[str, object, str]] = [
    ("core:home", _("Overview"), "view"),
    ("core:unit_list", _("Organisation"), "view"),
    ("core:job_list", _("Jobs"), "view"),
    ("core:audit_list", _("Audit trail"), "audit"),
]


def register_nav(url_name: str, label, action: str = "view", position: int | None = None) -> None:
    """Add a navigation entry (apps call this from AppConfig.ready)."""
    entry = (url_name, label, action)
    if entry not in NAVIGATION:
        NAVIGATION.insert(position if position is not None else len(NAVIGATION), entry)


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for url_name, label, action in NAVIGATION:
            if not user_can(user, action):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}

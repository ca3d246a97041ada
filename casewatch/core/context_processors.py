"""Template context: the navigation a user uses, per role, with exactly one current entry.

Apps add entries with `register_nav(url_name, label, action, position=...)` in their
AppConfig.ready (unchanged since the first version); the optional ``group`` and ``roles`` say
where an entry belongs and who sees it. Without them the entry's group is its URL namespace
(``property:dashboard`` → ``property``), and `ROLE_GROUPS` decides which roles see that group:
supervisors and auditors see every group, the specialised roles (custodian, enforcement
officer, notary) their own app, so a new app appears for the people who use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from casewatch.core.choices import Role
from casewatch.core.permissions import user_can


@dataclass(frozen=True)
class NavEntry:
    """One navigation entry: where it goes, its label, the action it needs, its group and roles."""

    url_name: str
    label: object
    action: str = "view"
    group: str = ""
    roles: frozenset | None = None  # None: every role whose groups include the entry's group

    def __iter__(self):  # (url name, label, action), as entries were before groups existed
        return iter((self.url_name, self.label, self.action))


#: entries whose group is not their URL namespace
DEFAULT_GROUPS = {
    "core:home": "home",
    "core:unit_list": "org",
    "core:job_list": "jobs",
    "core:audit_list": "audit",
    "core:schedule_list": "admin",
    "cases:import_list": "import",
    "problems:accountability": "accountability",
    "reviews:queue": "review_queue",
}

#: every group: supervisors see all of them (new apps' groups too)
ALL = "*"

#: which groups each role's navigation shows (the pages stay reachable by link and permission)
ROLE_GROUPS: dict[str, frozenset[str] | str] = {
    Role.COMMITTEE_SUPERVISOR: ALL,
    Role.AGENCY_SUPERVISOR: ALL,
    Role.AUDITOR: ALL,
    Role.REVIEWER: frozenset({"home", "cases", "review_queue", "reviews", "problems"}),
    Role.LEGAL_OFFICER: frozenset(
        {"home", "cases", "import", "screening", "problems", "deadlines", "jobs", "org"}
    ),
    Role.HANDLER: frozenset({"home", "cases", "problems", "deadlines"}),
    Role.SYSADMIN: frozenset({"home", "org", "jobs", "import", "admin"}),
    Role.PROPERTY_CUSTODIAN: frozenset({"home", "property", "cases"}),
    Role.ENFORCEMENT_OFFICER: frozenset({"home", "enforcement", "cases", "problems"}),
    Role.NOTARY: frozenset({"home", "notary", "problems"}),
}

#: groups supervisors do not need in their bar (their own work is elsewhere)
SUPERVISOR_HIDDEN = frozenset({"review_queue", "admin"})

NAVIGATION: list[NavEntry] = [
    NavEntry("core:home", _("Overview"), "view", "home"),
    NavEntry("core:unit_list", _("Organisation"), "view", "org"),
    NavEntry("core:job_list", _("Jobs"), "view", "jobs"),
    NavEntry("core:audit_list", _("Audit trail"), "audit", "audit"),
]


def register_nav(
    url_name: str,
    label,
    action: str = "view",
    position: int | None = None,
    *,
    group: str | None = None,
    roles=None,
) -> None:
    """Add a navigation entry (apps call this from AppConfig.ready).

    ``group`` defaults to the URL namespace; ``roles`` (an iterable of `Role` values) limits the
    entry to those roles, otherwise `ROLE_GROUPS` decides. Registering twice adds it once.
    """
    group = group or DEFAULT_GROUPS.get(url_name) or url_name.split(":", 1)[0]
    entry = NavEntry(url_name, label, action, group, frozenset(roles) if roles else None)
    if any(e.url_name == url_name for e in NAVIGATION):
        return
    NAVIGATION.insert(position if position is not None else len(NAVIGATION), entry)


def shows(user, entry: NavEntry) -> bool:
    """Whether the entry belongs in this user's navigation bar."""
    if not user_can(user, entry.action):
        return False
    if user.is_superuser:
        return True
    if entry.roles is not None:
        return user.role in entry.roles
    groups = ROLE_GROUPS.get(user.role, frozenset({"home"}))
    if groups == ALL:
        return entry.group not in SUPERVISOR_HIDDEN
    return entry.group in groups


def current(path: str, urls: list[str]) -> str | None:
    """The one entry a page belongs to: the longest entry URL the path starts with ('/' only itself)."""
    best = None
    for url in urls:
        if (path == url if url == "/" else path.startswith(url)) and (best is None or len(url) > len(best)):
            best = url
    return best


def entries_for(user) -> list[dict]:
    """The user's entries with their URLs (entries whose URL does not resolve are left out)."""
    items = []
    for entry in NAVIGATION:
        if not shows(user, entry):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": entry.label, "group": entry.group, "url_name": entry.url_name})
    return items


def all_modules(user) -> list[dict]:
    """Every page the role may open from the navigation list, shown or not (the home page's index)."""
    items = []
    for entry in NAVIGATION:
        if not user_can(user, entry.action) or entry.url_name == "core:home":
            continue
        if entry.roles is not None and not user.is_superuser and user.role not in entry.roles:
            continue
        try:
            items.append({"url": reverse(entry.url_name), "label": entry.label})
        except NoReverseMatch:
            continue
    return items


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items = entries_for(user)
        active = current(request.path, [i["url"] for i in items])
        for item in items:
            item["active"] = item["url"] == active
    return {"nav_items": items}

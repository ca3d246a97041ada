"""Template context: the unread count of the user's inbox, for the top bar.

Register in settings (TEMPLATES … context_processors): ``casewatch.problems.context_processors.inbox``.
The count is lazy — no query runs unless a template shows it — and computed once per request.
"""

from __future__ import annotations

from functools import cache


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread() -> int:
        from casewatch.problems.notifications import unread_count

        return unread_count(user)

    return {"inbox_unread": unread}

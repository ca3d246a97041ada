"""Querysets of the surveys app: the scope gate, widened for shared catalogues.

Instruments and waves set up at the city level are used by every district: a district user may
*view* records owned by an ancestor of their scope (or by nobody), but changes stay inside the
subtree. Responses, tokens, links and forums use the plain gate (`RestrictedQuerySet`).
"""

from __future__ import annotations

from django.db.models import Q

from casewatch.core.choices import Action
from casewatch.core.permissions import user_can
from casewatch.core.querysets import RestrictedQuerySet, scope_path


def ancestor_paths(path: str) -> list[str]:
    """The materialised paths above `path`: ``/a/b/c/`` → ``["/a/", "/a/b/"]``."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


class SharedRestrictedQuerySet(RestrictedQuerySet):
    """Rows owned by the user's subtree; for viewing, also rows owned by an ancestor or by no unit."""

    def restrict(self, user, action: str = Action.VIEW):
        if not user_can(user, action):
            return self.none()
        path = scope_path(user)
        if path is None:
            return self.none()
        if path == "/":
            return self
        condition = Q(unit__path__startswith=path)
        if action == Action.VIEW:
            condition |= Q(unit__path__in=ancestor_paths(path)) | Q(unit__isnull=True)
        return self.filter(condition)


class InstrumentQuerySet(SharedRestrictedQuerySet):
    def published(self):
        from casewatch.surveys.choices import InstrumentStatus

        return self.filter(status=InstrumentStatus.PUBLISHED)

    def latest_versions(self):
        """The newest version of each instrument code."""
        from django.db.models import Max

        newest = self.values("code").annotate(v=Max("version"))
        q = Q(pk__in=[])
        for row in newest:
            q |= Q(code=row["code"], version=row["v"])
        return self.filter(q)


class ResponseQuerySet(RestrictedQuerySet):
    def for_wave(self, wave):
        return self.filter(wave=wave)

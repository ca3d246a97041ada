"""The one access gate: `restrict(user, action)` on every queryset that reaches a person.

Each model names the path from itself to the `Unit` that owns it in `scope_field` (``""`` for a
unit itself, ``"unit"`` for most records, ``"case__unit"`` for a case's children). `restrict`
returns nothing when the user's role lacks the action, and otherwise only rows whose owning
unit lies in the user's scope subtree.
"""

from __future__ import annotations

from django.db import models

from casewatch.core.permissions import user_can


def scope_path(user) -> str | None:
    """The materialised path of the user's scope, or None when the user sees nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser and user.scope_id is None:
        return "/"
    scope = getattr(user, "scope", None)
    return scope.path if scope is not None else None


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to limit itself to what a user may see."""

    def restrict(self, user, action: str = "view"):
        if not user_can(user, action):
            return self.none()
        path = scope_path(user)
        if path is None:
            return self.none()
        if path == "/":
            return self
        field = getattr(self.model, "scope_field", "unit")
        lookup = f"{field}__path__startswith" if field else "path__startswith"
        qs = self.filter(**{lookup: path})
        # Scoping through a one-to-many relation (a party through its cases) can repeat rows.
        return qs.distinct() if getattr(self.model, "scope_distinct", False) else qs


class AuditQuerySet(models.QuerySet):
    """Audit records: append-only, readable by auditors within their scope."""

    def update(self, **kwargs):
        raise PermissionError("audit records are append-only")

    def delete(self):
        raise PermissionError("audit records are append-only")

    def restrict(self, user, action: str = "audit"):
        if not user_can(user, "audit"):
            return self.none()
        path = scope_path(user)
        if path is None:
            return self.none()
        if path == "/":
            return self
        if path.count("/") == 2:
            # An auditor of the whole tree (the city) also reads the records that belong to no
            # unit: failed logins of unknown usernames, commands run from the shell.
            return self.filter(models.Q(unit_path__startswith=path) | models.Q(unit_path=""))
        return self.filter(unit_path__startswith=path)

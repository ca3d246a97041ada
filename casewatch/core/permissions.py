"""Roles and what each may do, declared in one place.

A user holds one role and a scope (a subtree of the organisation). The gate
`RestrictedQuerySet.restrict(user, action)` first asks `role_allows(role, action)` and then
filters the queryset to the user's subtree.
"""

from casewatch.core.choices import Action, Role

A = Action

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.COMMITTEE_SUPERVISOR: frozenset({A.VIEW, A.CHANGE, A.EXPORT, A.REVEAL, A.SUPERVISE, A.IMPORT}),
    Role.AGENCY_SUPERVISOR: frozenset({A.VIEW, A.CHANGE, A.EXPORT, A.REVEAL, A.SUPERVISE, A.IMPORT}),
    Role.REVIEWER: frozenset({A.VIEW, A.EXPORT, A.REVIEW}),
    Role.LEGAL_OFFICER: frozenset({A.VIEW, A.CHANGE, A.EXPORT, A.REVEAL, A.IMPORT, A.HANDLE}),
    Role.HANDLER: frozenset({A.VIEW, A.HANDLE}),
    Role.AUDITOR: frozenset({A.VIEW, A.AUDIT, A.EXPORT}),
    Role.SYSADMIN: frozenset({A.VIEW, A.ADMIN, A.IMPORT}),
    Role.PROPERTY_CUSTODIAN: frozenset({A.VIEW, A.HANDLE, A.EXPORT}),
    Role.ENFORCEMENT_OFFICER: frozenset({A.VIEW, A.CHANGE, A.EXPORT, A.REVEAL, A.HANDLE, A.IMPORT}),
    Role.NOTARY: frozenset({A.VIEW, A.CHANGE, A.EXPORT, A.REVEAL, A.HANDLE}),
}


def role_allows(role: str, action: str) -> bool:
    """True when the role includes the action."""
    return action in ROLE_ACTIONS.get(role, frozenset())


def user_can(user, action: str) -> bool:
    """True when an active, authenticated user's role includes the action."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return role_allows(user.role, action)

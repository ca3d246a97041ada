"""Enumerations of the core app: unit kinds, roles, actions, audit actions, job states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    AGENCY = "agency", _("Agency")
    UNIT = "unit", _("Unit")
    DIVISION = "division", _("Division")


class AgencyKind(models.TextChoices):
    COMMITTEE = "committee", _("Political-legal committee")
    POLICE = "police", _("Police")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    COURT = "court", _("Court")
    JUSTICE = "justice", _("Justice bureau")


class Role(models.TextChoices):
    COMMITTEE_SUPERVISOR = "committee_supervisor", _("Committee supervisor")
    AGENCY_SUPERVISOR = "agency_supervisor", _("Agency supervisor")
    REVIEWER = "reviewer", _("Reviewer")
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    HANDLER = "handler", _("Case handler")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")
    PROPERTY_CUSTODIAN = "property_custodian", _("Seized-property custodian")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("Enforcement officer")
    NOTARY = "notary", _("Notary")


class Action(models.TextChoices):
    """What a role may do; `restrict(user, action)` checks one of these."""

    VIEW = "view", _("View")
    CHANGE = "change", _("Change")
    EXPORT = "export", _("Export")
    REVEAL = "reveal", _("Reveal personal data")
    SUPERVISE = "supervise", _("Supervise")
    REVIEW = "review", _("Review cases")
    HANDLE = "handle", _("Handle and rectify")
    IMPORT = "import", _("Import data")
    AUDIT = "audit", _("Read the audit trail")
    ADMIN = "admin", _("Administer accounts")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Account locked")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    REVEAL = "reveal", _("Personal data revealed")
    EXPORT = "export", _("Exported")
    ACCESS_DENIED = "access_denied", _("Out-of-scope access refused")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    JOB = "job", _("Job")
    IMPORT = "import", _("Imported")
    TRANSITION = "transition", _("Workflow transition")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")

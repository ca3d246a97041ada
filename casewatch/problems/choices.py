"""Enumerations of the problem list: sources, states, measures, orders, accountability, inbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemSource(models.TextChoices):
    """Where a problem came from."""

    SCREENING = "screening", _("Screening finding")
    REVIEW = "review", _("Review deduction")
    PETITION = "petition", _("Petition")
    SUPERVISION = "supervision", _("Supervision finding")
    MANUAL = "manual", _("Manual entry")
    SURVEY = "survey", _("Perceived-fairness survey")
    FORUM = "forum", _("Forum (座谈会)")
    PROPERTY = "property", _("Seized-property centre")
    ENFORCEMENT = "enforcement", _("Enforcement and credit")
    NOTARY = "notary", _("Notarisation review")
    DEADLINE = "deadline", _("Deadline escalation")


class ProblemStatus(models.TextChoices):
    """open → assigned → rectifying → submitted → verified; dismissed on the side."""

    OPEN = "open", _("Open")
    ASSIGNED = "assigned", _("Assigned")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Submitted for verification")
    VERIFIED = "verified", _("Verified (closed)")
    DISMISSED = "dismissed", _("Dismissed")


#: States in which a problem still needs work (and can become overdue).
OPEN_STATUSES = (
    ProblemStatus.OPEN,
    ProblemStatus.ASSIGNED,
    ProblemStatus.RECTIFYING,
    ProblemStatus.SUBMITTED,
)
#: States a supervisor can reopen.
CLOSED_STATUSES = (ProblemStatus.VERIFIED, ProblemStatus.DISMISSED)


class Severity(models.TextChoices):
    """Severity of a problem; the values match the screening rules' severities."""

    HIGH = "high", _("Serious")
    MEDIUM = "medium", _("Moderate")
    LOW = "low", _("Minor")


class Measure(models.TextChoices):
    """Rectification measures named by the campaign."""

    REMEDY_DEFECT = "remedy_defect", _("Remedy the defect")
    APOLOGISE = "apologise", _("Apologise")
    REVOKE_CASE = "revoke_case", _("Revoke the case")
    REFILE_CASE = "refile_case", _("Re-file the case")
    CORRECT_ERROR = "correct_error", _("Correct the handling error")
    OTHER = "other", _("Other")


class ProblemAction(models.TextChoices):
    """What happened to a problem (its history and the audit trail)."""

    CREATE = "create", _("Put on the problem list")
    ASSIGN = "assign", _("Assigned")
    START = "start", _("Rectification started")
    EVIDENCE = "evidence", _("Evidence attached")
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned")
    VERIFY = "verify", _("Verified")
    DISMISS = "dismiss", _("Dismissed")
    REOPEN = "reopen", _("Reopened")
    DEADLINE = "deadline", _("Deadline changed")
    EDIT = "edit", _("Details changed")
    OVERDUE = "overdue", _("Marked overdue")
    ESCALATE = "escalate", _("Escalated to a supervision order")


class OrderLevel(models.TextChoices):
    """Who supervises: the city (市级) or a district (区县级)."""

    DISTRICT = "district", _("District level")
    CITY = "city", _("City level")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class OrderOrigin(models.TextChoices):
    MANUAL = "manual", _("Issued by a supervisor")
    ESCALATION = "escalation", _("Escalated overdue problem")
    DEADLINE = "deadline", _("Automatic: case past its legal time limit")


class AccountabilitySubject(models.TextChoices):
    UNIT = "unit", _("Unit")
    PERSON = "person", _("Person")


class TriggerKind(models.TextChoices):
    """COUNT: at least `threshold` problems (of a severity) found within `window_days`.
    OVERDUE: at least `threshold` open problems overdue by more than `overdue_days`."""

    COUNT = "count", _("Repeated problems within a window")
    OVERDUE = "overdue", _("Problems long overdue")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    DECIDED = "decided", _("Decided")


class Outcome(models.TextChoices):
    """Outcomes of an accountability review; always recorded by a person."""

    TALK_REMINDER = "talk_reminder", _("Reminder talk")
    CRITICISM = "criticism", _("Circulated criticism")
    ADMONITION = "admonition", _("Admonishment talk")
    DISCIPLINE_REFERRAL = "discipline_referral", _("Referred to the discipline body")
    NO_ACTION = "no_action", _("No accountability")


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Problem assigned")
    SUBMITTED = "submitted", _("Rectification submitted")
    RETURNED = "returned", _("Rectification returned")
    VERIFIED = "verified", _("Rectification verified")
    DISMISSED = "dismissed", _("Problem dismissed")
    REOPENED = "reopened", _("Problem reopened")
    OVERDUE = "overdue", _("Problem overdue")
    ESCALATED = "escalated", _("Problem escalated")
    ORDER_ISSUED = "order_issued", _("Supervision order issued")
    ORDER_REPORT = "order_report", _("Progress report filed")
    ORDER_ESCALATED = "order_escalated", _("Supervision order escalated")
    ORDER_CLOSED = "order_closed", _("Supervision order closed")
    ACCOUNTABILITY = "accountability", _("Accountability review opened")


class EmailMode(models.TextChoices):
    NONE = "none", _("No e-mail")
    IMMEDIATE = "immediate", _("One e-mail per notification")
    DAILY = "daily", _("A daily digest")

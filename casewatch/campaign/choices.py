"""Enumerations of the campaign app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    CLOSED = "closed", _("Closed")


class TaskKind(models.TextChoices):
    """The six tasks of the campaign (六个一)."""

    REVIEW = "review", _("One concentrated case review")
    FALSELIT = "falselit", _("One false-litigation action")
    FAIRNESS = "fairness", _("One fairness-evaluation mechanism")
    HARD_PROBLEMS = "hard_problems", _("One batch of hard problems solved")
    NORMS = "norms", _("One batch of norms")
    EDUCATION = "education", _("One education and rectification drive")


class SessionForm(models.TextChoices):
    """How a warning-education session was held."""

    MEETING = "meeting", _("Meeting")
    FILM = "film", _("Warning film")
    CASE_STUDY = "case_study", _("Case study")
    FAMILY = "family", _("Family integrity")
    SIX_QUESTIONS = "six_questions", _("Six questions, six checks, six finds (六问六查六找)")
    LECTURE = "lecture", _("Lecture")
    VISIT = "visit", _("Visit to an education base")
    OTHER = "other", _("Other")


class AttendanceMethod(models.TextChoices):
    SCAN = "scan", _("Signed in by scanning")
    IMPORT = "import", _("Imported list")
    MANUAL = "manual", _("Recorded by the organiser")


class NormKind(models.TextChoices):
    JOINT = "joint", _("Joint document")
    AGENCY = "agency", _("Agency rule")
    MECHANISM = "mechanism", _("Working mechanism")


class NormStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REVISED = "revised", _("Revised")
    REPEALED = "repealed", _("Repealed")


class LinkKind(models.TextChoices):
    """What a norm grounds."""

    SCREENING_RULE = "screening_rule", _("Screening rule")
    RUBRIC_ITEM = "rubric_item", _("Rubric item")
    DEADLINE_SETTING = "deadline_setting", _("Deadline setting")


class TopicStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RESEARCHING = "researching", _("Researching")
    CONCLUDED = "concluded", _("Concluded")

"""Enumerations of the surveys app."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RespondentGroup(models.TextChoices):
    """Who answers: the pilot's three groups plus court users for CourTools Measure 1."""

    PARTY = "party", _("Case parties")
    LAWYER = "lawyer", _("Lawyers and legal workers")
    RESIDENT = "resident", _("Residents")
    COURT_USER = "court_user", _("Court users")


class ItemKind(models.TextChoices):
    SELECT_ONE = "select_one", _("Single choice")
    SELECT_MULTIPLE = "select_multiple", _("Multiple choice")
    LIKERT = "likert", _("Rating scale (3 to 11 points)")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", pgettext_lazy("survey question kind", "Number")
    TEXT = "text", pgettext_lazy("survey question kind", "Text")
    NOTE = "note", _("Note (no answer)")


class Dimension(models.TextChoices):
    """What a rating item measures. The first six are the pilot's; access and fairness are
    CourTools Measure 1's two indices; overall is a global rating."""

    PROCESS = "process", _("Fairness of process")
    OUTCOME = "outcome", _("Fairness of outcome")
    RESPECT = "respect", _("Respect")
    EFFICIENCY = "efficiency", _("Efficiency")
    TRANSPARENCY = "transparency", _("Transparency")
    INTEGRITY = "integrity", _("Integrity")
    ACCESS = "access", _("Access")
    FAIRNESS = "fairness", _("Fairness")
    OVERALL = "overall", _("Overall")


class Agency(models.TextChoices):
    """The agency an item is about (same values as core AgencyKind, without the committee)."""

    POLICE = "police", _("Police")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    COURT = "court", _("Court")
    JUSTICE = "justice", _("Justice bureau")


class InstrumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class WaveStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey wave", "Draft")
    OPEN = "open", pgettext_lazy("survey wave", "Open")
    CLOSED = "closed", pgettext_lazy("survey wave", "Closed")


class Channel(models.TextChoices):
    TOKEN = "token", _("Invitation (one-time link)")
    PUBLIC = "public", _("Public link")
    PAPER = "paper", _("Paper form entered by staff")
    IMPORT = "import", _("Imported from another platform")


#: "satisfied = top k boxes" of each item's own scale (capped at points − 1 on a short scale)
TOP_BOX_CHOICES = [(k, format_lazy(_("top {k} boxes"), k=k)) for k in range(1, 11)]


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel")


#: Party roles answered with the lawyers' instrument; every other role gets the parties' one.
LAWYER_ROLES = frozenset({"agent", "defence_counsel", "duty_lawyer"})

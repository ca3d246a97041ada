from django.db import models
from django.utils.translation import gettext_lazy as _


class FindingStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    RESOLVED = "resolved", _("Resolved")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RunMode(models.TextChoices):
    FULL = "full", _("Full")
    INCREMENTAL = "incremental", _("Incremental")

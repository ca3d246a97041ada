"""Enumerations of the deadlines app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    NONE = "none", _("No statutory limit")


class EscalationStepChoices(models.TextChoices):
    DIVISION_HEAD = "division_head", _("Division head supervises")
    VICE_PRESIDENT = "vice_president", _("Vice-president takes the case")
    PRESIDENT = "president", _("President takes the case, reported upward")


class EscalationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a supervision order")
    RAISED = "raised", _("Supervision order raised")

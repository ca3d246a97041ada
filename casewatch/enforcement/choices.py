"""Choices of the enforcement workflow objects (the canonical enumerations live in the schema)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    INCENTIVE = "incentive", _("Certificate of voluntary performance")
    REPAIR = "repair", _("Certificate of credit repair")


class PushTarget(models.TextChoices):
    CREDIT = "credit", _("Credit platform (信用宁波)")
    BANK = "bank", _("Bank")


class LineStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    PARTIAL = "partial", _("Partially matched")
    UNMATCHED = "unmatched", _("Unmatched")
    DUPLICATE = "duplicate", _("Duplicate line")
    UNKNOWN_ACCOUNT = "unknown_account", _("Unknown account")

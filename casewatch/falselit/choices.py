from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadKind(models.TextChoices):
    CASE = "case", _("Case")
    CLUSTER = "cluster", _("Cluster")
    PARTY = "party", _("Party")


class LeadOrigin(models.TextChoices):
    SCAN = "scan", _("Risk scan")
    MANUAL = "manual", _("Entered by hand")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Under review")
    REFERRED = "referred", _("Referred")
    DISMISSED = "dismissed", _("Dismissed at triage")
    CLOSED = "closed", _("Closed with outcome")


class LeadOutcome(models.TextChoices):
    NONE = "", _("No outcome yet")
    CONFIRMED = "confirmed", _("Confirmed false litigation")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    CRIMINAL = "criminal_case", _("Criminal case opened")


class Category(models.TextChoices):
    SERIAL_LENDER = "serial_lender", _("Serial private lender")
    COLLUSIVE_PAIR = "collusive_pair", _("Collusive pair")
    AGENT_RING = "agent_ring", _("Parties tied by one agent and one address or phone")
    DEBTOR_PILEUP = "debtor_pileup", _("Claims piling up against a debtor")
    FAKE_LABOUR = "fake_labour", _("Labour claims against one company")
    DIVORCE_DEBT = "divorce_debt", _("Debts against a spouse during divorce")
    EXECUTION = "execution_related", _("Execution objection / distribution claim")
    OTHER = "other", _("Other")

"""Workflow objects of the enforcement app: certificates, honour batches, pushes, fee reductions,
repair instalments, clearance batches and bank-statement reconciliation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.cases.models import Case
from casewatch.core.models import ChangeLoggedModel, Unit
from casewatch.core.querysets import RestrictedQuerySet
from casewatch.enforcement.choices import CertificateKind, LineStatus, PushTarget

__all__ = [
    "Certificate",
    "ClearanceBatch",
    "ClearanceItem",
    "FeeReduction",
    "HonourBatch",
    "HonourEntry",
    "Push",
    "RepairInstalment",
    "StatementImport",
    "StatementLine",
]

_MONEY = {"max_digits": 18, "decimal_places": 2}
_USER = settings.AUTH_USER_MODEL


class Certificate(ChangeLoggedModel):
    """自动履行证明书 or 信用修复证明: the facts, their HMAC code, and revocation."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    debtor_party_id = models.CharField(_("debtor"), max_length=40)
    debtor_name = models.CharField(_("debtor name"), max_length=200)
    debtor_is_org = models.BooleanField(_("organisation"), default=True)
    amount = models.DecimalField(_("amount performed (yuan)"), **_MONEY)
    performed_on = models.DateField(_("performed on"))
    issued_on = models.DateField(_("issued on"))
    code = models.CharField(_("verification code"), max_length=32)
    issued_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoke_reason = models.CharField(_("revocation reason"), max_length=300, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "case", "debtor_party_id"],
                condition=models.Q(revoked_at__isnull=True),
                name="enf_one_live_certificate",
            )
        ]

    def __str__(self):
        return self.number


class HonourBatch(ChangeLoggedModel):
    """诚信履行名单: a batch of certificate holders, approved and then published."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    approved_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("honour batch")
        verbose_name_plural = _("honour batches")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class HonourEntry(models.Model):
    batch = models.ForeignKey(HonourBatch, on_delete=models.CASCADE, related_name="entries")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "batch__unit"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "certificate"], name="enf_honour_entry")]


class Push(ChangeLoggedModel):
    """A file pushed to the credit platform or a bank (format: docs/enforcement.md)."""

    batch = models.ForeignKey(HonourBatch, on_delete=models.PROTECT, related_name="pushes")
    target = models.CharField(_("target"), max_length=20, choices=PushTarget.choices)
    recipient = models.CharField(_("recipient"), max_length=100)
    filename = models.CharField(_("file name"), max_length=200)
    content = models.TextField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "batch__unit"

    class Meta:
        verbose_name = _("push")
        verbose_name_plural = _("pushes")
        ordering = ["-created_at"]


class FeeReduction(ChangeLoggedModel):
    """依法减免案件受理费 recorded against a certificate."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="fee_reductions")
    amount = models.DecimalField(_("amount reduced (yuan)"), **_MONEY)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "certificate__unit"


class RepairInstalment(ChangeLoggedModel):
    """One instalment of a shielded debtor's performance plan."""

    repair = models.ForeignKey(
        "enforcement.CreditRepair", on_delete=models.CASCADE, related_name="instalments"
    )
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount (yuan)"), **_MONEY)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "repair__unit"

    class Meta:
        ordering = ["due_on", "id"]


class ClearanceBatch(ChangeLoggedModel):
    """案款集中清理: receipts still held at the start, followed until they are paid out."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    held_since = models.DateField(_("receipts held since on or before"))
    started_on = models.DateField(_("started on"))
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("clearance batch")
        verbose_name_plural = _("clearance batches")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class ClearanceItem(models.Model):
    batch = models.ForeignKey(ClearanceBatch, on_delete=models.CASCADE, related_name="items")
    receipt = models.ForeignKey("enforcement.CaseFundMovement", on_delete=models.PROTECT, related_name="+")
    held_at_start = models.DecimalField(_("held at start (yuan)"), **_MONEY)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "batch__unit"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "receipt"], name="enf_clearance_item")]


class StatementImport(ChangeLoggedModel):
    """A bank statement imported for reconciliation against the case-fund ledger."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file name"), max_length=200)
    lines = models.PositiveIntegerField(_("lines"))
    counts = models.JSONField(_("counts"), default=dict)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-created_at"]


class StatementLine(models.Model):
    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="statement_lines")
    line_no = models.PositiveIntegerField(_("line"))
    account_no = models.CharField(_("account"), max_length=40)
    booked_on = models.DateField(_("booked on"))
    amount = models.DecimalField(_("amount (yuan)"), **_MONEY)
    bank_ref = models.CharField(_("bank reference"), max_length=60, blank=True, default="")
    status = models.CharField(_("status"), max_length=20, choices=LineStatus.choices)
    movement = models.ForeignKey(
        "enforcement.CaseFundMovement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    difference = models.DecimalField(_("difference (yuan)"), null=True, blank=True, **_MONEY)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "statement__unit"

    class Meta:
        ordering = ["statement", "line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["movement"], condition=models.Q(movement__isnull=False), name="enf_match_once"
            )
        ]

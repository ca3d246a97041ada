"""Notarisation (公证E通): the matters catalogue, applications bundling several matters, their
materials and requests for more, certificates with verification codes, standards reviews and
one-time codes for applicants.

Workflow changes go through `services.py` (role, scope, row lock, explicit TRANSITION audit
events); catalogue rows are change-logged by signal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casewatch.core.models import ChangeLoggedModel, Unit
from casewatch.core.querysets import RestrictedQuerySet
from casewatch.notary.choices import (
    Channel,
    CheckResult,
    Complexity,
    Delivery,
    ItemStatus,
    ReviewKind,
    ReviewStatus,
)


class MatterType(ChangeLoggedModel):
    """A kind of notarial matter: what it needs, where it may be done, its time limit and fee."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    complexity = models.CharField(_("complexity"), max_length=10, choices=Complexity.choices)
    online_allowed = models.BooleanField(
        _("may be done online"),
        default=False,
        help_text=_("Only simple matters may be applied for on the phone."),
    )
    in_person = models.BooleanField(
        _("in person only"), default=False, help_text=_("Wills, survival and adoption: 公证法 第26条.")
    )
    designated_offices = models.JSONField(
        _("designated offices"),
        default=list,
        blank=True,
        help_text=_("Unit codes of the offices that may handle a complex matter; empty = any office."),
    )
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"), default=15, help_text=_("From acceptance; 公证法 第30条.")
    )
    fee = models.DecimalField(_("fee (yuan)"), max_digits=8, decimal_places=2)
    materials = models.JSONField(_("required materials"), default=list, help_text=_("Material codes."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["complexity", "code"]
        verbose_name = _("matter type")
        verbose_name_plural = _("matter types")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name if (get_language() or "zh-hans").startswith("zh") else self.name_en

    def allowed_at(self, office_code: str) -> bool:
        """Whether the office may handle this matter."""
        return not self.designated_offices or office_code in self.designated_offices


class Application(models.Model):
    """One application (集成式服务): an applicant, an office, a channel and one or more matters."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    office = models.ForeignKey(
        Unit,
        verbose_name=_("notary office"),
        to_field="code",
        db_column="office_code",
        on_delete=models.PROTECT,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, db_index=True)
    applicant_name = models.CharField(_("applicant"), max_length=60)
    id_number = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("phone"), max_length=20)
    applicant_key = models.CharField(
        _("applicant key"),
        max_length=64,
        db_index=True,
        help_text=_("HMAC of the ID number: finds an applicant's own applications."),
    )
    external_ref = models.CharField(
        _("reference in the source system"), max_length=80, blank=True, default=""
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    scope_field = "office"
    personal_fields = ("id_number", "phone", "applicant_name")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("notarisation application")
        verbose_name_plural = _("notarisation applications")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="notary_application_external_once",
            )
        ]

    def __str__(self):
        return self.number


class Item(models.Model):
    """One matter inside an application, with its own state and time limit."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    matter = models.ForeignKey(MatterType, verbose_name=_("matter"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.SUBMITTED, db_index=True
    )
    notary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(
        _("working days not counted"),
        default=0,
        help_text=_("Time waiting for more materials (公证法 第30条)."),
    )
    paused_since = models.DateField(_("waiting since"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True, db_index=True)
    net_working_days = models.PositiveSmallIntegerField(
        _("working days taken"),
        null=True,
        blank=True,
        help_text=_("Acceptance to issue, less the days not counted."),
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=12, choices=Delivery.choices, blank=True, default=""
    )
    refusal_reason = models.CharField(_("refusal reason"), max_length=300, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "application__office"

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("matter in an application")
        verbose_name_plural = _("matters in applications")
        constraints = [
            models.UniqueConstraint(fields=["application", "matter"], name="notary_item_matter_once")
        ]
        indexes = [models.Index(fields=["matter", "issued_on"], name="notary_item_matter_issued")]

    def __str__(self):
        return f"{self.application.number} · {self.matter}"

    @property
    def on_time(self) -> bool | None:
        if self.issued_on is None or self.due_on is None:
            return None
        return self.issued_on <= self.due_on


class Material(models.Model):
    """A file handed in for an item, checked by content (problems.evidence) and stored by SHA-256."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="materials")
    requirement = models.CharField(_("material"), max_length=40)
    file = models.FileField(_("file"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked = models.BooleanField(_("checked by the notary"), default=False)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__application__office"

    class Meta:
        ordering = ["item_id", "requirement", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")


class MaterialRequest(models.Model):
    """A request to the applicant for more materials (一次性告知); the clock pauses meanwhile."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="requests")
    requirement = models.CharField(_("material"), max_length=40)
    message = models.CharField(_("message"), max_length=500)
    requested_on = models.DateField(_("requested on"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__application__office"

    class Meta:
        ordering = ["item_id", "id"]
        verbose_name = _("request for materials")
        verbose_name_plural = _("requests for materials")


class Certificate(models.Model):
    """A notarial certificate (公证书). ``code`` is an HMAC over ``facts``: a changed fact no longer
    matches its code, so the public page reports it as tampered."""

    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    facts = models.JSONField(_("facts"))
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__application__office"

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("notarial certificate")
        verbose_name_plural = _("notarial certificates")

    def __str__(self):
        return self.number


class ReviewSample(models.Model):
    """One random draw of items for review: the seed and the candidate fingerprint make it repeatable."""

    office = models.ForeignKey(Unit, to_field="code", db_column="office_code", on_delete=models.PROTECT)
    period_from = models.DateField(_("issued from"))
    period_to = models.DateField(_("issued to"))
    rate = models.DecimalField(_("sampling rate"), max_digits=4, decimal_places=3)
    seed = models.CharField(_("seed"), max_length=64)
    fingerprint = models.CharField(_("candidate fingerprint"), max_length=64)
    selected = models.JSONField(_("selected item ids"), default=list)
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    drawn_at = models.DateTimeField(_("drawn"), default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    scope_field = "office"

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("review sample")
        verbose_name_plural = _("review samples")


class Review(models.Model):
    """A standards review (规范性审查) of one item against the checklist."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices)
    sample = models.ForeignKey(
        ReviewSample, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    results = models.JSONField(_("checklist results"), default=dict)
    note = models.CharField(_("note"), max_length=1000, blank=True, default="")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    findings = models.PositiveSmallIntegerField(_("findings"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__application__office"

    class Meta:
        ordering = ["status", "-id"]
        verbose_name = _("standards review")
        verbose_name_plural = _("standards reviews")
        constraints = [models.UniqueConstraint(fields=["item", "kind"], name="notary_review_once_per_kind")]

    def failed_checks(self) -> list[str]:
        return [k for k, v in (self.results or {}).items() if v == CheckResult.FAIL]


class OneTimeCode(models.Model):
    """A code sent to an applicant's phone; only its hash is stored. Expires, limited attempts."""

    applicant_key = models.CharField(max_length=64, db_index=True)
    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

"""Deadline configuration (versioned), computed state, escalations and display tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.core.models import Unit
from casewatch.core.querysets import RestrictedQuerySet
from casewatch.deadlines.choices import EscalationStatus, EscalationStepChoices, Light


def parse_months(text: str) -> tuple[int, ...]:
    """'12,18,24,36' → (12, 18, 24, 36); at most four ascending positive numbers."""
    try:
        values = tuple(int(x) for x in str(text).replace("，", ",").split(",") if x.strip())
    except ValueError:
        raise ValidationError(_("Give whole numbers of months separated by commas.")) from None
    if not values or len(values) > 4 or any(v <= 0 for v in values) or list(values) != sorted(set(values)):
        raise ValidationError(_("Give one to four ascending month counts, e.g. 12,18,24,36."))
    return values


class VersionedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class LightRule(models.Model):
    """Traffic-light thresholds for one case type (blank = the default for all types).

    Never edited in place: a supervisor's change writes a new version and deactivates the old
    one, so every past light can be traced to the rule that produced it.
    """

    case_type = models.CharField(
        _("case type"),
        max_length=30,
        blank=True,
        default="",
        help_text=_("Blank: the default for every case type."),
    )
    version = models.PositiveIntegerField(_("version"))
    yellow_share_num = models.PositiveSmallIntegerField(
        _("yellow from share used (numerator)"),
        default=2,
        help_text=_("Yellow once this share of the limit is used."),
    )
    yellow_share_den = models.PositiveSmallIntegerField(_("yellow from share used (denominator)"), default=3)
    yellow_days_left = models.PositiveSmallIntegerField(_("yellow at days left"), default=15)
    red_days_left = models.PositiveSmallIntegerField(
        _("red at days left"),
        default=5,
        help_text=_("Red at or below this many days left, and when overdue."),
    )
    long_pending_months = models.CharField(
        _("long-pending classes (months)"),
        max_length=40,
        default="12,18,24,36",
        help_text=_("Raw age since filing, no exclusions."),
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("light rule")
        verbose_name_plural = _("light rules")
        ordering = ["case_type", "-version"]
        constraints = [models.UniqueConstraint(fields=["case_type", "version"], name="lightrule_version")]

    def __str__(self):
        return f"{self.case_type or '*'} v{self.version}"

    def clean(self):
        if not self.yellow_share_den or not 0 < self.yellow_share_num <= self.yellow_share_den:
            raise ValidationError(_("The yellow share must be a fraction between 0 and 1."))
        if self.red_days_left > self.yellow_days_left:
            raise ValidationError(_("Red days left cannot exceed yellow days left."))
        parse_months(self.long_pending_months)


class EscalationRule(models.Model):
    """One rung of the escalation ladder (versioned like the light rules)."""

    step = models.CharField(_("step"), max_length=20, choices=EscalationStepChoices.choices)
    version = models.PositiveIntegerField(_("version"))
    min_overdue_days = models.PositiveIntegerField(_("from days overdue"))
    listed = models.BooleanField(_("listed supervision (挂牌)"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["min_overdue_days"]
        constraints = [models.UniqueConstraint(fields=["step", "version"], name="escalationrule_version")]

    def __str__(self):
        return f"{self.step} ≥{self.min_overdue_days}d v{self.version}"


class PointsRule(models.Model):
    """Performance points (绩效考评) deducted per red light, overdue day and long-pending case (versioned)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    per_red = models.DecimalField(_("points per red light"), max_digits=6, decimal_places=2, default=1)
    per_overdue_day = models.DecimalField(
        _("points per overdue day"), max_digits=6, decimal_places=2, default="0.10"
    )
    per_long_pending = models.DecimalField(
        _("points per long-pending case"), max_digits=6, decimal_places=2, default=2
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["-version"]

    def __str__(self):
        return f"points v{self.version}"


class CaseDeadline(models.Model):
    """The computed deadline state of one pending case (bulk-upserted by each refresh)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="deadline"
    )
    unit = models.ForeignKey(
        Unit, to_field="code", db_column="unit_code", on_delete=models.CASCADE, related_name="+"
    )
    case_number = models.CharField(_("case number"), max_length=80)
    case_type = models.CharField(_("case type"), max_length=30, db_index=True)
    procedure = models.CharField(_("procedure"), max_length=20, blank=True, default="")
    handler_staff_no = models.CharField(_("handler"), max_length=40, blank=True, default="", db_index=True)
    filed_at = models.DateField(_("filed at"))
    limit_period = models.CharField(_("statutory limit"), max_length=12, blank=True, default="")
    statutory_due = models.DateField(_("statutory due date"), null=True)
    excluded_days = models.IntegerField(_("excluded days"), default=0)
    extended_to = models.DateField(_("extended to"), null=True)
    extension_late = models.BooleanField(_("extension approved late"), default=False)
    due_date = models.DateField(_("due date"), null=True, db_index=True)
    holiday_shifted = models.BooleanField(_("holiday shifted"), default=False)
    calendar_gap = models.BooleanField(_("outside the holiday calendar"), default=False)
    limit_days = models.IntegerField(_("limit (days)"), null=True)
    legal_days_used = models.IntegerField(_("legal days used"))
    raw_age_days = models.IntegerField(_("raw age (days)"))
    days_left = models.IntegerField(_("days left"), null=True, db_index=True)
    overdue_days = models.IntegerField(_("days overdue"), default=0)
    light = models.CharField(_("light"), max_length=10, choices=Light.choices, db_index=True)
    long_pending_months = models.PositiveSmallIntegerField(
        _("long pending (months)"), default=0, db_index=True
    )
    escalation_step = models.CharField(_("escalation step"), max_length=20, blank=True, default="")
    as_of = models.DateField(_("as of"))

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        indexes = [models.Index(fields=["unit", "light"]), models.Index(fields=["light", "days_left"])]

    def __str__(self):
        return f"{self.case_number} {self.light}"


class CustodyState(models.Model):
    """One person's custody chain: current stage, basis expiry, days held without a legal basis."""

    person = models.CharField(_("person"), max_length=40)
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, to_field="code", db_column="unit_code", on_delete=models.CASCADE, related_name="+"
    )
    case_number = models.CharField(_("case number"), max_length=80)
    stage = models.CharField(_("stage"), max_length=30)
    stage_started = models.DateField(_("stage started"), null=True)
    basis_until = models.DateField(_("legal basis until"), null=True)
    in_custody = models.BooleanField(_("in custody"))
    days_left = models.IntegerField(_("days left"), null=True)
    gap_days = models.IntegerField(_("days without legal basis"), default=0)
    detained_on = models.DateField(_("detained on"), null=True)
    as_of = models.DateField(_("as of"))

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"
    personal_fields = ("person",)

    class Meta:
        verbose_name = _("custody state")
        verbose_name_plural = _("custody states")
        ordering = ["days_left"]

    def __str__(self):
        return f"{self.case_number} {self.stage}"


class Escalation(models.Model):
    """One rung of the ladder reached by an overdue case, and the supervision order it raised."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadline_escalations")
    unit = models.ForeignKey(
        Unit, to_field="code", db_column="unit_code", on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("step"), max_length=20, choices=EscalationStepChoices.choices)
    overdue_days = models.IntegerField(_("days overdue"))
    as_of = models.DateField(_("reached on"))
    status = models.CharField(
        _("status"), max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.PENDING
    )
    order_id = models.IntegerField(_("supervision order"), null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-as_of", "case_id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="escalation_case_step")]

    def __str__(self):
        return f"{self.case_id} {self.step}"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class DisplayToken(models.Model):
    """A read-only, revocable key that opens the display board of one organisation scope."""

    name = models.CharField(_("name"), max_length=80)
    unit = models.ForeignKey(
        Unit, to_field="code", db_column="unit_code", on_delete=models.CASCADE, related_name="+"
    )
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"
    audit_exclude = ("key_hash",)

    class Meta:
        verbose_name = _("display token")
        verbose_name_plural = _("display tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, unit, name: str, user=None) -> tuple[DisplayToken, str]:
        raw = secrets.token_urlsafe(24)
        token = cls.objects.create(
            name=name, unit=unit, prefix=raw[:8], key_hash=hash_key(raw), created_by=user
        )
        return token, raw

    @classmethod
    def lookup(cls, raw: str) -> DisplayToken | None:
        token = (
            cls.objects.select_related("unit")
            .filter(key_hash=hash_key(raw or ""), revoked_at__isnull=True)
            .first()
        )
        return token

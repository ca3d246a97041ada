"""Screening: versioned rules, recorded runs, and findings with a triage lifecycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casewatch.core.models import ChangeLoggedModel, Unit
from casewatch.core.querysets import RestrictedQuerySet
from casewatch.screening.choices import FindingStatus, RunMode, RunStatus, Severity


class RuleVersion(ChangeLoggedModel):
    """One version of a rule as it ran: built-in rules are synced from the code catalogue,
    supervisors' own rules are written in the UI. A finding names the version that produced it."""

    rule_id = models.CharField(_("rule id"), max_length=40, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    builtin = models.BooleanField(_("built-in"), default=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    area = models.CharField(_("area"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    subject = models.CharField(_("subject"), max_length=20, default="case")
    basis = models.JSONField(_("legal basis"), default=list)
    explanation_zh = models.TextField(_("explanation (Chinese)"), blank=True, default="")
    explanation_en = models.TextField(_("explanation (English)"), blank=True, default="")
    evidence_zh = models.TextField(_("evidence template (Chinese)"), blank=True, default="")
    evidence_en = models.TextField(_("evidence template (English)"), blank=True, default="")
    sql = models.TextField(_("SQL"))
    active = models.BooleanField(_("active"), default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For supervisors' own rules: the unit whose scope the rule runs on."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["rule_id", "-version"]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        constraints = [models.UniqueConstraint(fields=["rule_id", "version"], name="rule_version_key")]

    def __str__(self):
        return f"{self.rule_id} v{self.version}"


class ScreeningRun(models.Model):
    """One screening run: engine, rule versions, scope, rows scanned, counts, time per rule."""

    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    engine = models.CharField(_("engine"), max_length=20)
    mode = models.CharField(_("mode"), max_length=20, choices=RunMode.choices)
    as_of = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    rule_versions = models.JSONField(_("rule versions"), default=dict)
    rows_scanned = models.JSONField(_("rows scanned"), default=dict)
    cases_checked = models.PositiveIntegerField(_("cases checked"), default=0)
    findings_new = models.PositiveIntegerField(_("new findings"), default=0)
    findings_unchanged = models.PositiveIntegerField(_("unchanged findings"), default=0)
    findings_resolved = models.PositiveIntegerField(_("resolved findings"), default=0)
    rule_seconds = models.JSONField(_("seconds per rule"), default=dict)
    rule_counts = models.JSONField(_("findings per rule"), default=dict)
    snapshot_seconds = models.FloatField(_("snapshot seconds"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    warnings = models.JSONField(_("warnings"), default=list)
    error = models.TextField(_("error"), blank=True, default="")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")

    def __str__(self):
        return f"run #{self.pk} ({self.engine}, {self.mode})"


class FindingQuerySet(RestrictedQuerySet):
    def with_severity_rank(self):
        """Annotate ``severity_rank`` (high 3, medium 2, low 1) so serious findings sort first."""
        return self.annotate(
            severity_rank=models.Case(
                *(
                    models.When(severity=value, then=models.Value(rank))
                    for value, rank in SEVERITY_RANK.items()
                ),
                default=models.Value(0),
                output_field=models.IntegerField(),
            )
        )


#: severity → rank (higher is more serious)
SEVERITY_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class Finding(models.Model):
    """A problem a rule found in a case. Its key (rule, unit, case number, subject) is stable, so
    re-runs update it instead of duplicating it; a finding whose data no longer triggers the rule
    is marked resolved and kept."""

    key = models.CharField(_("key"), max_length=300, unique=True)
    rule_id = models.CharField(_("rule"), max_length=40, db_index=True)
    rule_version = models.PositiveIntegerField(_("rule version"))
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(
        Unit, to_field="code", db_column="unit_code", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=80)
    area = models.CharField(_("area"), max_length=40, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.NEW, db_index=True
    )
    evidence = models.JSONField(_("evidence"), default=dict)
    first_run = models.ForeignKey(ScreeningRun, null=True, on_delete=models.SET_NULL, related_name="+")
    last_run = models.ForeignKey(ScreeningRun, null=True, on_delete=models.SET_NULL, related_name="+")
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    dismissed_reason = models.TextField(_("reason for dismissal"), blank=True, default="")

    objects = FindingQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["status", "severity"]), models.Index(fields=["unit", "status"])]

    def __str__(self):
        return self.key

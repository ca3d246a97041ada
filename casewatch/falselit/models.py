"""False-litigation leads, referrals between agencies and outcome labels."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casewatch.core.querysets import RestrictedQuerySet
from casewatch.falselit.choices import Category, LeadKind, LeadOrigin, LeadOutcome, LeadStatus


class ScanRun(models.Model):
    """One run of the false-litigation pipeline (``falselit-scan``): figures, times, configuration."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True, default="")
    n_cases_scored = models.PositiveIntegerField(_("cases with indicators"), default=0)
    n_leads = models.PositiveIntegerField(_("leads created"), default=0)
    times = models.JSONField(_("stage times (s)"), default=dict, blank=True)
    config = models.JSONField(_("configuration"), default=dict, blank=True)

    class Meta:
        verbose_name = _("scan run")
        verbose_name_plural = _("scan runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"scan {self.pk}"


class Lead(models.Model):
    """A false-litigation lead (线索): a case, a cluster of cases or a party, proposed by the risk
    scan or entered by hand. The system proposes; people at the receiving agency decide.

    ``unit`` is the unit currently holding the lead (the court of the main case at first; the
    receiving unit after a referral) and decides who sees it.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=LeadKind.choices, default=LeadKind.CLUSTER)
    origin = models.CharField(_("origin"), max_length=10, choices=LeadOrigin.choices, default=LeadOrigin.SCAN)
    ref = models.CharField(
        _("reference"), max_length=120, db_index=True, help_text=_("Cluster id, case key or entity id.")
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(
        _("category"), max_length=30, choices=Category.choices, default=Category.OTHER
    )
    score = models.FloatField(_("risk score"), default=0.0, db_index=True)
    codes = models.JSONField(_("indicators"), default=list, blank=True)
    evidence = models.JSONField(
        _("evidence"),
        default=list,
        blank=True,
        help_text=_("Indicator hits: case, code, explanation, evidence path."),
    )
    graph = models.JSONField(_("relationship graph"), default=dict, blank=True)
    case_keys = models.JSONField(_("cases"), default=list, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("main case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="falselit_leads",
    )
    cases = models.ManyToManyField("cases.Case", verbose_name=_("cases"), blank=True, related_name="+")
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("holding unit"),
        to_field="code",
        db_column="unit_code",
        on_delete=models.PROTECT,
        related_name="falselit_leads",
    )
    status = models.CharField(_("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=LeadOutcome.choices,
        blank=True,
        default=LeadOutcome.NONE,
        help_text=_("Kept as a label for quality reporting."),
    )
    note = models.TextField(_("note"), blank=True, default="")
    run = models.ForeignKey(
        ScanRun, verbose_name=_("scan run"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("false-litigation lead")
        verbose_name_plural = _("false-litigation leads")
        ordering = ["-score", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "ref"], name="falselit_lead_kind_ref")]

    def __str__(self):
        return self.title

    @property
    def court(self):
        """The court (agency) of the holding unit — the unit itself may be one of its divisions."""
        return (self.unit.agency if self.unit_id else None) or self.unit


class Referral(models.Model):
    """A hand-over of a lead between court, procuratorate and police, with the evidence package
    and the receiving agency's feedback."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="referrals")
    from_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("from unit"), to_field="code", on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("to unit"), to_field="code", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, default="")
    package = models.JSONField(_("evidence package"), default=dict, blank=True)
    feedback = models.TextField(_("feedback"), blank=True, default="")
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("referred at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "lead__unit"

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.lead_id}: {self.from_unit_id} → {self.to_unit_id}"

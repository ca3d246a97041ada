"""Case-quality review (案件评查): campaigns and their frozen case lists, versioned rubrics,
reviews with item scores, three-way evaluation panels, 四类案件 tags and 一案双查 checks.

Scope: a campaign belongs to its organiser's unit (``scope_field = "unit"``); everything about
one case (selection, review, panel, tag, check) is scoped through that case's unit.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casewatch.core.models import ChangeLoggedModel, Unit
from casewatch.core.querysets import RestrictedQuerySet
from casewatch.reviews.choices import (
    CampaignStatus,
    ConflictLevel,
    DualCheckTrack,
    FourType,
    PanelStatus,
    PanelTrigger,
    ReviewKind,
    ReviewStatus,
)

USER = settings.AUTH_USER_MODEL


class Rubric(ChangeLoggedModel):
    """A versioned 100-point deduction sheet for one case type (reference data, not scoped).

    ``grade_bands`` is a list of ``{"grade": "优秀", "min": 90}`` from best to worst; a score gets
    the first band whose ``min`` it reaches.
    """

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    case_type = models.CharField(_("case type"), max_length=30, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    grade_bands = models.JSONField(_("grade bands"), default=list)
    basis = models.TextField(_("basis"), blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["case_type", "code", "-version"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="rubric_version_key")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    def grade_for(self, score) -> str:
        """The grade of a score under this rubric's bands (the last band when none is reached)."""
        bands = sorted(self.grade_bands, key=lambda b: -Decimal(str(b["min"])))
        for band in bands:
            if Decimal(str(score)) >= Decimal(str(band["min"])):
                return band["grade"]
        return bands[-1]["grade"] if bands else ""

    def grade_rank(self, grade: str) -> int:
        names = [b["grade"] for b in sorted(self.grade_bands, key=lambda b: -Decimal(str(b["min"])))]
        return names.index(grade) if grade in names else len(names)


class RubricSection(models.Model):
    """A section of a rubric (立案程序, 程序运行 …) with the most it can lose."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=120)
    max_points = models.DecimalField(_("maximum deduction"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["rubric", "order"], name="rubric_section_key")]

    def __str__(self):
        return self.title


class RubricItem(models.Model):
    """One checkable item: a deduction of up to ``max_points`` or, when positive, a bonus."""

    section = models.ForeignKey(RubricSection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=20)
    text = models.CharField(_("item"), max_length=300)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    positive = models.BooleanField(_("positive item"), default=False)
    basis = models.CharField(_("basis"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["section__order", "order"]

    def __str__(self):
        return f"{self.code} {self.text}"


class Campaign(ChangeLoggedModel):
    """A review campaign: what it covers, who runs it, how cases are drawn, and its timetable."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="review_campaigns"
    )
    organiser = models.ForeignKey(
        USER, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    scope_units = models.ManyToManyField(
        Unit,
        verbose_name=_("agencies and units covered"),
        related_name="+",
        help_text=_("Cases of these units and their subtrees are candidates."),
    )
    case_types = models.JSONField(_("case types"), default=list)
    closed_from = models.DateField(_("closed from"))
    closed_to = models.DateField(_("closed to"))
    starts_on = models.DateField(_("review starts"), null=True, blank=True)
    due_on = models.DateField(_("review due"), null=True, blank=True)
    report_on = models.DateField(_("report due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.PLANNING
    )
    rubrics = models.ManyToManyField(Rubric, verbose_name=_("rubric set"), blank=True, related_name="+")
    reviewers = models.ManyToManyField(USER, verbose_name=_("reviewer pool"), blank=True, related_name="+")
    sample_rate = models.DecimalField(
        _("sampling probability"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.1000"),
        help_text=_("Share of each stratum (unit × case type) drawn at random, 0–1."),
    )
    sample_size = models.PositiveIntegerField(
        _("sample size"),
        null=True,
        blank=True,
        help_text=_("When set, the random draw takes this many cases, allocated to strata proportionally."),
    )
    min_per_handler = models.PositiveIntegerField(_("minimum per handler"), default=0)
    max_per_handler = models.PositiveIntegerField(_("cap per handler"), null=True, blank=True)
    max_per_unit = models.PositiveIntegerField(_("cap per unit"), null=True, blank=True)
    include_reversed = models.BooleanField(_("include reversed/remanded cases"), default=True)
    include_petitions = models.BooleanField(_("include cases with petitions"), default=True)
    include_findings = models.BooleanField(_("include cases with screening findings"), default=False)
    include_four_types = models.BooleanField(_("include four-types cases"), default=True)
    conflict_level = models.CharField(
        _("conflict-of-interest rule"),
        max_length=20,
        choices=ConflictLevel.choices,
        default=ConflictLevel.UNIT,
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (points)"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    seed = models.CharField(_("random seed"), max_length=40, blank=True, default="")
    frozen_at = models.DateTimeField(_("list frozen"), null=True, blank=True)
    draw_fingerprint = models.CharField(_("candidate list SHA-256"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")

    def __str__(self):
        return self.name

    def rubric_for(self, case_type: str) -> Rubric | None:
        return self.rubrics.filter(case_type=case_type).order_by("-version").first()


class Selection(models.Model):
    """A case drawn into a campaign, with every reason it was drawn (frozen once reviewing starts)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="selections")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="review_selections")
    reasons = models.JSONField(_("reasons"), default=list)
    stratum = models.CharField(_("stratum"), max_length=80, blank=True, default="")
    picked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("selected"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        ordering = ["campaign", "case__unit_id", "case__case_type", "case__case_number"]
        verbose_name = _("selected case")
        verbose_name_plural = _("selected cases")
        constraints = [models.UniqueConstraint(fields=["campaign", "case"], name="selection_key")]

    def __str__(self):
        return f"{self.campaign_id}:{self.case_id}"

    @property
    def reason_codes(self) -> list[str]:
        return [r["code"] for r in self.reasons]


class Review(ChangeLoggedModel):
    """One reviewer's scoring of one selected case under one rubric: draft until submitted."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="reviews")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="quality_reviews")
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices, default=ReviewKind.REVIEW)
    reviewer = models.ForeignKey(USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True, default="")
    comments = models.TextField(_("comments"), blank=True, default="")
    saved_at = models.DateTimeField(_("saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        ordering = ["selection", "kind"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["selection", "kind"], name="review_kind_key")]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()}"

    @property
    def locked(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


class ItemScore(models.Model):
    """Points taken (or, for a positive item, given) on one rubric item, with the reason."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=Decimal("0"))
    reason = models.TextField(_("reason"), blank=True, default="")
    problem = models.ForeignKey(
        "problems.Problem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["item__section__order", "item__order"]
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="item_score_key")]


class Reassignment(models.Model):
    """A review handed from one reviewer to another, with the reason."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reassignments")
    from_user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class PanelDecision(ChangeLoggedModel):
    """The panel's decision when the three evaluations disagree or a petition contests a grade."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="panels")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(_("trigger"), max_length=20, choices=PanelTrigger.choices)
    petition = models.ForeignKey(
        "cases.Petition", null=True, blank=True, on_delete=models.SET_NULL, related_name="review_panels"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PanelStatus.choices, default=PanelStatus.OPEN
    )
    detail = models.JSONField(_("evaluations compared"), default=dict)
    grade = models.CharField(_("decided grade"), max_length=20, blank=True, default="")
    score = models.DecimalField(_("decided score"), max_digits=6, decimal_places=2, null=True, blank=True)
    reasoning = models.TextField(_("reasoning"), blank=True, default="")
    petition_outcome = models.CharField(_("petition outcome"), max_length=20, blank=True, default="")
    opened_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("panel decision")
        verbose_name_plural = _("panel decisions")

    def __str__(self):
        return f"{self.case} · {self.get_trigger_display()}"


class CaseTag(ChangeLoggedModel):
    """A 四类案件 label on a case; every change is kept in its trail (全程留痕)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="four_type_tags")
    kind = models.CharField(_("kind"), max_length=20, choices=FourType.choices)
    note = models.TextField(_("note"), blank=True, default="")
    tagged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    tagged_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        ordering = ["-tagged_at"]
        verbose_name = _("four-types tag")
        verbose_name_plural = _("four-types tags")


class TagEntry(models.Model):
    """One step of a tagged case's supervision trail (progress report, referral, instruction)."""

    tag = models.ForeignKey(CaseTag, on_delete=models.CASCADE, related_name="trail")
    action = models.CharField(_("action"), max_length=40)
    note = models.TextField(_("note"), blank=True, default="")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def get_action_display(self) -> str:
        """The step's name in the reader's language (the stored code when it is not a known step)."""
        from casewatch.reviews.choices import TagAction

        return str(dict(TagAction.choices).get(self.action, self.action))


class DualCheck(ChangeLoggedModel):
    """一案双查: the case-handling check and the staff-discipline check of one enforcement case."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="dual_checks")
    clue_source = models.CharField(_("clue source"), max_length=200)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("dual check")
        verbose_name_plural = _("dual checks")

    def __str__(self):
        return f"{self.case} · {self.clue_source}"


class DualCheckPart(models.Model):
    """One of the two linked checks, with its reviewer and conclusion."""

    dual_check = models.ForeignKey(DualCheck, on_delete=models.CASCADE, related_name="parts")
    track = models.CharField(_("track"), max_length=20, choices=DualCheckTrack.choices)
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    conclusion = models.TextField(_("conclusion"), blank=True, default="")
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["track"]
        constraints = [models.UniqueConstraint(fields=["dual_check", "track"], name="dual_check_part_key")]

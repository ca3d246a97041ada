"""The campaign office's records (提升年活动).

* `Campaign` with its six tasks (六个一), each with milestones and links to the modules that carry it out.
* `EducationSession` and `Attendance`: warning education (警示教育) taken against the staff roster; coverage
  is distinct persons who attended ÷ the roster (see ``docs/campaign.md``).
* `Norm` and `NormLink`: the register of norms (制度规范) and what each grounds (screening rules, rubric
  items, deadline settings).
* `ResearchTopic`: research topics (专题调研).
* `ReportSnapshot`: a campaign report as computed on a day, frozen so a published figure can always be
  reproduced.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casewatch.campaign.choices import (
    AttendanceMethod,
    CampaignStatus,
    LinkKind,
    NormKind,
    NormStatus,
    SessionForm,
    TaskKind,
    TopicStatus,
)
from casewatch.core.models import ChangeLoggedModel, Staff, Unit
from casewatch.core.querysets import RestrictedQuerySet

USER = settings.AUTH_USER_MODEL


class Campaign(ChangeLoggedModel):
    """One campaign (e.g. 执法司法规范化水平提升年活动) run by a committee for its subtree."""

    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The committee that runs the campaign; its subtree is the campaign's scope."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    description = models.TextField(_("description"), blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title


class CampaignTask(ChangeLoggedModel):
    """One of the six tasks (六个一): owners, milestones and the module that carries it out."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("task"), max_length=20, choices=TaskKind.choices)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    owners = models.ManyToManyField(Unit, verbose_name=_("owner units"), related_name="+", blank=True)
    note = models.TextField(_("note"), blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "campaign__unit"

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("campaign task")
        verbose_name_plural = _("campaign tasks")
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="campaign_task_kind")]

    def __str__(self):
        return self.get_kind_display()


class Milestone(ChangeLoggedModel):
    """A dated step of a task; progress is the share of milestones done."""

    task = models.ForeignKey(CampaignTask, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "task__campaign__unit"

    class Meta:
        ordering = ["task", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class EducationSession(ChangeLoggedModel):
    """A warning-education session (警示教育): who organised it, when, how, with which materials.

    Staff sign in by scanning the session's QR code on a phone (a one-time-issued token whose
    SHA-256 is stored) or the organiser imports the attendance list.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=20, choices=SessionForm.choices)
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    materials = models.TextField(
        _("materials"), blank=True, default="", help_text=_("Films, case books and documents used.")
    )
    signin_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    signin_open = models.BooleanField(_("sign-in open"), default=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("warning-education session")
        verbose_name_plural = _("warning-education sessions")
        indexes = [models.Index(fields=["held_on"], name="campaign_session_day")]

    def __str__(self):
        return self.title

    def issue_signin_token(self) -> str:
        """A fresh sign-in token (shown once as a QR code); only its digest is kept."""
        raw = secrets.token_urlsafe(24)
        self.signin_digest = _token_digest(raw)
        self.signin_open = True
        return raw

    @classmethod
    def by_signin_token(cls, raw: str):
        if not raw:
            return None
        return cls.objects.filter(signin_digest=_token_digest(raw), signin_open=True).first()


class Attendance(models.Model):
    """One staff member at one session (unique), and how the presence was taken.

    Attendance is bulk work (an imported list has hundreds of rows): it is audited once per
    operation, not per row.
    """

    session = models.ForeignKey(EducationSession, on_delete=models.CASCADE, related_name="attendance")
    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("how"), max_length=10, choices=AttendanceMethod.choices)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "session__unit"

    class Meta:
        ordering = ["session", "staff__staff_no"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="campaign_attendance_key")]

    def __str__(self):
        return f"{self.session_id}:{self.staff_id}"


class Norm(ChangeLoggedModel):
    """A norm in the register (制度规范): a joint document, an agency rule or a working mechanism."""

    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(_("document number"), max_length=100, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=20, choices=NormKind.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("lead issuer"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The issuing body that keeps the norm; co-issuers are listed separately."),
    )
    co_issuers = models.ManyToManyField(Unit, verbose_name=_("co-issuers"), related_name="+", blank=True)
    issued_on = models.DateField(_("issued on"))
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=NormStatus.choices, default=NormStatus.IN_FORCE
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    summary = models.TextField(_("summary"), blank=True, default="")
    full_text = models.TextField(_("full text"), blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = _("norm")
        verbose_name_plural = _("norms")

    def __str__(self):
        return self.title


class NormLink(models.Model):
    """What a norm grounds: a screening rule, a rubric item, or a deadline setting (validated on save)."""

    norm = models.ForeignKey(Norm, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)
    target = models.CharField(
        _("target"), max_length=60, help_text=_("Rule id, rubric item code or setting.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "norm__unit"

    class Meta:
        ordering = ["norm", "kind", "target"]
        verbose_name = _("norm link")
        verbose_name_plural = _("norm links")
        constraints = [models.UniqueConstraint(fields=["norm", "kind", "target"], name="campaign_norm_link")]

    def __str__(self):
        return f"{self.kind}:{self.target}"


class ResearchTopic(ChangeLoggedModel):
    """A research topic (专题调研): owner, status, findings, recommendations and the report file."""

    unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=TopicStatus.choices, default=TopicStatus.PLANNED
    )
    lead = models.CharField(_("lead person"), max_length=60, blank=True, default="")
    findings = models.TextField(_("findings"), blank=True, default="")
    recommendations = models.TextField(_("recommendations"), blank=True, default="")
    report_name = models.CharField(max_length=200, blank=True, default="", editable=False)
    report_file = models.CharField(max_length=300, blank=True, default="", editable=False)
    report_kind = models.CharField(max_length=10, blank=True, default="", editable=False)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["unit__path", "id"]
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")

    def __str__(self):
        return self.title


class ReportSnapshot(models.Model):
    """A campaign report frozen on the day it was computed.

    ``payload`` holds every figure with its definition, numerator, denominator and drill-down link;
    ``digest`` is the SHA-256 of the canonical JSON of the payload, so a published figure can be
    checked against its snapshot. Snapshots are never edited.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("as of"))
    period_start = models.DateField(_("period starts"))
    payload = models.JSONField(_("figures"))
    digest = models.CharField(_("digest"), max_length=64)
    staged = models.BooleanField(_("staged report"), default=False, help_text=_("A monthly staged report."))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("computed"), auto_now_add=True)
    seconds = models.FloatField(_("seconds"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        indexes = [models.Index(fields=["unit", "as_of"], name="campaign_snapshot_scope")]

    def __str__(self):
        return f"{self.unit_id}@{self.as_of}"

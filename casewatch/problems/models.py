"""The problem list (问题清单) and what hangs off it: evidence, history, supervision orders (督办),
accountability (追责问责) and the personal inbox.

Every change goes through `services.py` (problems), `services_orders.py` and
`services_accountability.py`: they check role and scope, lock the row, and write the audit trail
explicitly (typed TRANSITION events with before/after), so these models are not change-logged by
signal — that would log each transition twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from casewatch.core.models import Staff, Unit
from casewatch.core.querysets import RestrictedQuerySet
from casewatch.problems.choices import (
    AccountabilitySubject,
    EmailMode,
    Measure,
    NotificationKind,
    OrderLevel,
    OrderOrigin,
    OrderStatus,
    Outcome,
    ProblemAction,
    ProblemSource,
    ProblemStatus,
    ReviewStatus,
    Severity,
    TriggerKind,
)
from casewatch.problems.querysets import OrderQuerySet, ProblemQuerySet


class Problem(models.Model):
    """One problem on the problem list: what is wrong, in which unit, who fixes it, by when, how.

    A confirmed screening finding yields at most one problem (`finding` is unique); other sources
    pass a `source_ref` (a review deduction id, a petition id …), unique per source, so feeding the
    same item twice opens one problem.
    """

    source = models.CharField(_("source"), max_length=20, choices=ProblemSource.choices, db_index=True)
    source_ref = models.CharField(
        _("source reference"),
        max_length=120,
        blank=True,
        default="",
        help_text=_("Identifier of the item in its source (review deduction, petition, lead …)."),
    )
    finding = models.OneToOneField(
        "screening.Finding",
        verbose_name=_("screening finding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problem",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        to_field="code",
        db_column="unit_code",
        on_delete=models.PROTECT,
        related_name="problems",
        # The composite "problem_board_cover" index starts with the unit and serves its lookups; a
        # second single-column index tempts SQLite's planner away from the covering one.
        db_index=False,
        help_text=_("The unit that must rectify the problem; it decides who sees it."),
    )
    area = models.CharField(_("area"), max_length=40, blank=True, default="", db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    responsible = models.ForeignKey(
        Staff,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        help_text=_("The member of staff answerable for the problem (counted for accountability)."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_problems",
        help_text=_("The account that rectifies the problem and attaches the evidence."),
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    measure = models.CharField(
        _("required measure"), max_length=20, choices=Measure.choices, default=Measure.REMEDY_DEFECT
    )
    measure_other = models.CharField(_("other measure"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN, db_index=True
    )
    rectification_note = models.TextField(
        _("rectification note"), blank=True, default="", help_text=_("What the unit did, as submitted.")
    )
    return_reason = models.TextField(_("reason for return"), blank=True, default="")
    return_count = models.PositiveIntegerField(_("times returned"), default=0)
    dismissed_reason = models.TextField(_("reason for dismissal"), blank=True, default="")
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    overdue_marked_at = models.DateTimeField(
        _("marked overdue"),
        null=True,
        blank=True,
        help_text=_("When the daily check first found the problem past its deadline (cleared on reopening)."),
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # No single-column indexes on the dates: "problem_board_cover" holds them, and SQLite's planner
    # would otherwise pick a date index and visit the table row by row.
    created_at = models.DateTimeField(_("found"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProblemQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"], condition=~Q(source_ref=""), name="problem_source_ref_key"
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # Covers the board's and the list's grouped counts (index-only scans on SQLite).
            models.Index(
                fields=["unit", "status", "deadline", "created_at", "verified_at"], name="problem_board_cover"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in (
            ProblemStatus.OPEN,
            ProblemStatus.ASSIGNED,
            ProblemStatus.RECTIFYING,
            ProblemStatus.SUBMITTED,
        )

    def is_overdue(self, today=None) -> bool:
        """Open and past its deadline (the same definition as `ProblemQuerySet.overdue`)."""
        return self.is_open and self.deadline < (today or timezone.localdate())

    def days_overdue(self, today=None) -> int:
        today = today or timezone.localdate()
        return (today - self.deadline).days if self.is_overdue(today) else 0

    @property
    def measure_text(self) -> str:
        if self.measure == Measure.OTHER and self.measure_other:
            return self.measure_other
        return self.get_measure_display()


class Evidence(models.Model):
    """A file attached as rectification evidence: PDF, image, DOCX or XLSX, checked by content.

    Stored under a name derived from its SHA-256 (never the uploader's name) and only ever served
    as a download with a fixed, safe content type.
    """

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "problem__unit"

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.UniqueConstraint(fields=["problem", "sha256"], name="evidence_once_per_problem")
        ]

    def __str__(self):
        return self.original_name


class ProblemEvent(models.Model):
    """One step in a problem's history, shown on its page (the audit trail holds the same)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=ProblemAction.choices)
    from_status = models.CharField(_("previous status"), max_length=20, blank=True, default="")
    to_status = models.CharField(_("new status"), max_length=20, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True, default="")
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "problem__unit"

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")

    def __str__(self):
        return f"{self.problem_id} {self.action}"

    # States are stored as codes; pages show their labels (the history is never rewritten).
    @property
    def from_status_label(self) -> str:
        return str(dict(ProblemStatus.choices).get(self.from_status, self.from_status)) or "—"

    @property
    def to_status_label(self) -> str:
        return str(dict(ProblemStatus.choices).get(self.to_status, self.to_status)) or "—"


class SupervisionOrder(models.Model):
    """A supervision order (督办): a higher body orders a matter handled by a deadline.

    The target is generic: a problem, a case, or a lead of the false-litigation module (by
    reference string), or none. `listed` orders (挂牌督办) are shown on the board. An overdue
    order escalates one level (district → city; at city level it becomes listed).
    """

    title = models.CharField(_("title"), max_length=200)
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_ref = models.CharField(
        _("lead reference"),
        max_length=120,
        blank=True,
        default="",
        help_text=_("Reference of a false-litigation lead or another item outside the problem list."),
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("receiving unit"),
        to_field="code",
        db_column="unit_code",
        on_delete=models.PROTECT,
        related_name="supervision_orders",
    )
    issuer_unit = models.ForeignKey(
        Unit,
        verbose_name=_("issued by (unit)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(
        _("level"), max_length=10, choices=OrderLevel.choices, default=OrderLevel.DISTRICT
    )
    listed = models.BooleanField(
        _("listed"),
        default=False,
        db_index=True,
        help_text=_("Listed orders are named on the progress board."),
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=OrderOrigin.choices, default=OrderOrigin.MANUAL
    )
    instructions = models.TextField(_("instructions"))
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN, db_index=True
    )
    escalation_count = models.PositiveIntegerField(_("times escalated"), default=0)
    escalated_at = models.DateTimeField(_("last escalated"), null=True, blank=True)
    overdue_handled_for = models.DateField(
        null=True, blank=True, editable=False, help_text="The deadline whose lapse was last escalated."
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(_("closing note"), blank=True, default="")

    objects = OrderQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def is_overdue(self, today=None) -> bool:
        return self.status == OrderStatus.OPEN and self.deadline < (today or timezone.localdate())


class ProgressReport(models.Model):
    """A progress report the receiving unit files on a supervision order."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("progress"))
    created_at = models.DateTimeField(_("filed"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "order__unit"

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.order_id} @ {self.created_at:%Y-%m-%d}"


class AccountabilityRule(models.Model):
    """A configurable trigger that opens an accountability review (never a sanction by itself).

    Defaults (created by the migration): 3 serious problems of one unit within 90 days; any
    problem overdue by more than 30 days.
    """

    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(
        _("applies to"),
        max_length=10,
        choices=AccountabilitySubject.choices,
        default=AccountabilitySubject.UNIT,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TriggerKind.choices)
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=Severity.choices,
        blank=True,
        default="",
        help_text=_("Empty: any."),
    )
    threshold = models.PositiveIntegerField(_("threshold (problems)"), default=1)
    window_days = models.PositiveIntegerField(_("window (days)"), default=90)
    overdue_days = models.PositiveIntegerField(_("overdue by more than (days)"), default=30)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("accountability trigger")
        verbose_name_plural = _("accountability triggers")

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language (the default triggers' names are in the catalogue;
        a supervisor's own name is shown as written)."""
        from django.utils.translation import gettext

        return gettext(self.name) if self.name in DEFAULT_TRIGGER_NAMES else self.name


#: names of the default triggers (created in English by migration 0002; translated on display)
DEFAULT_TRIGGER_NAMES = (
    gettext_noop("3 serious problems within 90 days"),
    gettext_noop("A problem overdue by more than 30 days"),
)


class AccountabilityReview(models.Model):
    """A case for accountability about a unit or a person, opened by a trigger; a supervisor
    records the outcome (谈话提醒, 通报批评, 诫勉谈话, referral to the discipline body)."""

    rule = models.ForeignKey(AccountabilityRule, verbose_name=_("trigger"), on_delete=models.PROTECT)
    subject = models.CharField(_("applies to"), max_length=10, choices=AccountabilitySubject.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        to_field="code",
        db_column="unit_code",
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        Staff,
        verbose_name=_("person concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problems = models.ManyToManyField(
        Problem, verbose_name=_("problems"), related_name="accountability_reviews"
    )
    summary = models.TextField(_("why it was opened"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.TextField(_("decision note"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("accountability review")
        verbose_name_plural = _("accountability reviews")

    def __str__(self):
        return f"#{self.pk} {self.unit_id} {self.rule}"


class Notification(models.Model):
    """A message in one person's inbox. The text is rendered in the reader's language from
    `kind` and `params` (see `notifications.render`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True, default="")
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(
        SupervisionOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.recipient_id} {self.kind}"


class InboxPreference(models.Model):
    """How a person wants to be told by e-mail: each notification, a daily digest, or not at all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_preference"
    )
    email_mode = models.CharField(
        _("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox preference")
        verbose_name_plural = _("inbox preferences")

    def __str__(self):
        return f"{self.user_id} {self.email_mode}"


class BoardVersion(models.Model):
    """A counter bumped, in the same transaction, by every change that can move a figure of the
    board (problems opened or moved, orders issued, listed, closed or escalated). The board caches
    its figures under the counter's value, so a cached board is never older than the data."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("board version")

    def __str__(self):
        return str(self.value)

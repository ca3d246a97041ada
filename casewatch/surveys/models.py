"""Perceived-fairness evaluation (公平正义感受度评价): instruments, waves, invitations, responses, forums.

Anonymity is a property of the schema, not a promise of the code:

* `Token` (an invitation for one case and party role) keeps only a SHA-256 hash of the secret and a
  ``used`` flag — no time of use.
* `Response` keeps the wave, the instrument, the case's unit and type, the respondent group and the
  **date** of submission. It has no foreign key to a token, a case or a party; its primary key is
  a random UUID (no insertion order), and so is its answers'. Neither table is change-logged.

So there is no column both tables share beyond group-level attributes (wave, instrument, unit, case
type), and no timestamp precise enough to pair a used token with a response. `tests/test_anonymity.py`
checks this on the model metadata.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from casewatch.core.models import ChangeLoggedModel, Unit
from casewatch.core.querysets import RestrictedQuerySet
from casewatch.surveys.choices import (
    TOP_BOX_CHOICES,
    Agency,
    Channel,
    Dimension,
    InstrumentStatus,
    ItemKind,
    RespondentGroup,
    WaveStatus,
)
from casewatch.surveys.querysets import InstrumentQuerySet, ResponseQuerySet, SharedRestrictedQuerySet


def _zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


class BilingualMixin:
    """`label` and `title` in the active language (Chinese unless English is active)."""

    def _pick(self, field: str) -> str:
        zh, en = getattr(self, f"{field}_zh", ""), getattr(self, f"{field}_en", "")
        return (zh or en) if _zh() else (en or zh)


# --- instruments ------------------------------------------------------------------------------


class Instrument(BilingualMixin, ChangeLoggedModel):
    """One version of a questionnaire (测评表), authored in the UI or imported from an XLSForm.

    A published version is frozen: answers point at its items, so changing it would change the
    meaning of stored answers. Editing a published instrument means creating the next version.
    """

    code = models.SlugField(
        _("code"), max_length=60, help_text=_("Stable name of the questionnaire across versions (form_id).")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, default="")
    respondent_group = models.CharField(_("respondent group"), max_length=20, choices=RespondentGroup.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=InstrumentStatus.choices, default=InstrumentStatus.DRAFT
    )
    default_language = models.CharField(_("default language"), max_length=10, default="zh")
    description = models.TextField(_("description"), blank=True, default="")
    builtin = models.BooleanField(
        _("shipped with casewatch"), default=False, help_text=_("Loaded from casewatch/surveys/instruments/.")
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who maintains it; shipped instruments belong to no unit and are shared by all."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = InstrumentQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="instrument_version_key")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    @property
    def title(self) -> str:
        return self._pick("title")

    @property
    def is_published(self) -> bool:
        return self.status == InstrumentStatus.PUBLISHED


class Item(BilingualMixin, models.Model):
    """A question (an XLSForm ``survey`` row). Groups are flattened: the group's relevance is folded
    into the item's, and the group's name and label are kept for headings and round trips."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"))
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    list_name = models.CharField(_("choice list"), max_length=60, blank=True, default="")
    label_zh = models.CharField(_("label (Chinese)"), max_length=500)
    label_en = models.CharField(_("label (English)"), max_length=500, blank=True, default="")
    hint_zh = models.CharField(_("hint (Chinese)"), max_length=500, blank=True, default="")
    hint_en = models.CharField(_("hint (English)"), max_length=500, blank=True, default="")
    required = models.BooleanField(_("required"), default=False)
    relevant = models.CharField(
        _("relevance"),
        max_length=500,
        blank=True,
        default="",
        help_text=_("XLSForm skip logic, e.g. selected(${agencies}, 'police'). Shown only when true."),
    )
    constraint = models.CharField(
        _("constraint"), max_length=300, blank=True, default="", help_text=_("e.g. . >= 16 and . <= 120")
    )
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=Dimension.choices, blank=True, default=""
    )
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices, blank=True, default="")
    weight = models.FloatField(
        _("weight"), default=1.0, help_text=_("Weight of the item in its dimension's index.")
    )
    group_name = models.CharField(_("group"), max_length=60, blank=True, default="")
    group_label_zh = models.CharField(_("group label (Chinese)"), max_length=300, blank=True, default="")
    group_label_en = models.CharField(_("group label (English)"), max_length=300, blank=True, default="")
    group_relevant = models.CharField(_("group relevance"), max_length=500, blank=True, default="")

    class Meta:
        ordering = ["instrument", "position"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["instrument", "name"], name="item_name_key")]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self._pick("label")

    @property
    def hint(self) -> str:
        return self._pick("hint")

    @property
    def group_label(self) -> str:
        return self._pick("group_label")

    @property
    def is_rating(self) -> bool:
        return self.kind == ItemKind.LIKERT


class Choice(BilingualMixin, models.Model):
    """An option of a choice list (an XLSForm ``choices`` row). On a rating list (3 to 11 points,
    e.g. 1–5 or 0–10), ``score`` is the point and an option without a score is the separate
    "不了解 / not applicable" answer."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="choices")
    list_name = models.CharField(_("choice list"), max_length=60)
    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"))
    name = models.CharField(_("value"), max_length=60)
    label_zh = models.CharField(_("label (Chinese)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True, default="")
    score = models.FloatField(_("score"), null=True, blank=True)

    class Meta:
        ordering = ["instrument", "list_name", "position"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "list_name", "name"], name="choice_name_key")
        ]

    def __str__(self):
        return f"{self.list_name}:{self.name}"

    @property
    def label(self) -> str:
        return self._pick("label")


# --- waves and distribution -------------------------------------------------------------------


class Wave(ChangeLoggedModel):
    """A survey wave (一轮测评): a period, the organising unit, target groups and sample sizes, and
    how results are scored (satisfaction top box, index weights)."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Usually a district or the city; tokens and links are issued inside its subtree."),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=12, choices=WaveStatus.choices, default=WaveStatus.DRAFT
    )
    top_box = models.PositiveSmallIntegerField(
        _("satisfied = top … boxes"),
        default=2,
        choices=TOP_BOX_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "Which ratings count as satisfied: the top k boxes of each item's own scale "
            "(on a 5-point scale, top 2 = 4–5)."
        ),
    )
    weights = models.JSONField(
        _("index weights"),
        default=dict,
        blank=True,
        help_text=_('Optional weights, e.g. {"dimension": {"process": 2}, "agency": {"court": 1.5}}.'),
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SharedRestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")

    def __str__(self):
        return self.name

    def is_open_on(self, day) -> bool:
        return self.status == WaveStatus.OPEN and self.period_start <= day <= self.period_end


class WaveTarget(models.Model):
    """A target group of a wave: which instrument it answers and the planned sample size."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="targets")
    respondent_group = models.CharField(_("respondent group"), max_length=20, choices=RespondentGroup.choices)
    instrument = models.ForeignKey(Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT)
    sample_size = models.PositiveIntegerField(_("sample size"), default=0)

    class Meta:
        ordering = ["wave", "respondent_group"]
        verbose_name = _("wave target")
        verbose_name_plural = _("wave targets")
        constraints = [models.UniqueConstraint(fields=["wave", "respondent_group"], name="wave_target_key")]

    def __str__(self):
        return f"{self.wave_id}:{self.respondent_group}"


class TokenBatch(models.Model):
    """One issue of invitations, sampled from closed cases. Until it is sealed the batch keeps a
    secret from which each raw token is re-derived for printing and SMS; sealing erases the secret,
    after which only the hashes remain and nobody can print the links again."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="batches")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(_("sampling"), default=dict)
    secret = models.CharField(max_length=64, blank=True, default="", editable=False)
    count = models.PositiveIntegerField(_("invitations"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    sealed_at = models.DateTimeField(_("sealed"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation batch")
        verbose_name_plural = _("invitation batches")

    def __str__(self):
        return f"#{self.pk}"

    @property
    def sealed(self) -> bool:
        return not self.secret


class Token(models.Model):
    """A one-time invitation for one case and party role. Stores a hash of the secret and a used
    flag — deliberately no time of use (see the module docstring)."""

    batch = models.ForeignKey(TokenBatch, on_delete=models.CASCADE, related_name="tokens")
    serial = models.PositiveIntegerField(_("serial"))
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(_("used"), default=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case_type = models.CharField(_("case type"), max_length=30, blank=True, default="")
    party_role = models.CharField(_("party role"), max_length=20, blank=True, default="")
    respondent_group = models.CharField(_("respondent group"), max_length=20, choices=RespondentGroup.choices)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["batch", "serial"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["batch", "serial"], name="token_serial_key"),
            models.UniqueConstraint(fields=["wave", "case", "party_role"], name="token_case_role_key"),
        ]

    def __str__(self):
        return f"{self.batch_id}-{self.serial}"


class PublicLink(ChangeLoggedModel):
    """An open link (and QR code) for residents, with a daily cap per network address and one
    answer per device."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="links")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Answers are counted for this unit (usually a district)."),
    )
    slug = models.SlugField(max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    ip_daily_limit = models.PositiveIntegerField(
        _("answers per network address per day"),
        default=50,
        help_text=_("0 means no limit. Offices and mobile carriers share addresses: do not set it too low."),
    )
    one_per_device = models.BooleanField(_("one answer per device"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["wave", "id"]
        verbose_name = _("public link")
        verbose_name_plural = _("public links")

    def __str__(self):
        return self.name or self.slug


class PublicCounter(models.Model):
    """Answers per day and (salted, hashed) network address on a public link — the rate limit."""

    link = models.ForeignKey(PublicLink, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    ip_hash = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "day", "ip_hash"], name="public_counter_key")]


class DeviceSeen(models.Model):
    """A device (hashed random id kept in the browser) that has answered a public link."""

    link = models.ForeignKey(PublicLink, on_delete=models.CASCADE, related_name="+")
    device_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "device_hash"], name="device_seen_key")]


# --- responses --------------------------------------------------------------------------------


class Response(models.Model):
    """One completed questionnaire. Anonymous by construction: group-level attributes and a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_key = models.CharField(
        _("idempotency key"),
        max_length=64,
        unique=True,
        help_text=_("Random key made by the device when the form is opened; a replay stores nothing."),
    )
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    district_code = models.CharField(_("district"), max_length=6, db_index=True)
    agency_kind = models.CharField(_("agency of the case"), max_length=20, blank=True, default="")
    case_type = models.CharField(_("case type"), max_length=30, blank=True, default="")
    respondent_group = models.CharField(_("respondent group"), max_length=20, choices=RespondentGroup.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    submitted_on = models.DateField(_("date"), db_index=True)

    objects = ResponseQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["wave", "instrument"]),
            models.Index(fields=["wave", "district_code"]),
        ]

    def __str__(self):
        return str(self.id)


class Answer(models.Model):
    """One answer to one item (long format: a multiple choice gives one row per option chosen)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("value"), max_length=64, blank=True, default="")
    score = models.FloatField(_("score"), null=True, blank=True)
    na = models.BooleanField(_("not applicable"), default=False)
    number = models.FloatField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "response__unit"

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "item", "value"], name="answer_key")]
        indexes = [models.Index(fields=["item", "score"])]

    def __str__(self):
        return f"{self.item_id}={self.value or self.text[:20]}"


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Stores Chinese as is (not as \\u escapes), so that a tag search matches on every database."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class TextReview(ChangeLoggedModel):
    """Tags on a free-text answer and the problem it became, if any."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="review")
    tags = models.JSONField(_("tags"), default=list, blank=True, encoder=UnicodeJSONEncoder)
    problem_ref = models.CharField(_("problem"), max_length=60, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    scope_field = "answer__response__unit"

    class Meta:
        verbose_name = _("text review")
        verbose_name_plural = _("text reviews")

    def __str__(self):
        return ", ".join(self.tags)


# --- forums -----------------------------------------------------------------------------------


class Forum(ChangeLoggedModel):
    """A forum (座谈会) held to hear residents about the agencies' work."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    wave = models.ForeignKey(
        Wave, verbose_name=_("wave"), null=True, blank=True, on_delete=models.SET_NULL, related_name="forums"
    )
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    held_on = models.DateField(_("date"))
    organiser = models.CharField(_("organiser"), max_length=200)
    agencies = models.JSONField(_("agencies evaluated"), default=list, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")

    def __str__(self):
        return self.title

    def agency_labels(self) -> list[str]:
        names = dict(Agency.choices)
        return [str(names.get(a, a)) for a in self.agencies]


class ForumAttendance(ChangeLoggedModel):
    """How many people of one group attended (residents, deputies, lawyers, village cadres …)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="attendance")
    group = models.CharField(_("attendee group"), max_length=100)
    count = models.PositiveIntegerField(_("count"))

    objects = RestrictedQuerySet.as_manager()
    scope_field = "forum__unit"

    class Meta:
        ordering = ["forum", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self):
        return f"{self.group}: {self.count}"


class ForumIssue(ChangeLoggedModel):
    """An issue raised at a forum; it can be put on the problem list."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="issues")
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices, blank=True, default="")
    description = models.TextField(_("description"))
    problem_ref = models.CharField(_("problem"), max_length=60, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "forum__unit"

    class Meta:
        ordering = ["forum", "id"]
        verbose_name = _("forum issue")
        verbose_name_plural = _("forum issues")

    def __str__(self):
        return self.description[:60]


class ForumRating(ChangeLoggedModel):
    """Ratings taken at a forum (a show of hands or a paper poll), per agency and dimension."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="ratings")
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices, blank=True, default="")
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=Dimension.choices, default=Dimension.OVERALL
    )
    rated = models.PositiveIntegerField(_("people rating"))
    satisfied = models.PositiveIntegerField(_("satisfied"))
    mean_score = models.FloatField(_("mean score (1–5)"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "forum__unit"

    class Meta:
        ordering = ["forum", "agency", "dimension"]
        verbose_name = _("forum rating")
        verbose_name_plural = _("forum ratings")

    def __str__(self):
        return f"{self.agency}/{self.dimension}: {self.satisfied}/{self.rated}"


def _attachment_path(instance, filename):
    return f"surveys/forums/{instance.forum_id}/{uuid.uuid4().hex[:8]}-{filename}"


class ForumAttachment(ChangeLoggedModel):
    """A file kept with a forum: sign-in sheet, photos, the scanned minutes."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "forum__unit"
    # core.audit cannot serialise a FieldFile; the name (and the uploader) are recorded instead.
    audit_exclude = ("file",)

    class Meta:
        ordering = ["forum", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name

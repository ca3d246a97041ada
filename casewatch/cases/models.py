"""The case registry: the canonical schema (casewatch/analytics/schema.py) as database tables.

Column names follow the canonical schema so that snapshots and imports map one to one. Units
and staff are referenced by their natural keys (``unit_code``, ``staff_no``) so bulk imports write
the codes they read without lookups. Rows written by imports bypass model signals; an import is
audited once per run with counts of created and updated rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casewatch.cases.choices import choices, label
from casewatch.core.models import Staff, Unit
from casewatch.core.querysets import RestrictedQuerySet


class SourceMixin(models.Model):
    source = models.CharField(_("source"), max_length=200, blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Matter(SourceMixin):
    """One matter followed across agencies (单轨制协同办案): police → procuratorate → court."""

    matter_id = models.CharField(_("matter id"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices("matter_kind"))
    opened_at = models.DateField(_("opened at"))
    title = models.CharField(_("title"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")

    def __str__(self):
        return self.title or self.matter_id


class CaseQuerySet(RestrictedQuerySet):
    def pending(self):
        return self.filter(status__in=("pending", "suspended"))


class Case(SourceMixin):
    """One agency's case within a matter; natural key (unit, case number)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        to_field="code",
        db_column="unit_code",
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # the natural key (unit_code, case_number) leads with it
    )
    case_number = models.CharField(_("case number"), max_length=80)
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("matter"),
        to_field="matter_id",
        db_column="matter_id",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,  # Meta.indexes: a plain btree, without the unused varchar_pattern_ops copy
    )
    case_type = models.CharField(_("case type"), max_length=30, choices=choices("case_type"))
    cause_code = models.CharField(_("cause code"), max_length=20, blank=True, default="")
    # searched with LIKE '%…%' (a btree cannot help): PostgreSQL has a trigram index (migration 0004)
    cause_name = models.CharField(_("cause"), max_length=100, blank=True, default="")
    procedure = models.CharField(
        _("procedure"), max_length=20, choices=choices("procedure"), blank=True, default=""
    )
    status = models.CharField(_("status"), max_length=20, choices=choices("case_status"))
    handler = models.ForeignKey(
        Staff,
        verbose_name=_("handler"),
        to_field="staff_no",
        db_column="handler_staff_no",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    received_at = models.DateField(_("received at"), null=True, blank=True)
    filed_at = models.DateField(_("filed at"))  # (-filed_at, -id) below serves ranges too
    closed_at = models.DateField(_("closed at"), null=True, blank=True, db_index=True)
    claim_amount = models.DecimalField(
        _("claim amount (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    plea_leniency = models.BooleanField(_("plea leniency"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=choices("outcome"), blank=True, default=""
    )
    instance = models.PositiveSmallIntegerField(_("instance"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    court_division_code = models.CharField(
        _("case-number division code"), max_length=6, blank=True, default=""
    )

    objects = CaseQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["unit", "case_number"], name="case_natural_key")]
        # Chosen by the queries the pages run (docs/performance.md, "Pages at 1M"). Indexes on
        # CharFields are declared here rather than with db_index=True, which on PostgreSQL adds a
        # second varchar_pattern_ops ("_like") copy that only LIKE 'prefix%' uses — no page does.
        indexes = [
            models.Index(fields=["unit", "filed_at"]),
            models.Index(fields=["case_type", "filed_at"]),
            models.Index(fields=["-filed_at", "-id"]),
            models.Index(fields=["status"]),
            models.Index(fields=["matter"]),
            models.Index(fields=["handler"]),
            # the cause filter lists the distinct cause names (a skip scan of this index, ~50 names)
            # and filters cause_name IN (those containing the text): casewatch.cases.services
            models.Index(fields=["cause_name"], name="cases_case_cause_name"),
        ]

    def __str__(self):
        return self.case_number

    @property
    def case_key(self) -> str:
        return f"{self.unit_id}/{self.case_number}"

    def type_label(self):
        return label("case_type", self.case_type)

    def status_label(self):
        return label("case_status", self.status)

    def procedure_label(self):
        return label("procedure", self.procedure)

    def outcome_label(self):
        return label("outcome", self.outcome)


class Party(SourceMixin):
    """A natural person or organisation; party_id is the ID number, the credit code or a source id."""

    party_id = models.CharField(_("party id"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices("party_kind"))
    name = models.CharField(_("name"), max_length=200)  # trigram index on PostgreSQL (migration 0004)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, default="")
    credit_code = models.CharField(_("credit code"), max_length=18, blank=True, default="")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    division_code = models.CharField(_("address division code"), max_length=12, blank=True, default="")
    legal_rep_party_id = models.CharField(_("legal representative"), max_length=40, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    # A party is visible when one of its cases is: scope through case_parties.
    scope_field = "case_links__case__unit"
    scope_distinct = True
    personal_fields = ("id_number", "phone", "address", "birth_date", "party_id")

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        indexes = [
            models.Index(fields=["id_number"]),
            models.Index(fields=["credit_code"]),
            # names of one or two characters are searched from their start (LIKE 'x%'), which a
            # trigram index cannot serve; varchar_pattern_ops (PostgreSQL; ignored by SQLite) can
            models.Index(fields=["name"], name="cases_party_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name


class CaseParty(SourceMixin):
    """A party's role in a case (plaintiff, suspect, agent …)."""

    # the natural key (case, party, role, represents) leads with case_id
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="party_links", db_index=False)
    party = models.ForeignKey(
        Party,
        to_field="party_id",
        db_column="party_id",
        on_delete=models.PROTECT,
        related_name="case_links",
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=20, choices=choices("party_role"))
    represents_party_id = models.CharField(_("represents"), max_length=40, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        verbose_name = _("case party")
        verbose_name_plural = _("case parties")
        # one agent may act for two parties of a case: the party acted for is part of the key
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party", "role", "represents_party_id"], name="case_party_key"
            )
        ]
        indexes = [models.Index(fields=["party"])]

    def __str__(self):
        return f"{self.case_id}:{self.party_id}:{self.role}"

    def role_label(self):
        return label("party_role", self.role)


class Event(SourceMixin):
    """A procedural act with its timestamp (detention, arrest request, hearing, judgment …)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", db_index=False
    )  # event_key
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=50, choices=choices("event_kind"))
    occurred_at = models.DateTimeField(_("occurred at"))
    actor_staff_no = models.CharField(_("actor"), max_length=40, blank=True, default="")
    person_party_id = models.CharField(_("person"), max_length=40, blank=True, default="")
    approver_level = models.CharField(
        _("approver level"), max_length=30, choices=choices("approver_level"), blank=True, default=""
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=60, blank=True, default="")
    lawyer_present = models.BooleanField(_("lawyer present"), null=True, blank=True)
    lawyer_role = models.CharField(_("lawyer role"), max_length=20, blank=True, default="")
    recorded = models.BooleanField(_("recorded"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        ordering = ["occurred_at", "seq"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_key")]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return f"{self.kind}@{self.occurred_at}"

    def kind_label(self):
        return label("event_kind", self.kind)


class Document(SourceMixin):
    """A document of the electronic file."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents", db_index=False)
    doc_no = models.CharField(_("document number"), max_length=80)
    kind = models.CharField(_("kind"), max_length=40, choices=choices("document_kind"))
    issued_at = models.DateField(_("issued at"))
    signatories = models.CharField(_("signatories"), max_length=300, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        ordering = ["issued_at", "doc_no"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [models.UniqueConstraint(fields=["case", "doc_no"], name="document_key")]

    def __str__(self):
        return self.doc_no

    def kind_label(self):
        return label("document_kind", self.kind)


class Transfer(SourceMixin):
    """A transfer (移送) of a matter between agencies, electronic only (单轨制) or with paper."""

    transfer_id = models.CharField(_("transfer id"), max_length=60, unique=True)
    matter = models.ForeignKey(
        Matter,
        to_field="matter_id",
        db_column="matter_id",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
        db_index=False,
    )
    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers_out")
    to_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers_in"
    )
    from_unit = models.ForeignKey(
        Unit,
        to_field="code",
        db_column="from_unit_code",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    to_unit = models.ForeignKey(
        Unit,
        to_field="code",
        db_column="to_unit_code",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    electronic = models.BooleanField(_("electronic (single-track)"))
    document_count = models.PositiveIntegerField(_("documents"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "from_unit"

    class Meta:
        ordering = ["sent_at"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        indexes = [
            models.Index(fields=["matter"]),
            models.Index(fields=["from_unit"]),
            models.Index(fields=["to_unit"]),
        ]

    def __str__(self):
        return self.transfer_id


class PropertyItem(SourceMixin):
    """A seized item (涉案财物) and where it is."""

    item_id = models.CharField(_("item id"), max_length=60, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="property_items")
    kind = models.CharField(_("kind"), max_length=20, choices=choices("property_kind"))
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    value = models.DecimalField(_("value (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True)
    seized_at = models.DateTimeField(_("seized at"))
    handed_to_custodian_at = models.DateTimeField(_("handed to custodian at"), null=True, blank=True)
    custodian_staff_no = models.CharField(_("custodian"), max_length=40, blank=True, default="")
    relevant = models.BooleanField(_("relevant to the case"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    disposal = models.CharField(_("disposal"), max_length=100, blank=True, default="")
    disposal_at = models.DateTimeField(_("disposal at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        verbose_name = _("property item")
        verbose_name_plural = _("property items")

    def __str__(self):
        return self.item_id


class CustodyEvent(SourceMixin):
    """A movement of a seized item (hand-over, loan, transfer with the case, disposal)."""

    item = models.ForeignKey(
        PropertyItem,
        to_field="item_id",
        db_column="item_id",
        on_delete=models.CASCADE,
        related_name="custody",
        db_index=False,  # custody_event_key (item_id, seq) leads with it
    )
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=30, choices=choices("custody_event_kind"))
    occurred_at = models.DateTimeField(_("occurred at"))
    location = models.CharField(_("location"), max_length=200, blank=True, default="")
    from_holder = models.CharField(_("from"), max_length=100, blank=True, default="")
    to_holder = models.CharField(_("to"), max_length=100, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__case__unit"

    class Meta:
        ordering = ["occurred_at", "seq"]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="custody_event_key")]

    def __str__(self):
        return f"{self.item_id}#{self.seq}"


class Petition(SourceMixin):
    """A petition (信访件), possibly about a case."""

    petition_id = models.CharField(_("petition id"), max_length=60, unique=True)
    petitioner_party_id = models.CharField(_("petitioner"), max_length=40, blank=True, default="")
    unit = models.ForeignKey(
        Unit,
        to_field="code",
        db_column="unit_code",
        on_delete=models.PROTECT,
        related_name="petitions",
        db_index=False,
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="petitions")
    case_number = models.CharField(_("linked case number"), max_length=80, blank=True, default="")
    received_at = models.DateField(_("received at"))
    subject = models.CharField(_("subject"), max_length=300, blank=True, default="")
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=choices("petition_outcome"), blank=True, default=""
    )
    closed_at = models.DateField(_("closed at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [models.Index(fields=["unit"])]

    def __str__(self):
        return self.petition_id


class ImportRun(models.Model):
    """One import: files, counts per table, errors, and the job that ran it."""

    job = models.OneToOneField(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_run"
    )
    actor = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    files = models.JSONField(_("files"), default=list)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    status = models.CharField(_("status"), max_length=20, default="pending")
    counts = models.JSONField(_("rows per table"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report_csv = models.CharField(_("error report (CSV)"), max_length=300, blank=True, default="")
    report_xlsx = models.CharField(_("error report (Excel)"), max_length=300, blank=True, default="")
    errors_preview = models.JSONField(_("first errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"import #{self.pk}"


from casewatch.cases.models_judgments import JudgmentDocument  # noqa: E402,F401 - registered with the app

"""The seized-property centre's ledger: items, two event streams, loans, hand-overs, counts, disposal.

Two streams, never mixed (Hai'an's "权属移交，实物不动"): `CustodyEntry` records who is legally
responsible (an agency unit, by a document), `PlaceEntry` records where the object is (a bin of a
warehouse, third-party custody, with the file, or in someone's hands). The `Item` row carries the
current head of each stream; every service that appends an event updates the head in the same
transaction, and the database refuses an item with two places or none (`one_place`) and an event
without both confirmations (`both_confirmed`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casewatch.core.models import ChangeLoggedModel, Unit
from casewatch.core.permissions import user_can
from casewatch.core.querysets import RestrictedQuerySet, scope_path
from casewatch.property import choices as C


class Location(ChangeLoggedModel):
    """A place in the centre: warehouse → zone → shelf → bin, or an off-site place.

    ``path`` is a materialised path of codes (``/WH1/WH1-A/WH1-A-01/``) so "everything in this
    zone" is one prefix filter, as for units.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=C.LocationKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=400, db_index=True, editable=False)
    centre = models.ForeignKey(
        Unit, to_field="code", db_column="centre_code", on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    scope_field = "centre"

    class Meta:
        ordering = ["path"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)


class ItemQuerySet(RestrictedQuerySet):
    """Items are seen by the centre that holds them, the agency with legal custody and the case's unit."""

    def restrict(self, user, action: str = "view"):
        if not user_can(user, action):
            return self.none()
        path = scope_path(user)
        if path is None:
            return self.none()
        if path == "/":
            return self
        # the scope's units first (a few hundred codes at most), then three indexed columns of the
        # item itself: no join per row, so the gate stays cheap at a million items
        codes = list(Unit.objects.filter(path__startswith=path).values_list("code", flat=True))
        return self.filter(Q(centre_id__in=codes) | Q(custody_unit_id__in=codes) | Q(case_unit_id__in=codes))

    def held(self):
        return self.filter(status__in=C.HELD)


class Item(ChangeLoggedModel):
    """One seized item (一物一码): the ledger row and the heads of its two streams."""

    code = models.CharField(_("code"), max_length=24, unique=True, help_text=_("Printed on the QR label."))
    source_item = models.OneToOneField(
        "cases.PropertyItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="centre_item",
        help_text=_("The canonical property_items row this entry was registered from."),
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="centre_items")
    matter = models.ForeignKey(
        "cases.Matter",
        to_field="matter_id",
        db_column="matter_id",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="centre_items",
        help_text=_("The matter followed across agencies: the item's file goes with it."),
    )
    centre = models.ForeignKey(
        Unit, to_field="code", db_column="centre_code", on_delete=models.PROTECT, related_name="+"
    )
    case_unit = models.ForeignKey(
        Unit,
        to_field="code",
        db_column="case_unit_code",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The case's unit, copied from the case so the scope gate needs no join."),
    )
    measure = models.CharField(_("measure"), max_length=20, choices=C.Measure.choices)
    category = models.CharField(_("category"), max_length=20, choices=C.Category.choices)
    name = models.CharField(_("name"), max_length=200)
    features = models.CharField(_("features"), max_length=400, blank=True, default="")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)
    weight_g = models.DecimalField(_("weight (g)"), max_digits=14, decimal_places=3, null=True, blank=True)
    value = models.DecimalField(_("value (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True)
    appraisal = models.CharField(_("appraisal and valuation"), max_length=200, blank=True, default="")
    legal_document = models.CharField(_("legal document"), max_length=120)
    owner_name = models.CharField(_("owner"), max_length=60, blank=True, default="")
    owner_id_number = models.CharField(_("owner's ID number"), max_length=18, blank=True, default="")
    owner_phone = models.CharField(_("owner's phone"), max_length=20, blank=True, default="")
    relevant = models.BooleanField(_("relevant to the case"), null=True, blank=True)
    seized_at = models.DateTimeField(_("seized at"))
    seized_by = models.CharField(_("seized by"), max_length=60, blank=True, default="")
    handed_over_at = models.DateTimeField(_("handed to the custodian at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=C.ItemStatus.choices, db_index=True)
    # head of the legal-custody stream
    custody_unit = models.ForeignKey(
        Unit, to_field="code", db_column="custody_unit_code", on_delete=models.PROTECT, related_name="+"
    )
    custody_document = models.CharField(_("custody document"), max_length=120, blank=True, default="")
    # head of the physical stream: a location, or a holder (the seizing officer, a borrower)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    holder = models.CharField(_("held by"), max_length=100, blank=True, default="")
    deposit_ref = models.CharField(
        _("deposit record"),
        max_length=80,
        blank=True,
        default="",
        help_text=_("Cash: the compliant account."),
    )
    freeze_until = models.DateField(_("freeze expires"), null=True, blank=True)
    judgment_effective_on = models.DateField(_("judgment effective on"), null=True, blank=True)
    judgment_ref = models.CharField(_("judgment"), max_length=120, blank=True, default="")
    claim_notice_on = models.DateField(_("claim notice issued on"), null=True, blank=True)
    claim_by_court = models.BooleanField(_("court notice (1 year)"), default=False)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    receipt_sent_on = models.DateField(_("receipt (回执) sent on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ItemQuerySet.as_manager()
    scope_field = "centre"
    personal_fields = ("owner_id_number", "owner_phone")

    class Meta:
        ordering = ["code"]
        verbose_name = _("centre item")
        verbose_name_plural = _("centre items")
        indexes = [
            models.Index(fields=["centre", "status"]),
            models.Index(fields=["case", "status"]),
            models.Index(fields=["custody_unit", "status"]),
            models.Index(fields=["case_unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(location__isnull=False) & Q(holder=""))
                | (Q(location__isnull=True) & ~Q(holder=""))
                | Q(status__in=[C.ItemStatus.RELEASED, C.ItemStatus.DISPOSED]),
                name="property_item_one_place",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def place(self) -> str:
        return str(self.location) if self.location_id else self.holder


class _Confirmed(models.Model):
    """Both sides of a hand-over: who gave, who received, and when each confirmed."""

    at = models.DateTimeField(_("at"))
    giver = models.CharField(_("handed over by"), max_length=60)
    receiver = models.CharField(_("received by"), max_length=60)
    giver_confirmed_at = models.DateTimeField(_("giver confirmed at"), null=True)
    receiver_confirmed_at = models.DateTimeField(_("receiver confirmed at"), null=True)
    condition = models.CharField(
        _("condition"), max_length=10, choices=C.Condition.choices, default=C.Condition.OK
    )
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class CustodyEntry(_Confirmed):
    """Legal custody changed hands (seized by, transferred with the case, released, disposed)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="custody_entries")
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=20, choices=C.CustodyKind.choices)
    from_unit = models.ForeignKey(
        Unit, null=True, on_delete=models.PROTECT, related_name="+", to_field="code"
    )
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", to_field="code")
    document = models.CharField(_("document"), max_length=120)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__centre"

    class Meta:
        ordering = ["item", "seq"]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="property_custody_seq"),
            models.CheckConstraint(
                condition=Q(giver_confirmed_at__isnull=False, receiver_confirmed_at__isnull=False),
                name="property_custody_both_confirmed",
            ),
        ]


class PlaceEntry(_Confirmed):
    """The object moved: from a location or holder to a location or holder."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="place_entries")
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=20, choices=C.PlaceKind.choices)
    from_location = models.ForeignKey(Location, null=True, on_delete=models.PROTECT, related_name="+")
    from_holder = models.CharField(max_length=100, blank=True, default="")
    to_location = models.ForeignKey(Location, null=True, on_delete=models.PROTECT, related_name="+")
    to_holder = models.CharField(max_length=100, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__centre"

    class Meta:
        ordering = ["item", "seq"]
        verbose_name = _("location event")
        verbose_name_plural = _("location events")
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="property_place_seq"),
            models.CheckConstraint(
                condition=Q(giver_confirmed_at__isnull=False, receiver_confirmed_at__isnull=False),
                name="property_place_both_confirmed",
            ),
            models.CheckConstraint(
                condition=(Q(to_location__isnull=False) & Q(to_holder=""))
                | (Q(to_location__isnull=True) & ~Q(to_holder="")),
                name="property_place_one_destination",
            ),
        ]

    @property
    def to_place(self) -> str:
        return str(self.to_location) if self.to_location_id else self.to_holder


class Loan(ChangeLoggedModel):
    """A borrowing for questioning, appraisal or trial (调用), with approver and due date."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="loans")
    borrower = models.CharField(_("borrower"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=20, choices=C.LoanPurpose.choices)
    approver = models.CharField(_("approved by"), max_length=60)
    out_at = models.DateTimeField(_("lent at"))
    due_at = models.DateTimeField(_("due back"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_condition = models.CharField(max_length=10, choices=C.Condition.choices, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__centre"

    class Meta:
        ordering = ["-out_at"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")


class Handover(ChangeLoggedModel):
    """A transfer list (随案移送清单): legal custody of a case's items to the next agency."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="property_handovers")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", to_field="code")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", to_field="code")
    document = models.CharField(_("document"), max_length=120)
    items = models.ManyToManyField(Item, related_name="handovers")
    status = models.CharField(_("status"), max_length=20, choices=C.HandoverStatus.choices)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("sent at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "from_unit"

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("transfer list")
        verbose_name_plural = _("transfer lists")

    def __str__(self):
        return self.number


class Disposal(ChangeLoggedModel):
    """How an item left the centre for good, as the judgment (or the rules) say."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="disposal")
    route = models.CharField(_("route"), max_length=20, choices=C.DisposalRoute.choices)
    approval_level = models.CharField(_("approving level"), max_length=20, choices=C.ApprovalLevel.choices)
    approver = models.CharField(_("approved by"), max_length=60)
    judgment_ref = models.CharField(_("judgment"), max_length=120, blank=True, default="")
    proceeds = models.DecimalField(
        _("proceeds (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    certificate = models.CharField(_("certificate or receipt"), max_length=120)
    at = models.DateTimeField(_("disposed at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()
    scope_field = "item__centre"

    class Meta:
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")


class Discrepancy(ChangeLoggedModel):
    """Damage, shortage, swap, or an inventory's missing/unexpected/misplaced item; opens a problem."""

    item = models.ForeignKey(Item, null=True, on_delete=models.CASCADE, related_name="discrepancies")
    code = models.CharField(_("code scanned"), max_length=40, blank=True, default="")
    centre = models.ForeignKey(Unit, to_field="code", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=C.DiscrepancyKind.choices)
    found_at = models.DateTimeField(_("found at"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    inventory = models.ForeignKey(
        "Inventory", null=True, on_delete=models.CASCADE, related_name="discrepancies"
    )
    problem_id = models.IntegerField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "centre"

    class Meta:
        ordering = ["-found_at"]
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")


class Inventory(ChangeLoggedModel):
    """A count (盘点) of a zone or the whole centre, full or sampled."""

    centre = models.ForeignKey(Unit, to_field="code", on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=10, choices=C.InventoryMode.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    population = models.PositiveIntegerField(_("items on record"))
    sample_size = models.PositiveIntegerField(_("items to count"))
    seed = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=10, choices=C.InventoryStatus.choices)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "centre"

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("inventory")
        verbose_name_plural = _("inventories")


class InventoryExpected(models.Model):
    """The items an inventory must find (all of the zone, or the drawn sample), frozen at start."""

    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="expected")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, null=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inventory", "item"], name="property_inv_expected")]


class InventoryScan(models.Model):
    """One code read during a count, where it was read."""

    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="scans")
    code = models.CharField(max_length=40)
    item = models.ForeignKey(Item, null=True, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, null=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inventory", "code"], name="property_inv_scan")]
        indexes = [models.Index(fields=["inventory", "item"])]


class Alert(models.Model):
    """A deadline of one item (computed by casewatch.analytics.property_alerts), refreshed in bulk."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="alerts")
    centre = models.ForeignKey(Unit, to_field="code", on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(_("rule"), max_length=20, choices=C.AlertRule.choices)
    state = models.CharField(_("state"), max_length=10, choices=C.AlertState.choices)
    started_on = models.DateField(_("clock started"))
    due_on = models.DateField(_("due"))
    days_over = models.IntegerField(_("days overdue"))
    problem_id = models.IntegerField(null=True, blank=True)
    refreshed_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()
    scope_field = "centre"

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [models.UniqueConstraint(fields=["item", "rule"], name="property_alert_key")]

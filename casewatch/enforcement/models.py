"""Enforcement records mirroring the canonical schema (``casewatch/analytics/schema.py``).

Every table carries the owning ``unit`` (``unit_code``) and ``case_number`` as the canonical
natural key, plus the resolved ``case`` (the importer fills it by joining the natural key), so
imports write codes without lookups and the snapshot reads them without joins. The workflow
objects (certificates, honour batches, credit-repair steps, clearance batches, reconciliation)
live in :mod:`casewatch.enforcement.models_workflow`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casewatch.cases.choices import choices, label
from casewatch.cases.models import Case, SourceMixin
from casewatch.core.models import ChangeLoggedModel, Unit
from casewatch.core.querysets import RestrictedQuerySet

_MONEY = {"max_digits": 18, "decimal_places": 2}


class CaseRecord(ChangeLoggedModel, SourceMixin):
    """Abstract base: a row that belongs to one case of one unit."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        to_field="code",
        db_column="unit_code",
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_number = models.CharField(_("case number"), max_length=80)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        abstract = True


class PerformanceDeadline(CaseRecord):
    """履行期限: what an effective document orders a debtor to pay and by when."""

    debtor_party_id = models.CharField(_("debtor"), max_length=40, db_index=True)
    creditor_party_id = models.CharField(_("creditor"), max_length=40, blank=True, default="")
    effective_on = models.DateField(_("effective on"))
    perform_by = models.DateField(_("perform by"))
    amount_due = models.DecimalField(_("amount due (yuan)"), **_MONEY)

    class Meta:
        verbose_name = _("performance deadline")
        verbose_name_plural = _("performance deadlines")
        constraints = [
            models.UniqueConstraint(fields=["unit", "case_number", "debtor_party_id"], name="enf_perf_key")
        ]


class DebtorPayment(CaseRecord):
    """A payment by a debtor (date, amount, channel)."""

    payment_id = models.CharField(_("payment id"), max_length=40, unique=True)
    debtor_party_id = models.CharField(_("debtor"), max_length=40, db_index=True)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), **_MONEY)
    channel = models.CharField(_("channel"), max_length=20, choices=choices("payment_channel"))

    class Meta:
        verbose_name = _("debtor payment")
        verbose_name_plural = _("debtor payments")
        indexes = [models.Index(fields=["case", "debtor_party_id"])]

    def channel_label(self):
        return label("payment_channel", self.channel)


class EnforcementFiling(CaseRecord):
    """执行立案: an enforcement case and the document it enforces."""

    source_unit_code = models.CharField(_("source unit"), max_length=40, blank=True, default="")
    source_case_number = models.CharField(_("source case number"), max_length=80, blank=True, default="")
    debtor_party_id = models.CharField(_("debtor"), max_length=40, db_index=True)
    applicant_party_id = models.CharField(_("applicant"), max_length=40, blank=True, default="")
    filed_on = models.DateField(_("filed on"))
    amount_sought = models.DecimalField(_("amount sought (yuan)"), **_MONEY)

    class Meta:
        verbose_name = _("enforcement filing")
        verbose_name_plural = _("enforcement filings")
        constraints = [models.UniqueConstraint(fields=["unit", "case_number"], name="enf_filing_key")]


class DishonestListing(CaseRecord):
    """失信被执行人名单: the decision, its deletion and its correction."""

    listing_id = models.CharField(_("listing id"), max_length=40, unique=True)
    debtor_party_id = models.CharField(_("debtor"), max_length=40, db_index=True)
    ground = models.CharField(_("ground"), max_length=2, choices=choices("listing_ground"))
    decided_on = models.DateField(_("decided on"))
    serious = models.BooleanField(_("serious or repeated"), null=True, blank=True)
    extra_years = models.PositiveSmallIntegerField(_("extra years"), null=True, blank=True)
    grace_months = models.PositiveSmallIntegerField(_("grace period (months)"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    security_provided = models.BooleanField(_("security provided"), null=True, blank=True)
    assets_sufficient = models.BooleanField(_("seized assets suffice"), null=True, blank=True)
    trigger = models.CharField(
        _("deletion trigger"), max_length=30, choices=choices("deletion_trigger"), blank=True, default=""
    )
    trigger_on = models.DateField(_("trigger on"), null=True, blank=True)
    deleted_on = models.DateField(_("deleted on"), null=True, blank=True)
    correction_requested_on = models.DateField(_("correction requested on"), null=True, blank=True)
    correction_decided_on = models.DateField(_("correction decided on"), null=True, blank=True)
    correction_outcome = models.CharField(
        _("correction outcome"), max_length=20, choices=choices("correction_outcome"), blank=True, default=""
    )
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    reconsideration_requested_on = models.DateField(_("reconsideration requested on"), null=True, blank=True)
    reconsideration_decided_on = models.DateField(_("reconsideration decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("dishonest-debtor listing")
        verbose_name_plural = _("dishonest-debtor listings")
        ordering = ["-decided_on", "listing_id"]

    def __str__(self):
        return self.listing_id

    def ground_label(self):
        return label("listing_ground", self.ground)

    def trigger_label(self):
        return label("deletion_trigger", self.trigger)


class EnforcementRestriction(CaseRecord):
    """限制消费 / 限制出境."""

    restriction_id = models.CharField(_("restriction id"), max_length=40, unique=True)
    debtor_party_id = models.CharField(_("debtor"), max_length=40, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices("restriction_kind"))
    ordered_on = models.DateField(_("ordered on"))
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enforcement restriction")
        verbose_name_plural = _("enforcement restrictions")


class AssetSearch(CaseRecord):
    """An asset search (网络查控 or on site) and what it found."""

    search_id = models.CharField(_("search id"), max_length=40, unique=True)
    searched_on = models.DateField(_("searched on"))
    online = models.BooleanField(_("online search"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=choices("search_result"))
    amount_found = models.DecimalField(_("found (yuan)"), null=True, blank=True, **_MONEY)

    class Meta:
        verbose_name = _("asset search")
        verbose_name_plural = _("asset searches")


class EnforcementRuling(CaseRecord):
    """终本, suspension, non-enforcement or termination."""

    ruling_id = models.CharField(_("ruling id"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=choices("ruling_kind"))
    ruled_on = models.DateField(_("ruled on"))

    class Meta:
        verbose_name = _("enforcement ruling")
        verbose_name_plural = _("enforcement rulings")


class EnforcementSettlement(CaseRecord):
    """执行和解 and its performance."""

    settlement_id = models.CharField(_("settlement id"), max_length=40, unique=True)
    agreed_on = models.DateField(_("agreed on"))
    amount = models.DecimalField(_("amount (yuan)"), **_MONEY)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    performed_on = models.DateField(_("performed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enforcement settlement")
        verbose_name_plural = _("enforcement settlements")


class CaseFundMovement(CaseRecord):
    """案款: a receipt into the court account, a payout or a fee refund."""

    movement_id = models.CharField(_("movement id"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices("fund_kind"))
    occurred_on = models.DateField(_("occurred on"), db_index=True)
    amount = models.DecimalField(_("amount (yuan)"), **_MONEY)
    receipt_id = models.CharField(_("receipt paid out"), max_length=40, blank=True, default="", db_index=True)
    account_no = models.CharField(_("court account"), max_length=40, blank=True, default="")
    counterparty_account = models.CharField(_("counterparty account"), max_length=40, blank=True, default="")
    bank_ref = models.CharField(_("bank reference"), max_length=60, blank=True, default="", db_index=True)
    payee_party_id = models.CharField(_("payee"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("case-fund movement")
        verbose_name_plural = _("case-fund movements")
        ordering = ["occurred_on", "movement_id"]

    def kind_label(self):
        return label("fund_kind", self.kind)


class CreditRepair(CaseRecord):
    """信用修复 through its four steps (application, verification, deletion, follow-up)."""

    repair_id = models.CharField(_("repair id"), max_length=40, unique=True)
    debtor_party_id = models.CharField(_("debtor"), max_length=40, db_index=True)
    listing_id = models.CharField(_("listing id"), max_length=40, db_index=True)
    applied_on = models.DateField(_("applied on"))
    pledge_on = models.DateField(_("credit pledge signed on"), null=True, blank=True)
    condition = models.CharField(
        _("condition"), max_length=2, choices=choices("repair_condition"), blank=True, default=""
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    shielded_on = models.DateField(_("shielded on"), null=True, blank=True)
    plan_amount = models.DecimalField(_("plan amount (yuan)"), null=True, blank=True, **_MONEY)
    deleted_on = models.DateField(_("deleted on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=choices("repair_status"), default="applied")

    class Meta:
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")
        ordering = ["-applied_on", "repair_id"]

    def __str__(self):
        return self.repair_id

    def status_label(self):
        return label("repair_status", self.status)

    def condition_label(self):
        return label("repair_condition", self.condition)


from casewatch.enforcement.models_workflow import *  # noqa: E402, F403 - Django finds models here

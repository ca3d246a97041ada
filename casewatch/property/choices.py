"""Enumerations of the seized-property centre (涉案财物跨部门管理中心)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Measure(models.TextChoices):
    """The legal measure by which the item was taken."""

    SEIZURE = "seizure", _("Seizure (扣押)")
    SEALING = "sealing", _("Sealing (查封)")
    FREEZE = "freeze", _("Freeze (冻结)")
    COLLECTION = "collection", _("Collection (调取)")
    PRESERVATION = "preservation", _("Registration and preservation (先行登记保存)")


class Category(models.TextChoices):
    CASH = "cash", _("Cash")
    DEPOSIT = "deposit", _("Bank deposit or frozen account")
    VEHICLE = "vehicle", _("Vehicle")
    PHONE = "phone", _("Phone or electronics")
    VALUABLES = "valuables", _("Jewellery or other valuables")
    DOCUMENT = "document", pgettext_lazy("property", "Documents")
    CONTRABAND = "contraband", _("Drugs or contraband")
    REAL_ESTATE = "real_estate", _("Real estate (recorded only)")
    OTHER = "other", _("Other")


#: Categories recorded in the ledger but never physically in a warehouse.
RECORD_ONLY = (Category.DEPOSIT, Category.REAL_ESTATE)
#: Categories that need photos and a valuation (公安机关办理刑事案件程序规定 第230条).
VALUABLE = (Category.VALUABLES, Category.VEHICLE)

#: canonical ``property_items.kind`` -> category
FROM_CANONICAL = {
    "cash": Category.CASH,
    "vehicle": Category.VEHICLE,
    "phone": Category.PHONE,
    "jewellery": Category.VALUABLES,
    "document": Category.DOCUMENT,
    "goods": Category.OTHER,
    "deposit": Category.DEPOSIT,
    "real_estate": Category.REAL_ESTATE,
}


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting hand-over")
    IN_STORE = "in_store", _("In store")
    BORROWED = "borrowed", _("Lent out")
    OFF_SITE = "off_site", _("Held off site")
    RELEASED = "released", _("Released to the owner")
    DISPOSED = "disposed", _("Disposed")


#: States in which the item is still held (deadlines run, inventories count it).
HELD = (ItemStatus.PENDING, ItemStatus.IN_STORE, ItemStatus.BORROWED, ItemStatus.OFF_SITE)


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    ZONE = "zone", _("Zone")
    SHELF = "shelf", _("Shelf")
    BIN = "bin", _("Bin")
    THIRD_PARTY = "third_party", _("Third-party custody")
    WITH_FILE = "with_file", _("With the case file")
    ACCOUNT = "account", _("Compliant bank account")
    REGISTRY = "registry", _("Recorded at a registry (not moved)")


class CustodyKind(models.TextChoices):
    """Legal-custody events: who is responsible for the item."""

    SEIZED = "seized", _("Seized")
    TRANSFERRED = "transferred", _("Transferred with the case")
    RELEASED = "released", _("Released")
    DISPOSED = "disposed", _("Disposed")


class PlaceKind(models.TextChoices):
    """Physical-location events: where the item is."""

    SEIZED = "seized", _("Taken by the seizing officer")
    CHECK_IN = "check_in", _("Checked in")
    MOVE = "move", _("Moved")
    LEND = "lend", _("Lent out")
    RETURN = "return", pgettext_lazy("property", "Returned")
    CHECK_OUT = "check_out", _("Checked out")


class Condition(models.TextChoices):
    OK = "ok", _("Intact")
    DAMAGED = "damaged", _("Damaged")
    SHORT = "short", _("Shortage")
    SWAPPED = "swapped", _("Swapped")


class LoanPurpose(models.TextChoices):
    QUESTIONING = "questioning", _("Questioning")
    APPRAISAL = "appraisal", _("Appraisal")
    TRIAL = "trial", _("Shown at trial")


class HandoverStatus(models.TextChoices):
    PROPOSED = "proposed", _("Sent, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")


class DisposalRoute(models.TextChoices):
    RETURN_OWNER = "return_owner", _("Returned to the owner")
    RETURN_VICTIM = "return_victim", _("Returned to the victim")
    CONFISCATE = "confiscate", _("Confiscated to the treasury")
    DESTROY = "destroy", _("Destroyed")
    SELL = "sell", _("Sold")
    AUCTION = "auction", _("Auctioned")
    PRESALE = "presale", _("Sold before judgment (perishable)")
    RELEASE_UNRELATED = "release_unrelated", _("Released: unrelated to the case")
    UNCLAIMED = "unclaimed", _("Unclaimed: to the treasury")


#: Routes that need no effective judgment.
NO_JUDGMENT_ROUTES = (DisposalRoute.PRESALE, DisposalRoute.RELEASE_UNRELATED, DisposalRoute.UNCLAIMED)


class ApprovalLevel(models.TextChoices):
    DEPARTMENT = "department", _("Head of the handling department")
    COUNTY = "county", _("County-level bureau head")
    COUNTY_CHIEF = "county_chief", _("County-level bureau chief (主要负责人)")
    COURT_PRESIDENT = "court_president", _("Court president")
    JUDGMENT = "judgment", _("By the judgment")


class DiscrepancyKind(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    SHORT = "short", _("Shortage")
    SWAPPED = "swapped", _("Swapped")
    MISSING = "missing", _("Missing at inventory")
    UNEXPECTED = "unexpected", _("Unexpected at inventory")
    MISPLACED = "misplaced", _("Misplaced")


class InventoryMode(models.TextChoices):
    FULL = "full", _("Full count")
    SAMPLED = "sampled", _("Sampled count (95% confidence, ±3%)")


class InventoryStatus(models.TextChoices):
    OPEN = "open", _("Counting")
    SUBMITTED = "submitted", _("Submitted")


class AlertRule(models.TextChoices):
    HANDOVER = "handover_24h", _("Hand-over to the custodian within 24 hours")
    RELEASE = "release_3d", _("Unrelated item released within 3 days")
    FREEZE = "freeze_6m", _("Freeze expires after 6 months")
    LOAN = "loan_due", _("Borrowed item returned by its due date")
    CLAIM = "claim_window", _("Claim window ends: to the treasury")
    CASH = "cash_account", _("Cash in the single compliant account")
    RECEIPT = "disposal_receipt", _("Disposal after an effective judgment, with the receipt")


class AlertState(models.TextChoices):
    WARNING = "warning", _("Due soon")
    OVERDUE = "overdue", _("Overdue")

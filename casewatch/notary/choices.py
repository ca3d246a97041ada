"""Enumerations of the notarisation module: channels, complexity, states, review kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Complexity(models.TextChoices):
    """How a matter may be handled (多渠道受理): on the phone, at any office, or at a designated one."""

    SIMPLE = "simple", _("Simple (may be done online)")
    ORDINARY = "ordinary", _("Ordinary (at any notary office)")
    COMPLEX = "complex", _("Complex (at a designated office only)")


class Channel(models.TextChoices):
    """Where an application came in."""

    ONLINE = "online", _("Online (phone)")
    WINDOW = "window", _("Office window")
    IMPORT = "import", _("Imported from another system")


class ItemStatus(models.TextChoices):
    """submitted → accepted ⇄ awaiting materials → approved → issued → delivered; refused / withdrawn."""

    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted, in process")
    MORE_MATERIALS = "more_materials", _("Awaiting more materials")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Certificate issued")
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused")


#: States in which the time limit runs or is paused (not finished).
OPEN_STATUSES = (ItemStatus.SUBMITTED, ItemStatus.ACCEPTED, ItemStatus.MORE_MATERIALS, ItemStatus.APPROVED)
#: States that count as done with a certificate.
DONE_STATUSES = (ItemStatus.ISSUED, ItemStatus.DELIVERED)


class Delivery(models.TextChoices):
    PICKUP = "pickup", _("Collected at the office")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronic copy")


class ReviewKind(models.TextChoices):
    """Why an item is reviewed: every complex matter, plus a random sample of the others."""

    MANDATORY = "mandatory", _("Second-person review (complex matter)")
    SAMPLE = "sample", _("Random sample")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")


class CheckResult(models.TextChoices):
    PASS = "pass", _("Meets the standard")
    FAIL = "fail", _("Finding")
    NA = "na", _("Not applicable")

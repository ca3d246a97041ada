"""Enumerations of case-quality review."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    """planning → sampling → reviewing → report; the case list freezes on entering reviewing."""

    PLANNING = "planning", _("Planning")
    SAMPLING = "sampling", _("Sampling")
    REVIEWING = "reviewing", _("Reviewing")
    REPORT = "report", _("Report")


class SelectionReason(models.TextChoices):
    """Why a case is in a campaign; a case may carry several."""

    RANDOM = "random", _("Random draw (stratified)")
    HANDLER_MINIMUM = "handler_minimum", _("Minimum per handler")
    REVERSED = "reversed", _("Reversed or remanded on appeal")
    PETITION = "petition", _("Subject of a petition")
    FINDING = "finding", _("Screening finding")
    FOUR_TYPES = "four_types", _("Four-types case (四类案件)")
    PICK = "pick", _("Supervisor's pick")


class ConflictLevel(models.TextChoices):
    """How far the conflict-of-interest rule reaches beyond the handler."""

    UNIT = "unit", _("Not from the case's own unit")
    AGENCY = "agency", _("Not from the case's own agency")
    HANDLER = "handler", _("Only the handler is excluded")


class ReviewKind(models.TextChoices):
    """The main review, or one of the three evaluations (一案三评)."""

    REVIEW = "review", _("Quality review")
    SELF = "self", _("Self-assessment")
    QUALITY = "quality", _("Legal or quality department")
    EXPERT = "expert", _("Outside expert")


THREE_WAY = (ReviewKind.SELF, ReviewKind.QUALITY, ReviewKind.EXPERT)


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class PanelTrigger(models.TextChoices):
    DISAGREEMENT = "disagreement", _("Evaluations disagree")
    PETITION = "petition", _("Petition")


class PanelStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class FourType(models.TextChoices):
    """SPC 法发〔2021〕30号 four kinds of cases under special supervision."""

    MAJOR = "major", _("Major, difficult, complex or sensitive")
    MASS = "mass", _("Mass dispute or wide public attention")
    CONFLICT = "conflict", _("May conflict with similar rulings")
    MISCONDUCT = "misconduct", _("Judge reported for misconduct")


class DualCheckTrack(models.TextChoices):
    HANDLING = "handling", _("Case handling")
    DISCIPLINE = "discipline", _("Staff discipline")


class TagAction(models.TextChoices):
    """Steps of a 四类案件 tag's supervision trail (stored in `TagEntry.action`)."""

    TAGGED = "tagged", _("Case tagged")
    PROGRESS_REPORT = "progress_report", _("Progress report")
    REFERRED = "referred", _("Referred to the judges' meeting or judicial committee")
    INSTRUCTION = "instruction", _("Instruction")
    REMOVED = "removed", _("Remove the tag")


#: the steps a supervisor may add by hand (``tagged`` is written when the tag is made)
TRAIL_STEPS = [c for c in TagAction.choices if c[0] != TagAction.TAGGED]

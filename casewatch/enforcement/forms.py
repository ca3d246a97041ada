"""Forms of the enforcement pages: every POST is validated here before a service sees it.

Errors come back in both languages (``中文 / English``), the field named, via :func:`errors`;
the services keep their own rules (a repair's state, a certificate's validity, the money limits).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from casewatch.core.forms import IdsField
from casewatch.core.forms import bilingual_errors as errors  # noqa: F401 - re-exported to the views

REPAIR_STEPS = ("verify", "shield", "delete", "complete", "certificate", "revoke")
BATCH_ACTIONS = ("approve", "publish", "push")
MAX_INSTALMENTS = 60


class RepairStepForm(forms.Form):
    """One step of a credit repair; the instalments (``due_on``/``amount`` pairs) for ``shield``."""

    step = forms.ChoiceField(label=_("Step"), choices=[(s, s) for s in REPAIR_STEPS])
    condition = forms.CharField(label=_("Condition"), required=False, max_length=2)
    declared = forms.BooleanField(label=_("Declared"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        plan = []
        if data.get("step") == "shield" and hasattr(self.data, "getlist"):
            pairs = list(zip(self.data.getlist("due_on"), self.data.getlist("amount"), strict=False))
            if len(pairs) > MAX_INSTALMENTS:
                raise forms.ValidationError(
                    f"分期不能超过{MAX_INSTALMENTS}期 / At most {MAX_INSTALMENTS} instalments.", code="plan"
                )
            day, money = forms.DateField(), forms.DecimalField(max_digits=16, decimal_places=2)
            for d, a in pairs:
                if not (d or a):
                    continue
                try:
                    plan.append((day.clean(d), money.clean(a)))
                except forms.ValidationError:
                    raise forms.ValidationError(
                        f"分期「{d} {a}」无效 / Instalment '{d} {a}' is not a date and an amount.",
                        code="plan",
                    ) from None
        data["plan"] = plan
        return data


class BatchCreateForm(forms.Form):
    """A new honour batch: the unit, a title and the certificates ticked."""

    unit = forms.CharField(label=_("Unit"), max_length=40)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    certificate = IdsField(label=_("Certificates"), required=False)


class BatchActionForm(forms.Form):
    """Approve, publish or push a batch (push: where to and to whom)."""

    action = forms.ChoiceField(label=_("Action"), choices=[(a, a) for a in BATCH_ACTIONS])
    target = forms.CharField(label=_("Target"), required=False, max_length=40)
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=200)


class ClearanceForm(forms.Form):
    """A 集中清理 batch: the unit, a title and the cut-off day (default: the page's day)."""

    unit = forms.CharField(label=_("Unit"), max_length=40)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    held_since = forms.DateField(label=_("Received on or before"), required=False)


class StatementForm(forms.Form):
    """A bank statement to reconcile against a unit's ledger."""

    unit = forms.CharField(label=_("Unit"), max_length=40)
    file = forms.FileField(label=_("File"))


class CertificateIssueForm(forms.Form):
    """A certificate of voluntary performance for one judgment's debtor."""

    case_id = forms.IntegerField(label=_("Case"), min_value=1)
    debtor_party_id = forms.CharField(label=_("Debtor"), max_length=40)


class ReasonForm(forms.Form):
    """Revoking a certificate: the reason is required."""

    reason = forms.CharField(label=_("Reason"), max_length=300)


class FeeReductionForm(forms.Form):
    """依法减免案件受理费: a positive amount with at most two decimals, and its legal basis."""

    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

"""Forms of the notarisation pages. Heavy checks live in `codes` and `services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casewatch.core.forms import bilingual_errors as errors  # noqa: F401 - re-exported to the views
from casewatch.notary.catalogue import CHECKLIST
from casewatch.notary.choices import CheckResult, Delivery


class IdentityForm(forms.Form):
    applicant_name = forms.CharField(label=_("Name"), max_length=60)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the text message"), max_length=6, min_length=6)


class RequestForm(forms.Form):
    requirement = forms.CharField(label=_("Material"), max_length=40)
    message = forms.CharField(
        label=_("What is needed"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class MaterialCheckForm(forms.Form):
    """Whether the notary found the material in order: ``1`` checked, ``0`` not (no other value)."""

    ok = forms.TypedChoiceField(
        label=_("Material checked"),
        choices=[("1", _("checked")), ("0", _("not checked"))],
        coerce=lambda v: v == "1",
    )


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)


class SampleForm(forms.Form):
    office = forms.CharField(label=_("Notary office"), max_length=40)
    period_from = forms.DateField(label=_("Issued from"))
    period_to = forms.DateField(label=_("Issued to"))
    rate = forms.DecimalField(
        label=_("Sampling rate"), min_value=0.001, max_value=1, decimal_places=3, initial="0.05"
    )
    seed = forms.CharField(label=_("Seed (empty: random)"), max_length=64, required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label, _severity in CHECKLIST:
            self.fields[f"check_{code}"] = forms.ChoiceField(
                label=label, choices=CheckResult.choices, widget=forms.RadioSelect
            )

    def results(self) -> dict:
        return {code: self.cleaned_data.get(f"check_{code}", "") for code, _l, _s in CHECKLIST}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"))

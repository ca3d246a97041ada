"""The campaign lists' filters, each shared by its page and its API (core.filtersets.SharedFilterForm:
the same parameters, the same rows, the same bilingual refusal of a malformed value):

* sessions (page and ``GET /api/v1/campaign/sessions/``): ``form``, ``unit`` (the unit and those
  below it), ``start``/``end`` (the day held);
* norms (page and ``GET /api/v1/campaign/norms/``): ``q`` over the full text, ``kind``, ``status``.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casewatch.campaign.choices import NormKind, NormStatus, SessionForm
from casewatch.core.filtersets import SharedFilterForm


def _all(options):
    return [("", _("All"))] + list(options)


def _date(label):
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class SessionFilterForm(SharedFilterForm):
    form = forms.ChoiceField(label=_("Form"), required=False, choices=_all(SessionForm.choices))
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=40)
    start = _date(_("From"))
    end = _date(_("To"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filter(self, qs):
        if not self.is_bound or not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["form"]:
            qs = qs.filter(form=d["form"])
        if d["unit"]:
            unit = d["unit"].strip()
            qs = qs.filter(Q(unit__code=unit) | Q(unit__path__contains=f"/{unit}/"))
        if d["start"]:
            qs = qs.filter(held_on__gte=d["start"])
        if d["end"]:
            qs = qs.filter(held_on__lte=d["end"])
        return qs


class NormFilterForm(SharedFilterForm):
    q = forms.CharField(
        label=_("Search the full text"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_all(NormKind.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_all(NormStatus.choices))

    def filter(self, qs):
        if not self.is_bound or not self.is_valid():
            return qs
        from casewatch.campaign import services

        d = self.cleaned_data
        if d["q"].strip():
            qs = services.search_norms(qs, d["q"].strip())
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["status"]:
            qs = qs.filter(status=d["status"])
        return qs

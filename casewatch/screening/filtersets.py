"""The findings list's filters, shared by the page, its XLSX export and the API
(``GET /api/v1/screening/findings``): the same parameters, the same rows, the same refusal of a
malformed value (core.filtersets.SharedFilterForm)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from casewatch.analytics.ningbo import CITY_CODE, DISTRICTS
from casewatch.core.filtersets import SharedFilterForm
from casewatch.screening.choices import FindingStatus, Severity

DISTRICT_NAMES = {CITY_CODE: "宁波市本级"} | {code: name for code, (name, _a) in DISTRICTS.items()}


def _all(options):
    return [("", gettext_lazy("All"))] + list(options)


class FindingFilterForm(SharedFilterForm):
    rule = forms.CharField(label=gettext_lazy("Rule"), required=False, max_length=40)
    area = forms.CharField(label=gettext_lazy("Area"), required=False, max_length=40)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), required=False, choices=_all(Severity.choices)
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=_all(FindingStatus.choices)
    )
    district = forms.ChoiceField(
        label=gettext_lazy("District"), required=False, choices=_all(list(DISTRICT_NAMES.items()))
    )
    unit = forms.CharField(label=gettext_lazy("Unit code"), required=False, max_length=40)

    def filter(self, qs):
        if not self.is_bound or not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["rule"]:
            qs = qs.filter(rule_id=d["rule"].strip())
        if d["area"]:
            qs = qs.filter(area=d["area"].strip())
        if d["severity"]:
            qs = qs.filter(severity=d["severity"])
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["district"]:
            qs = qs.filter(unit__division_code=d["district"])
        if d["unit"]:
            qs = qs.filter(unit__path__contains=f"/{d['unit'].strip()}/")
        return qs

"""The measures' period, shared by the measures page, its XLSX export and
``GET /api/v1/notary/measures``: ``since``/``until`` (default: 1 January to today), the end not
before the start. A malformed or reversed period is refused by all three with the same message
in Chinese and English (core.filtersets.SharedFilterForm) — never replaced by the default."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.core.filtersets import SharedFilterForm


class MeasuresPeriodForm(SharedFilterForm):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def period(self):
        """(since, until) with the defaults filled in; None when the form is not valid."""
        if self.is_bound and not self.is_valid():
            return None
        d = self.cleaned_data if self.is_bound else {}
        today = timezone.localdate()
        return d.get("since") or today.replace(month=1, day=1), d.get("until") or today

    def filter(self, qs):  # the period is not a queryset filter: see `period`
        return qs

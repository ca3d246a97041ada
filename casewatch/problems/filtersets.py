"""The problem list's filters, shared by the page, its XLSX export and the API.

``metric`` takes the board's metric names (found, rectified, open, overdue) with the same
conditions as the board (`querysets.metric_q`); ``unit`` means a unit and everything below it,
``unit_exact`` the unit alone; ``since``/``until`` bound the day the problem was found.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.analytics.ningbo import CITY_CODE, DISTRICTS
from casewatch.core.filtersets import SharedFilterForm
from casewatch.problems.choices import (
    Measure,
    OrderLevel,
    OrderStatus,
    ProblemSource,
    ProblemStatus,
    Severity,
)
from casewatch.problems.querysets import day_bounds, metric_q

DISTRICT_CHOICES = [(CITY_CODE, "宁波市本级")] + [(code, name) for code, (name, _a) in DISTRICTS.items()]
METRIC_CHOICES = [
    ("found", _("Found")),
    ("rectified", _("Rectified")),
    ("open", _("Not closed")),
    ("overdue", _("Overdue")),
]


def _all(options):
    return [("", _("All"))] + list(options)


class ProblemFilterForm(SharedFilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    metric = forms.ChoiceField(label=_("Figure"), required=False, choices=_all(METRIC_CHOICES))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_all(ProblemStatus.choices))
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=_all(Severity.choices))
    source = forms.ChoiceField(label=_("Source"), required=False, choices=_all(ProblemSource.choices))
    measure = forms.ChoiceField(label=_("Measure"), required=False, choices=_all(Measure.choices))
    district = forms.ChoiceField(label=_("District"), required=False, choices=_all(DISTRICT_CHOICES))
    unit = forms.CharField(label=_("Unit code (and below)"), required=False, max_length=40)
    unit_exact = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    since = forms.DateField(
        label=_("Found from"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Found until"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def filter(self, qs, user=None, today=None):
        if not self.is_bound or not self.is_valid():
            return qs
        d = self.cleaned_data
        today = today or timezone.localdate()
        if d["q"]:
            term = d["q"].strip()
            q = (
                Q(title__icontains=term)
                | Q(description__icontains=term)
                | Q(case__case_number__icontains=term)
            )
            if term.isdigit():
                q |= Q(pk=int(term))
            qs = qs.filter(q)
        if d["metric"]:
            qs = qs.filter(metric_q(d["metric"], today))
        for name in ("status", "severity", "source", "measure"):
            if d[name]:
                qs = qs.filter(**{name: d[name]})
        if d["district"]:
            qs = qs.filter(unit__division_code=d["district"])
        if d["unit"]:
            qs = qs.filter(unit__path__contains=f"/{d['unit'].strip()}/")
        if d["unit_exact"]:
            qs = qs.filter(unit_id=d["unit_exact"].strip())
        if d["since"] or d["until"]:
            qs = qs.filter(day_bounds(d["since"], d["until"]))
        if d["mine"] and user is not None:
            qs = qs.filter(assignee=user)
        return qs


class OrderFilterForm(SharedFilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_all(OrderStatus.choices))
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_all(OrderLevel.choices))
    listed = forms.BooleanField(label=_("Listed only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def filter(self, qs, today=None):
        if not self.is_bound or not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["level"]:
            qs = qs.filter(level=d["level"])
        if d["listed"]:
            qs = qs.filter(listed=True)
        if d["overdue"]:
            qs = qs.filter(status=OrderStatus.OPEN, deadline__lt=today or timezone.localdate())
        return qs

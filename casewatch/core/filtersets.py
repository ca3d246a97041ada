"""Filter forms for the core lists (units, audit trail)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casewatch.core.choices import AgencyKind, AuditAction, UnitKind


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + UnitKind.choices)
    agency_kind = forms.ChoiceField(
        label=_("Agency kind"), required=False, choices=[("", _("All"))] + AgencyKind.choices
    )

    def filter(self, qs):
        if not self.is_bound or not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["q"]:
            qs = qs.filter(name__icontains=d["q"]) | qs.filter(code__icontains=d["q"])
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["agency_kind"]:
            qs = qs.filter(agency_kind=d["agency_kind"])
        return qs


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All"))] + AuditAction.choices
    )
    object_type = forms.CharField(label=_("Object type"), required=False)
    request_id = forms.CharField(label=_("Request id"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, qs):
        if not self.is_bound or not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["user"]:
            qs = qs.filter(username__icontains=d["user"])
        if d["action"]:
            qs = qs.filter(action=d["action"])
        if d["object_type"]:
            qs = qs.filter(object_type__icontains=d["object_type"])
        if d["request_id"]:
            qs = qs.filter(request_id=d["request_id"])
        if d["since"]:
            qs = qs.filter(timestamp__date__gte=d["since"])
        if d["until"]:
            qs = qs.filter(timestamp__date__lte=d["until"])
        return qs

"""Case search filters, shared by the search page, the API and exports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casewatch.analytics.ningbo import CITY_CODE, DISTRICTS
from casewatch.cases.choices import choices
from casewatch.core.choices import AgencyKind


def _all(options):
    return [("", _("All"))] + list(options)


#: Party names shorter than this are matched from their start: a trigram index needs three
#: characters, so "contains" on two would scan every party (docs/performance.md, "Pages at 1M").
SHORT_NAME = 3


class CaseFilterForm(forms.Form):
    """Filters of the case search. Every filter maps to an indexed column or a unit-path prefix."""

    q = forms.CharField(label=_("Case number"), required=False, max_length=80)
    party = forms.CharField(
        label=_("Party name"),
        required=False,
        max_length=200,
        help_text=_(
            "A name of one or two characters is searched from its start (何华 finds 何华 and 何华明, "
            "not 张何华); three or more characters are found anywhere in the name."
        ),
    )
    agency_kind = forms.ChoiceField(label=_("Agency"), required=False, choices=_all(AgencyKind.choices))
    district = forms.ChoiceField(
        label=_("District"),
        required=False,
        choices=_all([(CITY_CODE, "宁波市本级")] + [(code, name) for code, (name, _a) in DISTRICTS.items()]),
    )
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=40)
    case_type = forms.ChoiceField(label=_("Case type"), required=False, choices=_all(choices("case_type")))
    cause = forms.CharField(label=_("Cause"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_all(choices("case_status")))
    handler = forms.CharField(label=_("Handler staff number"), required=False, max_length=40)
    filed_from = forms.DateField(
        label=_("Filed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    filed_to = forms.DateField(
        label=_("Filed to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closed_from = forms.DateField(
        label=_("Closed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closed_to = forms.DateField(
        label=_("Closed to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        for a, b in (("filed_from", "filed_to"), ("closed_from", "closed_to")):
            if data.get(a) and data.get(b) and data[a] > data[b]:
                self.add_error(b, _("The end date is before the start date."))
        return data

    def walks_filed_index(self) -> bool:
        """False when a closing-date filter is given: its matches lie anywhere in filing order, so
        the list sorts them instead of walking the (filed_at, id) index (see `keyset_page`)."""
        if not self.is_bound or not self.is_valid():
            return True
        return not (self.cleaned_data.get("closed_from") or self.cleaned_data.get("closed_to"))

    def party_from_start(self) -> bool:
        """True when the party name given is matched from its start (shorter than SHORT_NAME)."""
        if not self.is_bound or not self.is_valid():
            return False
        name = (self.cleaned_data.get("party") or "").strip()
        return 0 < len(name) < SHORT_NAME

    def filter(self, qs):
        """Apply the valid filters to a (restricted) case queryset."""
        if not self.is_bound or not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["q"]:
            qs = qs.filter(case_number__contains=d["q"].strip())
        if d.get("party"):
            from django.db.models import Exists, OuterRef

            from casewatch.cases.models import CaseParty

            # a semi-join (EXISTS), not a join: a case with two matching parties is listed once.
            # Short names from their start (btree, varchar_pattern_ops), others anywhere (trigram).
            name = d["party"].strip()
            lookup = "party__name__startswith" if self.party_from_start() else "party__name__contains"
            named = CaseParty.objects.filter(case_id=OuterRef("pk"), **{lookup: name})
            qs = qs.filter(Exists(named))
        if d["agency_kind"]:
            qs = qs.filter(unit__agency_kind=d["agency_kind"])
        if d["district"]:
            prefix = f"/{CITY_CODE}/" if d["district"] == CITY_CODE else f"/{CITY_CODE}/{d['district']}/"
            qs = qs.filter(unit__path__startswith=prefix)
            if d["district"] == CITY_CODE:
                qs = qs.filter(unit__division_code=CITY_CODE)
        if d["unit"]:
            qs = qs.filter(unit__path__contains=f"/{d['unit'].strip()}/")
        if d["case_type"]:
            qs = qs.filter(case_type=d["case_type"])
        if d["cause"]:
            from casewatch.cases.services import cause_names_containing

            # the same rows as cause_name LIKE '%…%', found through the cause_name index
            qs = qs.filter(cause_name__in=cause_names_containing(d["cause"].strip()))
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["handler"]:
            qs = qs.filter(handler_id=d["handler"].strip())
        if d["filed_from"]:
            qs = qs.filter(filed_at__gte=d["filed_from"])
        if d["filed_to"]:
            qs = qs.filter(filed_at__lte=d["filed_to"])
        if d["closed_from"]:
            qs = qs.filter(closed_at__gte=d["closed_from"])
        if d["closed_to"]:
            qs = qs.filter(closed_at__lte=d["closed_to"])
        return qs

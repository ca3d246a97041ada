"""Forms of the deadline pages (settings, filters): labelled fields, errors named per field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casewatch.analytics.schema import CASE_TYPES
from casewatch.core.choices import Action
from casewatch.core.forms import bilingual_errors as errors  # noqa: F401 - re-exported to the views
from casewatch.core.models import Unit
from casewatch.deadlines.labels import zh
from casewatch.deadlines.models import LightRule, parse_months


def case_type_choices(blank_label):
    return [("", blank_label)] + [(k, v[0] if zh() else v[1]) for k, v in CASE_TYPES.items()]


class LightRuleForm(forms.ModelForm):
    """A new version of a case type's light rule (the service writes it and deactivates the old one)."""

    class Meta:
        model = LightRule
        fields = [
            "case_type",
            "yellow_share_num",
            "yellow_share_den",
            "yellow_days_left",
            "red_days_left",
            "long_pending_months",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"] = forms.ChoiceField(
            label=_("case type"),
            required=False,
            choices=case_type_choices(_("Every case type (default)")),
        )
        self.fields["note"].label = _("Reason for the change")
        for name in ("yellow_share_num", "yellow_share_den"):
            self.fields[name].min_value = 1
            self.fields[name].widget.attrs["min"] = 1

    def clean_long_pending_months(self):
        value = self.cleaned_data["long_pending_months"]
        parse_months(value)  # raises a ValidationError naming what is wrong
        return value

    def clean(self):
        data = super().clean()
        num, den = data.get("yellow_share_num"), data.get("yellow_share_den")
        if num and den and num >= den:
            self.add_error(
                "yellow_share_num", _("The share must be less than one (numerator below denominator).")
            )
        yellow, red = data.get("yellow_days_left"), data.get("red_days_left")
        if yellow is not None and red is not None and red > yellow:
            self.add_error("red_days_left", _("Red must start at or below the days left of yellow."))
        return data

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("case_type", None)
        return d


class DateRangeForm(forms.Form):
    """A from–to date range; an inverted range is an error, never silently everything."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("The start date is after the end date."), code="range")
        return data


def display_token_units(user):
    """The units a wall display may show for ``user``: the ones they may see, city to agency."""
    return Unit.objects.restrict(user, Action.VIEW).filter(kind__in=("city", "district", "agency"))


class DisplayTokenForm(forms.Form):
    """A new wall-display token: a unit the user may see (by code) and a name."""

    unit = forms.ModelChoiceField(label=_("Scope"), queryset=None, to_field_name="code")
    name = forms.CharField(label=_("Name"), max_length=80)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = display_token_units(user)


class RevokeTokenForm(forms.Form):
    revoke = forms.IntegerField(min_value=1)

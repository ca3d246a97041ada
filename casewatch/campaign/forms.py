"""Forms of the campaign pages; units are chosen by code and must lie in the user's scope."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.campaign.choices import LinkKind, NormKind, NormStatus, SessionForm, TopicStatus
from casewatch.core.choices import Action
from casewatch.core.forms import bilingual_errors as errors  # noqa: F401 - re-exported to the views
from casewatch.core.models import Unit

DATE = forms.DateInput(attrs={"type": "date"})


class ScopedUnitForm(forms.Form):
    """A form with ``unit_code`` resolved to a unit in the user's scope (``cleaned_data["unit"]``)."""

    unit_code = forms.CharField(label=_("Unit code"), max_length=40)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        unit = Unit.objects.restrict(self.user, Action.VIEW).filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit with this code in your scope."))
        self.cleaned_data["unit"] = unit
        return code


class SessionCreateForm(ScopedUnitForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    form = forms.ChoiceField(label=_("Form"), choices=SessionForm.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    materials = forms.CharField(
        label=_("Materials"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future: record a session after it is held."))
        return day


class SignInForm(forms.Form):
    staff_no = forms.CharField(label=_("Staff number"), max_length=40)
    id_tail = forms.CharField(label=_("Last four characters of your ID number"), max_length=4, min_length=4)


class AttendanceImportForm(forms.Form):
    file = forms.FileField(label=_("Attendance list (CSV or XLSX with a 工号 / staff_no column)"))


class NormForm(ScopedUnitForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    doc_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=NormKind.choices)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    effective_on = forms.DateField(label=_("Effective on"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=NormStatus.choices)
    co_issuers = forms.CharField(
        label=_("Co-issuer unit codes"), required=False, help_text=_("Separated by spaces or commas.")
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    full_text = forms.CharField(
        label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )

    def clean(self):
        data = super().clean()
        issued, effective = data.get("issued_on"), data.get("effective_on")
        if issued and effective and effective < issued:
            self.add_error("effective_on", _("A norm cannot take effect before it is issued."))
        codes = [c for c in (data.get("co_issuers") or "").replace(",", " ").split() if c]
        units = list(Unit.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {u.code for u in units})
        if missing:
            self.add_error("co_issuers", _("Unknown unit codes: %(codes)s.") % {"codes": ", ".join(missing)})
        data["co_issuer_units"] = units
        return data


class NormLinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Grounds"), choices=LinkKind.choices)
    target = forms.CharField(label=_("Rule id, rubric item code or setting"), max_length=60)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TopicForm(ScopedUnitForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    status = forms.ChoiceField(label=_("Status"), choices=TopicStatus.choices)
    lead = forms.CharField(label=_("Lead person"), max_length=60, required=False)
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(
        label=_("Recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    report = forms.FileField(label=_("Report file (PDF, DOCX, XLSX or image)"), required=False)


class ReportForm(forms.Form):
    unit_code = forms.CharField(label=_("Scope (unit code)"), max_length=40, required=False)
    start = forms.DateField(label=_("Period starts"), widget=DATE, required=False)
    end = forms.DateField(label=_("As of"), widget=DATE, required=False)
    enforcement_until = forms.DateField(
        label=_("Enforcement figures until"),
        widget=DATE,
        required=False,
        help_text=_("Blank: the same day as the report."),
    )
    #: the checkbox sends ``1``; absent is a full report, any other value is refused
    staged = forms.TypedChoiceField(
        label=_("Staged (monthly) report"),
        choices=[("1", _("Staged (monthly) report"))],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=False,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(
                _("The report period ends (%(end)s) before it starts (%(start)s).")
                % {"start": start.isoformat(), "end": end.isoformat()}
            )
        return data


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today

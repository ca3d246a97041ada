"""Forms of the lead page's workflow (triage, refer, outcome, list for supervision).

Every POST of ``views.lead_detail`` goes through one of these: a field that is missing or wrong
is refused with a message naming the field (Chinese through the app's catalogue, English in
source), and the service is not called, so nothing is written. Rules that depend on the lead's
state (only new leads can be triaged, a closed lead cannot be referred …) stay in ``services``.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.core.models import Unit
from casewatch.falselit.choices import LeadOutcome

NOTE_MAX = 2000


def referral_units():
    """The units a lead can be referred to: courts, procuratorates and police agencies."""
    from casewatch.falselit.services import REFERRAL_AGENCIES

    return Unit.objects.filter(agency_kind__in=REFERRAL_AGENCIES, kind="agency").order_by("code")


class _NoteMixin:
    """A free-text note, stripped; ``required`` per form (too long: Django's own translated message)."""

    @staticmethod
    def note_field(label, required: bool, required_message=None):
        field = forms.CharField(
            label=label,
            required=required,
            max_length=NOTE_MAX,
            strip=True,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        if required_message:
            field.error_messages["required"] = required_message
        return field


class TriageForm(forms.Form, _NoteMixin):
    """Take the lead under review (accept = 1) or dismiss it (accept = 0, with a reason)."""

    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=(("1", _("Take under review")), ("0", _("Dismiss"))),
        coerce=lambda v: v == "1",
        error_messages={
            "required": _("Choose whether to take the lead under review or dismiss it."),
            "invalid_choice": _("The decision must be either take under review or dismiss."),
        },
    )
    note = _NoteMixin.note_field(_("Note or reason"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("accept") is False and not data.get("note"):
            self.add_error("note", _("Give a reason for dismissing the lead."))
        return data


class ReferForm(forms.Form, _NoteMixin):
    """Refer the lead to a court, procuratorate or police unit."""

    to_unit = forms.ModelChoiceField(
        label=_("Refer to"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        error_messages={
            "required": _("Choose the court, procuratorate or police unit to refer the lead to."),
            "invalid_choice": _("Refer to a court, procuratorate or police unit."),
        },
    )
    note = _NoteMixin.note_field(_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = referral_units()


class OutcomeForm(forms.Form, _NoteMixin):
    """The holding agency's outcome and its feedback."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in LeadOutcome.choices if c[0]],
        error_messages={
            "required": _("Choose the outcome."),
            "invalid_choice": _("Unknown outcome."),
        },
    )
    note = _NoteMixin.note_field(_("Feedback"), required=True, required_message=_("Feedback is required."))


class SuperviseForm(forms.Form, _NoteMixin):
    """List the lead for supervision: a deadline (today or later) and instructions."""

    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the deadline of the supervision order."),
            "invalid": _("The deadline is not a date (use YYYY-MM-DD)."),
        },
    )
    note = _NoteMixin.note_field(
        _("Instructions"),
        required=True,
        required_message=_("Give the instructions of the supervision order."),
    )

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."), code="deadline")
        return value


class LeadFilterForm(forms.Form):
    """The lead list's filters (GET). A wrong value is reported, never silently dropped."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    min_score = forms.FloatField(
        label=_("Minimum score"),
        required=False,
        min_value=0,
        max_value=1,
        error_messages={
            "invalid": _("The minimum score must be a number between 0 and 1."),
            "min_value": _("The minimum score must be a number between 0 and 1."),
            "max_value": _("The minimum score must be a number between 0 and 1."),
        },
    )

    def __init__(self, *args, **kwargs):
        from casewatch.falselit.choices import Category, LeadStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "")] + list(LeadStatus.choices)
        self.fields["category"].choices = [("", "")] + list(Category.choices)
        for name in ("status", "category"):
            self.fields[name].error_messages["invalid_choice"] = _("Unknown value; choose one from the list.")


#: the lead page's ``action`` values and their forms
ACTIONS = {
    "triage": TriageForm,
    "refer": ReferForm,
    "outcome": OutcomeForm,
    "supervise": SuperviseForm,
}


def error_text(form: forms.Form) -> list[str]:
    """The form's errors as lines "label: message" (non-field errors without a label)."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for message in errors:
            lines.append(
                _("%(label)s: %(message)s") % {"label": label, "message": message} if label else str(message)
            )
    return lines

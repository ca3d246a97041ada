"""Forms of the problem pages. They only collect input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casewatch.core.choices import Role
from casewatch.core.forms import IdsField
from casewatch.problems.choices import EmailMode, Measure, OrderLevel, Outcome, ProblemSource, Severity
from casewatch.problems.evidence import ACCEPT
from casewatch.problems.models import AccountabilityRule

# <input type="date"> needs ISO values whatever the language's date format.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MANUAL_SOURCES = [c for c in ProblemSource.choices if c[0] in ("manual", "petition", "supervision")]


class ProblemForm(forms.Form):
    """A problem entered by hand (or from a petition or a supervision finding)."""

    source = forms.ChoiceField(label=_("Source"), choices=MANUAL_SOURCES, initial=ProblemSource.MANUAL)
    source_ref = forms.CharField(
        label=_("Source reference"), required=False, max_length=120, help_text=_("E.g. the petition number.")
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, to_field_name="code")
    case_number = forms.CharField(label=_("Case number"), required=False, max_length=80)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    area = forms.CharField(label=_("Area"), required=False, max_length=40)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    measure = forms.ChoiceField(label=_("Required measure"), choices=Measure.choices)
    measure_other = forms.CharField(label=_("Other measure"), required=False, max_length=200)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=DATE, help_text=_("Empty: the default for the severity.")
    )
    responsible_no = forms.CharField(
        label=_("Responsible person (staff number)"), required=False, max_length=40
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people
        self.fields["assignee"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} · {u.get_role_display()}"
            + (" · " + u.scope.name if u.scope_id else "")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class OrderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    unit = forms.ModelChoiceField(
        label=_("Receiving unit"), queryset=None, to_field_name="code", required=False
    )
    problem = forms.IntegerField(label=_("Problem number"), required=False, min_value=1)
    case = forms.IntegerField(label=_("Case id"), required=False, min_value=1, widget=forms.HiddenInput)
    lead_ref = forms.CharField(label=_("Lead reference"), required=False, max_length=120)
    level = forms.ChoiceField(label=_("Level"), choices=OrderLevel.choices)
    listed = forms.BooleanField(label=_("Listed on the board"), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    instructions = forms.CharField(label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ReportForm(forms.Form):
    """A receiving unit's progress report on a supervision order."""

    text = forms.CharField(label=_("Progress"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseOrderForm(forms.Form):
    """A supervisor's note closing a supervision order."""

    note = forms.CharField(label=_("Closing note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class InboxForm(forms.Form):
    """The inbox's two buttons: the e-mail setting, or mark everything read (``mark=all``)."""

    email_mode = forms.ChoiceField(label=_("E-mail me"), choices=EmailMode.choices, required=False)
    mark = forms.ChoiceField(label=_("Mark all as read"), choices=[("all", _("All"))], required=False)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("To"), required=False, widget=DATE)
    root = forms.CharField(label=_("Unit"), required=False, max_length=40, widget=forms.HiddenInput)


class NoticeForm(PeriodForm):
    ranked = forms.BooleanField(label=_("Ranked by rectification rate"), required=False, initial=True)


class RuleForm(forms.ModelForm):
    """An accountability trigger (city-level supervisors configure them)."""

    class Meta:
        model = AccountabilityRule
        fields = ["name", "subject", "kind", "severity", "threshold", "window_days", "overdue_days", "active"]


HANDLING_ROLES = (Role.HANDLER, Role.LEGAL_OFFICER)


class MoveInputForm(forms.Form):
    """The text and date a workflow move may carry (every field optional here: the service says
    which one a move needs, with a reason in both languages). The page's verify/return form names
    its text ``reason``; ``note`` is the text of submit (and of assign, see AssignForm)."""

    note = forms.CharField(label=_("Note"), required=False, max_length=5000)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000)
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE)


class BulkForm(forms.Form):
    """A supervisor's bulk move on the selected problems of the list."""

    ids = IdsField(label=_("Selected problems"), required=False)
    action = forms.ChoiceField(label=_("Action"), choices=())
    assignee = forms.IntegerField(label=_("Assign to"), required=False, min_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000)
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE)

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, a) for a in sorted(actions)]

    def inputs(self) -> dict:
        d = self.cleaned_data
        return {
            "assignee": d.get("assignee"),
            "reason": d["reason"],
            "note": d["reason"],
            "deadline": d["deadline"],
        }

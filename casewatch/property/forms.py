"""Forms of the centre (the counter, loans, disposal, transfers, counts)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casewatch.core.forms import bilingual_errors as errors  # noqa: F401 - re-exported to the views
from casewatch.property import choices as C
from casewatch.property.models import Location

ACTIONS = [
    ("check_in", _("Check in")),
    ("move", _("Move")),
    ("lend", _("Lend")),
    ("return", _("Take back")),
    ("look", _("Look up")),
]


class ScanForm(forms.Form):
    """The phone/USB counter: a code (scanned, read by the camera or typed), an action, a place."""

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, initial="check_in")
    code = forms.CharField(label=_("Label code"), max_length=40)
    location = forms.CharField(label=_("Location code"), max_length=40, required=False)
    giver = forms.CharField(label=_("Handed over by"), max_length=60, required=False)
    condition = forms.ChoiceField(label=_("Condition"), choices=C.Condition.choices, initial=C.Condition.OK)
    deposit_ref = forms.CharField(label=_("Deposit record (cash)"), max_length=80, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class LoanForm(forms.Form):
    borrower = forms.CharField(label=_("Borrower"), max_length=60)
    borrower_unit = forms.CharField(label=_("Borrower's unit code"), max_length=40)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=C.LoanPurpose.choices)
    approver = forms.CharField(label=_("Approved by"), max_length=60)
    due_at = forms.DateTimeField(
        label=_("Due back"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ReturnForm(forms.Form):
    location = forms.CharField(label=_("Location code"), max_length=40)
    condition = forms.ChoiceField(label=_("Condition"), choices=C.Condition.choices, initial=C.Condition.OK)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DisposalForm(forms.Form):
    route = forms.ChoiceField(label=_("Route"), choices=C.DisposalRoute.choices)
    approval_level = forms.ChoiceField(label=_("Approving level"), choices=C.ApprovalLevel.choices)
    approver = forms.CharField(label=_("Approved by"), max_length=60)
    certificate = forms.CharField(label=_("Certificate or receipt number"), max_length=120)
    recipient = forms.CharField(label=_("Recipient"), max_length=100, required=False)
    proceeds = forms.DecimalField(label=_("Proceeds (yuan)"), max_digits=18, decimal_places=2, required=False)
    receipt_sent = forms.BooleanField(label=_("Receipt (回执) sent to the court"), required=False)


class HandoverForm(forms.Form):
    to_unit = forms.CharField(label=_("Receiving agency code"), max_length=40)
    document = forms.CharField(label=_("Document"), max_length=120)


class CaseCheckInForm(forms.Form):
    location = forms.CharField(label=_("Location code"), max_length=40)
    giver = forms.CharField(label=_("Handed over by"), max_length=60)


class InventoryForm(forms.Form):
    zone = forms.CharField(label=_("Zone code (empty: whole centre)"), max_length=40, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=C.InventoryMode.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CentreForm(forms.Form):
    """The centre a count starts in: one of the user's centres (an unknown code is refused, it
    used to fall back silently to the first centre)."""

    centre = forms.ChoiceField(label=_("Centre"))

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.centres = {c.code: c for c in centres}
        self.fields["centre"].choices = [(c.code, c.name) for c in centres]


class InventoryScanForm(forms.Form):
    """One read during a count: the label code (an unknown code is kept: it is an unexpected item)
    and, if given, a location of the inventory's centre."""

    code = forms.CharField(label=_("Label code"), max_length=40)
    location = forms.CharField(label=_("Location code"), max_length=40, required=False)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre

    def clean_location(self):
        code = self.cleaned_data["location"].strip().upper()
        if code and not Location.objects.filter(code=code, centre=self.centre).exists():
            raise forms.ValidationError(
                _("%(location)s: no such location in this centre."), params={"location": code}
            )
        return code

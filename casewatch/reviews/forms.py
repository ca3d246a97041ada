"""Forms of the review pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from casewatch.analytics.schema import CASE_TYPES, PETITION_OUTCOMES
from casewatch.cases.choices import choices
from casewatch.core.choices import Action, Role
from casewatch.core.forms import form_errors  # noqa: F401 - re-exported to the views
from casewatch.core.models import Unit, User
from casewatch.problems.choices import Measure, Severity
from casewatch.reviews.choices import TRAIL_STEPS, FourType, ReviewKind
from casewatch.reviews.models import Campaign, RubricItem

REVIEWABLE_TYPES = [c for c in choices("case_type") if c[0] != "petition"]
assert set(dict(REVIEWABLE_TYPES)) <= set(CASE_TYPES)


class CampaignForm(forms.ModelForm):
    case_types = forms.MultipleChoiceField(label=_("case types"), choices=REVIEWABLE_TYPES)

    class Meta:
        model = Campaign
        fields = [
            "name",
            "scope_units",
            "case_types",
            "closed_from",
            "closed_to",
            "starts_on",
            "due_on",
            "report_on",
            "sample_rate",
            "sample_size",
            "min_per_handler",
            "max_per_handler",
            "max_per_unit",
            "include_reversed",
            "include_petitions",
            "include_findings",
            "include_four_types",
            "conflict_level",
            "disagreement_threshold",
            "reviewers",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ("closed_from", "closed_to", "starts_on", "due_on", "report_on")
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_units"].queryset = Unit.objects.restrict(user).filter(
            kind__in=("district", "agency", "unit")
        )
        self.fields["reviewers"].queryset = User.objects.filter(
            is_active=True, role__in=(Role.REVIEWER, Role.LEGAL_OFFICER)
        ).order_by("username")

    def clean_sample_rate(self):
        rate = self.cleaned_data["sample_rate"]
        if not 0 <= rate <= 1:
            raise forms.ValidationError(_("The probability lies between 0 and 1."))
        return rate


class DrawForm(forms.Form):
    """The seed of a draw; empty draws a random one (written to the audit trail either way)."""

    seed = forms.CharField(label=_("seed"), max_length=64, required=False)


class PickForm(forms.Form):
    case_number = forms.CharField(label=_("case number"), max_length=80)
    reason = forms.CharField(label=_("reason"), max_length=300)


class ReasonForm(forms.Form):
    to_user = forms.ModelChoiceField(label=_("new reviewer"), queryset=User.objects.none())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = User.objects.filter(is_active=True).order_by("username")


class ProblemForm(forms.Form):
    measure = forms.ChoiceField(label=_("required measure"), choices=Measure.choices)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.MEDIUM)


class PanelForm(forms.Form):
    grade = forms.CharField(label=_("grade"), max_length=20)
    score = forms.DecimalField(label=_("score"), min_value=0, max_value=100, decimal_places=2)
    reasoning = forms.CharField(label=_("reasoning"), widget=forms.Textarea(attrs={"rows": 3}))
    petition_outcome = forms.ChoiceField(
        label=_("petition outcome"),
        required=False,
        choices=[("", "—"), *[(k, v[0]) for k, v in PETITION_OUTCOMES.items()]],
    )


class ReviewSheetForm(forms.Form):
    """The review page: points and reason per rubric item (``points-<item id>``/``reason-<item id>``),
    the comments and whether to submit. Points outside 0–maximum, a number that is not one, an item
    of another rubric or a deduction without its reason are field errors, before anything is saved
    (the service checks the same again, for the API)."""

    comments = forms.CharField(label=_("Comments"), required=False, max_length=5000)
    submit = forms.BooleanField(label=_("Submit"), required=False)

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {i.pk: i for i in RubricItem.objects.filter(section__rubric=rubric)}
        for item in self.items.values():
            self.fields[f"points-{item.pk}"] = forms.DecimalField(
                label=item.code,
                required=False,
                min_value=0,
                max_value=item.max_points,
                max_digits=6,
                decimal_places=2,
            )
            self.fields[f"reason-{item.pk}"] = forms.CharField(
                label=_("%(item)s reason") % {"item": item.code}, required=False, max_length=2000
            )

    def clean(self):
        data = super().clean()
        foreign = [
            k for k in (self.data or {}) if k.startswith(("points-", "reason-")) and k not in self.fields
        ]
        if foreign:
            raise forms.ValidationError(
                _("The item is not part of this rubric: %(keys)s.") % {"keys": ", ".join(sorted(foreign))},
                code="item",
            )
        for pk, item in self.items.items():
            points, reason = data.get(f"points-{pk}"), (data.get(f"reason-{pk}") or "").strip()
            if points and not item.positive and not reason and f"points-{pk}" not in self.errors:
                self.add_error(f"reason-{pk}", _("A reason is required for a deduction."))
        return data

    def entries(self) -> dict:
        """``{item id: (points, reason)}`` of the items given points or a reason."""
        out = {}
        for pk in self.items:
            points = self.cleaned_data.get(f"points-{pk}") or Decimal("0")
            reason = (self.cleaned_data.get(f"reason-{pk}") or "").strip()
            if points or reason:
                out[pk] = (points, reason)
        return out


class PetitionPanelForm(forms.Form):
    """The petition a review panel is opened on (looked up in the user's scope by the view)."""

    petition = forms.IntegerField(label=_("petition"), min_value=1)


class RubricImportForm(forms.Form):
    """Import a rubric workbook, or load the sample rubrics (``action=samples``)."""

    action = forms.ChoiceField(
        label=_("action"),
        required=False,
        choices=[("", _("Import")), ("samples", _("Load the sample rubrics"))],
    )
    file = forms.FileField(label=_("Rubric workbook (Excel)"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if data.get("action") != "samples" and "file" not in self.errors:
            if upload is None:
                self.add_error("file", _("Choose an Excel workbook (.xlsx) to import."))
            elif not upload.name.lower().endswith(".xlsx"):
                self.add_error("file", _("The rubric must be an Excel workbook (.xlsx)."))
        return data


class TagTrailForm(forms.Form):
    """One step of a 四类案件 tag's supervision trail."""

    action = forms.ChoiceField(label=_("supervision step"), choices=TRAIL_STEPS)
    note = forms.CharField(label=_("note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ConclusionForm(forms.Form):
    """A 一案双查 reviewer's conclusion on their track."""

    conclusion = forms.CharField(
        label=_("conclusion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TagForm(forms.Form):
    case_number = forms.CharField(label=_("case number"), max_length=80)
    kind = forms.ChoiceField(label=_("kind"), choices=FourType.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))


class DualCheckForm(forms.Form):
    case_number = forms.CharField(label=_("case number"), max_length=80)
    clue_source = forms.CharField(label=_("clue source"), max_length=200)
    handling_reviewer = forms.ModelChoiceField(
        label=_("case-handling reviewer"), queryset=User.objects.none()
    )
    discipline_reviewer = forms.ModelChoiceField(label=_("discipline reviewer"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = User.objects.filter(is_active=True).order_by("username")
        self.fields["handling_reviewer"].queryset = qs
        self.fields["discipline_reviewer"].queryset = qs


def can_supervise(user) -> bool:
    from casewatch.core.permissions import user_can

    return user_can(user, Action.SUPERVISE)


class AssignReviewerForm(forms.Form):
    """One reviewer for one selected case (the service checks role and conflicts of interest)."""

    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.filter(is_active=True))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ReviewKind.choices, initial=ReviewKind.REVIEW, required=False
    )
    selection = forms.IntegerField(label=_("Selected case"), required=False, min_value=1)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or ReviewKind.REVIEW

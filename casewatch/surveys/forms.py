"""Forms of the surveys pages."""

from __future__ import annotations

import json

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from casewatch.analytics.schema import ENUMS
from casewatch.core.choices import Action
from casewatch.core.forms import form_errors  # noqa: F401 - re-exported to the views
from casewatch.core.models import Unit
from casewatch.surveys.choices import (
    TOP_BOX_CHOICES,
    Agency,
    Dimension,
    ItemKind,
    RespondentGroup,
    WaveStatus,
)
from casewatch.surveys.models import (
    Forum,
    ForumAttachment,
    ForumAttendance,
    ForumIssue,
    ForumRating,
    Instrument,
)


def _blank(options, label=_("All")):
    return [("", label)] + list(options)


class ScopedUnitMixin:
    """Resolves ``unit_code`` to a unit inside the user's scope."""

    unit_action = Action.CHANGE

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        unit = Unit.objects.restrict(self.user, self.unit_action).filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit with this code in your scope."))
        self.cleaned_data["unit"] = unit
        return code


class WaveStatusForm(forms.Form):
    """The status a wave is moved to (the service refuses moves its state machine does not allow)."""

    status = forms.ChoiceField(label=_("status"), choices=WaveStatus.choices)


SEVERITIES = [("low", _("Minor")), ("medium", _("Moderate")), ("high", _("Serious"))]


class ToProblemForm(forms.Form):
    """Put a free-text answer or a forum issue on the problem list, with its severity; ``next``
    is where to return, a path on this site only (anything else returns to the default page)."""

    severity = forms.ChoiceField(label=_("severity"), choices=SEVERITIES, initial="medium")
    next = forms.CharField(label=_("return to"), max_length=500, required=False)

    def clean_next(self):
        target = self.cleaned_data["next"]
        if target and not (
            target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
        ):
            return ""
        return target


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm workbook"), help_text=_("survey, choices and settings sheets (.xlsx)")
    )
    publish = forms.BooleanField(label=_("Publish at once"), required=False)


class BlankInstrumentForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    respondent_group = forms.ChoiceField(label=_("Respondent group"), choices=RespondentGroup.choices)


class ItemForm(forms.Form):
    """An item of a draft instrument; ``original`` names the item being edited (empty: a new one)."""

    original = forms.RegexField(
        label=_("Item being edited"),
        regex=r"^[A-Za-z_][\w.-]*$",
        max_length=60,
        required=False,
        widget=forms.HiddenInput,
    )
    name = forms.RegexField(label=_("Name"), regex=r"^[A-Za-z_][\w.-]*$", max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    list_name = forms.CharField(label=_("Choice list"), max_length=60, required=False)
    label_zh = forms.CharField(label=_("Label (Chinese)"), max_length=500)
    label_en = forms.CharField(label=_("Label (English)"), max_length=500, required=False)
    hint_zh = forms.CharField(label=_("Hint (Chinese)"), max_length=500, required=False)
    hint_en = forms.CharField(label=_("Hint (English)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    relevant = forms.CharField(label=_("Relevance (skip logic)"), max_length=500, required=False)
    constraint = forms.CharField(label=_("Constraint"), max_length=300, required=False)
    dimension = forms.ChoiceField(
        label=_("Dimension"), choices=_blank(Dimension.choices, "—"), required=False
    )
    agency = forms.ChoiceField(label=_("Agency"), choices=_blank(Agency.choices, "—"), required=False)
    weight = forms.FloatField(label=_("Weight"), min_value=0, initial=1.0)
    group_name = forms.CharField(label=_("Group"), max_length=60, required=False)
    group_label_zh = forms.CharField(label=_("Group label (Chinese)"), max_length=300, required=False)
    group_label_en = forms.CharField(label=_("Group label (English)"), max_length=300, required=False)
    group_relevant = forms.CharField(label=_("Group relevance"), max_length=500, required=False)


class ChoiceListForm(forms.Form):
    list_name = forms.RegexField(label=_("Choice list"), regex=r"^[A-Za-z_][\w.-]*$", max_length=60)
    lines = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text=_(
            "One option per line: value | 中文 | English | score (score only on rating lists: 3 to 11 consecutive whole numbers, e.g. 1–5 or 0–10)."
        ),
    )


class WaveForm(ScopedUnitMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_code = forms.CharField(label=_("Organising unit (code)"), max_length=40)
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    top_box = forms.TypedChoiceField(
        label=_("Satisfied means"),
        coerce=int,
        choices=TOP_BOX_CHOICES,
        initial=2,
        help_text=_("Of each item's own scale; on a 5-point scale top 2 = 4–5, top 3 = 3–5."),
    )
    weights = forms.CharField(
        label=_("Index weights (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_('e.g. {"dimension": {"process": 2}, "agency": {"court": 1.5}}; empty = equal weights'),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        options = [("", "—")] + [(str(i.pk), str(i)) for i in instruments]
        for group, label in RespondentGroup.choices:
            self.fields[f"instrument_{group}"] = forms.ChoiceField(
                label=_("Instrument for %(group)s") % {"group": label}, choices=options, required=False
            )
            self.fields[f"size_{group}"] = forms.IntegerField(
                label=_("Sample size for %(group)s") % {"group": label}, min_value=0, required=False
            )

    def clean_weights(self):
        raw = self.cleaned_data["weights"].strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON.")) from exc
        if not isinstance(value, dict) or not set(value) <= {"dimension", "agency"}:
            raise forms.ValidationError(_('Use {"dimension": {…}, "agency": {…}}.'))
        for part in value.values():
            if not isinstance(part, dict) or not all(
                isinstance(v, int | float) and v >= 0 for v in part.values()
            ):
                raise forms.ValidationError(_("Weights must be numbers of zero or more."))
        return value

    def targets(self):
        out = []
        for group, _label in RespondentGroup.choices:
            pk = self.cleaned_data.get(f"instrument_{group}")
            if pk:
                out.append((group, int(pk), self.cleaned_data.get(f"size_{group}") or 0))
        return out


class TokenForm(ScopedUnitMixin, forms.Form):
    unit_code = forms.CharField(label=_("Cases of unit (code, subtree)"), max_length=40)
    closed_from = forms.DateField(label=_("Closed from"), widget=forms.DateInput(attrs={"type": "date"}))
    closed_to = forms.DateField(label=_("Closed to"), widget=forms.DateInput(attrs={"type": "date"}))
    case_types = forms.MultipleChoiceField(
        label=_("Case types"),
        required=False,
        choices=[(k, f"{zh} / {en}") for k, (zh, en) in ENUMS["case_type"].items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked = all types."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Party roles"),
        required=False,
        choices=[(k, f"{zh} / {en}") for k, (zh, en) in ENUMS["party_role"].items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked = every role."),
    )
    sample_size = forms.IntegerField(
        label=_("Cases to sample"),
        min_value=0,
        initial=0,
        help_text=_("Spread over units and case types in proportion; 0 = every eligible case."),
    )
    seed = forms.IntegerField(
        label=_("Random seed"), initial=1, help_text=_("The same seed gives the same sample.")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("closed_from") and data.get("closed_to") and data["closed_to"] < data["closed_from"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class PublicLinkForm(ScopedUnitMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    unit_code = forms.CharField(label=_("Counted for unit (code)"), max_length=40)
    instrument = forms.ChoiceField(label=_("Instrument"))
    ip_daily_limit = forms.IntegerField(
        label=_("Answers per network address per day (0 = no limit)"), min_value=0, initial=50
    )
    one_per_device = forms.BooleanField(label=_("One answer per device"), required=False, initial=True)

    def __init__(self, *args, user=None, instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["instrument"].choices = [(str(i.pk), str(i)) for i in instruments]


class ResultFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False, choices=_blank(Agency.choices))
    group = forms.ChoiceField(
        label=_("Respondent group"), required=False, choices=_blank(RespondentGroup.choices)
    )
    instrument = forms.ChoiceField(label=_("Instrument"), required=False)
    top_box = forms.TypedChoiceField(
        label=_("Satisfied means"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("as set for the wave")), *TOP_BOX_CHOICES],
    )

    def __init__(self, *args, districts=(), instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _blank(districts)
        self.fields["instrument"].choices = _blank([(str(i.pk), str(i)) for i in instruments])


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")])
    instrument = forms.ChoiceField(
        label=_("Instrument"),
        required=False,
        help_text=_("One instrument: one row per response. All: one row per answer."),
    )
    labels = forms.TypedChoiceField(
        label=_("Values as"), coerce=lambda v: v == "1", choices=[("0", _("codes")), ("1", _("labels"))]
    )
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, districts=(), instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _blank(districts)
        self.fields["instrument"].choices = _blank(
            [(str(i.pk), str(i)) for i in instruments], _("All (long format)")
        )


class TagForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    next = forms.CharField(max_length=500, required=False)

    clean_next = ToProblemForm.clean_next


class StringListField(forms.Field):
    """Every value posted under the field's name (a multiple choice's ticked options)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v) for v in (value or [])]

    def validate(self, value):
        if any(len(v) > 64 for v in value):
            raise forms.ValidationError(_("An option's value has at most 64 characters."))


class PublicAnswersForm(forms.Form):
    """The respondents' no-script POST: one field per item of the instrument and the device key.

    It collects and bounds the input (text up to 5,000 characters, an option's value up to 64);
    whether an answer is valid for its item (choices, ranges, skip logic, required) is decided by
    `submission.submit`, the same code as the API's, whose errors the page shows by each item."""

    _client_key = forms.CharField(max_length=64, required=False)

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_names = []
        for item in instrument.items.all():
            self.item_names.append(item.name)
            if item.kind == ItemKind.SELECT_MULTIPLE:
                self.fields[item.name] = StringListField(label=item.name, required=False)
            else:
                self.fields[item.name] = forms.CharField(
                    label=item.name, max_length=5000, required=False, strip=False
                )
        self.multiple = {i.name for i in instrument.items.all() if i.kind == ItemKind.SELECT_MULTIPLE}

    def answers(self) -> dict:
        """The answers of a valid POST; items absent from it stay absent (skipped by the form's logic)."""
        return {
            name: self.cleaned_data.get(name, [] if name in self.multiple else "")
            for name in self.item_names
            if name in self.multiple or name in self.data
        }

    def raw_answers(self) -> dict:
        """The posted values as they came (to show the form again with what was typed)."""
        out = {}
        for name in self.item_names:
            if name in self.multiple:
                out[name] = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            elif name in self.data:
                out[name] = self.data.get(name, "")
        return out


class ForumForm(ScopedUnitMixin, forms.ModelForm):
    unit_code = forms.CharField(label=_("Organising unit (code)"), max_length=40)
    agencies = forms.MultipleChoiceField(
        label=_("Agencies evaluated"),
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Forum
        fields = ["title", "place", "held_on", "organiser", "wave", "agencies", "minutes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, user=None, waves=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if waves is not None:
            self.fields["wave"].queryset = waves
        if self.instance.pk:
            self.fields["unit_code"].initial = self.instance.unit.code
        self.order_fields(["title", "unit_code"])


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = ForumAttendance
        fields = ["group", "count"]


class IssueForm(forms.ModelForm):
    class Meta:
        model = ForumIssue
        fields = ["agency", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RatingForm(forms.ModelForm):
    class Meta:
        model = ForumRating
        fields = ["agency", "dimension", "rated", "satisfied", "mean_score"]

    def clean(self):
        data = super().clean()
        if (
            data.get("rated") is not None
            and data.get("satisfied") is not None
            and data["satisfied"] > data["rated"]
        ):
            raise forms.ValidationError(_("More satisfied than people rating."))
        if data.get("mean_score") is not None and not 1 <= data["mean_score"] <= 5:
            raise forms.ValidationError(_("The mean score lies between 1 and 5."))
        return data


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = ForumAttachment
        fields = ["file"]


def instruments_for_choice(user):
    """Published instruments the user may use, newest version of each first."""
    return list(Instrument.objects.restrict(user, Action.VIEW).published().order_by("code", "-version"))

"""Filter forms for the core lists (units, audit trail), and the base every shared filter form
uses: one form parses a list's filters for its page, its export and its API, so the three
apply the same filter to the same rows and refuse the same malformed values with the same
message, in Chinese and in English."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from casewatch.core.choices import AgencyKind, AuditAction, UnitKind


class SharedFilterForm(forms.Form):
    """Base of a filter form shared by a list page and its API (subclasses define `filter(qs)`,
    which applies the valid filters).

    * `apply(qs)`: the filtered rows; *no* rows when a filter is malformed (a list must never
      fall back to "everything" because a date or a choice could not be read);
    * `errors_text()`: what is wrong, in Chinese and in English ("中文 / English");
    * `for_api(params)`: the form for an API call's query parameters, or an HTTP 422 with that
      bilingual text.
    """

    def filter(self, qs):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def apply(self, qs, *args, **kwargs):
        if self.is_bound and not self.is_valid():
            return qs.none()
        return self.filter(qs, *args, **kwargs)

    def _errors_in(self, language: str) -> str:
        with translation.override(language):
            parts = []
            for name, errors in self.errors.as_data().items():
                field = self.fields.get(name)
                label = str(field.label or name) if field is not None else ""
                text = " ".join(str(e.message) % e.params if e.params else str(e.message) for e in errors)
                parts.append(f"{label}: {text}" if label else text)
            head = str(_("The filters are not valid"))
            return f"{head}: " + "; ".join(parts)

    def errors_text(self) -> str:
        """The errors in both languages, the reader's first."""
        zh, en = self._errors_in("zh-hans"), self._errors_in("en")
        return f"{en} / {zh}" if (translation.get_language() or "").startswith("en") else f"{zh} / {en}"

    @classmethod
    def for_api(cls, params: dict, **kwargs):
        """The form for an API call's parameters (absent ones left out); 422 when malformed."""
        from ninja.errors import HttpError

        form = cls({k: v for k, v in params.items() if v not in (None, "", False)}, **kwargs)
        if form.is_bound and not form.is_valid():
            raise HttpError(422, form.errors_text())
        return form


class UnitFilterForm(SharedFilterForm):
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


class AuditFilterForm(SharedFilterForm):
    user = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All"))] + AuditAction.choices
    )
    object_type = forms.CharField(label=_("Object type"), required=False)
    request_id = forms.CharField(label=_("Request id"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data

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

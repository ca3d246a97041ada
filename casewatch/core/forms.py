"""Forms of the core app."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casewatch.core.auth import AccountLocked


class LoginForm(AuthenticationForm):
    """Django's login form, with a clear message while the account is locked."""

    def clean(self):
        try:
            return super().clean()
        except AccountLocked as exc:
            raise self._locked(exc.until, exc.scope) from None
        except forms.ValidationError:
            # authenticate() turns the backend's AccountLocked into "no user"; the backend left
            # the lock on the request.
            until = getattr(self.request, "account_locked_until", None)
            if until is None:
                raise
            raise self._locked(until, getattr(self.request, "account_locked_scope", "account")) from None

    @staticmethod
    def _locked(until, scope: str = "account") -> forms.ValidationError:
        until = formats.date_format(timezone.localtime(until), "Y-m-d H:i")
        if scope == "address":
            return forms.ValidationError(
                gettext(
                    "Too many failed logins from this computer's address. Logins from it are blocked until %(time)s."
                )
                % {"time": until},
                code="address_blocked",
            )
        return forms.ValidationError(
            gettext("This account is locked after repeated failed logins. Try again after %(time)s.")
            % {"time": until},
            code="locked",
        )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What the token is for."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)


class IdsField(forms.Field):
    """The records selected on a list (check boxes named ``ids``): whole numbers, each once.

    Anything else is refused with a reason (instead of dropping what is not a number and acting
    on the rest)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The selection is not a list of record numbers.")}

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        try:
            return list(dict.fromkeys(int(v) for v in values))
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def bilingual_errors(form: forms.Form) -> list[str]:
    """A bound form's errors, each as ``中文 / English`` with the field's label (one language when
    both read the same, e.g. a message the form wrote bilingual already). Every app's POST forms
    report through this, so a refused input reads the same everywhere."""
    out = []
    for name, errs in form.errors.as_data().items():
        field = form.fields.get(name)
        for err in errs:
            parts = []
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    text = " ".join(str(m) for m in err)
                    label = str(field.label) if field is not None and field.label else ""
                    parts.append(f"{label}: {text}" if label else text)
            out.append(parts[0] if parts[0] == parts[1] or " / " in parts[0] else " / ".join(parts))
    return out


def form_errors(form: forms.Form) -> str:
    """A form's errors as one line, each field by its label (in the reader's language)."""
    return "; ".join(
        f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
        for k, v in form.errors.items()
    )

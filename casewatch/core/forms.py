"""Forms of the core app."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats, timezone
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

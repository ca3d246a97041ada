"""Audit records in the reader's language, at display time.

The audit trail is append-only: its `message` is stored as written (an English sentence made of
codes, e.g. ``problem submit: rectifying → submitted``) and its `before`/`after` as field codes
and stored values. Rows are never rewritten; pages and exports render them through here:

* `message_text(message)` matches the stored sentence against the registered patterns (each app
  registers its own with `register_message`, from its ``AppConfig.ready``) and gives the
  translated sentence, with codes inside it (states, actions, fields) shown by their labels. A
  message no pattern knows is shown as stored.
* `details_text(object_type, data)` gives ``field name: value`` pairs, the field by the model's
  verbose name and a choice by its label.

New records keep writing the same code-only sentences (the patterns are their format), so old and
new rows read alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Label = Mapping | Callable[[str], str] | None

_PATTERNS: list[tuple[re.Pattern, object, dict[str, Label]]] = []


def register_message(pattern: str, template, **labels: Label) -> None:
    """Render a stored message matching `pattern` (a regular expression with named groups, matched
    in full) as `template` (a lazy translation with ``%(name)s`` placeholders). `labels` map a
    group's code to its label: a TextChoices class, a dict, or a function."""
    _PATTERNS.append((re.compile(pattern, re.DOTALL), template, labels))


def _label(labels: Label, value: str) -> str:
    if value is None:
        return ""
    if labels is None:
        return value
    if callable(labels) and not hasattr(labels, "choices"):
        return str(labels(value))
    mapping = dict(labels.choices) if hasattr(labels, "choices") else labels
    return str(mapping.get(value, value))


def message_text(message: str) -> str:
    """A stored audit message in the reader's language (as stored when no pattern matches)."""
    if not message:
        return ""
    for rx, template, labels in _PATTERNS:
        match = rx.fullmatch(message)
        if match:
            values = {k: _label(labels.get(k), v) for k, v in match.groupdict(default="").items()}
            return str(template) % values
    return message


def _field(model, name: str):
    for field in model._meta.get_fields():
        if getattr(field, "attname", None) == name or field.name == name:
            return field
    return None


def _value_text(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = getattr(field, "choices", None) if field is not None else None
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def details_text(object_type: str, data) -> str:
    """``name: value; …`` for a before/after dict; field names and choices by their labels."""
    if data in (None, "", {}):
        return ""
    if not isinstance(data, dict):
        return str(data)
    from django.apps import apps

    try:
        model = apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        model = None
    parts = []
    for key, value in data.items():
        field = _field(model, key) if model is not None else None
        name = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else key
        parts.append(f"{name}：{_value_text(field, value)}")
    return "；".join(parts)


#: Audit object types that are not models (exports, jobs, reports), by their readable names.
OBJECT_TYPES = {
    "deadlines.refresh": gettext_lazy("Deadline recomputation"),
    "deadlines.performance": gettext_lazy("Performance points"),
    "enforcement.debtors": gettext_lazy("Debtors"),
    "enforcement.listings": gettext_lazy("Dishonest-debtor list"),
    "notary.measures": gettext_lazy("Notarisation measures"),
    "problems.accountability": gettext_lazy("Accountability statistics"),
    "problems.progress_notice": gettext_lazy("Progress notice"),
    "problems.tick": gettext_lazy("Daily tick of the problem list"),
    "problems.weekly_report": gettext_lazy("Weekly progress report"),
    "property.labels": gettext_lazy("Property labels"),
    "property.ledger": gettext_lazy("Property ledger"),
    "surveys.report": gettext_lazy("Survey report"),
    "surveys.token_sms": gettext_lazy("Survey invitations by SMS"),
}


def object_type_label(label: str) -> str:
    """'problems.problem' → the model's verbose name (问题); known non-model types by their name;
    anything else as stored."""
    if not label:
        return ""
    if label in OBJECT_TYPES:
        return str(OBJECT_TYPES[label])
    from django.apps import apps

    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _job_label(kind: str) -> str:
    from casewatch.core.home import job_label

    return job_label(kind)


def _register_core() -> None:
    from casewatch.core.choices import Action

    register_message(r"revealed (?P<field>[\w.]+)", gettext_lazy("revealed %(field)s"), field=_field_label)
    register_message(r"(?P<rows>\d+) rows as (?P<fmt>\w+)", gettext_lazy("%(rows)s rows exported as %(fmt)s"))
    register_message(
        r"(?P<action>\w+) refused: outside the user's scope or role",
        gettext_lazy("%(action)s refused: outside the user's scope or role"),
        action=Action,
    )
    register_message(r"queued (?P<kind>[\w.\-]+)", gettext_lazy("queued %(kind)s"), kind=_job_label)
    register_message(r"retried", gettext_lazy("retried"))
    register_message(r"account locked", gettext_lazy("account locked"))
    register_message(
        r"failed attempt (?P<n>\d+) from (?P<ip>\S+)", gettext_lazy("failed attempt %(n)s from %(ip)s")
    )
    register_message(r"token (?P<prefix>\S+) revoked", gettext_lazy("token %(prefix)s revoked"))


#: Personal fields a reveal names (``revealed phone``).
PERSONAL_FIELDS = {
    "phone": gettext_lazy("phone"),
    "id_number": gettext_lazy("ID number"),
    "name": gettext_lazy("full name"),
    "address": gettext_lazy("address"),
}


def _field_label(code: str) -> str:
    return str(PERSONAL_FIELDS.get(code, code))


_register_core()

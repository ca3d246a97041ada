"""Labels for what the deadline pages show: units with their agency, case types, custody stages,
the steps of a due-date computation. Pages never show the data plane's codes."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casewatch.analytics import schema
from casewatch.deadlines.choices import EscalationStepChoices, Light

#: custody stages of `analytics.deadlines.CUSTODY_STAGES`
CUSTODY_STAGE_LABELS = {
    "detention": _("Criminal detention"),
    "arrest_review": _("Arrest review"),
    "investigation_custody": _("Custody during investigation"),
    "prosecution_review": _("Prosecution review"),
    "supplementary_investigation": _("Supplementary investigation"),
    "trial": _("Trial"),
}

#: keys of a computation step's data
STEP_KEYS = {
    "basis": _("legal basis"),
    "kinds": _("because of"),
    "from": _("from"),
    "to": _("to"),
    "approved_on": _("approved on"),
    "approver": _("approved by"),
    "extends": _("extends the due date"),
    "late": _("approved late"),
    "after_expiry": _("approved after expiry"),
}
_PERIOD = re.compile(r"^P(?:(\d+)M)?(?:(\d+)D)?$")


def zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


def enum_label(codes: dict, value) -> str:
    """A code of the canonical schema (``{code: (zh, en)}``) in the reader's language."""
    if value in codes:
        return codes[value][0 if zh() else 1]
    return value or ""


def case_type(value) -> str:
    return enum_label(schema.CASE_TYPES, value)


def light(value) -> str:
    return str(dict(Light.choices).get(value, value))


def step(value) -> str:
    return str(dict(EscalationStepChoices.choices).get(value, value or ""))


def stage(value) -> str:
    return str(CUSTODY_STAGE_LABELS.get(value, value))


def period(value) -> str:
    """'P20D' → '20 日', 'P2M' → '2 个月' ('20 days', '2 months' in English)."""
    m = _PERIOD.match(value or "")
    if not m or value == "P":
        return value or ""
    months, days = m.group(1), m.group(2)
    parts = []
    if months:
        parts.append(f"{months} 个月" if zh() else f"{months} month" + ("" if months == "1" else "s"))
    if days:
        parts.append(f"{days} 日" if zh() else f"{days} day" + ("" if days == "1" else "s"))
    return " ".join(parts)


def unit_name(unit) -> str:
    """A division or team named with its agency ('…法院 民一庭'), others by their own name."""
    if unit is None:
        return ""
    parent = getattr(unit, "parent", None)
    if unit.kind in ("division", "unit") and parent is not None:
        return f"{parent.name} {unit.name}"
    return unit.name


def step_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _PERIOD.match(value):
        return period(value)
    return str(value)


def step_details(data: dict) -> list[tuple[str, str]]:
    """A computation step's data as (label, value) pairs people read."""
    out = []
    for key, value in (data or {}).items():
        if key == "kinds":
            kinds = value if isinstance(value, list | tuple) else [value]
            value = "、".join(enum_label(schema.EVENT_KINDS, k) for k in kinds)
        elif key == "approver":
            value = enum_label(schema.APPROVER_LEVELS, value)
        else:
            value = step_value(value)
        out.append((str(STEP_KEYS.get(key, key)), value))
    return out

"""Choices of the case registry, generated from the canonical schema's enumerations."""

from django.utils.functional import lazy
from django.utils.translation import get_language

from casewatch.analytics.schema import ENUMS


def _pick(zh: str, en: str) -> str:
    return en if (get_language() or "zh-hans").startswith("en") else zh


_lazy_pick = lazy(_pick, str)


def choices(enum: str) -> list[tuple[str, str]]:
    """Django choices for a canonical enumeration; each label follows the active language.

    The bilingual labels live in the canonical schema (one place for importers, docs and UI).
    """
    return [(k, _lazy_pick(zh, en)) for k, (zh, en) in ENUMS[enum].items()]


def label(enum: str, value: str | None) -> str:
    """The label of an enumeration value in the active language (the value itself if unknown)."""
    if not value:
        return ""
    entry = ENUMS[enum].get(value)
    if entry is None:
        return value
    zh, en = entry
    return en if (get_language() or "zh-hans").startswith("en") else zh

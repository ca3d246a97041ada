"""Choices of the case registry, generated from the canonical schema's enumerations."""

from django.utils.translation import get_language

from casewatch.analytics.schema import ENUMS


def choices(enum: str) -> list[tuple[str, str]]:
    """Django choices for a canonical enumeration, labelled in Chinese (the default language).

    Labels shown to users go through `label(enum, value)`, which follows the active language.
    """
    return [(k, zh) for k, (zh, _en) in ENUMS[enum].items()]


def label(enum: str, value: str | None) -> str:
    """The label of an enumeration value in the active language (the value itself if unknown)."""
    if not value:
        return ""
    entry = ENUMS[enum].get(value)
    if entry is None:
        return value
    zh, en = entry
    return en if (get_language() or "zh-hans").startswith("en") else zh

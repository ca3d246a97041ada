"""Masking of personal data (ID numbers, phones, addresses) for display.

Values are stored as given and masked on the way out unless the viewer's role may reveal them;
every reveal is an audited action (see `services.reveal`).
"""

from __future__ import annotations

import re


def mask_id_number(value: str | None) -> str:
    """3302**********1234 — keep the first 4 and last 4 characters."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****1234 — keep the first 3 and last 4 digits."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


_ADDRESS_HEAD = re.compile(r"^(.*?(?:省|自治区|市))?(.*?(?:市|州|盟))?(.*?(?:区|县|旗))?")


def mask_address(value: str | None) -> str:
    """Keep province / city / county, hide the rest: 浙江省宁波市鄞州区****."""
    if not value:
        return ""
    value = str(value)
    head = _ADDRESS_HEAD.match(value).group(0) or value[:2]
    return head + "****"


def mask_name(value: str | None) -> str:
    """李* / 欧** — keep the first character (the family name, or the first of a compound one)."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


MASKERS = {
    "id_number": mask_id_number,
    "party_id": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
    "name": mask_name,
}


def mask(field: str, value) -> str:
    """Mask a value by the kind of field it came from."""
    return MASKERS.get(field, mask_id_number)(value)

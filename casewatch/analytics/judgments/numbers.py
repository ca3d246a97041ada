"""Chinese numerals and money amounts as judgments write them.

二〇二一年六月三十日 (dates in the signature block), 第六百七十五条 (articles), 人民币二千元 and
100,000.00元 and 10万元 and 壹拾万元整 (amounts). This module never imports Django.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DIGITS = {
    "〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "0": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2,
    "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}

_AMOUNT = re.compile(
    r"(?P<ar>[0-9][0-9,，]*(?:\.[0-9]{1,2})?)\s*(?P<wan>万)?\s*元"
    r"|(?P<cn>[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+)元"
)


def cn_int(text: str) -> int:
    """一 → 1, 十二 → 12, 六百七十五 → 675, 一万二千 → 12000 (also financial numerals)."""
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = 0
        elif ch in _BIG:
            total += (section + digit) * _BIG[ch]
            section = digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text}")
    return total + section + digit


def cn_year(text: str) -> int:
    """二〇二一 → 2021 (digit by digit)."""
    return int("".join(str(_DIGITS[ch]) for ch in text))


def amount(match: re.Match) -> Decimal | None:
    """The amount in yuan of an `_AMOUNT` match."""
    try:
        if match["ar"] is not None:
            value = Decimal(match["ar"].replace(",", "").replace("，", ""))
            return (value * 10_000 if match["wan"] else value).quantize(Decimal("0.01"))
        return Decimal(cn_int(match["cn"])).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def first_amount(text: str, start: int, end: int) -> tuple[Decimal, int, int] | None:
    """The first amount in text[start:end]: (yuan, start offset, end offset)."""
    for m in _AMOUNT.finditer(text, start, end):
        value = amount(m)
        if value is not None and value > 0:
            return value, m.start(), m.end()
    return None

"""Small PNG charts for the reports, drawn with Pillow and the system's CJK font (no plotting
library needed; the same image goes into the DOCX and the PDF)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from casewatch.core.documents import cjk_font

BRAND = (11, 61, 145)
LIGHT = (198, 211, 235)
GREY = (90, 99, 112)


def bold_font() -> tuple[str, int] | None:
    regular = cjk_font()
    if regular is None:
        return None
    bold = regular[0].replace("-Regular", "-Bold")
    return (bold, regular[1]) if Path(bold).exists() else regular


def _font(size: int):
    found = cjk_font()
    if found is None:
        return ImageFont.load_default()
    return ImageFont.truetype(found[0], size, index=found[1])


def bar_chart(
    rows: list[tuple[str, float | None, float | None, float | None]],
    title: str,
    *,
    maximum: float = 100.0,
    suffix: str = "%",
    width: int = 1400,
) -> bytes:
    """Horizontal bars (value with its 95 % interval as a whisker), one row per label."""
    font, small, big = _font(26), _font(22), _font(30)
    row_h, top, left = 56, 80, 360
    height = top + row_h * max(1, len(rows)) + 50
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), title, fill=(0, 0, 0), font=big)
    plot_w = width - left - 140
    for k in range(0, 101, 20):
        x = left + plot_w * k / 100
        draw.line([(x, top - 10), (x, height - 40)], fill=(230, 230, 230), width=1)
        draw.text((x - 12, height - 36), f"{maximum * k / 100:g}", fill=GREY, font=small)
    for n, (label, value, low, high) in enumerate(rows):
        y = top + n * row_h
        text = label if len(label) <= 14 else label[:13] + "…"
        draw.text((20, y + 10), text, fill=(0, 0, 0), font=font)
        if value is None:
            draw.text((left, y + 10), "—", fill=GREY, font=font)
            continue
        x1 = left + plot_w * max(0.0, min(value, maximum)) / maximum
        draw.rectangle([(left, y + 8), (x1, y + row_h - 12)], fill=BRAND)
        if low is not None and high is not None:
            xl, xh = left + plot_w * low / maximum, left + plot_w * high / maximum
            mid = y + row_h // 2 - 2
            draw.line([(xl, mid), (xh, mid)], fill=(240, 160, 0), width=4)
            draw.line([(xl, mid - 8), (xl, mid + 8)], fill=(240, 160, 0), width=4)
            draw.line([(xh, mid - 8), (xh, mid + 8)], fill=(240, 160, 0), width=4)
        draw.text(
            (max(x1, left + plot_w * (high or 0) / maximum) + 10, y + 12),
            f"{value:.1f}{suffix}",
            fill=(0, 0, 0),
            font=small,
        )
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def line_chart(
    points: list[tuple[str, float | None]],
    title: str,
    *,
    width: int = 1400,
    height: int = 520,
    low: float = 0.0,
    high: float = 100.0,
) -> bytes:
    """A line over waves (e.g. the index), labelled at each point."""
    font, small, big = _font(24), _font(22), _font(30)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), title, fill=(0, 0, 0), font=big)
    left, right, top, bottom = 90, width - 60, 90, height - 80
    for k in range(0, 6):
        v = low + (high - low) * k / 5
        y = bottom - (bottom - top) * k / 5
        draw.line([(left, y), (right, y)], fill=(230, 230, 230))
        draw.text((20, y - 12), f"{v:g}", fill=GREY, font=small)
    values = [(n, v) for n, (_l, v) in enumerate(points) if v is not None]
    step = (right - left) / max(1, len(points) - 1)
    coords = [
        (
            left + n * step if len(points) > 1 else (left + right) / 2,
            bottom - (bottom - top) * (v - low) / (high - low),
        )
        for n, v in values
    ]
    if len(coords) > 1:
        draw.line(coords, fill=BRAND, width=5)
    for (x, y), (_n, v) in zip(coords, values, strict=True):
        draw.ellipse([(x - 8, y - 8), (x + 8, y + 8)], fill=BRAND)
        draw.text((x - 30, y - 44), f"{v:.1f}", fill=(0, 0, 0), font=font)
    for n, (label, _v) in enumerate(points):
        x = left + n * step if len(points) > 1 else (left + right) / 2
        text = label if len(label) <= 12 else label[:11] + "…"
        draw.text((x - 60, bottom + 20), text, fill=GREY, font=small)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

"""What every Word and PDF document of the platform shares: the CJK font and the A4 Word layout.

One font finder serves every PDF (problems, reviews, surveys, campaign, property, enforcement,
notary certificates) and the PNG charts: the first that exists of ``CASEWATCH_CJK_FONT`` (a path,
optionally ``path#face``), the ``SURVEYS_REPORT_FONT`` setting, then the Noto CJK files Debian's
``fonts-noto-cjk`` installs. In a font collection (``.ttc``) the Simplified-Chinese face is picked
by its name (Noto's "… SC"), so the face index does not have to be known.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings

FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]

#: The font Word documents name for their text (Word substitutes it where it is not installed).
DOCX_FONT = "Noto Sans CJK SC"


def _sc_face(path: str) -> int:
    """The index of the Simplified-Chinese face in a collection (0 when none is named so)."""
    from PIL import ImageFont

    for index in range(10):
        try:
            name = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            break
        if name.endswith(" SC"):
            return index
    return 0


@lru_cache(maxsize=4)
def _find(env: str, configured: str) -> tuple[str, int] | None:
    candidates: list[tuple[str, int | None]] = []
    if env:
        path, sep, index = env.partition("#")
        candidates.append((path, int(index) if sep and index else None))
    if configured:
        candidates.append((configured, None))
    candidates += [(path, None) for path in FONT_CANDIDATES]
    for path, index in candidates:
        if not Path(path).is_file():
            continue
        if index is not None:
            return path, index
        return path, (_sc_face(path) if path.endswith(".ttc") else 0)
    return None


def cjk_font() -> tuple[str, int] | None:
    """The CJK font to embed or draw with: (path, face index), or None when none is installed."""
    return _find(os.environ.get("CASEWATCH_CJK_FONT", ""), getattr(settings, "SURVEYS_REPORT_FONT", ""))


def new_docx():
    """An empty Word document on A4 whose Normal style is the CJK font at 11 pt."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from casewatch.core.exports import a4

    doc = a4(Document())
    style = doc.styles["Normal"]
    style.font.name = DOCX_FONT
    style.font.size = Pt(11)
    # East-Asian text uses its own font slot in Word.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
    return doc


def docx_table(doc, header: list[str], rows: list[list]):
    """A grid table with a bold header row; every value is written as text."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    return table

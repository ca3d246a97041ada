"""Printed matter of the centre: QR label sheets (PDF, 50 × 30 mm), transfer lists (DOCX and PDF),
the monthly ledger (XLSX) and the inventory report (DOCX).

Labels carry the QR code (segno, error correction M, the code only, so any scanner reads it) and
the human-readable code under it, plus the case number and the item name in the CJK font that the
other PDF reports embed (Noto Sans CJK SC, subset by fpdf2).
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

#: label size in millimetres and the A4 sheet's grid (4 columns × 9 rows, 5 mm side and 13.5 mm top margins)
LABEL_W, LABEL_H = 50.0, 30.0
COLS, ROWS = 4, 9
MARGIN_X, MARGIN_Y = 5.0, 13.5


def qr_png(code: str, scale: int = 8) -> bytes:
    """The QR symbol of a label code as PNG bytes (quiet zone included)."""
    buf = io.BytesIO()
    segno.make(code, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def _pdf():
    from fpdf import FPDF

    from casewatch.core.documents import cjk_font

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=False)
    spec = cjk_font()
    family = "helvetica"
    if spec:
        pdf.add_font("cjk", fname=spec[0], collection_font_number=spec[1])
        bold = spec[0].replace("-Regular", "-Bold")
        bold_spec = (bold, spec[1]) if bold != spec[0] and Path(bold).is_file() else spec
        pdf.add_font("cjk", style="B", fname=bold_spec[0], collection_font_number=bold_spec[1])
        family = "cjk"
    return pdf, family


def label_sheet(items) -> bytes:
    """A4 sheets of 50 × 30 mm labels: QR on the left, code, case number and name on the right."""
    pdf, family = _pdf()
    pdf.set_title(_("Property labels"))
    per_page = COLS * ROWS
    for n, item in enumerate(items):
        if n % per_page == 0:
            pdf.add_page()
        col, row = (n % per_page) % COLS, (n % per_page) // COLS
        x, y = MARGIN_X + col * LABEL_W, MARGIN_Y + row * LABEL_H
        pdf.set_draw_color(180, 180, 180)
        pdf.rect(x, y, LABEL_W, LABEL_H)
        pdf.image(io.BytesIO(qr_png(item.code, scale=6)), x=x + 1, y=y + 4, w=22, h=22)
        pdf.set_xy(x + 24, y + 4)
        pdf.set_font(family, style="B", size=6.5)
        pdf.cell(25, 3.5, item.code, new_x="LEFT", new_y="NEXT")
        pdf.set_font(family, size=5.5)
        pdf.set_x(x + 24)
        pdf.multi_cell(25, 2.8, item.case.case_number[:40], new_x="LEFT", new_y="NEXT")
        pdf.set_x(x + 24)
        pdf.multi_cell(25, 2.8, item.name[:30], new_x="LEFT", new_y="NEXT")
    if not pdf.pages:
        pdf.add_page()
    return bytes(pdf.output())


def _handover_rows(handover):
    rows = []
    for i, item in enumerate(handover.items.select_related("location").order_by("code"), start=1):
        photos = (
            _("list and photos (not moved)")
            if item.location_id and item.location.kind != "with_file"
            else _("moved with the file")
        )
        rows.append(
            [
                str(i),
                item.code,
                item.name,
                item.get_category_display(),
                f"{item.quantity.normalize()}",
                item.features[:60],
                item.place,
                photos,
            ]
        )
    return rows


def _handover_header():
    return [
        _("No."),
        pgettext("property", "Code"),
        _("Name"),
        _("Category"),
        _("Quantity"),
        _("Features"),
        _("Location"),
        _("How it travels"),
    ]


def transfer_list_docx(handover) -> bytes:
    """The 随案移送清单 as Word: the case, both agencies, the document, one row per item."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(_("Transfer list with the case (随案移送清单)"), level=1)
    doc.add_paragraph(f"{_('Number')}: {handover.number}")
    doc.add_paragraph(f"{_('Case')}: {handover.case.case_number}")
    doc.add_paragraph(f"{_('From')}: {handover.from_unit.name} → {_('To')}: {handover.to_unit.name}")
    doc.add_paragraph(f"{_('Document')}: {handover.document}")
    table = doc.add_table(rows=1, cols=len(_handover_header()))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, _handover_header(), strict=True):
        cell.text = text
    for row in _handover_rows(handover):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    doc.add_paragraph(
        f"{_('Sent by')}: {handover.proposed_by.get_full_name() or handover.proposed_by.username} "
        f"{timezone.localtime(handover.proposed_at):%Y-%m-%d %H:%M}"
    )
    accepted = (
        f"{handover.accepted_by.get_full_name() or handover.accepted_by.username} "
        f"{timezone.localtime(handover.accepted_at):%Y-%m-%d %H:%M}"
        if handover.accepted_at
        else "—"
    )
    doc.add_paragraph(f"{_('Accepted by')}: {accepted}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def transfer_list_pdf(handover) -> bytes:
    """The same list as PDF (A4 landscape)."""
    pdf, family = _pdf()
    pdf.add_page(orientation="L")
    pdf.set_font(family, style="B", size=14)
    pdf.cell(0, 10, _("Transfer list with the case (随案移送清单)"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    for line in (
        f"{_('Number')}: {handover.number}",
        f"{_('Case')}: {handover.case.case_number}",
        f"{_('From')}: {handover.from_unit.name} → {_('To')}: {handover.to_unit.name}",
        f"{_('Document')}: {handover.document}",
    ):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    widths = (10, 36, 50, 30, 18, 50, 50, 33)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
        table.row(_handover_header())
        for r in _handover_rows(handover):
            table.row(r)
    return bytes(pdf.output())


def inventory_docx(inv, found: dict, number: str) -> bytes:
    """The count's report: what was counted, how the sample was sized, what was off."""
    from docx import Document

    from casewatch.analytics.property import sample_size

    doc = Document()
    doc.add_heading(_("Inventory report %(number)s") % {"number": number}, level=1)
    doc.add_paragraph(f"{_('Centre')}: {inv.centre.name}")
    doc.add_paragraph(f"{_('Zone')}: {inv.zone or _('whole centre')}")
    doc.add_paragraph(f"{_('Mode')}: {inv.get_mode_display()} · {_('Reason')}: {inv.reason or '—'}")
    doc.add_paragraph(f"{_('Items on record')}: {inv.population} · {_('Items to count')}: {inv.sample_size}")
    if inv.mode == "sampled":
        doc.add_paragraph(
            _(
                "Sample size: n0 = z² p (1 − p) / e² = 1.96² × 0.25 / 0.03² = 1067.1; "
                "n = n0 / (1 + (n0 − 1) / N) = %(n)s for N = %(N)s (95%% confidence, ±3%%), drawn with seed %(seed)s."
            )
            % {"n": sample_size(inv.population), "N": inv.population, "seed": inv.seed}
        )
    result = inv.result or {}
    for key, label in (
        ("scanned", _("Scanned")),
        ("missing", _("Missing")),
        ("unexpected", _("Unexpected")),
        ("misplaced", _("Misplaced")),
        ("error_rate", _("Error rate in the sample (%)")),
    ):
        if key in result:
            doc.add_paragraph(f"{label}: {result[key]}")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, (_("Kind"), pgettext("property", "Code"), _("Name")), strict=True
    ):
        cell.text = text
    for kind, code, name in found:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = kind, code, name
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

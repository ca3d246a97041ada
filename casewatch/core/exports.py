"""Tabular exports (CSV and XLSX) shared by every app.

Every cell passes `neutralise()`: a value that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) is prefixed with an apostrophe (OWASP CSV
injection guidance), in CSV and XLSX alike. Exports are streamed row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value):
    """Make a cell value safe for spreadsheets (formula injection); times in local time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """A streamed CSV (UTF-8 with BOM so that Chinese Excel opens it correctly)."""
    writer = csv.writer(_Echo())

    def generate():
        yield "\ufeff"
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(v) for v in row])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(sheet: str, header: Sequence[str], rows: Iterable[Sequence]) -> tuple[bytes, int]:
    """An XLSX workbook with one sheet; returns the bytes and the row count."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": False, "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    ws.write_row(0, 0, list(header), bold)
    n = 0
    for n, row in enumerate(rows, start=1):
        ws.write_row(n, 0, [neutralise(v) for v in row])
    book.close()
    return buffer.getvalue(), n


def xlsx_response(filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    data, _ = xlsx_bytes(sheet, header, rows)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def a4(document):
    """Lay a python-docx document out on A4 portrait with 2.5 cm margins (python-docx defaults to
    US Letter); returns the document. Every Word report calls this right after ``Document()``."""
    from docx.shared import Cm

    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    return document


def display(value, choices) -> str:
    """A stored code shown by its label (``choices``: a TextChoices class or a dict); the code
    itself only when it has no label."""
    if value in (None, ""):
        return ""
    labels = dict(choices.choices) if hasattr(choices, "choices") else choices
    label = labels.get(value, value)
    return str(label)

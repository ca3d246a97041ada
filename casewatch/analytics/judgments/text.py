"""The text of a judgment document: plain text, Word (.docx), HTML as published, PDF text layer.

Why one function per format and lines as the unit: published judgments arrive as text saved
from a web page, Word files from a court's own system, the HTML page of a publication site, or
a PDF. The parser works on lines (the court, the title, the case number and each party sit on a
line of their own in the official formats), so every reader returns the document as a list of
lines, whitespace-trimmed, with empty lines dropped. A PDF without a text layer (a scan) is
refused: reading it would need OCR, which this module does not do.

This module never imports Django.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import PurePath

SUFFIXES = {".txt": "txt", ".text": "txt", ".docx": "docx", ".html": "html", ".htm": "html", ".pdf": "pdf"}
_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}


class TextError(Exception):
    """The file has no readable text: code (``encoding``, ``no_text_layer``, ``unreadable``) and detail."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 — strictly, never leniently."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name)
        except UnicodeDecodeError as exc:
            first = exc
    raise TextError("encoding", f"neither UTF-8 nor GB18030 (offset {first.start})")


def lines_of(text: str) -> list[str]:
    """Non-empty lines with ordinary and ideographic spaces at both ends removed."""
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip(" \t\u3000\xa0\ufeff")
        if line:
            out.append(line)
    return out


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _html(data: bytes) -> str:
    from lxml import html as lxml_html

    text = decode(data)
    root = lxml_html.fromstring(text or "<html></html>")
    for bad in root.xpath("//script|//style|//noscript|//head"):
        bad.drop_tree()
    chunks: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _BLOCKS:
            chunks.append("\n")
        if node.text:
            chunks.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                chunks.append(child.tail)
        if tag.lower() in _BLOCKS:
            chunks.append("\n")

    walk(root)
    return "".join(chunks)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join((page.extract_text() or "") for page in reader.pages).replace("\x00", "")
    if len(re.sub(r"\s", "", text)) < 20:
        raise TextError("no_text_layer", f"{len(reader.pages)} page(s) without a text layer")
    return text


def extract(data: bytes, name: str) -> list[str]:
    """The lines of a judgment file, by its extension; raises TextError."""
    kind = SUFFIXES.get(PurePath(name).suffix.lower(), "txt")
    try:
        if kind == "docx":
            if not data.startswith(b"PK"):
                raise TextError("unreadable", "not a Word (.docx) file")
            return lines_of(_docx(data))
        if kind == "html":
            return lines_of(_html(data))
        if kind == "pdf":
            if not data.startswith(b"%PDF"):
                raise TextError("unreadable", "not a PDF file")
            return lines_of(_pdf(data))
        return lines_of(decode(data))
    except TextError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TextError("unreadable", f"{type(exc).__name__}: {exc}"[:200]) from None
    except Exception as exc:  # a corrupt file of any library must be a file problem, not a crash
        raise TextError("unreadable", f"{type(exc).__name__}: {exc}"[:200]) from None

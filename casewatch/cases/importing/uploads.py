"""Accepting uploaded import files (upload page and API): size, extension and content checks.

Why both extension and content: the file name picks the table and the reader, the content
proves the file is what it claims. A renamed executable, a ZIP that is not a workbook or a
Parquet file without its magic number is refused before any reader touches it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from casewatch.cases.importing.readers import SUFFIXES, content_matches, sniff_kind

#: Judgment documents and archives of them (casewatch/cases/importing/judgments.py) -> first bytes.
DOCUMENT_SUFFIXES = {
    ".docx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",),
    ".pdf": (b"%PDF",),
    ".html": (b"<", b"\xef\xbb\xbf<", b" ", b"\n", b"\r"),
    ".htm": (b"<", b"\xef\xbb\xbf<", b" ", b"\n", b"\r"),
}


class UploadRejected(ValueError):
    """An upload that cannot be imported; the message is shown to the user."""


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "uploads" / uuid.uuid4().hex


def save_uploads(files) -> tuple[list[str], list[str]]:
    """Store uploaded files after checking them; returns (paths, original names).

    Raises UploadRejected naming the first bad file; nothing is kept in that case.
    """
    files = list(files)
    if not files:
        raise UploadRejected(_("Choose at least one file."))
    limit = settings.UPLOAD_MAX_BYTES
    total = sum(f.size or 0 for f in files)
    if total > limit:
        raise UploadRejected(
            _("The upload is %(size)s MB; at most %(limit)s MB are accepted.")
            % {"size": f"{total / 2**20:.1f}", "limit": f"{limit / 2**20:.0f}"}
        )
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    paths, names = [], []
    try:
        for f in files:
            original = Path(f.name or "upload").name
            suffix = Path(original).suffix.lower()
            kind = SUFFIXES.get(suffix) or ("document" if suffix in DOCUMENT_SUFFIXES else None)
            if kind is None:
                raise UploadRejected(
                    _("%(name)s: only CSV, XLSX, JSON Lines and Parquet files can be imported.")
                    % {"name": original}
                )
            safe = get_valid_filename(original) or f"upload{Path(original).suffix}"
            target = directory / safe
            with target.open("wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
            if kind == "document":
                with target.open("rb") as fh:
                    head = fh.read(8)
                if head and not head.startswith(DOCUMENT_SUFFIXES[suffix]):
                    raise UploadRejected(
                        _("%(name)s: the content is not a %(kind)s file.")
                        % {"name": original, "kind": suffix.lstrip(".").upper()}
                    )
            elif target.stat().st_size and not content_matches(kind, sniff_kind(target)):
                raise UploadRejected(
                    _("%(name)s: the content is not a %(kind)s file.")
                    % {"name": original, "kind": kind.upper()}
                )
            paths.append(str(target))
            names.append(original)
    except UploadRejected:
        for p in directory.glob("*"):
            p.unlink()
        directory.rmdir()
        raise
    return paths, names

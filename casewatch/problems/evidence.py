"""Evidence files: what may be uploaded, how it is recognised, stored and served.

A file is recognised by its content (puremagic, then a structural check), never by its name:
PDF, PNG, JPEG, GIF, WebP, DOCX and XLSX are accepted; anything else — executables, HTML,
scripts, macro-enabled Office files, archives — is refused, and so is a name whose extension
disagrees with the content. Files are stored content-addressed (``problems/evidence/ab/<sha256>.<ext>``)
so the uploader's name never reaches the file system, and they are only served as downloads with
the content type of the recognised kind and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile

import puremagic
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from casewatch.problems.conf import evidence_max_bytes

#: kind -> (content type served, accepted extensions)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "gif": ("image/gif", (".gif",)),
    "webp": ("image/webp", (".webp",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
}
ACCEPT = ",".join(ext for _ct, exts in KINDS.values() for ext in exts)

_ZIP_MAX_ENTRIES = 5000
_ZIP_MAX_UNCOMPRESSED = 500 * 1024 * 1024


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _zip_kind(fh) -> str | None:
    """DOCX or XLSX by their package structure; macro-enabled and odd packages are refused."""
    try:
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            if len(infos) > _ZIP_MAX_ENTRIES or sum(i.file_size for i in infos) > _ZIP_MAX_UNCOMPRESSED:
                _refuse(_("The Office file is malformed."), "malformed")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                return None
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                _refuse(_("Office files with macros are not accepted."), "macro")
            types = zf.read("[Content_Types].xml").decode("utf-8", "replace").lower()
            if "macroenabled" in types:
                _refuse(_("Office files with macros are not accepted."), "macro")
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except zipfile.BadZipFile:
        return None
    return None


def _image_ok(fh) -> bool:
    from PIL import Image

    try:
        with Image.open(fh) as img:
            img.verify()
    except Exception:  # Pillow raises many kinds of errors for broken or hostile images
        return False
    return True


def sniff(fh, head: bytes) -> str | None:
    """The kind of a file from its content, or None when it is not an accepted kind."""
    try:
        candidates = {m.extension.lower() for m in puremagic.magic_string(head)}
    except puremagic.PureError:
        candidates = set()
    kind = None
    if head.startswith(b"%PDF-") and ".pdf" in candidates:
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n") and ".png" in candidates:
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff") and candidates & {".jpg", ".jpeg", ".jfif"}:
        kind = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head.startswith(b"PK\x03\x04"):
        fh.seek(0)
        kind = _zip_kind(fh)
    if kind in ("png", "jpeg", "gif", "webp"):
        fh.seek(0)
        if not _image_ok(fh):
            kind = None
    fh.seek(0)
    return kind


def inspect(upload) -> tuple[str, str, int]:
    """Check an uploaded file; returns (kind, sha256, size) or raises ValidationError."""
    size = upload.size or 0
    limit = evidence_max_bytes()
    if size == 0:
        _refuse(_("The file is empty."), "empty")
    if size > limit:
        _refuse(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            "too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = sniff(upload, head)
    if kind is None:
        _refuse(
            _(
                "This type of file is not accepted as evidence: only PDF, images (PNG, JPEG, GIF, WebP), Word (DOCX) and Excel (XLSX) files."
            ),
            "type",
        )
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in KINDS[kind][1]:
        _refuse(
            _("The file name says %(ext)s but its content is %(kind)s; rename it or upload the right file.")
            % {"ext": ext or _("(no extension)"), "kind": kind.upper()},
            "mismatch",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    return kind, digest.hexdigest(), size


def store(upload, kind: str, sha256: str) -> str:
    """Save the file content-addressed; the same content is stored once. Returns the storage name."""
    name = f"problems/evidence/{sha256[:2]}/{sha256}{KINDS[kind][1][0]}"
    if not default_storage.exists(name):
        upload.seek(0)
        saved = default_storage.save(name, upload)
        if saved != name:  # a concurrent upload of the same content won the race
            default_storage.delete(saved)
    return name


def safe_filename(original: str, kind: str) -> str:
    """A download name: the uploader's base name without control characters, with the right extension."""
    base = os.path.basename(original.replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".") or "evidence"
    stem, ext = os.path.splitext(base)
    if ext.lower() not in KINDS[kind][1]:
        ext = KINDS[kind][1][0]
    return (stem[:150] or "evidence") + ext


def download_response(evidence) -> FileResponse:
    """Serve an evidence file as an attachment, never inline, with a fixed safe content type."""
    fh = default_storage.open(evidence.file.name, "rb")
    response = FileResponse(
        fh,
        as_attachment=True,
        filename=safe_filename(evidence.original_name, evidence.kind),
        content_type=KINDS[evidence.kind][0],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def as_upload(data: bytes, name: str):
    """Wrap bytes as an uploaded file (tests, API clients, imports)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)

"""Certificates: facts, the verification code, DOCX/PDF documents with a QR code, verification.

The verification code is an HMAC-SHA256 over the certificate's facts (canonical JSON) keyed with
``SECRET_KEY``: 20 hex characters (80 bits), shown as ``XXXXX-XXXXX-XXXXX-XXXXX``. The public page
recomputes it from the stored facts, so a fact changed in the database no longer matches and
the page says *tampered*; a revoked certificate says *revoked*. Only the certificate's facts are
shown (the applicant's name masked, never the ID number or phone).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from casewatch.core.documents import cjk_font
from casewatch.core.masking import mask_name

VALID, REVOKED, TAMPERED, UNKNOWN = "valid", "revoked", "tampered", "unknown"


def canonical(facts: dict) -> bytes:
    return json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(facts: dict) -> str:
    """The verification code of a set of facts."""
    key = (settings.SECRET_KEY + ":notary:certificate").encode()
    return hmac.new(key, canonical(facts), hashlib.sha256).hexdigest()[:20].upper()


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch in "0123456789ABCDEF")


def pretty_code(code: str) -> str:
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def facts_for(item, number: str, issued_on, notary_name: str) -> dict:
    """What the certificate states: number, matter, applicant, office, notary, date."""
    app = item.application
    return {
        "number": number,
        "matter": item.matter.code,
        "matter_name": item.matter.name,
        "applicant": app.applicant_name,
        "office": app.office_id,
        "office_name": app.office.name,
        "notary": notary_name,
        "issued_on": issued_on.isoformat(),
        "application": app.number,
    }


def status_of(cert) -> str:
    """valid / revoked / tampered for a stored certificate."""
    if cert is None:
        return UNKNOWN
    expected = sign(cert.facts)
    if not hmac.compare_digest(expected, cert.code) or cert.facts.get("number") != cert.number:
        return TAMPERED
    if cert.facts.get("issued_on") != cert.issued_on.isoformat():
        return TAMPERED
    return REVOKED if cert.revoked_at else VALID


def public_facts(cert) -> dict:
    """The facts the public page may show."""
    f = cert.facts
    return {
        "number": f.get("number", ""),
        "matter_name": f.get("matter_name", ""),
        "applicant": mask_name(f.get("applicant", "")),
        "office_name": f.get("office_name", ""),
        "notary": f.get("notary", ""),
        "issued_on": f.get("issued_on", ""),
    }


def verify_url(cert, base: str = "") -> str:
    return base.rstrip("/") + reverse("notary:verify", args=[cert.code])


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _lines(cert) -> list[tuple[str, str]]:
    f = cert.facts
    return [
        (_("Certificate number"), f["number"]),
        (_("Applicant"), f["applicant"]),
        (_("Matter"), f["matter_name"]),
        (_("Notary office"), f["office_name"]),
        (_("Notary"), f["notary"]),
        (_("Issued on"), f["issued_on"]),
        (_("Verification code"), pretty_code(cert.code)),
    ]


def certificate_docx(cert, url: str) -> bytes:
    """The certificate as Word (python-docx), Chinese in Noto Sans CJK, with the QR code."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    doc.add_heading(_("Notarial certificate"), level=1)
    for label, value in _lines(cert):
        doc.add_paragraph(f"{label}：{value}")
    doc.add_paragraph(_("Verify this certificate at %(url)s or by scanning the code.") % {"url": url})
    doc.add_picture(io.BytesIO(qr_png(url)), width=Cm(4))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def certificate_pdf(cert, url: str) -> bytes:
    """The certificate as PDF (fpdf2, A4), Chinese in Noto Sans CJK, with the QR code."""
    from fpdf import FPDF

    font_spec = cjk_font()
    pdf = FPDF(format="A4")
    if font_spec:
        pdf.add_font("cjk", fname=font_spec[0], collection_font_number=font_spec[1])
        family = "cjk"
    else:  # without a CJK font the PDF can carry Latin text only
        family = "helvetica"
    pdf.add_page()
    pdf.set_title(_("Notarial certificate"))
    pdf.set_font(family, size=18)
    pdf.cell(0, 14, _("Notarial certificate"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font(family, size=12)
    for label, value in _lines(cert):
        pdf.multi_cell(0, 9, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(
        0,
        7,
        _("Verify this certificate at %(url)s or by scanning the code.") % {"url": url},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.image(io.BytesIO(qr_png(url)), w=40)
    return bytes(pdf.output())

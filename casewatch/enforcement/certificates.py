"""Certificates of voluntary performance (自动履行证明书): issue, verify, revoke, DOCX and PDF.

The verification code is an HMAC-SHA256 over the certificate's facts (number, kind, court, case,
debtor, amount, dates) keyed with ``SECRET_KEY``: a bank or tender office types the number and the
code (or scans the QR) and the public page recomputes the code from the stored facts, so a code
typed wrong, a certificate whose facts were altered after issue, and a revoked certificate are
all told apart from a valid one. The page shows the certificate's facts only, nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.analytics import enforcement as enf
from casewatch.cases.models import Case, CaseParty, Party
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.masking import mask_name
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.enforcement.choices import CertificateKind
from casewatch.enforcement.models import Certificate

#: Reasons eligibility fails, in both languages (shown to staff and in errors).
REASONS = {
    "eligible": ("符合条件", "Eligible"),
    "not_paid_in_full": ("未在履行期限内全额履行", "Not paid in full"),
    "paid_late": ("全额履行晚于履行期限", "Paid in full only after the performance deadline"),
    "enforcement_filed_first": ("履行完毕前已申请执行立案", "Enforcement was filed before full payment"),
    "pending_enforcement": (
        "该被执行人另有未结执行案件",
        "The debtor has a pending enforcement case",
    ),
}


def reason_text(reason: str) -> str:
    zh, en = REASONS.get(reason, (reason, reason))
    return f"{zh} / {en}"


def facts(cert: Certificate) -> str:
    """The signed facts, in a fixed order and format."""
    return "|".join(
        [
            cert.number,
            cert.kind,
            cert.unit.code,
            cert.case.case_number,
            cert.debtor_party_id,
            cert.debtor_name,
            f"{Decimal(cert.amount):.2f}",
            cert.performed_on.isoformat(),
            cert.issued_on.isoformat(),
        ]
    )


def sign(text: str) -> str:
    """20 hex characters of HMAC-SHA256 over ``text`` keyed with SECRET_KEY, in groups of four."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, b"casewatch.enforcement.certificate\0" + text.encode(), hashlib.sha256).hexdigest()
    code = digest[:20].upper()
    return "-".join(code[i : i + 4] for i in range(0, 20, 4))


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def verify(number: str, code: str) -> tuple[str, Certificate | None]:
    """('valid' | 'revoked' | 'invalid', certificate or None). Invalid reveals nothing."""
    cert = Certificate.objects.select_related("unit", "case").filter(number=(number or "").strip()).first()
    if cert is None:
        return "invalid", None
    expected = sign(facts(cert))
    given = normalise_code(code)
    # both the stored code and the typed one must match what the facts give today
    if not (hmac.compare_digest(expected, given) and hmac.compare_digest(expected, cert.code)):
        return "invalid", None
    if cert.revoked_at is not None:
        return "revoked", cert
    return "valid", cert


def public_facts(cert: Certificate) -> dict:
    """What the public page may show: the certificate's own facts (a natural person's name masked)."""
    return {
        "number": cert.number,
        "kind": cert.get_kind_display(),
        "court": cert.unit.name,
        "case_number": cert.case.case_number,
        "debtor": cert.debtor_name if cert.debtor_is_org else mask_name(cert.debtor_name),
        "amount": f"{Decimal(cert.amount):,.2f}",
        "performed_on": cert.performed_on,
        "issued_on": cert.issued_on,
        "revoked_on": cert.revoked_at.date() if cert.revoked_at else None,
    }


def judgment_eligibility(case: Case, debtor_party_id: str, as_of: dt.date) -> dict | None:
    """Eligibility of one debtor under one judgment, through the same SQL as the batch.

    Reads this judgment's deadline, payments and filings and the debtor's enforcement cases
    anywhere in the registry (a handful of rows), then runs analytics.enforcement.eligibility.
    """
    import pyarrow as pa

    from casewatch.analytics.schema import arrow_schema
    from casewatch.enforcement.models import DebtorPayment, EnforcementFiling, PerformanceDeadline

    def arrow(name, rows):
        sch = arrow_schema(name)
        return pa.Table.from_pylist([{f.name: r.get(f.name) for f in sch} for r in rows], schema=sch)

    key = {"unit_id": case.unit_id, "case_number": case.case_number, "debtor_party_id": debtor_party_id}
    deadlines = [
        {**d, "unit_code": d.pop("unit_id")}
        for d in PerformanceDeadline.objects.filter(**key).values(
            "unit_id", "case_number", "debtor_party_id", "effective_on", "perform_by", "amount_due"
        )
    ]
    if not deadlines:
        return None
    pays = [
        {**p, "unit_code": p.pop("unit_id")}
        for p in DebtorPayment.objects.filter(**key).values(
            "payment_id", "unit_id", "case_number", "debtor_party_id", "paid_on", "amount", "channel"
        )
    ]
    filings = [
        {**f, "unit_code": f.pop("unit_id")}
        for f in EnforcementFiling.objects.filter(debtor_party_id=debtor_party_id).values(
            "unit_id",
            "case_number",
            "source_unit_code",
            "source_case_number",
            "debtor_party_id",
            "filed_on",
            "amount_sought",
        )
    ]
    enf_cases = Case.objects.filter(
        case_type="enforcement", party_links__party_id=debtor_party_id, party_links__role="debtor"
    ).values("unit_id", "case_number", "case_type", "status", "filed_at")
    cases = [{**c, "unit_code": c.pop("unit_id")} for c in enf_cases]
    cps = [
        {
            "unit_code": c["unit_code"],
            "case_number": c["case_number"],
            "party_id": debtor_party_id,
            "role": "debtor",
        }
        for c in cases
    ]
    filed_cases = Case.objects.filter(
        case_type="enforcement",
        # with the units: the natural key's index leads with unit_code (case_number alone has none)
        unit_id__in={f["unit_code"] for f in filings},
        case_number__in=[f["case_number"] for f in filings],
    ).values("unit_id", "case_number", "case_type", "status", "filed_at")
    cases += [{**c, "unit_code": c.pop("unit_id")} for c in filed_cases]
    party = Party.objects.filter(party_id=debtor_party_id).values("party_id", "kind", "name").first()
    con = enf.connect(
        {
            "performance_deadlines": arrow("performance_deadlines", deadlines),
            "debtor_payments": arrow("debtor_payments", pays),
            "enforcement_filings": arrow("enforcement_filings", filings),
            "cases": arrow("cases", cases),
            "case_parties": arrow("case_parties", cps),
            "parties": arrow("parties", [party] if party else []),
        }
    )
    rows = enf.eligibility(con, as_of).to_pylist()
    return rows[0] if rows else None


def _next_number(unit_code: str, year: int, kind: str = "ZM") -> str:
    prefix = f"{kind}{year}-{unit_code}-"
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
    )
    n = int(last[0].rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def issue(user, case_id: int, debtor_party_id: str, today: dt.date | None = None) -> Certificate:
    """Issue a 自动履行证明书 when the records say the debtor qualifies; else a bilingual error."""
    if not (user_can(user, Action.HANDLE) or user_can(user, Action.CHANGE)):
        raise ValidationError(_("Your role may not issue certificates."), code="permission")
    case = get_scoped_or_404(user, Case, Action.VIEW, pk=case_id)
    today = today or timezone.localdate()
    row = judgment_eligibility(case, debtor_party_id, today)
    if row is None:
        raise ValidationError(
            "该案件没有此被执行人的履行期限记录 / This case has no performance deadline for that debtor.",
            code="no_deadline",
        )
    if row["reason"] != "eligible":
        zh, en = REASONS.get(row["reason"], (row["reason"], row["reason"]))
        raise ValidationError(
            f"不能出具自动履行证明书：{zh}。/ No certificate can be issued: {en}.", code=row["reason"]
        )
    if not CaseParty.objects.filter(case=case, party_id=debtor_party_id).exists():
        raise ValidationError(
            "被执行人不是本案当事人 / The debtor is not a party to this case.", code="party"
        )
    party = Party.objects.get(party_id=debtor_party_id)
    with transaction.atomic():
        if (
            Certificate.objects.select_for_update()
            .filter(
                kind=CertificateKind.INCENTIVE,
                case=case,
                debtor_party_id=debtor_party_id,
                revoked_at__isnull=True,
            )
            .exists()
        ):
            raise ValidationError(
                "该被执行人在本案已有有效证明书 / A valid certificate already exists for this debtor in this case.",
                code="duplicate",
            )
        cert = Certificate(
            number=_next_number(case.unit_id, today.year),
            kind=CertificateKind.INCENTIVE,
            unit=case.unit,
            case=case,
            debtor_party_id=debtor_party_id,
            debtor_name=party.name,
            debtor_is_org=party.kind == "organisation",
            amount=row["paid_total"],
            performed_on=row["paid_full_on"],
            issued_on=today,
            issued_by=user,
        )
        cert.code = sign(facts(cert))
        cert.save()
    return cert


def revoke(user, cert: Certificate, reason: str) -> Certificate:
    """Revoke a certificate (it then verifies as revoked); the reason is required."""
    if not user_can(user, Action.CHANGE):
        raise ValidationError(_("Your role may not revoke certificates."), code="permission")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写撤销理由 / A reason is required.", code="reason")
    if cert.revoked_at is not None:
        raise ValidationError("证明书已撤销 / The certificate is already revoked.", code="revoked")
    cert.revoked_at = timezone.now()
    cert.revoked_by = user
    cert.revoke_reason = reason[:300]
    cert.save()
    audit.record(AuditAction.TRANSITION, cert, user=user, message="certificate revoked")
    return cert


def verify_url(request, cert: Certificate) -> str:
    path = reverse("enforcement:verify") + f"?number={cert.number}&code={cert.code}"
    return request.build_absolute_uri(path) if request is not None else path


def qr_png(url: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=4, border=2)
    return buf.getvalue()


def _lines(cert: Certificate) -> list[tuple[str, str]]:
    f = public_facts(cert)
    return [
        ("证书编号 / Number", f["number"]),
        ("出具法院 / Court", f["court"]),
        ("案号 / Case", f["case_number"]),
        ("履行人 / Performed by", cert.debtor_name),
        ("履行金额(元) / Amount (yuan)", f["amount"]),
        ("履行完毕日期 / Performed on", f["performed_on"].isoformat()),
        ("出具日期 / Issued on", f["issued_on"].isoformat()),
        ("验证码 / Verification code", cert.code),
    ]


BODY = (
    "经查，上述当事人在生效法律文书确定的履行期限内自动全额履行了义务，未进入强制执行程序，"
    "且无作为被执行人的未结执行案件。特此证明。"
)


REPAIR_BODY = "经查，上述当事人已按信用承诺履行义务，经核查、删除失信信息及回访，信用修复已完成。特此证明。"


def _title(cert: Certificate) -> tuple[str, str, str]:
    if cert.kind == CertificateKind.REPAIR:
        return "信用修复证明", "Certificate of credit repair", REPAIR_BODY
    return "自动履行证明书", "Certificate of voluntary performance", BODY


def certificate_docx(cert: Certificate, url: str) -> bytes:
    """The certificate as a Word document with the QR code."""
    from docx.shared import Cm

    from casewatch.core.documents import new_docx

    zh, en, body = _title(cert)
    doc = new_docx()
    doc.add_heading(zh, level=1)
    doc.add_paragraph(en)
    for label, value in _lines(cert):
        doc.add_paragraph(f"{label}：{value}")
    doc.add_paragraph(body)
    doc.add_picture(io.BytesIO(qr_png(url)), width=Cm(3.5))
    doc.add_paragraph(f"扫码或访问验证 / Verify at: {url}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def certificate_pdf(cert: Certificate, url: str) -> bytes:
    """The certificate as PDF (Noto CJK embedded) with the QR code."""
    from fpdf import FPDF

    from casewatch.core.documents import cjk_font

    font = cjk_font()
    if font is None:
        raise RuntimeError("no CJK font installed (fonts-noto-cjk or CASEWATCH_CJK_FONT)")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_font("cjk", size=20)
    zh, en, body = _title(cert)
    pdf.cell(0, 14, zh, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 8, en, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    for label, value in _lines(cert):
        pdf.multi_cell(0, 8, f"{label}：{value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 7, body, new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(qr_png(url)), w=35)
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(0, 5, f"扫码或访问验证 / Verify at: {url}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def issue_repair(user, repair, today: dt.date | None = None) -> Certificate:
    """信用修复证明 for a completed credit repair (same code, QR and verification as the incentive)."""
    from django.db.models import Sum

    from casewatch.enforcement.models import DebtorPayment

    if not user_can(user, Action.CHANGE):
        raise ValidationError(_("Your role may not issue certificates."), code="permission")
    if repair.status != "completed":
        raise ValidationError("修复未完成，不能出具证明 / The repair is not completed.", code="state")
    today = today or timezone.localdate()
    paid = DebtorPayment.objects.filter(
        case=repair.case,
        debtor_party_id=repair.debtor_party_id,
        paid_on__gte=repair.verified_on or repair.applied_on,
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    party = Party.objects.filter(party_id=repair.debtor_party_id).first()
    with transaction.atomic():
        if (
            Certificate.objects.select_for_update()
            .filter(
                kind=CertificateKind.REPAIR,
                case=repair.case,
                debtor_party_id=repair.debtor_party_id,
                revoked_at__isnull=True,
            )
            .exists()
        ):
            raise ValidationError(
                "已出具有效的修复证明 / A valid repair certificate exists.", code="duplicate"
            )
        cert = Certificate(
            number=_next_number(repair.unit_id, today.year, "XF"),
            kind=CertificateKind.REPAIR,
            unit=repair.unit,
            case=repair.case,
            debtor_party_id=repair.debtor_party_id,
            debtor_name=party.name if party else repair.debtor_party_id,
            debtor_is_org=bool(party and party.kind == "organisation"),
            amount=paid,
            performed_on=repair.completed_on,
            issued_on=today,
            issued_by=user,
        )
        cert.code = sign(facts(cert))
        cert.save()
    return cert

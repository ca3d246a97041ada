"""API: listings with deadlines, incentive eligibility, certificates (issue, verify), measures.

Every endpoint is scoped (the same services as the pages); verification is public (auth=None).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from casewatch.core.choices import Action
from casewatch.core.masking import mask
from casewatch.core.permissions import user_can
from casewatch.enforcement import certificates, data

router = Router(tags=["enforcement"])


def _need(request, action: str) -> None:
    if not user_can(request.auth, action):
        raise HttpError(403, "Your role does not allow this.")


class ListingOut(Schema):
    listing_id: str
    unit_code: str
    case_number: str
    debtor: str
    ground: str
    decided_on: dt.date
    trigger: str | None
    trigger_on: dt.date | None
    deletion_due: dt.date | None
    deleted_on: dt.date | None
    deletion_state: str
    review_due: dt.date | None
    correction_due: dt.date | None
    correction_state: str | None
    wrongful: str | None


@router.get("/listings", response=list[ListingOut])
def listings(request, as_of: dt.date | None = None, state: str = "", limit: int = 500, offset: int = 0):
    """Listings in scope with deletion and correction deadlines (debtor ids masked)."""
    _need(request, Action.VIEW)
    out, _total, _counts = data.listing_page(  # filtered, ordered and paged in DuckDB
        request.auth,
        as_of or timezone.localdate(),
        state=state,
        limit=min(max(limit, 1), 5000),
        offset=offset,
        counts=False,
    )
    return [{**r, "debtor": mask("party_id", r["debtor_party_id"])} for r in out]


class EligibilityOut(Schema):
    unit_code: str
    case_number: str
    debtor: str
    perform_by: dt.date
    amount_due: str
    paid_total: str
    paid_full_on: dt.date | None
    reason: str
    reason_text: str


@router.get("/eligibility", response=list[EligibilityOut])
def eligibility(request, as_of: dt.date | None = None, reason: str = "", limit: int = 500, offset: int = 0):
    """Incentive eligibility per judgment in scope, with the reason."""
    _need(request, Action.VIEW)
    rows, _total = data.eligibility_page(  # filtered, ordered and paged in DuckDB
        request.auth,
        as_of or timezone.localdate(),
        reason=reason,
        limit=min(max(limit, 1), 5000),
        offset=offset,
        count=False,
    )
    return [
        {
            **r,
            "debtor": mask("party_id", r["debtor_party_id"]),
            "amount_due": f"{r['amount_due']:.2f}",
            "paid_total": f"{r['paid_total']:.2f}",
            "reason_text": certificates.reason_text(r["reason"]),
        }
        for r in rows
    ]


class IssueIn(Schema):
    case_id: int
    debtor_party_id: str


class CertificateOut(Schema):
    number: str
    code: str
    case_number: str
    amount: str
    performed_on: dt.date
    issued_on: dt.date


@router.post("/certificates", response={201: CertificateOut})
def issue(request, payload: IssueIn):
    """Issue a certificate; 422 with the bilingual reason when the records do not qualify."""
    try:
        cert = certificates.issue(request.auth, payload.case_id, payload.debtor_party_id)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    return 201, {
        "number": cert.number,
        "code": cert.code,
        "case_number": cert.case.case_number,
        "amount": f"{cert.amount:.2f}",
        "performed_on": cert.performed_on,
        "issued_on": cert.issued_on,
    }


class VerifyOut(Schema):
    status: str
    facts: dict | None


@router.get("/verify", response=VerifyOut, auth=None)
def verify(request, number: str, code: str):
    """Public verification: valid / revoked / invalid, and the certificate's facts when known."""
    status, cert = certificates.verify(number, code)
    facts = certificates.public_facts(cert) if cert else None
    if facts:
        facts = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in facts.items()}
    return {"status": status, "facts": facts}


@router.get("/measures")
def measures(request, start: dt.date, end: dt.date, as_of: dt.date | None = None):
    """The enforcement measures over the caller's scope, with definitions."""
    _need(request, Action.VIEW)
    from casewatch.analytics.enforcement import DEFINITIONS

    m = data.measures(request.auth, start, end, as_of or timezone.localdate())
    return {
        "values": {
            k: (str(v) if v is not None and not isinstance(v, int | tuple) else v)
            for k, v in m.items()
            if k not in ("period", "as_of")
        },
        "start": start,
        "end": end,
        "as_of": m["as_of"],
        "definitions": {k: {"zh": zh, "en": en} for k, (zh, en) in DEFINITIONS.items()},
    }

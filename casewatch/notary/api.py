"""Notarisation API (/api/v1/notary/): the catalogue, applications (masked, scoped), measures,
and certificate verification. Everything passes `restrict(user, action)`; out-of-scope objects
answer 404 like missing ones."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from casewatch.core.choices import Action
from casewatch.core.masking import mask
from casewatch.core.services import get_scoped_or_404
from casewatch.notary import certificates, measures
from casewatch.notary.filtersets import MeasuresPeriodForm
from casewatch.notary.models import Application, Certificate, MatterType

router = Router(tags=["notary"])


class MatterOut(Schema):
    code: str
    name: str
    name_en: str
    complexity: str
    online_allowed: bool
    in_person: bool
    designated_offices: list[str]
    time_limit_days: int
    fee: str
    materials: list[str]


class ItemOut(Schema):
    id: int
    matter: str
    status: str
    accepted_on: dt.date | None
    due_on: dt.date | None
    issued_on: dt.date | None
    certificate: str | None


class ApplicationOut(Schema):
    id: int
    number: str
    office: str
    channel: str
    applicant_name: str
    id_number: str
    phone: str
    submitted_at: dt.datetime
    items: list[ItemOut]


def _app_out(app) -> dict:
    """One application, personal data masked; items and certificates come prefetched."""
    items = []
    for i in app.items.all():
        cert = getattr(i, "certificate", None)  # reverse one-to-one: AttributeError when none
        items.append(
            {
                "id": i.pk,
                "matter": i.matter.code,
                "status": i.status,
                "accepted_on": i.accepted_on,
                "due_on": i.due_on,
                "issued_on": i.issued_on,
                "certificate": cert.number if cert else None,
            }
        )
    return {
        "id": app.pk,
        "number": app.number,
        "office": app.office_id,
        "channel": app.channel,
        "applicant_name": mask("name", app.applicant_name),
        "id_number": mask("id_number", app.id_number),
        "phone": mask("phone", app.phone),
        "submitted_at": app.submitted_at,
        "items": items,
    }


def _apps(user):
    return (
        Application.objects.restrict(user, Action.VIEW)
        .select_related("office")
        .prefetch_related("items__matter", "items__certificate")
    )


@router.get("/matters", response=list[MatterOut], auth=None)
def matter_list(request):
    return [
        {**{f: getattr(m, f) for f in MatterOut.model_fields if f != "fee"}, "fee": str(m.fee)}
        for m in MatterType.objects.filter(active=True)
    ]


@router.get("/applications", response=list[ApplicationOut])
def application_list(request, limit: int = 100, offset: int = 0):
    return [_app_out(a) for a in _apps(request.auth)[offset : offset + min(limit, 500)]]


@router.get("/applications/{pk}", response=ApplicationOut)
def application_detail(request, pk: int):
    return _app_out(get_scoped_or_404(request.auth, _apps(request.auth), Action.VIEW, pk=pk))


@router.get("/measures")
def measures_get(request, since: str | None = None, until: str | None = None):
    """The measures page's figures for a period (notary.filtersets: same defaults, same 422 with
    the page's message in Chinese and English for a malformed or reversed period)."""
    since, until = MeasuresPeriodForm.for_api({"since": since, "until": until}).period()
    data = measures.figures(request.auth, since, until)
    return {**data, "since": data["since"].isoformat(), "until": data["until"].isoformat()}


@router.get("/verify/{code}", auth=None)
def verify(request, code: str):
    cert = Certificate.objects.filter(code=certificates.normalise_code(code)).first()
    state = certificates.status_of(cert)
    facts = certificates.public_facts(cert) if cert is not None and state != certificates.TAMPERED else None
    return {"status": state, "facts": facts}

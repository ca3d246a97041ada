"""API of the false-litigation module: leads (scoped, masked evidence) and a case's risk."""

from ninja import Router, Schema

from casewatch.core.choices import Action
from casewatch.core.services import get_scoped_or_404
from casewatch.falselit import services
from casewatch.falselit.models import Lead

router = Router(tags=["falselit"])


class LeadOut(Schema):
    id: int
    kind: str
    ref: str
    title: str
    category: str
    score: float
    codes: list[str]
    status: str
    outcome: str
    unit_code: str
    court_code: str
    court_name: str
    case_keys: list[str]


def _out(lead: Lead) -> dict:
    return {
        "id": lead.pk,
        "kind": lead.kind,
        "ref": lead.ref,
        "title": lead.title,
        "category": lead.category,
        "score": lead.score,
        "codes": lead.codes,
        "status": lead.status,
        "outcome": lead.outcome,
        "unit_code": lead.unit_id,
        "court_code": lead.court.code,
        "court_name": lead.court.name,
        "case_keys": lead.case_keys,
    }


@router.get("/leads/", response=list[LeadOut])
def list_leads(request, status: str | None = None, category: str | None = None, min_score: float = 0.0):
    qs = Lead.objects.restrict(request.auth, Action.VIEW).select_related("unit__parent__parent")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return [_out(x) for x in qs.filter(score__gte=min_score)[:500]]


@router.get("/leads/{lead_id}/", response=LeadOut)
def get_lead(request, lead_id: int):
    return _out(get_scoped_or_404(request.auth, Lead, Action.VIEW, pk=lead_id))


@router.get("/cases/{case_id}/risk/")
def case_risk(request, case_id: int):
    from casewatch.cases.models import Case

    case = get_scoped_or_404(request.auth, Case, Action.VIEW, pk=case_id)
    panel = services.case_risk(request.auth, case)
    return {
        "case_id": case.pk,
        "score": panel["score"],
        "leads": [ld.pk for ld in panel["leads"]],
        "hits": [{"code": h["code"], "detail": h["detail"]} for h in panel["hits"]],
    }

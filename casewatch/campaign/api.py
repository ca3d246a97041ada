"""API of the campaign module: report snapshots (compute and read), sessions with attendance, norms."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Router, Schema
from ninja.errors import HttpError

from casewatch.campaign import services
from casewatch.campaign.filtersets import NormFilterForm, SessionFilterForm
from casewatch.campaign.models import EducationSession, Norm, ReportSnapshot
from casewatch.core.choices import Action
from casewatch.core.models import Unit
from casewatch.core.services import get_scoped_or_404

router = Router(tags=["campaign"])


class SnapshotOut(Schema):
    id: int
    unit_code: str
    period_start: dt.date
    as_of: dt.date
    staged: bool
    digest: str
    created_at: dt.datetime
    figures: list[dict]


class ReportIn(Schema):
    unit_code: str | None = None
    start: dt.date
    end: dt.date
    staged: bool = False
    enforcement_until: dt.date | None = None


def _out(snap: ReportSnapshot, figures=None) -> dict:
    return {
        "id": snap.pk,
        "unit_code": snap.unit.code,
        "period_start": snap.period_start,
        "as_of": snap.as_of,
        "staged": snap.staged,
        "digest": snap.digest,
        "created_at": snap.created_at,
        "figures": figures if figures is not None else snap.payload["figures"],
    }


@router.get("/snapshots/", response=list[SnapshotOut])
def list_snapshots(request, unit_code: str | None = None):
    """Frozen campaign reports in the caller's scope, newest first."""
    qs = ReportSnapshot.objects.restrict(request.auth, Action.VIEW).select_related("unit")
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    return [_out(s) for s in qs[:100]]


@router.get("/snapshots/{snap_id}/", response=SnapshotOut)
def get_snapshot(request, snap_id: int):
    """One frozen report, each figure with the value of the previous report of the same scope."""
    snap = get_scoped_or_404(
        request.auth, ReportSnapshot.objects.select_related("unit"), Action.VIEW, pk=snap_id
    )
    return _out(snap, services.with_changes(snap))


@router.post("/report/", response={201: SnapshotOut})
def compute_report(request, body: ReportIn):
    """Compute the report for a scope (default: the caller's) and period, and freeze it."""
    user = request.auth
    if body.end < body.start:
        raise HttpError(422, services.period_message(body.start, body.end))
    unit = (
        user.scope if not body.unit_code else get_scoped_or_404(user, Unit, Action.VIEW, code=body.unit_code)
    )
    if unit is None:
        raise HttpError(404, "no scope")
    try:
        snap = services.freeze_report(
            user, unit, body.start, body.end, staged=body.staged, enforcement_until=body.enforcement_until
        )
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    return 201, _out(snap)


@router.get("/sessions/")
def list_sessions(
    request,
    start: str | None = None,
    end: str | None = None,
    form: str | None = None,
    unit: str | None = None,
):
    """Warning-education sessions in scope with their attendance counts, with the sessions page's
    filters (campaign.filtersets; 422 with the page's bilingual message for a malformed value)."""
    from django.db.models import Count

    filters = SessionFilterForm.for_api({"start": start, "end": end, "form": form, "unit": unit})
    qs = filters.apply(
        EducationSession.objects.restrict(request.auth, Action.VIEW)
        .select_related("unit")
        .annotate(n=Count("attendance"))
    )
    return [
        {
            "id": s.pk,
            "title": s.title,
            "held_on": s.held_on,
            "form": s.form,
            "unit_code": s.unit.code,
            "attendees": s.n,
        }
        for s in qs[:1000]
    ]


@router.get("/norms/")
def list_norms(request, q: str = "", kind: str | None = None, status: str | None = None):
    """The register of norms in scope, searchable over the full text, with the register page's
    filters (campaign.filtersets; 422 with the page's bilingual message for a malformed value)."""
    filters = NormFilterForm.for_api({"q": q, "kind": kind, "status": status})
    qs = filters.apply(
        Norm.objects.restrict(request.auth, Action.VIEW).select_related("unit").prefetch_related("links")
    )
    return [
        {
            "id": n.pk,
            "title": n.title,
            "doc_number": n.doc_number,
            "kind": n.kind,
            "status": n.status,
            "issued_on": n.issued_on,
            "unit_code": n.unit.code,
            "links": [{"kind": x.kind, "target": x.target} for x in n.links.all()],
        }
        for n in qs[:500]
    ]

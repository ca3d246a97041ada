"""False-litigation workflows: loading scan results, leads by hand, triage, referral, outcome,
listed supervision (through the problems app), statistics and the case risk panel.

Every transition takes the acting user first, checks the permission, runs atomically with a lock
and writes a typed audit event (``AuditAction.TRANSITION``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.analytics.falselit.config import INDICATORS
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.masking import mask
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.falselit.choices import Category, LeadKind, LeadOrigin, LeadOutcome, LeadStatus
from casewatch.falselit.models import Lead, Referral, ScanRun

REFERRAL_AGENCIES = ("court", "procuratorate", "police")


def _require(user, action: str, message: str) -> None:
    if not user_can(user, action):
        raise PermissionDenied(message)


def _lock(user, lead_id: int, action: str = Action.CHANGE) -> Lead:
    get_scoped_or_404(user, Lead, Action.VIEW, pk=lead_id)
    _require(user, action, _("Your role may not change leads."))
    return Lead.objects.select_for_update().get(pk=lead_id)


def _record(user, lead: Lead, what: str, before: dict, after: dict) -> None:
    audit.record(
        AuditAction.TRANSITION, lead, user=user, before=before, after=after, message=f"falselit {what}"
    )


def split_key(case_key: str) -> tuple[str, str]:
    unit, _sep, number = case_key.partition("|")
    return unit, number


def _cases_by_key(keys) -> dict[str, object]:
    from casewatch.cases.models import Case

    keys = list(keys)
    by_unit: dict[str, list[str]] = {}
    for k in keys:
        u, n = split_key(k)
        by_unit.setdefault(u, []).append(n)
    out = {}
    for unit, numbers in by_unit.items():
        for c in Case.objects.filter(unit_id=unit, case_number__in=numbers).select_related("unit"):
            out[f"{c.unit_id}|{c.case_number}"] = c
    return out


def _match_existing(clusters: list[dict]) -> dict[str, Lead]:
    """cluster_id -> the scan lead it continues: the same cluster id, else the scan lead sharing
    most cases with it (a cluster that grew or shrank). Each lead continues at most one cluster
    (the one it shares most cases with); a cluster that matches none becomes a new lead."""
    by_ref = {
        lead.ref: lead
        for lead in Lead.objects.filter(kind=LeadKind.CLUSTER, ref__in=[c["cluster_id"] for c in clusters])
    }
    scan_leads = list(
        Lead.objects.filter(kind=LeadKind.CLUSTER, origin=LeadOrigin.SCAN).only("pk", "case_keys")
    )
    lead_of_case: dict[str, list[int]] = {}
    for lead in scan_leads:
        for k in lead.case_keys or []:
            lead_of_case.setdefault(k, []).append(lead.pk)
    candidates = []  # (overlap, cluster_id, lead pk)
    for c in clusters:
        if c["cluster_id"] in by_ref:
            continue
        shared: dict[int, int] = {}
        for k in c["case_keys"]:
            for pk in lead_of_case.get(k, ()):
                shared[pk] = shared.get(pk, 0) + 1
        candidates += [(n, c["cluster_id"], pk) for pk, n in shared.items()]
    taken = {lead.pk for lead in by_ref.values()}
    out = dict(by_ref)
    leads = {lead.pk: lead for lead in scan_leads}
    for _n, cid, pk in sorted(candidates, key=lambda t: (-t[0], t[1], t[2])):
        if cid in out or pk in taken:
            continue
        out[cid] = Lead.objects.get(pk=leads[pk].pk)
        taken.add(pk)
    return out


def run_scan(cfg=None):
    """Run the pipeline on the registry: on the warm analytics store attached read-only when there
    is one (synced first; nothing copied to Arrow), else on a snapshot of the registry."""
    from casewatch.analytics.falselit import run
    from casewatch.analytics.falselit.pipeline import TABLES
    from casewatch.analytics.store import StoreError
    from casewatch.cases import warehouse

    warehouse.ensure_fresh()
    if warehouse.available():
        try:
            return run(warehouse.path(), cfg)
        except StoreError:
            pass  # replaced by a store of another schema meanwhile: read the registry instead
    return run(warehouse.tables(list(TABLES)), cfg)


def load_scan(result, *, source: str = "", user=None) -> ScanRun:
    """Store the lead clusters of a pipeline ``Result`` as leads.

    A cluster continues the lead of the same cluster id, or — when it grew or shrank since the
    last scan — the scan lead it shares most cases with (``_match_existing``): that lead keeps its
    status, triage note, referrals and outcome; its cases, figures, evidence and reference are
    refreshed (the change is audited). Clusters whose cases are not in the registry are skipped.
    """
    run = ScanRun.objects.create(
        source=source[:300], times=result.times, config=result.config, n_cases_scored=result.cases.num_rows
    )
    hits: dict[str, list[dict]] = {}
    for h in result.hits.to_pylist():
        hits.setdefault(h["case_key"], []).append(h)
    clusters = [c for c in result.clusters.to_pylist() if c["lead"]]
    cases = _cases_by_key(k for c in clusters for k in c["case_keys"])
    n = 0
    with transaction.atomic():
        existing = _match_existing(clusters)
        for c in clusters:
            objs = [cases[k] for k in c["case_keys"] if k in cases]
            if not objs:
                continue
            main = objs[0]
            lead = existing.get(c["cluster_id"])
            created = lead is None
            if created:
                lead = Lead(
                    kind=LeadKind.CLUSTER,
                    ref=c["cluster_id"],
                    unit=main.unit,
                    case=main,
                    origin=LeadOrigin.SCAN,
                    created_by=user,
                )
            elif lead.ref != c["cluster_id"] or sorted(lead.case_keys or []) != sorted(c["case_keys"]):
                audit.record(
                    AuditAction.UPDATE,
                    lead,
                    user=user,
                    before={"ref": lead.ref, "case_keys": lead.case_keys},
                    after={"ref": c["cluster_id"], "case_keys": c["case_keys"]},
                    message="falselit scan: cluster changed",
                )
            lead.ref = c["cluster_id"]
            lead.title = _cluster_title(c, main)
            lead.category = c["category"] if c["category"] in Category.values else Category.OTHER
            lead.score = c["score"]
            lead.codes = c["codes"]
            lead.case_keys = c["case_keys"]
            lead.evidence = [h for k in c["case_keys"] for h in hits.get(k, [])]
            lead.graph = result.graphs.get(c["cluster_id"], {})
            lead.run = run
            lead.save()
            lead.cases.set(objs)
            n += created
    run.n_leads = n
    run.finished_at = timezone.now()
    run.save()
    audit.record(AuditAction.JOB, run, user=user, message=f"falselit scan: {n} new leads")
    return run


def _cluster_title(c: dict, main) -> str:
    """Category · court · main case number (+ how many more cases)."""
    label = str(Category(c["category"]).label) if c["category"] in Category.values else c["category"]
    court = court_of(main.unit)
    return f"{label} · {court.name} · {main.case_number} (+{len(c['case_keys']) - 1})"[:200]


def court_of(unit):
    """The agency (court, procuratorate …) a unit belongs to — a division names its court."""
    return (unit.agency if unit is not None else None) or unit


def create_lead(user, *, case=None, kind: str = LeadKind.CASE, ref: str = "", note: str = "") -> Lead:
    """A lead entered by hand on a case (or a party / cluster reference in a case's unit)."""
    from casewatch.cases.models import Case

    _require(user, Action.CHANGE, _("Your role may not create leads."))
    if case is None:
        raise ValidationError(_("A lead needs a case."), code="case")
    case = get_scoped_or_404(
        user, Case.objects.select_related("unit"), Action.VIEW, pk=getattr(case, "pk", case)
    )
    if kind not in LeadKind.values:
        raise ValidationError(_("Unknown lead kind."), code="kind")
    key = f"{case.unit_id}|{case.case_number}"
    ref = (ref or key).strip()[:120]
    with transaction.atomic():
        lead, created = Lead.objects.get_or_create(
            kind=kind,
            ref=ref,
            defaults={
                "unit": case.unit,
                "case": case,
                "title": f"{case.case_number}"[:200],
                "origin": LeadOrigin.MANUAL,
                "created_by": user,
                "note": note,
                "case_keys": [key],
            },
        )
        if not created:
            raise ValidationError(_("This lead exists already."), code="duplicate")
        lead.cases.add(case)
        _record(user, lead, "created", {}, {"kind": kind, "ref": ref})
    return lead


def triage(user, lead_id: int, *, accept: bool, note: str) -> Lead:
    """The receiving agency takes the lead under review, or dismisses it with a reason."""
    note = (note or "").strip()
    with transaction.atomic():
        lead = _lock(user, lead_id)
        if lead.status not in (LeadStatus.NEW, LeadStatus.REFERRED):
            raise ValidationError(_("Only new or referred leads can be triaged."), code="status")
        if not accept and not note:
            raise ValidationError(_("Give a reason for dismissing the lead."), code="reason")
        before = {"status": lead.status}
        lead.status = LeadStatus.TRIAGED if accept else LeadStatus.DISMISSED
        if not accept:
            lead.outcome = LeadOutcome.NOT_CONFIRMED
        lead.note = "\n".join(x for x in (lead.note, note) if x)
        lead.save()
        _record(user, lead, "triaged", before, {"status": lead.status, "note": note})
    return lead


def evidence_package(lead: Lead) -> dict:
    """What travels with a referral: indicators, explanations, evidence paths, cases (unmasked
    values stay in the registry; the package names cases and indicator codes)."""
    return {
        "lead": lead.pk,
        "ref": lead.ref,
        "category": lead.category,
        "score": lead.score,
        "codes": lead.codes,
        "cases": lead.case_keys,
        "hits": [
            {"case_key": h["case_key"], "code": h["code"], "detail": h["detail"]} for h in lead.evidence
        ],
    }


def refer(user, lead_id: int, *, to_unit, note: str = "") -> Referral:
    """Refer a lead court ↔ procuratorate ↔ police with its evidence package; the receiving unit
    then holds the lead (and triages it)."""
    to_unit = Unit.objects.filter(code=getattr(to_unit, "code", to_unit)).first()
    if to_unit is None or to_unit.agency_kind not in REFERRAL_AGENCIES:
        raise ValidationError(_("Refer to a court, procuratorate or police unit."), code="unit")
    with transaction.atomic():
        lead = _lock(user, lead_id)
        if lead.status in (LeadStatus.CLOSED, LeadStatus.DISMISSED):
            raise ValidationError(_("A closed lead cannot be referred."), code="status")
        if to_unit.code == lead.unit_id:
            raise ValidationError(_("The lead is already held by this unit."), code="unit")
        ref = Referral.objects.create(
            lead=lead,
            from_unit=lead.unit,
            to_unit=to_unit,
            note=(note or "").strip(),
            package=evidence_package(lead),
            created_by=user,
        )
        before = {"unit": lead.unit_id, "status": lead.status}
        lead.unit = to_unit
        lead.status = LeadStatus.REFERRED
        lead.save()
        _record(user, lead, "referred", before, {"unit": to_unit.code, "status": lead.status})
    return ref


def record_outcome(user, lead_id: int, *, outcome: str, feedback: str) -> Lead:
    """The holding agency reports back: confirmed, not confirmed or criminal case opened. The
    outcome is kept as a label for quality reporting; the last referral gets the feedback."""
    if outcome not in (LeadOutcome.CONFIRMED, LeadOutcome.NOT_CONFIRMED, LeadOutcome.CRIMINAL):
        raise ValidationError(_("Unknown outcome."), code="outcome")
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationError(_("Feedback is required."), code="feedback")
    with transaction.atomic():
        lead = _lock(user, lead_id)
        if lead.status == LeadStatus.CLOSED:
            raise ValidationError(_("The lead is closed already."), code="status")
        before = {"status": lead.status, "outcome": lead.outcome}
        lead.status, lead.outcome = LeadStatus.CLOSED, outcome
        lead.save()
        last = lead.referrals.order_by("-created_at").first()
        if last is not None:
            last.feedback, last.feedback_at = feedback, timezone.now()
            last.save()
        _record(
            user, lead, "outcome", before, {"status": lead.status, "outcome": outcome, "feedback": feedback}
        )
    return lead


def list_for_supervision(user, lead_id: int, *, deadline: dt.date, instructions: str, listed: bool = True):
    """Put a lead under (listed) supervision — a supervision order of the problems app."""
    from casewatch.problems import services_orders

    lead = get_scoped_or_404(user, Lead, Action.VIEW, pk=lead_id)
    return services_orders.issue_order(
        user,
        title=_("False-litigation lead: %(title)s") % {"title": lead.title},
        instructions=instructions,
        deadline=deadline,
        unit=lead.unit,
        case=lead.case,
        listed=listed,
        lead_ref=f"falselit:{lead.pk}",
    )


def stats(user) -> dict:
    """Leads by category, by holding agency, by outcome; quality labels (confirmed share)."""
    qs = Lead.objects.restrict(user, Action.VIEW)
    by_cat = list(qs.values("category").annotate(n=Count("id")).order_by("-n"))
    by_agency = list(
        qs.values("unit__agency_kind")
        .annotate(
            n=Count("id"),
            confirmed=Count("id", filter=Q(outcome__in=[LeadOutcome.CONFIRMED, LeadOutcome.CRIMINAL])),
            not_confirmed=Count("id", filter=Q(outcome=LeadOutcome.NOT_CONFIRMED)),
        )
        .order_by("unit__agency_kind")
    )
    by_outcome = list(qs.values("outcome").annotate(n=Count("id")).order_by("outcome"))
    labelled = sum(r["n"] for r in by_outcome if r["outcome"])
    confirmed = sum(
        r["n"] for r in by_outcome if r["outcome"] in (LeadOutcome.CONFIRMED, LeadOutcome.CRIMINAL)
    )
    return {
        "by_category": by_cat,
        "by_agency": by_agency,
        "by_outcome": by_outcome,
        "labelled": labelled,
        "precision": round(confirmed / labelled, 3) if labelled else None,
    }


def case_risk(user, case) -> dict:
    """The risk panel of one case: leads containing it, indicators fired, evidence."""
    key = f"{case.unit_id}|{case.case_number}"
    leads = list(Lead.objects.restrict(user, Action.VIEW).filter(cases=case).order_by("-score"))
    hits = []
    for lead in leads:
        hits += [h for h in lead.evidence if h["case_key"] == key]
    seen, unique = set(), []
    for h in hits:
        if (h["code"], h["detail"]) not in seen:
            seen.add((h["code"], h["detail"]))
            unique.append(h)
    return {
        "case": case,
        "leads": leads,
        "hits": unique,
        "score": max((ld.score for ld in leads), default=0.0),
    }


def indicator_label(code: str) -> str:
    return INDICATORS.get(code, (code,))[0]


def masked_evidence(values, reveal: bool) -> list[str]:
    """Evidence values like ``phone:13812345678`` masked unless revealed."""
    out = []
    for v in values or []:
        kind, sep, val = str(v).partition(":")
        if not sep or "|" in v:
            out.append(v)
            continue
        field = {"phone": "phone", "address": "address"}.get(kind, "name")
        out.append(f"{kind}:{val if reveal else mask(field, val)}")
    return out


def masked_graph(graph: dict, reveal: bool) -> dict:
    """The cluster graph with names, phones and addresses masked unless revealed; node ids become
    opaque so they carry no personal data either."""
    if reveal or not graph:
        return graph or {}
    field = {"phone": "phone", "address": "address", "person": "name", "agent": "name"}
    ids = {n["id"]: f"n{i}" for i, n in enumerate(graph.get("nodes", []))}
    nodes = []
    for n in graph.get("nodes", []):
        label = mask(field[n["kind"]], n["label"]) if n["kind"] in field else n["label"]
        nodes.append({"id": ids[n["id"]], "kind": n["kind"], "label": label})
    edges = [
        {"source": ids[e["source"]], "target": ids[e["target"]], "label": e["label"]}
        for e in graph.get("edges", [])
        if e["source"] in ids and e["target"] in ids
    ]
    return {"nodes": nodes, "edges": edges}

"""Defensible sampling of a review campaign's case list: the candidates, the mandatory inclusions,
the quotas per stratum and the seeded draw (pure given the database: the same seed on the same
data gives the same list, which `start_reviewing` freezes with its fingerprint)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Q

from casewatch.cases.models import Case, Event, Petition
from casewatch.reviews.choices import SelectionReason as R
from casewatch.reviews.models import Campaign, CaseTag


def candidates(campaign: Campaign):
    """Closed cases of the covered units and types closed in the period, in a fixed order."""
    paths = Q()
    for u in campaign.scope_units.all():
        paths |= Q(unit__path__startswith=u.path)
    if not paths:
        return Case.objects.none()
    return (
        Case.objects.filter(paths)
        .filter(
            case_type__in=campaign.case_types,
            closed_at__gte=campaign.closed_from,
            closed_at__lte=campaign.closed_to,
        )
        .order_by("unit_id", "case_type", "case_number", "id")
    )


def targeted(campaign: Campaign, base) -> dict[int, list[dict]]:
    """Mandatory inclusions, each with its reason (set-based queries over the candidate set)."""
    from casewatch.screening.choices import FindingStatus
    from casewatch.screening.models import Finding

    ids = base.values("id")
    out: dict[int, list[dict]] = defaultdict(list)
    if campaign.include_reversed:
        for cid, kind in (
            Event.objects.filter(case_id__in=ids, kind__in=("reversed", "remanded"))
            .order_by("case_id", "kind")
            .values_list("case_id", "kind")
            .distinct()
        ):
            out[cid].append({"code": R.REVERSED, "detail": kind})
    if campaign.include_petitions:
        for cid, pid in (
            Petition.objects.filter(case_id__in=ids)
            .order_by("case_id", "petition_id")
            .values_list("case_id", "petition_id")
        ):
            out[cid].append({"code": R.PETITION, "detail": pid})
    if campaign.include_findings:
        for cid, rule in (
            Finding.objects.filter(case_id__in=ids)
            .exclude(status=FindingStatus.DISMISSED)
            .order_by("case_id", "rule_id")
            .values_list("case_id", "rule_id")
            .distinct()
        ):
            out[cid].append({"code": R.FINDING, "detail": rule})
    if campaign.include_four_types:
        for cid, kind in (
            CaseTag.objects.filter(case_id__in=ids, removed_at__isnull=True)
            .order_by("case_id", "kind")
            .values_list("case_id", "kind")
        ):
            out[cid].append({"code": R.FOUR_TYPES, "detail": kind})
    return out


def _quotas(sizes: dict[str, int], campaign: Campaign) -> dict[str, int]:
    """Random cases per stratum: rate × size (rounded half up), or a fixed total split by largest remainder."""
    if campaign.sample_size is None:
        rate = Decimal(campaign.sample_rate)
        return {k: int((rate * n).to_integral_value(rounding="ROUND_HALF_UP")) for k, n in sizes.items()}
    total = sum(sizes.values())
    if not total:
        return {k: 0 for k in sizes}
    want = min(campaign.sample_size, total)
    exact = {k: Decimal(want) * n / total for k, n in sizes.items()}
    quota = {k: int(v) for k, v in exact.items()}
    rest = want - sum(quota.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - quota[k]), k))[:rest]:
        quota[k] += 1
    return quota


def draw_sample(campaign: Campaign, seed: str, picks: dict[int, list[dict]] | None = None) -> dict:
    """The selection for a seed: {case_id: {"reasons": [...], "stratum": str}} plus a fingerprint.

    Pure given the database: the candidate list is read in a fixed order and every random choice
    comes from one `random.Random(seed)`. Order of work: mandatory inclusions and picks (never
    capped), then the minimum per handler, then the stratified random draw up to each stratum's
    quota. Caps per unit and per handler limit the random and minimum draws only.
    """
    import random

    rows = list(candidates(campaign).values_list("id", "unit_id", "case_type", "handler_id"))
    fingerprint = hashlib.sha256(",".join(str(r[0]) for r in rows).encode()).hexdigest()
    info = {r[0]: r for r in rows}
    rng = random.Random(seed)
    chosen: dict[int, dict] = {}

    def stratum(cid):
        return f"{info[cid][1]}|{info[cid][2]}"

    def add(cid, reason):
        entry = chosen.setdefault(cid, {"reasons": [], "stratum": stratum(cid)})
        entry["reasons"].append(reason)

    for cid, reasons in sorted(targeted(campaign, candidates(campaign)).items()):
        for reason in reasons:
            add(cid, reason)
    for cid, reasons in sorted((picks or {}).items()):
        if cid in info:
            for reason in reasons:
                add(cid, reason)

    per_unit: Counter = Counter()
    per_handler: Counter = Counter()

    def capped(cid) -> bool:
        _id, unit, _t, handler = info[cid]
        if campaign.max_per_unit is not None and per_unit[unit] >= campaign.max_per_unit:
            return True
        return bool(
            handler
            and campaign.max_per_handler is not None
            and per_handler[handler] >= campaign.max_per_handler
        )

    def take(cid, reason):
        add(cid, reason)
        per_unit[info[cid][1]] += 1
        if info[cid][3]:
            per_handler[info[cid][3]] += 1

    for cid in chosen:
        per_unit[info[cid][1]] += 1
        if info[cid][3]:
            per_handler[info[cid][3]] += 1

    if campaign.min_per_handler:
        by_handler = defaultdict(list)
        for cid, _u, _t, handler in rows:
            if handler:
                by_handler[handler].append(cid)
        for handler in sorted(by_handler):
            pool = rng.sample(by_handler[handler], len(by_handler[handler]))
            for cid in pool:
                if per_handler[handler] >= campaign.min_per_handler:
                    break
                if cid in chosen or capped(cid):
                    continue
                take(cid, {"code": R.HANDLER_MINIMUM, "detail": handler})

    strata = defaultdict(list)
    for cid, unit, ctype, _h in rows:
        strata[f"{unit}|{ctype}"].append(cid)
    quotas = _quotas({k: len(v) for k, v in strata.items()}, campaign)
    for key in sorted(strata):
        have = sum(
            1
            for cid in strata[key]
            if cid in chosen
            and any(r["code"] == R.RANDOM or r["code"] == R.HANDLER_MINIMUM for r in chosen[cid]["reasons"])
        )
        for cid in rng.sample(strata[key], len(strata[key])):
            if have >= quotas[key]:
                break
            if cid in chosen or capped(cid):
                continue
            take(cid, {"code": R.RANDOM, "detail": key})
            have += 1
    return {"selection": chosen, "fingerprint": fingerprint, "candidates": len(rows), "quotas": quotas}


def draw_params(campaign: Campaign) -> dict:
    return {
        "sample_rate": str(campaign.sample_rate),
        "sample_size": campaign.sample_size,
        "min_per_handler": campaign.min_per_handler,
        "max_per_handler": campaign.max_per_handler,
        "max_per_unit": campaign.max_per_unit,
        "include": {
            "reversed": campaign.include_reversed,
            "petitions": campaign.include_petitions,
            "findings": campaign.include_findings,
            "four_types": campaign.include_four_types,
        },
        "case_types": campaign.case_types,
        "period": [campaign.closed_from.isoformat(), campaign.closed_to.isoformat()],
        "units": sorted(campaign.scope_units.values_list("code", flat=True)),
    }


def supervisor_picks(campaign: Campaign) -> dict[int, list[dict]]:
    out = {}
    for sel in campaign.selections.all():
        mine = [r for r in sel.reasons if r["code"] == R.PICK]
        if mine:
            out[sel.case_id] = mine
    return out

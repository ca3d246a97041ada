"""API: court measures (mounted from `casewatch.deadlines.api`): ``GET /api/v1/deadlines/measures``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router
from ninja.errors import HttpError

from casewatch.core.choices import Action
from casewatch.deadlines import measures_store as store
from casewatch.deadlines import services

router = Router(tags=["deadlines"])


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@router.get("/measures")
def measures(
    request,
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: list[str] = Query([]),  # noqa: B008 - ninja's way to declare a repeated query parameter
    tiers: str = "",
    percentiles: str = "",
    max_years: int = 10,
    base: dt.date | None = None,
):
    """Every measure for ``[start, end]`` (default: this year to date), grouped by ``by`` — any of
    court, district, agency, unit, case_type, handler, and one of year, quarter, month; e.g.
    ``?start=2023-01-01&end=2024-12-31&by=court&by=year`` gives the median days from filing to
    disposition by year per court in ``duration``. Rates and day figures are decimal strings."""
    services.require(request.auth, Action.VIEW)
    data = {
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
        "by": by,
        "tiers": tiers,
        "percentiles": percentiles,
        "max_years": max_years,
        "base": base.isoformat() if base else "",
    }
    try:
        params = store.parse_params(data, timezone.localdate())
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    result = store.compute_for(request.auth, params)
    meta = result.pop("_meta")
    return {
        "params": params.as_query(),
        "facts_version": meta["facts_version"],
        **{k: [{kk: _json(vv) for kk, vv in r.items()} for r in v] for k, v in result.items()},
    }

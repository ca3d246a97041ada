"""The progress board (挂图作战): figures per unit and district, trend, listed orders.

One function, `figures()`, computes everything the page, the API and the reports show, in a
fixed number of queries whatever the number of problems: the units in scope (one query), the
problems grouped by unit with conditional counts (one), the monthly trend (one aggregate with a
pair of conditional counts per month), and the listed orders (one). Rows are rolled up in Python
from the unit tree. The counts use `querysets.metric_q`, the same conditions as the list's
``metric`` filter, so each figure equals the count of the list it links to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casewatch.analytics.ningbo import CITY_CODE, DISTRICTS
from casewatch.core.choices import Action, UnitKind
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.querysets import scope_path
from casewatch.core.services import get_scoped_or_404
from casewatch.problems.models import BoardVersion, Problem, SupervisionOrder
from casewatch.problems.querysets import METRICS, day_bounds, metric_q

#: Traffic lights (documented in docs/problems.md): green when the rectification rate is at least
#: GREEN_RATE and nothing is overdue; red when something is overdue and either the rate is below
#: RED_RATE or at least RED_OVERDUE_SHARE of the open problems are overdue; yellow otherwise.
GREEN_RATE = 0.9
RED_RATE = 0.6
RED_OVERDUE_SHARE = 0.2

CITY_LEVEL = "市本级"


def light(found: int, rectified: int, open_: int, overdue: int) -> str:
    if found == 0:
        return "none"
    rate = rectified / found
    if overdue and (rate < RED_RATE or overdue >= RED_OVERDUE_SHARE * max(open_, 1)):
        return "red"
    if overdue or rate < GREEN_RATE:
        return "yellow"
    return "green"


@dataclass
class Row:
    code: str
    name: str
    district_code: str
    district: str
    exact: bool = False
    found: int = 0
    rectified: int = 0
    open: int = 0
    overdue: int = 0
    rate: float | None = None
    light: str = "none"
    links: dict = field(default_factory=dict)

    def add(self, counts: dict) -> None:
        for m in METRICS:
            setattr(self, m, getattr(self, m) + (counts.get(m) or 0))

    def finish(self, query: dict) -> None:
        self.rate = round(self.rectified / self.found, 4) if self.found else None
        self.light = light(self.found, self.rectified, self.open, self.overdue)
        key = "unit_exact" if self.exact else "unit"
        base = reverse("problems:problem_list")
        self.links = {m: f"{base}?{urlencode({**query, key: self.code, 'metric': m})}" for m in METRICS}


def district_name(code: str) -> str:
    if code == CITY_CODE:
        return CITY_LEVEL
    return DISTRICTS.get(code, (code, ""))[0]


def _months(end: dt.date, n: int = 12) -> list[dt.date]:
    first = end.replace(day=1)
    out = []
    for _i in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _month_bucket(column: str, bounds: list[dt.datetime]):
    """Index of the month [bounds[i], bounds[i+1]) the column falls in, or -1 (NULL or outside)."""

    def split(lo: int, hi: int):
        if hi - lo == 1:
            return Value(lo)
        mid = (lo + hi) // 2
        return Case(
            When(**{f"{column}__lt": bounds[mid]}, then=split(lo, mid)),
            default=split(mid, hi),
            output_field=IntegerField(),
        )

    outside = (
        Q(**{f"{column}__isnull": True})
        | Q(**{f"{column}__lt": bounds[0]})
        | Q(**{f"{column}__gte": bounds[-1]})
    )
    return Case(When(outside, then=Value(-1)), default=split(0, len(bounds) - 1), output_field=IntegerField())


def bump() -> None:
    """Mark the board's figures as changed (call inside the transaction that changes them)."""
    if not BoardVersion.objects.filter(pk=1).update(value=F("value") + 1):
        BoardVersion.objects.get_or_create(pk=1)


def version() -> int:
    return BoardVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def cache_seconds() -> int:
    return int(getattr(settings, "PROBLEMS_BOARD_CACHE_SECONDS", 600))


def figures(
    user,
    *,
    since=None,
    until=None,
    root: str | None = None,
    today=None,
    orders_limit: int = 20,
    cached: bool = True,
) -> dict:
    """Everything on the board for what the user may see (optionally below `root`).

    Cached per (board version, scope, role's view right, parameters, day, language): the version
    moves with every change of problems and orders, so a cached board is never stale; the timeout
    only bounds memory. ``PROBLEMS_BOARD_CACHE_SECONDS = 0`` switches the cache off.
    """
    today = today or timezone.localdate()
    seconds = cache_seconds() if cached else 0
    if not seconds:
        return compute(user, since=since, until=until, root=root, today=today, orders_limit=orders_limit)
    parts = [
        version(),
        scope_path(user),
        user_can(user, Action.VIEW),
        root,
        str(since),
        str(until),
        str(today),
        orders_limit,
        get_language(),
    ]
    key = "problems:board:" + hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = compute(user, since=since, until=until, root=root, today=today, orders_limit=orders_limit)
        # An out-of-scope root raises 404 in compute() and is never cached; the key holds the
        # scope, so a cached root is always one this scope may see.
        cache.set(key, data, seconds)
    return data


def compute(
    user, *, since=None, until=None, root: str | None = None, today=None, orders_limit: int = 20
) -> dict:
    """The board's figures straight from the database (see `figures` for the cached form)."""
    today = today or timezone.localdate()
    units = list(
        Unit.objects.restrict(user, Action.VIEW).values("code", "name", "path", "kind", "division_code")
    )
    by_code = {u["code"]: u for u in units}
    by_path = {u["path"]: u for u in units}
    if root:
        if root not in by_code:
            get_scoped_or_404(user, Unit, Action.VIEW, code=root)  # audits and raises 404
        top = by_code[root]
    elif user.scope_id and user.scope.code in by_code:
        top = by_code[user.scope.code]
    elif units:
        top = min(units, key=lambda u: len(u["path"]))
    else:
        top = None
    # The same units restrict() allows, as an explicit list: it lets the database use the
    # (unit, status, …) index instead of joining every problem to its unit. restrict() stays.
    in_scope = [u["code"] for u in units if top is not None and u["path"].startswith(top["path"])]
    # Below the user's own scope root, the querysets need an extra subtree filter.
    narrow = top is not None and (not user.scope_id or user.scope.code != top["code"])
    query = {k: v.isoformat() for k, v in (("since", since), ("until", until)) if v}

    rows: dict[str, Row] = {}
    totals = Row(
        code=top["code"] if top else "", name=top["name"] if top else "", district_code="", district=""
    )
    if top is not None:
        by_agency = top["kind"] in (UnitKind.CITY, UnitKind.DISTRICT)

        def row_unit(u: dict) -> tuple[dict, bool]:
            """The row a unit's problems count on, and whether that row means the unit alone."""
            if u["path"] == top["path"]:
                return u, True
            parts = [p for p in u["path"][len(top["path"]) :].split("/") if p]
            prefix = top["path"]
            for part in parts:
                prefix += part + "/"
                node = by_path.get(prefix)
                if node is None:
                    continue
                if not by_agency or node["kind"] == UnitKind.AGENCY:
                    return node, False
            return u, True

        qs = Problem.objects.restrict(user, Action.VIEW).filter(
            day_bounds(since, until), unit_id__in=in_scope
        )
        grouped = (
            qs.order_by()
            .values("unit_id")
            .annotate(**{m: Count("id", filter=metric_q(m, today)) for m in METRICS})
        )
        row_of: dict[str, tuple[dict, bool]] = {}
        for g in grouped:
            code = g["unit_id"]
            if code not in row_of:
                u = by_code.get(code)
                if u is None:
                    continue  # cannot happen: restrict() limits problems to units in scope
                row_of[code] = row_unit(u)
            node, exact = row_of[code]
            key = node["code"] + ("=" if exact else "")
            row = rows.get(key)
            if row is None:
                row = rows[key] = Row(
                    code=node["code"],
                    name=node["name"],
                    district_code=node["division_code"],
                    district=district_name(node["division_code"]),
                    exact=exact,
                )
            row.add(g)
            totals.add(g)
    ordered = sorted(rows.values(), key=lambda r: (r.district_code != CITY_CODE, r.district_code, r.code))
    districts: dict[str, Row] = {}
    for r in ordered:
        r.finish(query)
        d = districts.get(r.district_code)
        if d is None:
            d = districts[r.district_code] = Row(
                code=r.district_code, name=r.district, district_code=r.district_code, district=r.district
            )
        d.add(asdict(r))
    for d in districts.values():
        d.finish(query)
        d.links = {
            m: f"{reverse('problems:problem_list')}?{urlencode({**query, 'district': d.code, 'metric': m})}"
            for m in METRICS
        }
    totals.finish(query)
    totals.links = {
        m: f"{reverse('problems:problem_list')}?{urlencode({**query, 'metric': m})}" for m in METRICS
    }
    if narrow:
        totals.links = {
            m: f"{reverse('problems:problem_list')}?{urlencode({**query, 'unit': top['code'], 'metric': m})}"
            for m in METRICS
        }

    # Map: every district of Ningbo, coloured by rectification rate (no problems → no colour).
    map_data = []
    for code, (name, _abbr) in DISTRICTS.items():
        d = districts.get(code)
        map_data.append(
            {
                "name": name,
                "code": code,
                "value": round(100 * d.rate, 1) if d and d.rate is not None else None,
                "found": d.found if d else 0,
                "rectified": d.rectified if d else 0,
                "overdue": d.overdue if d else 0,
                "link": d.links["found"] if d else "",
            }
        )

    # Trend: found and rectified per month over twelve months, in one grouped scan. Each row's
    # month is found by a balanced CASE (four comparisons instead of twelve).
    end = until or today
    months = _months(end)
    bounds = [_aware(m) for m in months] + [_aware(_next_month(months[-1]))]
    trend = {
        "months": [m.strftime("%Y-%m") for m in months],
        "found": [0] * len(months),
        "rectified": [0] * len(months),
    }
    if top is not None:
        rows = (
            Problem.objects.restrict(user, Action.VIEW)
            .filter(unit_id__in=in_scope)
            .order_by()
            .annotate(
                fb=_month_bucket("created_at", bounds),
                vb=_month_bucket("verified_at", bounds),
                counted=Case(
                    When(metric_q("found"), then=Value(1)), default=Value(0), output_field=IntegerField()
                ),
            )
            .values("fb", "vb", "counted")
            .annotate(n=Count("id"))
        )
        for r in rows:
            if r["fb"] >= 0 and r["counted"]:
                trend["found"][r["fb"]] += r["n"]
            if r["vb"] >= 0:
                trend["rectified"][r["vb"]] += r["n"]

    order_qs = SupervisionOrder.objects.restrict(user, Action.VIEW).listed().select_related("unit")
    if narrow:
        order_qs = order_qs.filter(unit__path__startswith=top["path"])
    listed = [
        {
            "id": o.pk,
            "title": o.title,
            "unit": o.unit.name,
            "unit_code": o.unit_id,
            "level": o.level,
            "level_label": str(o.get_level_display()),
            "deadline": o.deadline.isoformat(),
            "overdue": o.deadline < today,
            "escalations": o.escalation_count,
            "url": reverse("problems:order_detail", args=[o.pk]),
        }
        for o in order_qs.order_by("deadline", "id")[:orders_limit]
    ]
    return {
        "today": today.isoformat(),
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "root": {"code": top["code"], "name": top["name"], "kind": top["kind"]} if top else None,
        "level": ("agency" if top and top["kind"] in (UnitKind.CITY, UnitKind.DISTRICT) else "unit"),
        "totals": asdict(totals),
        "rows": [asdict(r) for r in ordered],
        "districts": [
            asdict(d) for d in sorted(districts.values(), key=lambda d: (d.code != CITY_CODE, d.code))
        ],
        "map": map_data,
        "trend": trend,
        "listed_orders": listed,
        "thresholds": {
            "green_rate": GREEN_RATE,
            "red_rate": RED_RATE,
            "red_overdue_share": RED_OVERDUE_SHARE,
        },
        "labels": {"city_level": _("City level")},
    }

"""Court performance measures over a per-case fact table (DuckDB SQL, no Django).

Two steps, so that a page never rebuilds the registry:

1. :func:`build_facts` turns the canonical ``cases`` (with ``units``, ``staff`` and, for the legal
   due date, ``events``) into one row per case with everything a measure groups or counts by: the
   case's court, district, agency and unit (code and Chinese name, resolved up the organisation
   tree), case type and its Chinese name, handler (staff number and name), filing and closing
   dates and the legal due date of closed cases. The deadlines refresh job stores it as Parquet.
2. :func:`compute` computes every measure for a period from that table, grouped by any of
   :data:`DIMENSIONS` (none, one or several), in a few set-based queries.

Definitions follow CourTools (NCSC) where one exists — see ``docs/indicators.md``:

* ``clearance`` (Measure 2): outgoing ÷ incoming cases in the period, in percent.
* ``within_limit`` (审限内结案率): closed in the period on or before the legal due date ÷ closed
  in the period with a known limit.
* ``duration`` (Measure 3, time to disposition): days from filing to closing of the cases closed in
  the period — count, mean, and percentiles (linear interpolation between order statistics, the
  "type 7" / Excel ``PERCENTILE.INC`` definition), after the exclusion rules, which are counted
  per group in ``exclusions``: closed without a filing date, closed before filing (negative), and
  longer than ``max_years`` years.
* ``disposition``: share of the included cases closed within each tier's days, against its target.
* ``age`` (Measure 4, age of active pending caseload): pending cases at the end of each period by
  days since filing, buckets in natural order (``bucket_order``).
* ``over12`` (超12个月未结案件比) and ``long_pending_trend`` (per month end, change vs a base month).

Rates are exact fractions rounded half up to 2 places; day figures (mean, percentiles) half up to
1 place. A period dimension (``year``, ``quarter``, ``month``) places flow measures by the date of
the event (filing for "filed", closing for the rest) and stock measures at each period's end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa

from casewatch.analytics import timelimits

#: dimension -> (key column, name column) in the fact table; periods are computed
DIMENSIONS: dict[str, tuple[str, str | None]] = {
    "court": ("court_code", "court_name"),
    "district": ("district_code", "district_name"),
    "agency": ("agency_code", "agency_name"),
    "unit": ("unit_code", "unit_name"),
    "case_type": ("case_type", "case_type_name"),
    "handler": ("handler_staff_no", "handler_name"),
    "year": ("period", None),
    "quarter": ("period", None),
    "month": ("period", None),
}
PERIODS = ("year", "quarter", "month")
#: accepted spellings of older callers
ALIASES = {"unit_code": "unit", "handler_staff_no": "handler"}
#: Chinese dimension names (the page translates its own headings)
DIMENSION_NAMES = {
    "court": "法院",
    "district": "区县",
    "agency": "机关",
    "unit": "单位",
    "case_type": "案件类型",
    "handler": "承办人",
    "year": "年度",
    "quarter": "季度",
    "month": "月份",
}
UNSPECIFIED = "（未指定）"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")

#: time-to-disposition standards per case type: (days, target share in %); "" is the default
DEFAULT_TIERS: dict[str, tuple[tuple[int, int], ...]] = {
    "": ((90, 75), (180, 90), (365, 98)),
    "civil": ((90, 75), (180, 90), (365, 98)),
    "criminal": ((60, 75), (90, 90), (180, 98)),
    "enforcement": ((120, 75), (180, 90), (365, 98)),
}
DEFAULT_PERCENTILES = (25, 50, 75, 90)
AGE_BUCKETS = ((0, 90), (91, 180), (181, 365), (366, 545), (546, 730), (731, None))

FACT_COLUMNS = (
    "unit_code",
    "unit_name",
    "case_number",
    "case_type",
    "case_type_name",
    "status",
    "handler_staff_no",
    "handler_name",
    "filed_at",
    "closed_at",
    "due_date",
    "court_code",
    "court_name",
    "district_code",
    "district_name",
    "agency_code",
    "agency_name",
)


@dataclass(frozen=True)
class Exclusions:
    """Which closed cases are left out of time to disposition (each counted and shown)."""

    max_years: int = 10  #: longer than this many years from filing to closing
    drop_negative: bool = True  #: closed before the filing date (a data error)

    def __post_init__(self):
        if not 1 <= int(self.max_years) <= 100:
            raise ValueError("max_years must be between 1 and 100")


def bucket_label(lo: int, hi: int | None) -> str:
    """Chinese label of an age bucket: ``0–90天``, ``731天以上``."""
    return f"{lo}天以上" if hi is None else f"{lo}–{hi}天"


def half_up(value, places: int) -> Decimal | None:
    """Round half up (0.05 → 0.1), from an exact Decimal; None stays None."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """``numerator ÷ denominator × 100``, half up to 2 places; None when ÷ 0."""
    if not denominator:
        return None
    return half_up(Decimal(int(numerator)) * 100 / Decimal(int(denominator)), 2)


def normalise_group_by(group_by: Sequence[str]) -> tuple[str, ...]:
    """Validated dimension names (aliases mapped, duplicates dropped, at most one period)."""
    out: list[str] = []
    for g in group_by:
        g = ALIASES.get(g, g)
        if g not in DIMENSIONS:
            raise ValueError(f"unknown dimension: {g!r} (one of {', '.join(DIMENSIONS)})")
        if g not in out:
            out.append(g)
    if sum(1 for g in out if g in PERIODS) > 1:
        raise ValueError("group by at most one of year, quarter, month")
    return tuple(out)


def periods(start: dt.date, end: dt.date, kind: str | None) -> list[tuple[str, dt.date, dt.date]]:
    """``(key, first day, last day)`` of each period overlapping ``[start, end]``, clipped to it."""
    if kind is None:
        return [("", start, end)]
    out = []
    step = {"year": 12, "quarter": 3, "month": 1}[kind]
    first_month = 1 if kind == "year" else (start.month - 1) // step * step + 1
    day = dt.date(start.year, first_month, 1)
    while day <= end:
        nxt = timelimits.add_months(day, step)
        if kind == "year":
            key = f"{day.year}"
        elif kind == "quarter":
            key = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        else:
            key = f"{day:%Y-%m}"
        out.append((key, max(day, start), min(nxt - dt.timedelta(days=1), end)))
        day = nxt
    return out


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s month to ``end``'s month."""
    out = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        nxt = timelimits.add_months(day, 1)
        out.append(nxt - dt.timedelta(days=1))
        day = nxt
    return out


# --- facts ------------------------------------------------------------------------------------


def _has_rows(con, table: str) -> bool:
    try:
        return bool(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])  # noqa: S608 - constant names
    except Exception:  # noqa: BLE001 - a missing table is "no rows"
        return False


def build_facts(
    con,
    *,
    due_filter: str = "c.closed_at IS NOT NULL",
    case_filter: str = "TRUE",
    limits=None,
    lights=None,
) -> pa.Table:
    """One row per case with the columns of :data:`FACT_COLUMNS` (see the module docstring).

    ``con`` holds ``cases`` and ``events`` (and ``units``/``staff`` for names; without them the
    codes stand in). The legal due date is computed for the cases matching ``due_filter`` by
    :func:`casewatch.analytics.deadlines.deadline_state`. Filters are SQL over alias ``c`` built
    from constants by callers, never from user input.
    """
    from casewatch.analytics import deadlines as dl
    from casewatch.analytics.schema import CASE_TYPES

    kwargs = {}
    if limits is not None:
        kwargs["limits"] = limits
    if lights is not None:
        kwargs["lights"] = lights
    as_of = con.execute(
        f"SELECT max(greatest(coalesce(closed_at, filed_at), filed_at)) FROM cases AS c WHERE {due_filter}"  # noqa: S608
    ).fetchall()[0][0]
    due = dl.deadline_state(con, as_of, due_filter, **kwargs) if as_of else None
    con.register(
        "_mf_due",
        due
        if due is not None
        else pa.table(
            {
                "unit_code": pa.array([], pa.string()),
                "case_number": pa.array([], pa.string()),
                "due_date": pa.array([], pa.date32()),
            }
        ),
    )
    con.register(
        "_mf_types",
        pa.table({"code": list(CASE_TYPES), "name": [zh for zh, _en in CASE_TYPES.values()]}),
    )
    has_units = _has_rows(con, "units")
    has_staff = _has_rows(con, "staff")
    units = (
        """WITH RECURSIVE anc(code, anc_code, depth) AS (
      SELECT code, code, 0 FROM units
      UNION ALL
      SELECT a.code, u.parent_code, a.depth + 1 FROM anc AS a JOIN units AS u ON u.code = a.anc_code
      WHERE u.parent_code IS NOT NULL AND a.depth < 12)
    SELECT a.code,
           arg_min(CASE WHEN p.kind = 'district' THEN p.code END, CASE WHEN p.kind = 'district' THEN a.depth END) AS district_code,
           arg_min(CASE WHEN p.kind = 'district' THEN p.name END, CASE WHEN p.kind = 'district' THEN a.depth END) AS district_name,
           arg_min(CASE WHEN p.kind = 'city' THEN p.code END, CASE WHEN p.kind = 'city' THEN a.depth END) AS city_code,
           arg_min(CASE WHEN p.kind = 'city' THEN p.name END, CASE WHEN p.kind = 'city' THEN a.depth END) AS city_name,
           arg_min(CASE WHEN p.kind = 'agency' THEN p.code END, CASE WHEN p.kind = 'agency' THEN a.depth END) AS agency_code,
           arg_min(CASE WHEN p.kind = 'agency' THEN p.name END, CASE WHEN p.kind = 'agency' THEN a.depth END) AS agency_name,
           arg_min(CASE WHEN p.kind = 'agency' THEN p.agency_kind END, CASE WHEN p.kind = 'agency' THEN a.depth END) AS agency_kind,
           max(CASE WHEN a.depth = 0 THEN p.name END) AS unit_name
    FROM anc AS a JOIN units AS p ON p.code = a.anc_code GROUP BY a.code"""
        if has_units
        else "SELECT NULL::VARCHAR AS code, NULL::VARCHAR AS district_code, NULL::VARCHAR AS district_name, "
        "NULL::VARCHAR AS city_code, NULL::VARCHAR AS city_name, NULL::VARCHAR AS agency_code, "
        "NULL::VARCHAR AS agency_name, NULL::VARCHAR AS agency_kind, NULL::VARCHAR AS unit_name WHERE FALSE"
    )
    staff = (
        "SELECT staff_no, name FROM staff"
        if has_staff
        else "SELECT NULL::VARCHAR AS staff_no, NULL::VARCHAR AS name WHERE FALSE"
    )
    try:
        return con.sql(
            f"""WITH ud AS ({units}), st AS ({staff})
SELECT c.unit_code, COALESCE(ud.unit_name, c.unit_code) AS unit_name, c.case_number, c.case_type,
       COALESCE(t.name, c.case_type) AS case_type_name, c.status,
       NULLIF(c.handler_staff_no, '') AS handler_staff_no,
       CASE WHEN NULLIF(c.handler_staff_no, '') IS NULL THEN NULL
            ELSE COALESCE(st.name, c.handler_staff_no) END AS handler_name,
       c.filed_at, c.closed_at, d.due_date,
       CASE WHEN ud.agency_kind = 'court' THEN ud.agency_code END AS court_code,
       CASE WHEN ud.agency_kind = 'court' THEN ud.agency_name END AS court_name,
       COALESCE(ud.district_code, ud.city_code, c.unit_code) AS district_code,
       COALESCE(ud.district_name, ud.city_name, ud.unit_name, c.unit_code) AS district_name,
       COALESCE(ud.agency_code, c.unit_code) AS agency_code,
       COALESCE(ud.agency_name, ud.unit_name, c.unit_code) AS agency_name
FROM cases AS c
LEFT JOIN ud ON ud.code = c.unit_code
LEFT JOIN st ON st.staff_no = c.handler_staff_no
LEFT JOIN _mf_types AS t ON t.code = c.case_type
LEFT JOIN _mf_due AS d ON d.unit_code = c.unit_code AND d.case_number = c.case_number
WHERE {case_filter}"""  # noqa: S608 - constant fragments
        ).to_arrow_table()
    finally:
        con.unregister("_mf_due")
        con.unregister("_mf_types")


# --- measures ---------------------------------------------------------------------------------


def _period_name(kind: str, key: str) -> str:
    if kind == "year":
        return f"{key}年"
    if kind == "quarter":
        year, q = key.split("-Q")
        return f"{year}年第{q}季度"
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def tier_table(tiers: Mapping[str, Sequence[tuple[int, int]]]) -> pa.Table:
    """``(case_type, tier, days, target)`` for every case type: its own standards, else the default."""
    from casewatch.analytics.schema import CASE_TYPES

    rows = {"case_type": [], "tier": [], "days": [], "target": []}
    default = tiers.get("") or ()
    for case_type in sorted(set(CASE_TYPES) | {t for t in tiers if t}):
        for i, (days, target) in enumerate(sorted(tiers.get(case_type) or default)):
            if int(days) < 0 or not 0 <= int(target) <= 100:
                raise ValueError(f"bad tier {days!r}:{target!r}")
            rows["case_type"].append(case_type)
            rows["tier"].append(i)
            rows["days"].append(int(days))
            rows["target"].append(int(target))
    return pa.table(
        {
            "case_type": pa.array(rows["case_type"], pa.string()),
            "tier": pa.array(rows["tier"], pa.int32()),
            "days": pa.array(rows["days"], pa.int32()),
            "target": pa.array(rows["target"], pa.int32()),
        }
    )


def compute(
    con,
    start: dt.date,
    end: dt.date,
    *,
    group_by: Sequence[str] = (),
    facts: str = "measure_facts",
    tiers: Mapping[str, Sequence[tuple[int, int]]] = DEFAULT_TIERS,
    percentiles: Sequence[int] = DEFAULT_PERCENTILES,
    exclusions: Exclusions = Exclusions(),
    base_month: dt.date | None = None,
) -> dict[str, list[dict]]:
    """All measures for ``[start, end]`` from the fact table ``facts`` (a table or view name
    chosen by the caller), grouped by ``group_by`` (any of :data:`DIMENSIONS`, may be empty).

    Every row carries, per dimension, its key (``court`` …) and Chinese name (``court_name`` …).
    """
    if start > end:
        raise ValueError("start after end")
    if not _IDENT.match(facts):
        raise ValueError(f"not a table name: {facts!r}")
    dims = normalise_group_by(group_by)
    pcts = sorted({int(p) for p in percentiles} | {50})
    if any(not 1 <= p <= 99 for p in pcts):
        raise ValueError("percentiles must be between 1 and 99")
    period_kind = next((d for d in dims if d in PERIODS), None)
    plain = [d for d in dims if d not in PERIODS]
    sel = []
    keys = []
    for d in dims:
        col, name = DIMENSIONS[d]
        if d in PERIODS:
            sel.append(f"period AS {d}")
            keys.append(d)
        else:
            sel.append(f"{col} AS {d}, COALESCE({name}, '{UNSPECIFIED}') AS {d}_name")
            keys += [d, f"{d}_name"]
    sel_sql = ", ".join(sel) + ", " if sel else ""
    key_sql = ", ".join(keys)
    gb = f"GROUP BY {key_sql}" if keys else ""
    ob = ", ".join(f"{d} NULLS LAST" for d in dims) or "1"
    plist = periods(start, end, period_kind)
    con.register(
        "_mp",
        pa.table(
            {
                "period": pa.array([p[0] for p in plist], pa.string()),
                "p_start": pa.array([p[1] for p in plist], pa.date32()),
                "p_end": pa.array([p[2] for p in plist], pa.date32()),
            }
        ),
    )
    con.register("_mt", tier_table(tiers))
    closed_rel = (
        f"SELECT f.*, p.period FROM {facts} AS f JOIN _mp AS p ON f.closed_at BETWEEN p.p_start AND p.p_end"  # noqa: S608 - facts checked by _IDENT
    )
    filed_rel = (
        f"SELECT f.*, p.period FROM {facts} AS f JOIN _mp AS p ON f.filed_at BETWEEN p.p_start AND p.p_end"  # noqa: S608 - facts checked by _IDENT
    )
    stock_rel = (
        f"SELECT f.*, p.period, p.p_end FROM {facts} AS f JOIN _mp AS p ON f.filed_at <= p.p_end "  # noqa: S608
        "AND (f.closed_at > p.p_end OR (f.closed_at IS NULL AND f.status IS DISTINCT FROM 'closed'))"  # noqa: S608 - facts checked by _IDENT
    )
    nodate_rel = (
        f"SELECT f.*, p.period FROM {facts} AS f JOIN _mp AS p ON f.filed_at <= p.p_end "  # noqa: S608
        "AND f.closed_at IS NULL AND f.status = 'closed'"  # noqa: S608 - facts checked by _IDENT
    )

    def rows(sql: str) -> list[dict]:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def name_periods(items: list[dict]) -> list[dict]:
        if period_kind:
            for r in items:
                r[f"{period_kind}_name"] = _period_name(period_kind, r[period_kind])
        return items

    k = f"{key_sql}, " if keys else ""
    out: dict[str, list[dict]] = {}
    try:
        clearance = rows(
            f"""SELECT {k}CAST(SUM(filed) AS INTEGER) AS filed, CAST(SUM(closed) AS INTEGER) AS closed FROM (
  SELECT {sel_sql}1 AS filed, 0 AS closed FROM ({filed_rel})
  UNION ALL SELECT {sel_sql}0, 1 FROM ({closed_rel})) AS u {gb} ORDER BY {ob}"""  # noqa: S608 - identifiers validated
        )
        for r in clearance:
            r["rate"] = percent(r["closed"], r["filed"])
        out["clearance"] = name_periods(clearance)

        within = rows(
            f"""SELECT {k}CAST(COUNT(*) AS INTEGER) AS closed,
       CAST(COUNT(*) FILTER (WHERE closed_at <= due_date) AS INTEGER) AS within_limit
FROM (SELECT {sel_sql}closed_at, due_date FROM ({closed_rel}) WHERE due_date IS NOT NULL) AS u {gb} ORDER BY {ob}"""  # noqa: S608
        )
        for r in within:
            r["rate"] = percent(r["within_limit"], r["closed"])
        out["within_limit"] = name_periods(within)

        years = int(exclusions.max_years)
        neg = "TRUE" if exclusions.drop_negative else "FALSE"
        classified = f"""SELECT *, CASE WHEN filed_at IS NULL THEN 'missing'
            WHEN days < 0 AND {neg} THEN 'negative'
            WHEN closed_at > CAST(filed_at + INTERVAL {years} YEAR AS DATE) THEN 'over_max'
            ELSE 'ok' END AS ex
  FROM (SELECT {sel_sql}case_type AS _ct, filed_at, closed_at, date_diff('day', filed_at, closed_at) AS days
        FROM ({closed_rel})) AS b"""  # noqa: S608
        pexpr = []
        for p in pcts:
            lo = f"((n - 1) * {p}) // 100 + 1"
            pexpr.append(
                f"CASE WHEN n = 0 THEN NULL ELSE xs[{lo}] * 100 + (((n - 1) * {p}) % 100) * "
                f"(xs[least({lo} + 1, n)] - xs[{lo}]) END AS p{p}_x100"
            )
        duration = rows(
            f"""SELECT {k}closed, missing_filed, negative, over_max, n AS included, total_days, min_days, max_days,
       {", ".join(pexpr)}
FROM (SELECT {k}CAST(COUNT(*) AS INTEGER) AS closed,
             CAST(COUNT(*) FILTER (WHERE ex = 'missing') AS INTEGER) AS missing_filed,
             CAST(COUNT(*) FILTER (WHERE ex = 'negative') AS INTEGER) AS negative,
             CAST(COUNT(*) FILTER (WHERE ex = 'over_max') AS INTEGER) AS over_max,
             CAST(COUNT(*) FILTER (WHERE ex = 'ok') AS BIGINT) AS n,
             CAST(SUM(days) FILTER (WHERE ex = 'ok') AS BIGINT) AS total_days,
             MIN(days) FILTER (WHERE ex = 'ok') AS min_days, MAX(days) FILTER (WHERE ex = 'ok') AS max_days,
             list_sort(list(days) FILTER (WHERE ex = 'ok')) AS xs
      FROM ({classified}) AS x {gb}) AS g ORDER BY {ob}"""  # noqa: S608
        )
        for r in duration:
            n = r["included"]
            r["included"] = int(n)
            r["mean"] = half_up(Decimal(r["total_days"]) / n, 1) if n else None
            for p in pcts:
                v = r.pop(f"p{p}_x100")
                r[f"p{p}"] = half_up(Decimal(int(v)) / 100, 1) if v is not None else None
            r["median"] = r["p50"]
            r.pop("total_days")
        out["duration"] = name_periods(duration)
        out["exclusions"] = [
            {
                **{kk: r[kk] for kk in r if kk in keys or kk in dims or kk.endswith("_name")},
                "closed": r["closed"],
                "missing_filed": r["missing_filed"],
                "negative": r["negative"],
                "over_max": r["over_max"],
                "included": r["included"],
            }
            for r in duration
        ]

        xkeys = [f"x.{kk}" for kk in keys]
        dk = "".join(f"{kk}, " for kk in xkeys) + ("" if "case_type" in dims else "x._ct AS case_type, ")
        dgb = "GROUP BY " + ", ".join(
            [*xkeys, *([] if "case_type" in dims else ["x._ct"]), "t.tier", "t.days", "t.target"]
        )
        disp = rows(
            f"""SELECT {dk}t.tier, t.days, t.target, CAST(COUNT(*) AS INTEGER) AS closed,
       CAST(COUNT(*) FILTER (WHERE x.days <= t.days) AS INTEGER) AS within
FROM ({classified}) AS x JOIN _mt AS t ON t.case_type = x._ct
WHERE x.ex = 'ok' {dgb} ORDER BY {ob}, {"" if "case_type" in dims else "case_type, "}t.tier"""  # noqa: S608
        )
        for r in disp:
            r["share"] = percent(r["within"], r["closed"])
            r["meets"] = r["share"] is not None and r["share"] >= r["target"]
            r.pop("tier")
        out["disposition"] = name_periods(disp)

        cases_sql = " ".join(
            f"WHEN date_diff('day', filed_at, p_end) <= {hi} THEN {i}"
            for i, (_lo, hi) in enumerate(AGE_BUCKETS)
            if hi is not None
        )
        age = rows(
            f"""SELECT {k}bucket_order, CAST(COUNT(*) AS INTEGER) AS pending FROM (
  SELECT {sel_sql}CASE {cases_sql} ELSE {len(AGE_BUCKETS) - 1} END AS bucket_order FROM ({stock_rel})) AS s
{gb}{", " if keys else "GROUP BY "}bucket_order ORDER BY {ob}, bucket_order"""  # noqa: S608
        )
        for r in age:
            lo, hi = AGE_BUCKETS[r["bucket_order"]]
            r["bucket"] = f"{lo}+" if hi is None else f"{lo}-{hi}"
            r["bucket_name"] = bucket_label(lo, hi)
        out["age"] = name_periods(age)

        over12 = rows(
            f"""SELECT {k}CAST(COUNT(*) AS INTEGER) AS pending,
       CAST(COUNT(*) FILTER (WHERE p_end > CAST(filed_at + INTERVAL 12 MONTH AS DATE)) AS INTEGER) AS over_12m
FROM (SELECT {sel_sql}filed_at, p_end FROM ({stock_rel})) AS s {gb} ORDER BY {ob}"""  # noqa: S608
        )
        nodate = {
            tuple(r[kk] for kk in keys): r["n"]
            for r in rows(
                f"SELECT {k}CAST(COUNT(*) AS INTEGER) AS n FROM (SELECT {sel_sql}1 AS one FROM ({nodate_rel})) AS s {gb}"  # noqa: S608
            )
        }
        for r in over12:
            r["ratio"] = percent(r["over_12m"], r["pending"])
            r["closed_without_date"] = nodate.get(tuple(r[kk] for kk in keys), 0)
        out["over12"] = name_periods(over12)
    finally:
        con.unregister("_mp")
        con.unregister("_mt")
    out["long_pending_trend"] = _trend(con, start, end, facts, plain, base_month)
    return out


def _trend(con, start, end, facts, plain, base_month) -> list[dict]:
    """Cases pending more than 12 months at each month end per group, with the change vs the base."""
    ends = month_ends(start, end)
    sel = ", ".join(
        f"{DIMENSIONS[d][0]} AS {d}, COALESCE({DIMENSIONS[d][1]}, '{UNSPECIFIED}') AS {d}_name" for d in plain
    )
    keys = [x for d in plain for x in (d, f"{d}_name")]
    con.register("_mm", pa.table({"month_end": pa.array(ends, pa.date32())}))
    try:
        cur = con.execute(
            f"""SELECT m.month_end{", " + sel if sel else ""}, CAST(COUNT(*) AS INTEGER) AS long_pending
FROM _mm AS m JOIN {facts} AS f
  ON f.filed_at <= m.month_end AND (f.closed_at > m.month_end OR (f.closed_at IS NULL AND f.status IS DISTINCT FROM 'closed'))
 AND m.month_end > CAST(f.filed_at + INTERVAL 12 MONTH AS DATE)
GROUP BY ALL"""  # noqa: S608 - identifiers validated
        )
        names = [d[0] for d in cur.description]
        found = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.unregister("_mm")
    groups = (
        sorted({tuple(r[kk] for kk in keys) for r in found}, key=lambda t: tuple(str(x) for x in t))
        if keys
        else [()]
    )
    counts = {(tuple(r[kk] for kk in keys), r["month_end"]): r["long_pending"] for r in found}
    base_end = month_ends(base_month, base_month)[0] if base_month else (ends[0] if ends else None)
    out = []
    for g in groups:
        base = counts.get((g, base_end), 0)
        for m in ends:
            n = counts.get((g, m), 0)
            change = half_up(Decimal(n - base) * 100 / Decimal(base), 2) if base else None
            out.append(
                {
                    "month_end": m,
                    **dict(zip(keys, g, strict=True)),
                    "long_pending": n,
                    "base": base,
                    "change": change,
                }
            )
    return out


def measures(
    con, start: dt.date, end: dt.date, *, group_by: Sequence[str] = (), limits=None, lights=None, **kwargs
):
    """Measures straight from ``cases`` (builds the facts for the period first): for callers and
    benchmarks that hold a loaded engine rather than a stored fact table."""
    closed = f"c.closed_at BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}'"
    facts = build_facts(
        con,
        due_filter=closed,
        case_filter=f"(c.filed_at IS NULL OR c.filed_at <= DATE '{end.isoformat()}') AND (c.closed_at IS NULL OR c.closed_at >= "
        f"DATE '{(start - dt.timedelta(days=1)).isoformat()}' OR c.status = 'closed')",
        limits=limits,
        lights=lights,
    )
    con.register("_measure_facts", facts)
    try:
        return compute(con, start, end, group_by=group_by, facts="_measure_facts", **kwargs)
    finally:
        con.unregister("_measure_facts")

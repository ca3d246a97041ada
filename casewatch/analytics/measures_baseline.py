"""The previous measures implementation, kept only as the baseline of ``casewatch bench measures``.

It is what the measures page ran per request before :mod:`casewatch.analytics.measures`: fixed
tiers, no percentiles, no exclusions, text-sorted age buckets, codes instead of names, and a
syntax error for ``group_by=()``. Do not use it for anything but the benchmark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pyarrow as pa

from casewatch.analytics import timelimits
from casewatch.analytics.deadlines import (
    DEFAULT_LIGHTS,
    LIMITS,
    LightConfig,
    LimitSpec,
    _key,
    change_percent,
    deadline_state,
    percent,
)

#: time-to-disposition standards per case type: (days, target share in %) at the 75/90/98 tiers
DEFAULT_TIERS: dict[str, tuple[tuple[int, int], ...]] = {
    "": ((90, 75), (180, 90), (365, 98)),
    "civil": ((90, 75), (180, 90), (365, 98)),
    "criminal": ((60, 75), (90, 90), (180, 98)),
    "enforcement": ((120, 75), (180, 90), (365, 98)),
}
AGE_BUCKETS = ((0, 90), (91, 180), (181, 365), (366, 545), (546, 730), (731, None))


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s month to ``end``'s month."""
    out = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        nxt = timelimits.add_months(day, 1)
        out.append(nxt - dt.timedelta(days=1))
        day = nxt
    return out


def measures(
    con,
    start: dt.date,
    end: dt.date,
    *,
    group_by: Sequence[str] = ("unit_code", "case_type"),
    tiers: Mapping[str, Sequence[tuple[int, int]]] = DEFAULT_TIERS,
    base_month: dt.date | None = None,
    limits: Sequence[LimitSpec] = LIMITS,
    lights: Sequence[LightConfig] = DEFAULT_LIGHTS,
) -> dict[str, list[dict]]:
    """The deadline measures for the period ``[start, end]`` per group (counts exact, rates half up).

    * ``clearance``: closed in the period ÷ filed in the period.
    * ``within_limit``: 审限内结案率 — closed in the period on or before the legal due date ÷ closed
      in the period with a known limit.
    * ``disposition``: share of cases closed in the period within N days of filing, per tier,
      against the tier's target share.
    * ``age``: the pending caseload at ``end`` by raw age bucket.
    * ``over12``: 超12个月未结案件比 — pending at ``end`` for more than 12 months ÷ all pending.
    * ``long_pending_trend``: per month end, cases pending for more than 12 months, and the change
      against ``base_month`` (default: the first month), e.g. −67.52 %.
    """
    cols = [_key(g) for g in group_by]
    gsel = ", ".join(f"c.{g}" for g in cols)
    gkeys = ", ".join(cols)
    con.execute("CREATE OR REPLACE TABLE params AS SELECT CAST(? AS DATE) AS as_of", [end])
    p = [start, end]

    def rows(sql: str, params: list) -> list[dict]:
        cur = con.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    g = f"{gsel}, " if cols else ""
    gb = f"GROUP BY {gkeys}" if cols else ""
    out: dict[str, list[dict]] = {}
    clearance = rows(
        f"""SELECT {gkeys}{", " if cols else ""}CAST(SUM(filed) AS INTEGER) AS filed, CAST(SUM(closed) AS INTEGER) AS closed FROM (
  SELECT {g}CASE WHEN c.filed_at BETWEEN ? AND ? THEN 1 ELSE 0 END AS filed,
         CASE WHEN c.closed_at BETWEEN ? AND ? THEN 1 ELSE 0 END AS closed
  FROM cases AS c WHERE c.filed_at BETWEEN ? AND ? OR c.closed_at BETWEEN ? AND ?) AS c
{gb} ORDER BY {gkeys or 1}""",  # noqa: S608 - keys validated
        p * 4,
    )
    for r in clearance:
        r["rate"] = percent(r["closed"], r["filed"])
    out["clearance"] = clearance

    closed_filter = f"c.closed_at BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}'"
    state = deadline_state(con, end, closed_filter, limits=limits, lights=lights)
    con.register("dl_closed_state", state)
    try:
        within = rows(
            f"""SELECT {gkeys}{", " if cols else ""}CAST(COUNT(*) AS INTEGER) AS closed,
       CAST(SUM(CASE WHEN c.closed_at <= c.due_date THEN 1 ELSE 0 END) AS INTEGER) AS within_limit
FROM dl_closed_state AS c WHERE c.due_date IS NOT NULL {gb} ORDER BY {gkeys or 1}""",  # noqa: S608
            [],
        )
    finally:
        con.unregister("dl_closed_state")
    for r in within:
        r["rate"] = percent(r["within_limit"], r["closed"])
    out["within_limit"] = within

    tier_rows = []
    for case_type in sorted({t for t in tiers if t}) or [""]:
        spec = tiers.get(case_type) or tiers.get("")
        checks = ", ".join(
            f"CAST(SUM(CASE WHEN date_diff('day', c.filed_at, c.closed_at) <= {int(days)} THEN 1 ELSE 0 END) AS INTEGER) AS within_{i}"
            for i, (days, _target) in enumerate(spec)
        )
        for r in rows(
            f"""SELECT {gkeys}{", " if cols else ""}CAST(COUNT(*) AS INTEGER) AS closed, {checks}
FROM cases AS c WHERE c.closed_at BETWEEN ? AND ? AND c.case_type = ? {gb} ORDER BY {gkeys or 1}""",  # noqa: S608
            [start, end, case_type],
        ):
            for i, (days, target) in enumerate(spec):
                share = percent(r[f"within_{i}"], r["closed"])
                tier_rows.append(
                    {
                        **{k: r[k] for k in cols},
                        "case_type": case_type,
                        "days": int(days),
                        "target": int(target),
                        "closed": r["closed"],
                        "within": r[f"within_{i}"],
                        "share": share,
                        "meets": share is not None and share >= target,
                    }
                )
    out["disposition"] = tier_rows

    pending_at = "c.filed_at <= ? AND (c.closed_at IS NULL OR c.closed_at > ?)"
    buckets = " ".join(
        f"WHEN date_diff('day', c.filed_at, ?) <= {hi} THEN '{lo}-{hi}'"
        for lo, hi in AGE_BUCKETS
        if hi is not None
    )
    last = AGE_BUCKETS[-1][0]
    age = rows(
        f"""SELECT {gkeys}{", " if cols else ""}bucket, CAST(COUNT(*) AS INTEGER) AS pending FROM (
  SELECT {g}CASE {buckets} ELSE '{last}+' END AS bucket FROM cases AS c WHERE {pending_at}) AS c
GROUP BY {gkeys}{", " if cols else ""}bucket ORDER BY {gkeys or 1}{", " if cols else ""}bucket""",  # noqa: S608
        [end] * (len(AGE_BUCKETS) - 1) + [end, end],
    )
    out["age"] = age

    over12 = rows(
        f"""SELECT {gkeys}{", " if cols else ""}CAST(COUNT(*) AS INTEGER) AS pending,
       CAST(SUM(CASE WHEN ? > CAST(c.filed_at + INTERVAL 12 MONTH AS DATE) THEN 1 ELSE 0 END) AS INTEGER) AS over_12m
FROM cases AS c WHERE {pending_at} {gb} ORDER BY {gkeys or 1}""",  # noqa: S608
        [end, end, end],
    )
    for r in over12:
        r["ratio"] = percent(r["over_12m"], r["pending"])
    out["over12"] = over12

    ends = month_ends(start, end)
    con.register("dl_months", pa.table({"month_end": pa.array(ends, pa.date32())}))
    try:
        trend = rows(
            f"""SELECT m.month_end, {", ".join(f"c.{k}" for k in cols)}{", " if cols else ""}CAST(COUNT(c.case_number) AS INTEGER) AS long_pending
FROM dl_months AS m LEFT JOIN cases AS c
  ON c.filed_at <= m.month_end AND (c.closed_at IS NULL OR c.closed_at > m.month_end)
 AND m.month_end > CAST(c.filed_at + INTERVAL 12 MONTH AS DATE)
GROUP BY m.month_end{", " if cols else ""}{", ".join(f"c.{k}" for k in cols)}
ORDER BY {", ".join(f"c.{k}" for k in cols)}{", " if cols else ""}m.month_end""",  # noqa: S608
            [],
        )
    finally:
        con.unregister("dl_months")
    base_end = month_ends(base_month, base_month)[0] if base_month else (ends[0] if ends else None)
    bases = {tuple(r[k] for k in cols): r["long_pending"] for r in trend if r["month_end"] == base_end}
    for r in trend:
        b = bases.get(tuple(r[k] for k in cols), 0)
        r["base"] = b
        r["change"] = change_percent(r["long_pending"], b)
    out["long_pending_trend"] = trend
    return out

"""Deadline state (审限 / 办案期限 / 羁押期限), traffic lights and supervision measures — vectorised.

Everything here runs as DuckDB SQL over the canonical tables (``cases``, ``events``) plus the
``calendar`` of :mod:`casewatch.analytics.timelimits`; there is no per-case Python loop in the
batch path. This module never imports Django: the ``deadlines`` app passes configuration in as
plain data (:class:`LightConfig`, :class:`LadderStep`, :class:`LimitSpec`) and loads the result
tables back in bulk.

Two clocks, side by side (rules-cn.md §3.8)
-------------------------------------------
* **Legal clock** — days used of the statutory limit: ``raw age − excluded days``. Excluded
  periods (public notice, appraisal, settlement, jurisdiction objection, suspension) are merged
  with :func:`casewatch.analytics.rules.fragments.excluded_days_ctes`, the same SQL the
  screening rules CV-02/CT-01/AD-01/EN-01 use. The due date is ``filing + limit (+ excluded
  days)``, replaced by the latest approved extension, then moved to the next working day when it
  falls on a rest day — except custody periods (刑事诉讼法 第105条). It drives overdue warnings.
* **Raw age** — calendar days since filing, nothing excluded. It drives the long-pending
  (长期未结) classes (> 12 / 18 / 24 / 36 months), so a suspended case cannot hide.

Because excluded days are clipped to ``[filing, as-of]`` and merged, the legal clock never
exceeds the raw age (a property test checks it).

Lights (configurable per case type): green while less than 2/3 of the limit is used; yellow once
2/3 is used or ≤ 15 days are left (≤ 30 for civil and enforcement); red when ≤ 5 days are left or
the case is overdue. Cases without a known statutory limit (police criminal cases — their limits
are the custody chain's, petitions) get light ``none`` but still carry their raw age.

:func:`compute_case` is the same arithmetic written per case in plain Python with
:mod:`~casewatch.analytics.timelimits`: it explains a due date step by step (the case panel), is
the benchmark's baseline loop, and cross-checks the SQL in the tests.

Modules: this one holds the state SQL (:func:`deadline_state`, :func:`merge_state`);
configuration as data and rounding are in :mod:`~casewatch.analytics.deadline_config`, the
per-case explanation in :mod:`~casewatch.analytics.deadline_explain`, the custody chain in
:mod:`~casewatch.analytics.deadline_custody`, measures in
:mod:`~casewatch.analytics.deadline_measures`. Every public name stays importable from here.

How the state SQL is laid out (one pass over each base table)
------------------------------------------------------------
1. ``dl_scope``: a view of the cases in scope with their limit (not materialised).
2. ``dl_ev``: one scan of ``events``, kinds filtered first (exclusion starts/ends and extension
   kinds: 1.8% of the rows at a million cases), joined once to the scope on the case's string
   key; each such case gets a dense integer ``cid``, and every later step works on these few rows
   by ``cid`` with the case fields it needs carried along.
3. Excluded days per ``cid`` (pairing by one window per kind family, clipping, gaps-and-islands
   merge) and extensions per ``cid`` — both small.
4. One final pass over ``dl_scope`` joining those small aggregates (by their string key), one
   calendar lookup, the light thresholds.

Before, each of the four exclusion groups scanned ``events`` twice and the extensions once, and
every join and window partitioned on the two-string key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa

from casewatch.analytics import timelimits
from casewatch.analytics.deadline_config import (  # noqa: F401 - public names of this module
    DEFAULT_LADDER,
    DEFAULT_LIGHTS,
    LIGHTS,
    LIMITS,
    PENDING_FILTER,
    PROCEDURE_VALUES,
    LadderStep,
    LightConfig,
    LimitSpec,
    _key,
    _ladder_case,
    change_percent,
    exclusion_groups,
    half_up,
    lights_for,
    lights_table,
    limits_table,
    percent,
)
from casewatch.analytics.deadline_custody import (  # noqa: F401 - public names of this module
    CUSTODY_COLUMNS,
    CUSTODY_ENDS,
    CUSTODY_STAGES,
    custody_state,
)
from casewatch.analytics.deadline_explain import (  # noqa: F401 - public names of this module
    Step,
    _as_date,
    _spec_for,
    compute_case,
    merged_exclusions,
)
from casewatch.analytics.rules.fragments import EXCLUSIONS


def prepare(
    con, as_of: dt.date, limits: Sequence[LimitSpec] = LIMITS, lights: Sequence[LightConfig] = DEFAULT_LIGHTS
) -> None:
    """Register ``params``, ``dl_limits``, ``dl_lights`` and ``dl_excl_kinds`` on a DuckDB
    connection that already has ``cases``, ``events`` and ``calendar`` (a
    :class:`~casewatch.analytics.engines.duckdb_engine.DuckDBEngine` connection after ``_expose``,
    or any connection with those names)."""
    from casewatch.analytics.schema import CASE_TYPES

    con.execute("CREATE OR REPLACE TABLE params AS SELECT CAST(? AS DATE) AS as_of", [as_of])
    for name, table in (
        ("dl_limits", limits_table(limits)),
        ("dl_lights", lights_table(lights, CASE_TYPES)),
        ("dl_excl_kinds", excl_kinds_table(limits)),
    ):
        con.register("_dl_in", table)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _dl_in")  # noqa: S608 - constant names
        finally:
            con.unregister("_dl_in")
    # fetchall, not fetchone: a half-read result left open makes the next ``register`` fail
    ((has_calendar,),) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'calendar'"
    ).fetchall()
    if not has_calendar:
        con.register("_cal_in", timelimits.calendar_table())
        try:
            con.execute("CREATE OR REPLACE TABLE calendar AS SELECT * FROM _cal_in")
        finally:
            con.unregister("_cal_in")


def excl_kinds_table(limits: Sequence[LimitSpec] = LIMITS) -> pa.Table:
    """(excl_group, kind, family, is_start): the event kinds each exclusion group counts; a
    family is one excluded kind (its start and end event kinds share it)."""
    families = {k: i for i, k in enumerate(EXCLUSIONS)}
    rows = []
    for kinds, group in exclusion_groups(limits).items():
        for k in kinds:
            start, end = EXCLUSIONS[k]
            rows += [(group, start, families[k], True), (group, end, families[k], False)]
    return pa.table(
        {
            "excl_group": pa.array([r[0] for r in rows], pa.string()),
            "kind": pa.array([r[1] for r in rows], pa.string()),
            "family": pa.array([r[2] for r in rows], pa.int32()),
            "is_start": pa.array([r[3] for r in rows], pa.bool_()),
        }
    )


# ---------------------------------------------------------------------------------------------
# Case deadline state (SQL)
# ---------------------------------------------------------------------------------------------

STATE_COLUMNS = (
    "unit_code",
    "case_number",
    "case_type",
    "procedure",
    "status",
    "handler_staff_no",
    "filed_at",
    "closed_at",
    "limit_period",
    "statutory_due",
    "excluded_days",
    "extended_to",
    "extension_approver",
    "extension_count",
    "extension_late",
    "unshifted_due",
    "due_date",
    "holiday_shifted",
    "shift_holidays",
    "calendar_gap",
    "limit_days",
    "legal_days_used",
    "raw_age_days",
    "days_left",
    "overdue_days",
    "light",
    "long_pending_months",
    "escalation_step",
)


def _scope_sql(case_filter: str) -> str:
    """``dl_scope``: a view of the cases of ``case_filter`` with their limit and clock end (a view:
    the final pass reads it once; materialising a million rows cost more than the pass)."""
    return f"""CREATE OR REPLACE TEMP VIEW dl_scope AS
SELECT c.unit_code, c.case_number, c.case_type, c.procedure, c.status, c.handler_staff_no,
       c.filed_at, c.closed_at, COALESCE(c.closed_at, p.as_of) AS end_on,
       l.limit_months, l.limit_days AS limit_days_part, l.limit_period, COALESCE(l.excl_group, 'none') AS excl_group,
       COALESCE(l.shift_holidays, TRUE) AS shift_holidays, l.extension_kind, COALESCE(l.excl_after_ext, FALSE) AS excl_after_ext,
       l.lead_days,
       CASE WHEN l.case_type IS NULL THEN NULL
            ELSE CAST(c.filed_at + to_months(l.limit_months) AS DATE) + CAST(l.limit_days AS INTEGER) END AS statutory_due
FROM cases AS c
CROSS JOIN params AS p
LEFT JOIN dl_limits AS l ON l.case_type = c.case_type AND l.procedure = COALESCE(c.procedure, '')
WHERE ({case_filter}) AND c.filed_at IS NOT NULL AND c.filed_at <= p.as_of"""  # noqa: S608 - constant fragments


# Events in two steps: the kind filter first (pushed into the scan: a few percent of the rows),
# then the join to the scope — built on the few filtered rows, probed by the cases in scope.
_EVENTS_SQL = """CREATE OR REPLACE TEMP TABLE dl_ev0 AS
SELECT e.unit_code, e.case_number, e.kind, e.seq, e.occurred_at, e.approved_at, e.new_due_date, e.approver_level
FROM events AS e WHERE e.kind IN ({kinds})"""

_EVENTS_SCOPE_SQL = """CREATE OR REPLACE TEMP TABLE dl_ev AS
SELECT CAST(dense_rank() OVER (ORDER BY e.unit_code, e.case_number) AS INTEGER) AS cid,
       e.unit_code, e.case_number, s.excl_group, s.filed_at, s.end_on, s.statutory_due, s.shift_holidays, s.lead_days,
       e.kind = s.extension_kind AND e.new_due_date IS NOT NULL AS is_ext,
       e.kind, e.seq, e.occurred_at, e.approved_at, e.new_due_date, e.approver_level
FROM dl_ev0 AS e
JOIN dl_scope AS s ON s.unit_code = e.unit_code AND s.case_number = e.case_number"""

#: the cases that have relevant events: their integer key and string key (the small side of the
#: final join)
_KEYS_SQL = "CREATE OR REPLACE TEMP TABLE dl_keys AS SELECT DISTINCT cid, unit_code, case_number FROM dl_ev"

# Excluded days per case. Pairing: each start event pairs with the first end event of its kind
# at or after it (ends before starts at the same instant, as the join ``end >= start`` does),
# found by a running MIN over the events in descending time order; a start without an
# occurred_at pairs with nothing. Then clip to [filed, end], drop empty intervals, merge
# overlapping ones (gaps-and-islands) and add up — the arithmetic of ``excluded_days_ctes``.
_EXCL_SQL = """CREATE OR REPLACE TEMP TABLE dl_x AS
WITH x AS (
  SELECT ev.cid, ev.filed_at, ev.end_on, ev.occurred_at, k.family, k.is_start
  FROM dl_ev AS ev JOIN dl_excl_kinds AS k ON k.excl_group = ev.excl_group AND k.kind = ev.kind
),
paired AS (
  SELECT x.*,
         CASE WHEN x.occurred_at IS NULL THEN NULL ELSE
           MIN(CASE WHEN NOT x.is_start THEN x.occurred_at END) OVER (
             PARTITION BY x.cid, x.family ORDER BY x.occurred_at DESC NULLS LAST, x.is_start
             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS end_at
  FROM x
),
intervals AS (
  SELECT cid,
         CASE WHEN CAST(occurred_at AS DATE) > filed_at THEN CAST(occurred_at AS DATE) ELSE filed_at END AS from_on,
         CASE WHEN end_at IS NULL OR CAST(end_at AS DATE) > end_on THEN end_on ELSE CAST(end_at AS DATE) END AS to_on
  FROM paired WHERE is_start
),
ordered AS (
  SELECT cid, from_on, to_on,
         MAX(to_on) OVER (PARTITION BY cid ORDER BY from_on, to_on
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
  FROM intervals WHERE to_on > from_on
),
islands AS (
  SELECT cid, from_on, to_on,
         SUM(CASE WHEN reach IS NULL OR from_on > reach THEN 1 ELSE 0 END)
           OVER (PARTITION BY cid ORDER BY from_on, to_on ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
  FROM ordered
),
merged AS (SELECT cid, island, MIN(from_on) AS from_on, MAX(to_on) AS to_on FROM islands GROUP BY cid, island)
SELECT cid, CAST(SUM(date_diff('day', from_on, to_on)) AS INTEGER) AS excluded_days FROM merged GROUP BY cid"""

# Extensions per case: the latest new due date, how many, the approver of the latest, and
# whether one was approved less than ``lead_days`` before the date it extended (the previous
# extension's, else the base due date: statutory + excluded, holiday-shifted).
_EXT_SQL = """CREATE OR REPLACE TEMP TABLE dl_t AS
WITH xe AS (
  SELECT ev.*, COALESCE(x.excluded_days, 0) AS excluded_days,
         ev.statutory_due + CAST(COALESCE(x.excluded_days, 0) AS INTEGER) AS base_unshifted
  FROM dl_ev AS ev LEFT JOIN dl_x AS x ON x.cid = ev.cid
  WHERE ev.is_ext
),
ext_events AS (
  SELECT xe.cid, xe.new_due_date, xe.approver_level, xe.lead_days,
         CAST(COALESCE(xe.approved_at, xe.occurred_at) AS DATE) AS approved_on,
         CASE WHEN xe.shift_holidays THEN COALESCE(cal.next_workday, xe.base_unshifted) ELSE xe.base_unshifted END AS base_due,
         LAG(xe.new_due_date) OVER (PARTITION BY xe.cid ORDER BY COALESCE(xe.approved_at, xe.occurred_at), xe.seq) AS previous_due,
         ROW_NUMBER() OVER (PARTITION BY xe.cid ORDER BY xe.new_due_date DESC, xe.seq DESC) AS rn
  FROM xe LEFT JOIN calendar AS cal ON cal.day = xe.base_unshifted
)
SELECT cid, MAX(new_due_date) AS extended_to, COUNT(*) AS extension_count,
       MAX(CASE WHEN rn = 1 THEN approver_level END) AS extension_approver,
       BOOL_OR(date_diff('day', approved_on, COALESCE(previous_due, base_due)) < lead_days) AS extension_late
FROM ext_events GROUP BY cid"""


def _final_sql(ladder: Sequence[LadderStep]) -> str:
    overdue = "GREATEST(date_diff('day', d.due_date, d.end_on), 0)"
    return f"""WITH u AS (
  SELECT s.*, COALESCE(a.excluded_days, 0) AS excluded_days,
         a.extended_to, COALESCE(a.extension_count, 0) AS extension_count, a.extension_approver,
         COALESCE(a.extension_late, FALSE) AS extension_late,
         CASE WHEN s.statutory_due IS NULL THEN NULL
              WHEN a.extended_to IS NULL THEN s.statutory_due + CAST(COALESCE(a.excluded_days, 0) AS INTEGER)
              WHEN s.excl_after_ext THEN a.extended_to + CAST(COALESCE(a.excluded_days, 0) AS INTEGER)
              ELSE a.extended_to END AS unshifted_due
  FROM dl_scope AS s
  LEFT JOIN (SELECT k.unit_code, k.case_number, x.excluded_days, t.extended_to, t.extension_count,
                    t.extension_approver, t.extension_late
             FROM dl_keys AS k LEFT JOIN dl_x AS x ON x.cid = k.cid LEFT JOIN dl_t AS t ON t.cid = k.cid) AS a
    ON a.unit_code = s.unit_code AND a.case_number = s.case_number
),
d AS (
  SELECT u.*,
         CASE WHEN u.shift_holidays THEN COALESCE(cal.next_workday, u.unshifted_due) ELSE u.unshifted_due END AS due_date,
         u.shift_holidays AND u.unshifted_due IS NOT NULL AND cal.next_workday IS NULL AS calendar_gap
  FROM u LEFT JOIN calendar AS cal ON cal.day = u.unshifted_due
),
m AS (
  SELECT d.*, lt.y_num, lt.y_den, lt.y_days, lt.r_days,
         date_diff('day', d.filed_at, d.end_on) AS raw_age_days,
         date_diff('day', d.filed_at, d.end_on) - d.excluded_days AS legal_days_used,
         date_diff('day', d.filed_at, d.due_date) - d.excluded_days AS limit_days,
         date_diff('day', d.end_on, d.due_date) AS days_left,
         {overdue} AS overdue_days,
         CASE WHEN d.full_months >= lt.lp4 THEN lt.lp4
              WHEN d.full_months >= lt.lp3 THEN lt.lp3
              WHEN d.full_months >= lt.lp2 THEN lt.lp2
              WHEN d.full_months >= lt.lp1 THEN lt.lp1
              ELSE 0 END AS long_pending_months
  FROM (
    -- whole calendar months from filing to the end of the clock: end > filed + N months (clamped
    -- to the month end) exactly when full_months >= N, so the classes need no date arithmetic
    SELECT d.*, (year(d.end_on) - year(d.filed_at)) * 12 + month(d.end_on) - month(d.filed_at)
                - CASE WHEN day(d.end_on) > day(d.filed_at) THEN 0 ELSE 1 END AS full_months
    FROM d
  ) AS d LEFT JOIN dl_lights AS lt ON lt.case_type = d.case_type
)
SELECT unit_code, case_number, case_type, procedure, status, handler_staff_no, filed_at, closed_at,
       limit_period, statutory_due, CAST(excluded_days AS INTEGER) AS excluded_days, extended_to,
       extension_approver, CAST(extension_count AS INTEGER) AS extension_count, extension_late,
       unshifted_due, due_date, COALESCE(due_date <> unshifted_due, FALSE) AS holiday_shifted, shift_holidays,
       COALESCE(calendar_gap, FALSE) AS calendar_gap,
       CAST(limit_days AS INTEGER) AS limit_days, CAST(legal_days_used AS INTEGER) AS legal_days_used,
       CAST(raw_age_days AS INTEGER) AS raw_age_days, CAST(days_left AS INTEGER) AS days_left,
       CAST(COALESCE(overdue_days, 0) AS INTEGER) AS overdue_days,
       CASE WHEN due_date IS NULL THEN 'none'
            WHEN days_left <= r_days THEN 'red'
            WHEN days_left <= y_days OR CAST(legal_days_used AS BIGINT) * y_den >= CAST(limit_days AS BIGINT) * y_num THEN 'yellow'
            ELSE 'green' END AS light,
       CAST(long_pending_months AS INTEGER) AS long_pending_months,
       {_ladder_case(ladder, "COALESCE(overdue_days, 0)")} AS escalation_step
FROM m AS d"""  # noqa: S608 - constant fragments


def deadline_state(
    con,
    as_of: dt.date,
    case_filter: str = PENDING_FILTER,
    *,
    limits: Sequence[LimitSpec] = LIMITS,
    lights: Sequence[LightConfig] = DEFAULT_LIGHTS,
    ladder: Sequence[LadderStep] = DEFAULT_LADDER,
) -> pa.Table:
    """Deadline state and light of every case matching ``case_filter`` (SQL over alias ``c``).

    ``case_filter`` is assembled from constants by callers, never from user input. The end of a
    case's clock is its closing date, else ``as_of``; ``days_left`` and the light are judged at
    that end. Returns :data:`STATE_COLUMNS`, one row per case (in no particular order).

    For a few changed cases pass a filter naming them (``c.case_key IN (…)`` or a semi-join on a
    registered table): the scope is computed first and every later step touches only its rows
    and their events; :func:`merge_state` folds the result into a previous state table.
    """
    prepare(con, as_of, limits, lights)
    con.execute(_scope_sql(case_filter))
    kinds = sorted({k for kinds in exclusion_groups(limits) for x in kinds for k in EXCLUSIONS[x]})
    kinds += sorted({spec.extension_kind for spec in limits} - set(kinds))
    con.execute(_EVENTS_SQL.format(kinds=", ".join(f"'{_key(k)}'" for k in kinds)))  # noqa: S608 - checked keys
    con.execute(_EVENTS_SCOPE_SQL)
    con.execute(_KEYS_SQL)
    con.execute(_EXCL_SQL)
    con.execute(_EXT_SQL)
    return con.sql(_final_sql(ladder)).to_arrow_table()


def merge_state(previous: pa.Table, changed: pa.Table, fresh: pa.Table) -> pa.Table:
    """A state table maintained incrementally: ``previous`` without the rows of the ``changed``
    cases (``unit_code``, ``case_number``), plus ``fresh`` — their state recomputed with
    :func:`deadline_state` over a filter naming them, for the same ``as_of`` and configuration.
    A changed case that left the filter (closed, deleted) is dropped; one that entered it is
    added. Set-based (DuckDB anti-join), no Python per row."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("prev", previous)
        con.register("chg", changed.select(["unit_code", "case_number"]))
        con.register("fresh", fresh.select(previous.column_names))
        return (
            con.sql(
                "SELECT * FROM (SELECT p.* FROM prev AS p ANTI JOIN chg AS c "
                "ON c.unit_code = p.unit_code AND c.case_number = p.case_number "
                "UNION ALL BY NAME SELECT * FROM fresh) ORDER BY unit_code, case_number"
            )
            .to_arrow_table()
            .cast(previous.schema)
        )
    finally:
        con.close()


# Measures live in their own module; re-exported so callers keep using `deadlines.measures`.
from casewatch.analytics.deadline_measures import AGE_BUCKETS, DEFAULT_TIERS, measures, month_ends  # noqa: E402, F401

"""Portable SQL idioms and shared pieces of rule SQL.

Rules are written in DuckDB SQL and translated to Spark SQL by sqlglot. These idioms behave the
same in both engines (each was checked on DuckDB 2.0 and Spark 4.3):

* ``date_diff('day', a, b)`` on DATE values — Spark gets ``DATEDIFF(DAY, a, b)``. Never on
  timestamps: DuckDB counts boundaries crossed, Spark counts whole units elapsed.
* ``date_diff('second', a, b)`` on timestamps for hour limits (second-precision data, so
  boundaries and elapsed seconds agree); hours are that value ``/ 3600`` as DOUBLE.
* ``CAST(d + INTERVAL n MONTH AS DATE)`` — calendar months clamped to the month end in both
  (DuckDB yields a TIMESTAMP without the cast).
* ``d + CAST(n AS INTEGER)`` for adding days: Spark's date_add rejects BIGINT.
* No alias reuse inside WHERE (Spark cannot), no QUALIFY, sums cast to INTEGER (DuckDB would
  return HUGEINT), ties in window ordering broken by ``seq``.

Statements here are assembled from constants only, never from user input (hence the S608
suppressions).
"""

from __future__ import annotations

AS_OF = "(SELECT as_of FROM params)"

#: excluded-period kinds -> (start event, end event)
EXCLUSIONS = {
    "public_notice": ("public_notice_start", "public_notice_end"),
    "appraisal": ("appraisal_start", "appraisal_end"),
    "settlement": ("settlement_start", "settlement_end"),
    "jurisdiction_objection": ("jurisdiction_objection_start", "jurisdiction_objection_end"),
    "suspension": ("suspended", "resumed"),
}
ALL_EXCLUSIONS = tuple(EXCLUSIONS)


def same_case(a: str, b: str) -> str:
    """Join condition: rows ``a`` and ``b`` belong to the same case."""
    return f"{a}.unit_code = {b}.unit_code AND {a}.case_number = {b}.case_number"


def quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def excluded_days_ctes(scope: str, kinds: tuple[str, ...]) -> str:
    """CTEs ending in ``excluded(unit_code, case_number, excluded_days)`` for the cases of ``scope``.

    ``scope`` must have ``unit_code, case_number, filed_at, end_on``. Each start event pairs with
    the first end event of its kind at or after it; an open interval runs to ``end_on``. Intervals
    are clipped to ``[filed_at, end_on]`` and overlapping ones merged (gaps-and-islands), so a day
    is excluded at most once; an interval's length is ``date(end) − date(start)`` days, the same
    count as every other period. Events are paired before they meet ``scope`` (one join instead
    of three: the kind filter is selective, and Spark re-plans every reference to a CTE).
    """
    starts = [EXCLUSIONS[k][0] for k in kinds]
    ends = [EXCLUSIONS[k][1] for k in kinds]
    end_of = " ".join(f"WHEN '{EXCLUSIONS[k][0]}' THEN '{EXCLUSIONS[k][1]}'" for k in kinds)
    return f"""
x_starts AS (
  SELECT e.unit_code, e.case_number, e.seq, e.occurred_at AS start_at,
         CASE e.kind {end_of} END AS end_kind
  FROM events AS e
  WHERE e.kind IN ({quoted(starts)})
),
x_ends AS (
  SELECT e.unit_code, e.case_number, e.kind, e.occurred_at
  FROM events AS e
  WHERE e.kind IN ({quoted(ends)})
),
x_pairs AS (
  SELECT st.unit_code, st.case_number, st.seq, st.start_at, MIN(en.occurred_at) AS end_at
  FROM x_starts AS st
  LEFT JOIN x_ends AS en
    ON {same_case("en", "st")} AND en.kind = st.end_kind AND en.occurred_at >= st.start_at
  GROUP BY st.unit_code, st.case_number, st.seq, st.start_at
),
x_intervals AS (
  SELECT p.unit_code, p.case_number,
         CASE WHEN CAST(p.start_at AS DATE) > s.filed_at THEN CAST(p.start_at AS DATE) ELSE s.filed_at END
           AS from_on,
         CASE WHEN p.end_at IS NULL OR CAST(p.end_at AS DATE) > s.end_on THEN s.end_on
              ELSE CAST(p.end_at AS DATE) END AS to_on
  FROM x_pairs AS p JOIN {scope} AS s ON {same_case("p", "s")}
),
x_ordered AS (
  SELECT unit_code, case_number, from_on, to_on,
         MAX(to_on) OVER (PARTITION BY unit_code, case_number ORDER BY from_on, to_on
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
  FROM x_intervals
  WHERE to_on > from_on
),
x_islands AS (
  SELECT unit_code, case_number, from_on, to_on,
         SUM(CASE WHEN reach IS NULL OR from_on > reach THEN 1 ELSE 0 END)
           OVER (PARTITION BY unit_code, case_number ORDER BY from_on, to_on
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
  FROM x_ordered
),
x_merged AS (
  SELECT unit_code, case_number, island, MIN(from_on) AS from_on, MAX(to_on) AS to_on
  FROM x_islands
  GROUP BY unit_code, case_number, island
),
excluded AS (
  SELECT unit_code, case_number, CAST(SUM(date_diff('day', from_on, to_on)) AS INTEGER) AS excluded_days
  FROM x_merged
  GROUP BY unit_code, case_number
)"""  # noqa: S608


def _plus_period(date: str, period: str) -> str:
    """SQL adding an ISO period of whole months ("P6M") or days ("P20D") to a DATE expression."""
    amount = int(period[1:-1])
    if period.endswith("M"):
        return f"CAST({date} + INTERVAL {amount} MONTH AS DATE)"
    return f"{date} + CAST({amount} AS INTEGER)"


def court_scope_cte(case_filter: str, limits: dict[str, str] | str) -> str:
    """``scope`` CTE of court cases with their statutory due date before exclusions.

    ``limits`` maps procedure -> ISO period ("P6M", "P20D"); cases with another procedure are
    not judged (their limit is unknown). A single period applies to every procedure.
    ``end_on`` is the closing date, else the as-of date.
    """
    if isinstance(limits, str):
        due = _plus_period("c.filed_at", limits)
        period = f"'{limits}'"
        procedure_filter = ""
    else:
        due = (
            "CASE c.procedure "
            + " ".join(f"WHEN '{p}' THEN {_plus_period('c.filed_at', v)}" for p, v in limits.items())
            + " END"
        )
        period = "CASE c.procedure " + " ".join(f"WHEN '{p}' THEN '{v}'" for p, v in limits.items()) + " END"
        procedure_filter = f" AND c.procedure IN ({quoted(limits)})"
    return f"""scope AS (
  SELECT c.unit_code, c.case_number, c.procedure, c.filed_at, c.closed_at,
         COALESCE(c.closed_at, {AS_OF}) AS end_on,
         {due} AS statutory_due,
         {period} AS limit_period
  FROM cases AS c
  WHERE {case_filter} AND c.filed_at IS NOT NULL{procedure_filter}
)"""  # noqa: S608


def court_deadline_sql(
    rule_id: str,
    case_filter: str,
    limits: dict[str, str] | str,
    exclusions: tuple[str, ...],
    exclusions_after_extension: bool,
) -> str:
    """A court time-limit rule (CV-02, CT-01, AD-01, EN-01).

    Due date = the statutory due date plus excluded days; a ``trial_limit_extended`` event's
    ``new_due_date`` (the greatest) replaces it. ``exclusions_after_extension`` adds the excluded
    days to the extended date too (CT-01, EN-01: the extension replaces the statutory period
    only) instead of replacing everything (CV-02, AD-01). The result is holiday-shifted through
    ``calendar``; the case fires when its closing date (else as-of) is after that day.
    """
    if exclusions_after_extension:
        unshifted = "COALESCE(t.extended_to, s.statutory_due) + CAST(COALESCE(x.excluded_days, 0) AS INTEGER)"
    else:
        unshifted = "COALESCE(t.extended_to, s.statutory_due + CAST(COALESCE(x.excluded_days, 0) AS INTEGER))"
    return f"""WITH {court_scope_cte(case_filter, limits)},
{excluded_days_ctes("scope", exclusions)},
extensions AS (
  SELECT e.unit_code, e.case_number, MAX(e.new_due_date) AS extended_to
  FROM events AS e
  WHERE e.kind = 'trial_limit_extended' AND e.new_due_date IS NOT NULL
  GROUP BY e.unit_code, e.case_number
),
due AS (
  SELECT s.unit_code, s.case_number, s.procedure, s.filed_at, s.closed_at, s.end_on, s.limit_period,
         COALESCE(x.excluded_days, 0) AS excluded_days, t.extended_to,
         {unshifted} AS unshifted_due
  FROM scope AS s
  LEFT JOIN excluded AS x ON {same_case("x", "s")}
  LEFT JOIN extensions AS t ON {same_case("t", "s")}
)
SELECT '{rule_id}' AS rule_id, d.unit_code, d.case_number, 'case' AS subject,
       d.filed_at AS filed_on, d.procedure, d.limit_period, d.excluded_days, d.extended_to,
       COALESCE(cal.next_workday, d.unshifted_due) AS due_date,
       d.end_on, CASE WHEN d.closed_at IS NULL THEN 'as_of' ELSE 'closed' END AS end_basis,
       date_diff('day', COALESCE(cal.next_workday, d.unshifted_due), d.end_on) AS days_over,
       cal.next_workday IS NULL AS calendar_gap
FROM due AS d
LEFT JOIN calendar AS cal ON cal.day = d.unshifted_due
WHERE d.end_on > COALESCE(cal.next_workday, d.unshifted_due)"""  # noqa: S608


COURT_EVIDENCE_ZH = (
    "立案 {filed_on}，{procedure}，法定审限 {limit_period}，扣除 {excluded_days}，延长至 {extended_to}，"
    "届满日 {due_date}；{end_basis} {end_on}，超期 {days_over}"
)
COURT_EVIDENCE_EN = (
    "Filed {filed_on}, {procedure}, statutory limit {limit_period}, {excluded_days} excluded, "
    "extended to {extended_to}, due {due_date}; {end_basis} {end_on}: {days_over} over"
)

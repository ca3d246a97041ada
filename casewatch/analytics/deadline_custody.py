"""Custody chain per person (羁押期限): the current stage, the day its legal basis runs out, and
the days held without a valid basis — vectorised SQL over ``events``."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

#: custody event kinds and the stage each opens
CUSTODY_STAGES = {
    "detained": "detention",
    "arrest_requested": "arrest_review",
    "arrest_approved": "investigation_custody",
    "custody_extended": "investigation_custody",
    "transferred_for_prosecution": "prosecution_review",
    "review_received": "prosecution_review",
    "review_extended": "prosecution_review",
    "returned_for_supplementary_investigation": "supplementary_investigation",
    "indicted": "trial",
    "trial_limit_extended": "trial",
}
#: kinds that end custody (no legal basis needed afterwards)
CUSTODY_ENDS = (
    "released",
    "bail",
    "residential_surveillance",
    "arrest_denied",
    "judgment_pronounced",
    "not_prosecuted",
)

CUSTODY_COLUMNS = (
    "person",
    "unit_code",
    "case_number",
    "stage",
    "stage_started",
    "basis_until",
    "in_custody",
    "days_left",
    "gap_days",
    "detained_on",
)


def custody_state(con, as_of: dt.date) -> pa.Table:
    """Per person: the current custody stage, the day its legal basis runs out, and the days held
    without a valid legal basis over the whole chain (刑事诉讼法 第98条).

    Chain: detention (3 / 7 / 30 days to the arrest request, by the request's reason) → arrest
    review (7 days) → investigation custody (2 months, extensions' new due dates) → prosecution
    review (1 month; extensions; supplementary investigation 1 month) → trial (3 months;
    extensions). Custody periods never shift for holidays. A person is followed by
    ``events.person_party_id`` across cases and agencies; events without a person are ignored.
    """
    con.execute("CREATE OR REPLACE TABLE params AS SELECT CAST(? AS DATE) AS as_of", [as_of])
    kinds = tuple(CUSTODY_STAGES) + CUSTODY_ENDS
    stage = (
        "CASE e.kind "
        + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CUSTODY_STAGES.items())
        + " ELSE 'released' END"
    )
    sql = f"""WITH ev AS (
  SELECT e.person_party_id AS person, e.unit_code, e.case_number, e.kind, e.seq, e.reason, e.new_due_date,
         CAST(e.occurred_at AS DATE) AS on_day, e.occurred_at, {stage} AS stage
  FROM events AS e
  WHERE e.person_party_id IS NOT NULL AND e.kind IN ({", ".join(f"'{k}'" for k in kinds)})
    AND CAST(e.occurred_at AS DATE) <= (SELECT as_of FROM params)
),
req AS (
  SELECT person, arg_min(reason, occurred_at) AS reason FROM ev WHERE kind = 'arrest_requested' GROUP BY person
),
ordered AS (
  SELECT ev.*,
         CASE ev.kind
           WHEN 'detained' THEN ev.on_day + CAST(CASE r.reason WHEN 'special' THEN 7 WHEN 'major_roving' THEN 30 ELSE 3 END AS INTEGER)
           WHEN 'arrest_requested' THEN ev.on_day + CAST(7 AS INTEGER)
           WHEN 'arrest_approved' THEN CAST(ev.on_day + INTERVAL 2 MONTH AS DATE)
           WHEN 'transferred_for_prosecution' THEN CAST(ev.on_day + INTERVAL 1 MONTH AS DATE)
           WHEN 'review_received' THEN CAST(ev.on_day + INTERVAL 1 MONTH AS DATE)
           WHEN 'returned_for_supplementary_investigation' THEN CAST(ev.on_day + INTERVAL 1 MONTH AS DATE)
           WHEN 'indicted' THEN CAST(ev.on_day + INTERVAL 3 MONTH AS DATE)
           ELSE ev.new_due_date END AS own_basis,
         ev.kind IN ('custody_extended', 'review_extended', 'trial_limit_extended') AS is_extension,
         ev.kind IN ({", ".join(f"'{k}'" for k in CUSTODY_ENDS)}) AS is_end,
         ROW_NUMBER() OVER (PARTITION BY ev.person ORDER BY ev.occurred_at, ev.seq) AS n
  FROM ev LEFT JOIN req AS r ON r.person = ev.person
),
chain AS (
  SELECT o.*,
         SUM(CASE WHEN o.is_extension THEN 0 ELSE 1 END) OVER (PARTITION BY o.person ORDER BY o.n
             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stage_no,
         MIN(CASE WHEN o.kind = 'detained' THEN o.on_day END) OVER (PARTITION BY o.person) AS detained_on
  FROM ordered AS o
),
basis AS (
  SELECT c.*,
         MAX(c.own_basis) OVER (PARTITION BY c.person, c.stage_no ORDER BY c.n
             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS basis_until,
         LEAD(c.on_day) OVER (PARTITION BY c.person ORDER BY c.n) AS next_day,
         MIN(c.stage) OVER (PARTITION BY c.person, c.stage_no) AS stage_name,
         MIN(c.on_day) OVER (PARTITION BY c.person, c.stage_no) AS stage_started,
         COUNT(*) OVER (PARTITION BY c.person) AS total
  FROM chain AS c
  WHERE c.detained_on IS NOT NULL AND c.on_day >= c.detained_on
),
gaps AS (
  SELECT b.*,
         CASE WHEN b.is_end THEN 0
              ELSE GREATEST(date_diff('day', b.basis_until, COALESCE(b.next_day, (SELECT as_of FROM params))), 0) END AS gap
  FROM basis AS b
)
SELECT person, arg_max(unit_code, n) AS unit_code, arg_max(case_number, n) AS case_number,
       arg_max(CASE WHEN is_end THEN 'released' ELSE stage_name END, n) AS stage,
       arg_max(stage_started, n) AS stage_started,
       arg_max(CASE WHEN is_end THEN NULL ELSE basis_until END, n) AS basis_until,
       NOT arg_max(is_end, n) AS in_custody,
       arg_max(CASE WHEN is_end THEN NULL ELSE date_diff('day', (SELECT as_of FROM params), basis_until) END, n) AS days_left,
       CAST(SUM(gap) AS INTEGER) AS gap_days,
       MIN(detained_on) AS detained_on
FROM gaps
GROUP BY person
ORDER BY person"""  # noqa: S608 - constant fragments
    return con.sql(sql).to_arrow_table()

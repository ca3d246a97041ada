"""Enforcement and credit, set-based in DuckDB: listing deadlines, incentive eligibility, measures.

Rules (``../shared/domain/rules-cn.md`` §4; docs/enforcement.md):

* **Deletion** (最高人民法院关于公布失信被执行人名单信息的若干规定, 2017, art. 10): within **3 working
  days** of a trigger — performed, settlement performed, creditor consent, 终本 followed by two nil
  online asset searches, suspension for retrial or bankruptcy, non-enforcement, termination — or,
  for grounds 2–6, of the end of the term (2 years, + 1–3 years when serious; art. 2).
* **Correction** (art. 11–12): review within **15 days** of the request, correction within **3
  working days** of a decision that upholds it, reconsideration applied for within **10 days** of a
  rejection and decided within **15 days**.
* **Working days** come from the holiday calendar of :mod:`casewatch.analytics.timelimits`
  (make-up working days count, statutory holidays and weekends do not); "N working days after D"
  is the N-th working day after D, D itself not counted. Calendar-day periods end on a working day
  (holiday shift, 民事诉讼法 第85条).
* **Wrongful listing**: a minor at the decision date (art. 4), ground 1 although security was
  provided or seized assets suffice (art. 3), a term or grace period outside the rules.
* **Incentive** (宁波 自动履行正向激励, local rule as documented): paid in full by the performance
  deadline, before any enforcement filing, and no pending enforcement case as a debtor anywhere.

Every function takes a DuckDB connection on which the canonical tables are registered (see
:func:`connect`) and returns Arrow; nothing here imports Django.
"""

# ruff: noqa: S608 - SQL is built from dates, constants and a unit prefix checked against [0-9A-Z-]
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from casewatch.analytics import schema, timelimits

#: Working days allowed for deletion and correction; calendar days for review/reconsideration.
DELETE_WORKDAYS = 3
CORRECT_WORKDAYS = 3
REVIEW_DAYS = 15
RECONSIDER_APPLY_DAYS = 10
RECONSIDER_DECIDE_DAYS = 15
#: 法发〔2017〕6号: payout work within 30 days of the receipt notice (docs/enforcement.md).
PAYOUT_DAYS = 30
BASE_TERM_MONTHS = 24

ENF_TABLES = (
    "cases",
    "case_parties",
    "parties",
    *(t.name for t in schema.ENFORCEMENT_TABLES),
)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (``day`` not counted); Python twin of the SQL."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if not (timelimits.in_coverage(day) and timelimits.in_coverage(day + dt.timedelta(days=n * 3 + 20))):
        raise ValueError(f"{day} is outside the holiday calendar")
    d = day
    while n:
        d += dt.timedelta(days=1)
        if timelimits.is_workday(d):
            n -= 1
    return d


def round_half_up(value, places: int = 1) -> Decimal | None:
    """Half-up rounding (0.05 → 0.1), never banker's rounding; None stays None."""
    if value is None:
        return None
    q = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP)


def connect(tables: dict | None = None, store=None):
    """A DuckDB connection with the enforcement tables (Arrow, or empty) and the calendar views.

    ``tables`` maps canonical names to Arrow tables (registered, zero-copy) or Parquet paths (read
    once into DuckDB tables); absent ones are empty. ``store``: the path of the warm analytics
    store (:mod:`casewatch.analytics.store`), attached read-only and read through views instead.
    """
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    tables = tables or {}
    if store is not None:
        from casewatch.analytics import store as warm

        warm.attach(con, store)
        warm.create_views(con, tables=ENF_TABLES)
    for name in ENF_TABLES if store is None else ():
        value = tables.get(name)
        if value is None:
            value = pa.Table.from_pylist([], schema=schema.arrow_schema(name))
        if isinstance(value, str):
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{value}')")  # read once
        else:
            con.register(name, value)
    add_calendar(con)
    return con


def add_calendar(con) -> None:
    """The working-day tables the deadline SQL joins: ``cal`` (day, is_workday, next_workday,
    wd_idx = working days up to and including the day) and ``workdays`` (wd_idx -> day)."""
    con.register("calendar_raw", timelimits.calendar_table())
    con.execute(
        """
        CREATE OR REPLACE TABLE cal AS
        SELECT day, is_workday, next_workday,
               SUM(CASE WHEN is_workday THEN 1 ELSE 0 END) OVER (ORDER BY day) AS wd_idx
        FROM calendar_raw;
        CREATE OR REPLACE TABLE workdays AS SELECT wd_idx, day FROM cal WHERE is_workday;
        """
    )
    con.unregister("calendar_raw")


_LISTINGS_SQL = """
WITH l AS (
  SELECT l.*,
    CASE WHEN l.ground <> '1' THEN
      CAST(l.decided_on + to_months(CAST(24 + 12 * COALESCE(CASE WHEN l.serious THEN l.extra_years END, 0) AS INTEGER)) AS DATE)
    END AS term_end,
    CASE WHEN l.grace_months IS NOT NULL
      THEN CAST(l.decided_on + to_months(CAST(l.grace_months AS INTEGER)) AS DATE) END AS grace_end
  FROM dishonest_listings l WHERE {listing_filter}
),
nil2 AS (  -- 终本, then the second nil online search on or after it
  SELECT unit_code, case_number, MIN(searched_on) AS second_nil_on FROM (
    SELECT r.unit_code, r.case_number, s.searched_on,
           ROW_NUMBER() OVER (PARTITION BY r.ruling_id ORDER BY s.searched_on, s.search_id) AS rn
    FROM enforcement_rulings r
    JOIN asset_searches s ON s.unit_code = r.unit_code AND s.case_number = r.case_number
     AND s.result = 'nil' AND COALESCE(s.online, TRUE) AND s.searched_on >= r.ruled_on
    WHERE r.kind = 'round_terminated'
  ) WHERE rn = 2
  GROUP BY 1, 2
),
rul AS (
  SELECT unit_code, case_number,
    MIN(CASE WHEN kind IN ('suspended_retrial', 'suspended_bankruptcy') THEN ruled_on END) AS suspended_on,
    MIN(CASE WHEN kind = 'non_enforcement' THEN ruled_on END) AS non_enf_on,
    MIN(CASE WHEN kind = 'terminated' THEN ruled_on END) AS terminated_on
  FROM enforcement_rulings GROUP BY 1, 2
),
st AS (
  SELECT unit_code, case_number, MIN(performed_on) AS settled_on
  FROM enforcement_settlements WHERE performed_on IS NOT NULL GROUP BY 1, 2
),
perf AS (
  SELECT unit_code, case_number, closed_at AS performed_on
  FROM cases WHERE outcome = 'performed' AND closed_at IS NOT NULL
),
cand AS (  -- every trigger on or after the decision; the earliest wins (ties: this order)
  SELECT l.listing_id,
    CASE WHEN p.performed_on >= l.decided_on THEN p.performed_on END AS t_performed,
    CASE WHEN st.settled_on >= l.decided_on THEN st.settled_on END AS t_settled,
    CASE WHEN n.second_nil_on >= l.decided_on THEN n.second_nil_on END AS t_nil,
    CASE WHEN r.suspended_on >= l.decided_on THEN r.suspended_on END AS t_suspended,
    CASE WHEN r.non_enf_on >= l.decided_on THEN r.non_enf_on END AS t_non_enf,
    CASE WHEN r.terminated_on >= l.decided_on THEN r.terminated_on END AS t_terminated,
    CASE WHEN l.term_end >= l.decided_on THEN l.term_end END AS t_term,
    CASE WHEN l.trigger_on >= l.decided_on AND NULLIF(l.trigger, '') IS NOT NULL THEN l.trigger_on END AS t_recorded,
    l.trigger AS recorded
  FROM l
  LEFT JOIN perf p USING (unit_code, case_number)
  LEFT JOIN st USING (unit_code, case_number)
  LEFT JOIN nil2 n USING (unit_code, case_number)
  LEFT JOIN rul r USING (unit_code, case_number)
),
first_trig AS (
  SELECT listing_id, trig_on,
    CASE trig_on WHEN t_performed THEN 'performed' WHEN t_settled THEN 'settlement_performed'
      WHEN t_nil THEN 'round_terminated_nil' WHEN t_suspended THEN 'suspended' WHEN t_non_enf THEN 'non_enforcement'
      WHEN t_terminated THEN 'terminated' WHEN t_term THEN 'term_ended' ELSE recorded END AS trig
  FROM (SELECT *, least(t_performed, t_settled, t_nil, t_suspended, t_non_enf, t_terminated, t_term, t_recorded)
          AS trig_on FROM cand)
  WHERE trig_on IS NOT NULL
),
x AS (
  SELECT l.*, f.trig AS derived_trigger, f.trig_on AS derived_trigger_on,
    p.birth_date,
    CASE WHEN p.birth_date IS NOT NULL
      THEN date_diff('year', p.birth_date, l.decided_on)
           - CASE WHEN strftime(l.decided_on, '%m%d') < strftime(p.birth_date, '%m%d') THEN 1 ELSE 0 END
    END AS age_at_decision
  FROM l
  LEFT JOIN first_trig f USING (listing_id)
  LEFT JOIN parties p ON p.party_id = l.debtor_party_id
)
SELECT
  x.listing_id, x.unit_code, x.case_number, x.debtor_party_id, x.ground, x.decided_on,
  x.term_end, x.grace_end, x.published_on,
  x.derived_trigger AS trigger, x.derived_trigger_on AS trigger_on,
  w1.day AS deletion_due,
  x.deleted_on,
  x.correction_requested_on,
  s1.next_workday AS review_due,
  x.correction_decided_on, x.correction_outcome,
  CASE WHEN x.correction_outcome = 'corrected' THEN w2.day END AS correction_due,
  x.corrected_on,
  CASE WHEN x.correction_outcome = 'rejected' THEN s2.next_workday END AS reconsideration_apply_by,
  x.reconsideration_requested_on,
  s3.next_workday AS reconsideration_due,
  x.reconsideration_decided_on,
  CASE
    WHEN x.age_at_decision IS NOT NULL AND x.age_at_decision < 18 THEN 'minor'
    WHEN x.ground = '1' AND (COALESCE(x.security_provided, FALSE) OR COALESCE(x.assets_sufficient, FALSE))
      THEN 'must_not_list'
    WHEN x.ground = '1' AND x.serious THEN 'term_on_ground_1'
    WHEN COALESCE(x.serious, FALSE) AND (x.extra_years IS NULL OR x.extra_years NOT BETWEEN 1 AND 3)
      THEN 'serious_extra_years'
    WHEN NOT COALESCE(x.serious, FALSE) AND COALESCE(x.extra_years, 0) <> 0 THEN 'extra_years_not_serious'
    WHEN x.grace_months IS NOT NULL AND x.grace_months NOT BETWEEN 1 AND 3 THEN 'grace_out_of_range'
    WHEN x.published_on IS NOT NULL AND x.grace_end IS NOT NULL AND x.published_on < x.grace_end
      THEN 'published_in_grace'
  END AS wrongful,
  x.age_at_decision
FROM x
LEFT JOIN cal c1 ON c1.day = x.derived_trigger_on
LEFT JOIN workdays w1 ON w1.wd_idx = c1.wd_idx + {delete_wd}
LEFT JOIN cal c2 ON c2.day = x.correction_decided_on
LEFT JOIN workdays w2 ON w2.wd_idx = c2.wd_idx + {correct_wd}
LEFT JOIN cal s1 ON s1.day = x.correction_requested_on + {review}
LEFT JOIN cal s2 ON s2.day = x.correction_decided_on + {rec_apply}
LEFT JOIN cal s3 ON s3.day = x.reconsideration_requested_on + {rec_decide}
"""

_STATE_SQL = """
SELECT *,
  CASE
    WHEN deleted_on IS NOT NULL AND deleted_on < decided_on THEN 'deleted_before_listing'
    WHEN deletion_due IS NULL AND deleted_on IS NULL THEN 'listed'
    WHEN deletion_due IS NULL THEN 'deleted_no_trigger'
    WHEN deleted_on IS NOT NULL AND deleted_on <= deletion_due THEN 'deleted_on_time'
    WHEN deleted_on IS NOT NULL THEN 'deleted_late'
    WHEN DATE '{as_of}' > deletion_due THEN 'overdue'
    ELSE 'due'
  END AS deletion_state,
  CASE
    WHEN deletion_due IS NULL THEN NULL
    ELSE date_diff('day', deletion_due, COALESCE(deleted_on, DATE '{as_of}'))
  END AS days_past_due,
  CASE
    WHEN correction_requested_on IS NULL THEN NULL
    WHEN correction_decided_on IS NULL THEN CASE WHEN DATE '{as_of}' > review_due THEN 'review_overdue' ELSE 'in_review' END
    WHEN correction_decided_on > review_due THEN 'reviewed_late'
    WHEN correction_due IS NOT NULL AND corrected_on IS NULL AND DATE '{as_of}' > correction_due THEN 'correction_overdue'
    WHEN correction_due IS NOT NULL AND corrected_on > correction_due THEN 'corrected_late'
    WHEN reconsideration_requested_on IS NOT NULL AND reconsideration_requested_on > reconsideration_apply_by
      THEN 'reconsideration_out_of_time'
    WHEN reconsideration_requested_on IS NOT NULL AND reconsideration_decided_on IS NULL
      AND DATE '{as_of}' > reconsideration_due THEN 'reconsideration_overdue'
    ELSE 'in_time'
  END AS correction_state
FROM listings_raw
"""


def listings_sql(listing_filter: str = "TRUE") -> str:
    """The as-of-independent part of the listing state: triggers, deadlines, wrongful reasons.

    What the warm store keeps as its derived table ``d_enf_listings`` (computed once per
    generation, :mod:`casewatch.analytics.derived`); needs the ``cal``/``workdays`` tables.
    ``listing_filter`` (SQL over alias ``l``, built from constants) restricts it to some listings:
    a listing's row depends only on its own case's records and its debtor."""
    return _LISTINGS_SQL.format(
        listing_filter=listing_filter,
        delete_wd=DELETE_WORKDAYS,
        correct_wd=CORRECT_WORKDAYS,
        review=REVIEW_DAYS,
        rec_apply=RECONSIDER_APPLY_DAYS,
        rec_decide=RECONSIDER_DECIDE_DAYS,
    )


def derived_table(con, name: str) -> str | None:
    """``store.main.d_<name>`` when the attached store holds that derived table in the version this
    code computes (else None: compute from the base tables)."""
    from casewatch.analytics import derived

    return derived.table_if_current(con, name)


def prepare_listings(con) -> None:
    """``listings_raw`` on ``con``: a view over the store's derived table when it is current,
    else computed from the base tables (one statement)."""
    source = derived_table(con, "enf_listings")
    if source:
        con.execute(f"CREATE OR REPLACE TEMP VIEW listings_raw AS SELECT * FROM {source}")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE listings_raw AS {listings_sql()}")


def listing_state_sql(as_of: dt.date) -> str:
    """The listing state as of a day over ``listings_raw`` (call :func:`prepare_listings` first)."""
    return _STATE_SQL.format(as_of=as_of.isoformat())


def listing_state(con, as_of: dt.date):
    """Every listing with its trigger, deletion and correction deadlines and their state (Arrow)."""
    prepare_listings(con)
    return con.sql(listing_state_sql(as_of)).to_arrow_table()


_ELIGIBILITY_SQL = """
WITH dk AS (SELECT ROW_NUMBER() OVER () AS k, * FROM performance_deadlines),
daily AS (  -- payments per judgment and day (one join on the natural key, then integers)
  SELECT dk.k, p.paid_on, SUM(p.amount) AS amt
  FROM debtor_payments p JOIN dk USING (unit_code, case_number, debtor_party_id)
  GROUP BY 1, 2
),
cum AS (
  SELECT k, paid_on, SUM(amt) OVER (PARTITION BY k ORDER BY paid_on ROWS UNBOUNDED PRECEDING) AS cum FROM daily
),
agg AS (
  SELECT c.k, MIN(c.paid_on) FILTER (WHERE c.cum >= dk.amount_due) AS paid_full_on, MAX(c.cum) AS paid_total
  FROM cum c JOIN dk USING (k) GROUP BY 1
),
d AS (
  SELECT dk.*, a.paid_full_on, COALESCE(a.paid_total, 0) AS paid_total
  FROM dk LEFT JOIN agg a USING (k)
),
filed AS (
  SELECT source_unit_code AS unit_code, source_case_number AS case_number, debtor_party_id,
         MIN(filed_on) AS filed_on
  FROM enforcement_filings GROUP BY 1, 2, 3
),
pending AS (
  SELECT DISTINCT cp.party_id
  FROM case_parties cp JOIN cases c USING (unit_code, case_number)
  WHERE cp.role = 'debtor' AND c.case_type = 'enforcement' AND c.status IN ('pending', 'suspended')
    AND c.filed_at <= DATE '{as_of}'
  UNION
  SELECT f.debtor_party_id FROM enforcement_filings f JOIN cases c USING (unit_code, case_number)
  WHERE c.status IN ('pending', 'suspended') AND f.filed_on <= DATE '{as_of}'
)
SELECT d.unit_code, d.case_number, d.debtor_party_id, d.creditor_party_id, d.perform_by,
  d.amount_due, d.paid_total, d.paid_full_on, f.filed_on AS enforcement_filed_on,
  pa.kind AS debtor_kind, (pe.party_id IS NOT NULL) AS pending_elsewhere,
  CASE
    WHEN d.paid_full_on IS NULL THEN 'not_paid_in_full'
    WHEN d.paid_full_on > d.perform_by THEN 'paid_late'
    WHEN f.filed_on IS NOT NULL AND f.filed_on <= d.paid_full_on THEN 'enforcement_filed_first'
    WHEN pe.party_id IS NOT NULL THEN 'pending_enforcement'
    ELSE 'eligible'
  END AS reason,
  d.paid_total > d.amount_due AS overpaid
FROM d
LEFT JOIN filed f USING (unit_code, case_number, debtor_party_id)
LEFT JOIN parties pa ON pa.party_id = d.debtor_party_id
LEFT JOIN pending pe ON pe.party_id = d.debtor_party_id
"""


#: the as-of-independent part of eligibility (the store's derived ``d_enf_eligibility``): the
#: as-of test "a pending enforcement case as a debtor, filed by the day" becomes the earliest such
#: filing per debtor (case and filing branches kept apart, so the comparison with the day is the
#: same one :data:`_ELIGIBILITY_SQL` makes); the reasons that do not depend on the day are fixed.
ELIGIBILITY_BASE_SQL = (
    _ELIGIBILITY_SQL.split("pending AS (")[0]
    + """pending_case AS (
  SELECT cp.party_id, MIN(c.filed_at) AS since
  FROM case_parties cp JOIN cases c USING (unit_code, case_number)
  WHERE cp.role = 'debtor' AND c.case_type = 'enforcement' AND c.status IN ('pending', 'suspended')
  GROUP BY 1
),
pending_filing AS (
  SELECT f.debtor_party_id AS party_id, MIN(f.filed_on) AS since
  FROM enforcement_filings f JOIN cases c USING (unit_code, case_number)
  WHERE c.status IN ('pending', 'suspended') GROUP BY 1
)
SELECT d.unit_code, d.case_number, d.debtor_party_id, d.creditor_party_id, d.perform_by,
  d.amount_due, d.paid_total, d.paid_full_on, f.filed_on AS enforcement_filed_on,
  pa.kind AS debtor_kind, pc.since AS pending_case_since, pf.since AS pending_filing_since,
  CASE
    WHEN d.paid_full_on IS NULL THEN 'not_paid_in_full'
    WHEN d.paid_full_on > d.perform_by THEN 'paid_late'
    WHEN f.filed_on IS NOT NULL AND f.filed_on <= d.paid_full_on THEN 'enforcement_filed_first'
  END AS reason_base,
  d.paid_total > d.amount_due AS overpaid
FROM d
LEFT JOIN filed f USING (unit_code, case_number, debtor_party_id)
LEFT JOIN parties pa ON pa.party_id = d.debtor_party_id
LEFT JOIN pending_case pc ON pc.party_id = d.debtor_party_id
LEFT JOIN pending_filing pf ON pf.party_id = d.debtor_party_id
"""
)

_ELIGIBILITY_AS_OF_SQL = """
SELECT unit_code, case_number, debtor_party_id, creditor_party_id, perform_by, amount_due, paid_total,
  paid_full_on, enforcement_filed_on, debtor_kind,
  COALESCE(pending_case_since <= DATE '{as_of}' OR pending_filing_since <= DATE '{as_of}', FALSE) AS pending_elsewhere,
  COALESCE(reason_base, CASE WHEN pending_case_since <= DATE '{as_of}' OR pending_filing_since <= DATE '{as_of}'
                             THEN 'pending_enforcement' ELSE 'eligible' END) AS reason,
  overpaid
FROM {source}
"""


def prepare_eligibility(con, as_of: dt.date) -> None:
    """``eligibility`` on ``con`` as of a day: a view over the store's derived table when current,
    else computed from the base tables."""
    source = derived_table(con, "enf_eligibility")
    if source:
        sql = _ELIGIBILITY_AS_OF_SQL.format(as_of=as_of.isoformat(), source=source)
        con.execute(f"CREATE OR REPLACE TEMP VIEW eligibility AS {sql}")
    else:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE eligibility AS {_ELIGIBILITY_SQL.format(as_of=as_of.isoformat())}"
        )


def eligibility(con, as_of: dt.date):
    """Incentive eligibility per (judgment, debtor) with the first failing reason (Arrow)."""
    prepare_eligibility(con, as_of)
    return con.sql("SELECT * FROM eligibility").to_arrow_table()


#: per receipt, every dated payout (the store's derived ``d_enf_fund_receipts``); the aging as of a
#: day subtracts the payouts after it (none, for today), see :func:`fund_aging_sql`.
FUND_RECEIPTS_SQL = """
WITH out AS (
  SELECT receipt_id, SUM(amount) AS paid_out, MAX(occurred_on) AS last_out_on FROM case_fund_movements
  WHERE kind IN ('payout', 'fee_refund') AND occurred_on IS NOT NULL AND receipt_id IS NOT NULL
  GROUP BY 1
)
SELECT r.movement_id, r.unit_code, r.case_number, r.occurred_on AS received_on, r.amount,
       COALESCE(o.paid_out, 0) AS paid_out_total, o.last_out_on
FROM case_fund_movements r LEFT JOIN out o ON o.receipt_id = r.movement_id
WHERE r.kind = 'receipt'
"""


def fund_aging_sql(con, as_of: dt.date) -> str:
    """SQL of :func:`fund_aging` over the store's derived receipts when current, else the base table."""
    source = derived_table(con, "enf_fund_receipts")
    if not source:
        return _FUND_AGING_SQL.format(as_of=as_of.isoformat(), days=PAYOUT_DAYS)
    a = as_of.isoformat()
    (last,) = con.execute(f"SELECT max(last_out_on) FROM {source}").fetchall()[0]  # noqa: S608
    if last is None or as_of >= last:  # no payout after the day (today's page): nothing to subtract
        return f"""
        SELECT movement_id, unit_code, case_number, received_on, amount, paid_out_total AS paid_out,
               amount - paid_out_total AS held,
               date_diff('day', received_on, DATE '{a}') AS age_days,
               date_diff('day', received_on, DATE '{a}') > {PAYOUT_DAYS} AS aged
        FROM {source} WHERE received_on <= DATE '{a}' AND amount - paid_out_total > 0
        """  # noqa: S608 - a date and the derived table's name
    return f"""
        WITH late AS (
          SELECT receipt_id, SUM(amount) AS amt FROM case_fund_movements
          WHERE kind IN ('payout', 'fee_refund') AND occurred_on > DATE '{a}' AND receipt_id IS NOT NULL
          GROUP BY 1
        ), r AS (
          SELECT r.*, r.paid_out_total - COALESCE(l.amt, 0) AS paid_out
          FROM {source} r LEFT JOIN late l ON l.receipt_id = r.movement_id
          WHERE r.received_on <= DATE '{a}'
        )
        SELECT movement_id, unit_code, case_number, received_on, amount, paid_out, amount - paid_out AS held,
               date_diff('day', received_on, DATE '{a}') AS age_days,
               date_diff('day', received_on, DATE '{a}') > {PAYOUT_DAYS} AS aged
        FROM r WHERE amount - paid_out > 0
        """


_FUND_AGING_SQL = """
        WITH out AS (
          SELECT receipt_id, SUM(amount) AS paid_out FROM case_fund_movements
          WHERE kind IN ('payout', 'fee_refund') AND occurred_on <= DATE '{as_of}' AND receipt_id IS NOT NULL
          GROUP BY 1
        )
        SELECT r.movement_id, r.unit_code, r.case_number, r.occurred_on AS received_on, r.amount,
               COALESCE(o.paid_out, 0) AS paid_out, r.amount - COALESCE(o.paid_out, 0) AS held,
               date_diff('day', r.occurred_on, DATE '{as_of}') AS age_days,
               date_diff('day', r.occurred_on, DATE '{as_of}') > {days} AS aged
        FROM case_fund_movements r LEFT JOIN out o ON o.receipt_id = r.movement_id
        WHERE r.kind = 'receipt' AND r.occurred_on <= DATE '{as_of}'
          AND r.amount - COALESCE(o.paid_out, 0) > 0
        """


def fund_aging(con, as_of: dt.date):
    """Receipts with money still held on ``as_of`` and how long (Arrow): held = receipt − payouts."""
    return con.sql(fund_aging_sql(con, as_of)).to_arrow_table()


#: Measure definitions shown beside the numbers (also docs/indicators.md).
DEFINITIONS = {
    "voluntary_rate": (
        "自动履行率：履行期限届满日在期间内的生效裁判中，在履行期限届满日前全额履行的比例（%，四舍五入保留1位）",
        "Voluntary performance rate: of judgments whose performance deadline falls in the period, the share "
        "paid in full by the deadline (%, half-up to 1 decimal).",
    ),
    "listings": (
        "期间内作出的失信决定数；其中错误纳入（未成年人、不应纳入情形、期限或宽限期不合规则）",
        "Listing decisions in the period; of which wrongful (minor, must-not-list, term or grace outside the rules).",
    ),
    "deletions_on_time": (
        "删除及时率：删除期限在期间内的失信信息中，在删除事由发生后3个工作日内删除的比例",
        "Deletions on time: of listings whose deletion was due in the period, the share deleted within 3 working days "
        "of the trigger.",
    ),
    "repairs_completed": (
        "信用修复完成数：期间内完成（回访完成）的信用修复案件数",
        "Credit repairs completed: repairs whose follow-up was completed in the period.",
    ),
    "performed_after_repair": (
        "修复后履行标的额：上述修复案件中，被执行人在核查之日（含）以后在该执行案件中支付的金额合计（元）",
        "Amount performed after repair: for those repairs, what the debtor paid in the enforcement case on or after "
        "the verification day (yuan).",
    ),
    "incentive_firms": (
        "享受正向激励企业数：期间内全额自动履行且符合正向激励条件的单位被执行人（去重）",
        "Firms benefiting from the incentive: distinct organisation debtors with an eligible voluntary performance "
        "completed in the period.",
    ),
    "payments_cleared": (
        "案款发放笔数：期间内发放执行案款和退还诉讼费的笔数",
        "Case-fund payments cleared: payouts of enforcement money and refunds of litigation fees in the period.",
    ),
    "aged_money": (
        "超30日未发放案款：截至统计日到账超过30日仍未发放的案款笔数和金额（法发〔2017〕6号）",
        "Money aged > 30 days: receipts older than 30 days on the as-of day with money still held.",
    ),
}


def payments_cleared_by_district(con, start: dt.date, end: dt.date, units: list[str]) -> dict[str, int]:
    """``payments_cleared`` of :func:`measures` for every district at once (one grouped query instead
    of a whole `measures` per district): {district code: payouts and fee refunds in [start, end]}
    among the given unit codes; a unit's district is its code up to the first ``-``."""
    import pyarrow as pa

    con.register("cleared_units", pa.table({"code": pa.array(units, pa.string())}))
    rows = con.execute(
        "SELECT split_part(unit_code, '-', 1) AS district, COUNT(*) FROM case_fund_movements "
        "WHERE kind IN ('payout', 'fee_refund') AND occurred_on BETWEEN ? AND ? "
        "AND unit_code IN (SELECT code FROM cleared_units) GROUP BY district",
        [start, end],
    ).fetchall()
    return {district: n for district, n in rows if n}


def measures(
    con, start: dt.date, end: dt.date, as_of: dt.date, unit_prefix: str = "", units: list[str] | None = None
) -> dict:
    """The enforcement measures for [start, end] as of ``as_of``, within units starting with a prefix
    (and, when ``units`` is given, only those unit codes).

    Call after :func:`listing_state` and :func:`eligibility` (they leave their temp tables). Rates
    are percentages rounded half-up to one decimal; amounts are Decimal yuan.
    """
    s, e, a = start.isoformat(), end.isoformat(), as_of.isoformat()
    if not re.fullmatch(r"[0-9A-Z-]*", unit_prefix):
        raise ValueError(f"bad unit prefix {unit_prefix!r}")
    import pyarrow as pa

    con.register("measure_units", pa.table({"code": pa.array(units or [], pa.string())}))
    scope = f"unit_code LIKE '{unit_prefix}%'" + (
        " AND unit_code IN (SELECT code FROM measure_units)" if units is not None else ""
    )
    inp = f"BETWEEN DATE '{s}' AND DATE '{e}'"
    q = lambda sql: con.execute(sql).fetchall()[0]  # noqa: E731
    vol_n, vol_d = q(
        f"SELECT COUNT(*) FILTER (WHERE paid_full_on <= perform_by), COUNT(*) FROM eligibility "
        f"WHERE perform_by {inp} AND {scope}"
    )
    listed, wrongful = q(
        f"SELECT COUNT(*), COUNT(*) FILTER (WHERE wrongful IS NOT NULL) FROM listings_raw "
        f"WHERE decided_on {inp} AND {scope}"
    )
    del_ok, del_due = q(
        "SELECT COUNT(*) FILTER (WHERE deleted_on IS NOT NULL AND deleted_on <= deletion_due), COUNT(*) "
        f"FROM listings_raw WHERE deletion_due {inp} AND deletion_due <= DATE '{a}' AND {scope}"
    )
    repairs, after = q(
        f"""
        WITH r AS (SELECT * FROM credit_repairs WHERE status = 'completed' AND completed_on {inp}
                   AND {scope})
        SELECT (SELECT COUNT(*) FROM r),
               (SELECT COALESCE(SUM(p.amount), 0) FROM r JOIN debtor_payments p
                  ON p.unit_code = r.unit_code AND p.case_number = r.case_number
                 AND p.debtor_party_id = r.debtor_party_id
                 AND p.paid_on >= COALESCE(r.verified_on, r.applied_on) AND p.paid_on <= DATE '{a}')
        """  # noqa: S608
    )
    (firms,) = q(
        f"SELECT COUNT(DISTINCT debtor_party_id) FROM eligibility WHERE reason = 'eligible' "
        f"AND debtor_kind = 'organisation' AND paid_full_on {inp} AND {scope}"
    )
    (cleared,) = q(
        f"SELECT COUNT(*) FROM case_fund_movements WHERE kind IN ('payout', 'fee_refund') "
        f"AND occurred_on {inp} AND {scope}"
    )
    aged_n, aged_sum = q(
        f"SELECT COUNT(*), COALESCE(SUM(held), 0) FROM ({fund_aging_sql(con, as_of)}) WHERE aged AND {scope}"
    )
    pct = lambda n, d: round_half_up(Decimal(n) * 100 / Decimal(d)) if d else None  # noqa: E731
    return {
        "period": (start, end),
        "as_of": as_of,
        "voluntary_rate": pct(vol_n, vol_d),
        "voluntary_n": vol_n,
        "voluntary_d": vol_d,
        "listings": listed,
        "wrongful": wrongful,
        "deletions_on_time": pct(del_ok, del_due),
        "deletions_ok": del_ok,
        "deletions_due": del_due,
        "repairs_completed": repairs,
        "performed_after_repair": Decimal(after).quantize(Decimal("0.01")),
        "incentive_firms": firms,
        "payments_cleared": cleared,
        "aged_count": aged_n,
        "aged_amount": Decimal(aged_sum).quantize(Decimal("0.01")),
    }

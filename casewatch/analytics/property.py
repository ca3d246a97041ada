"""Seized-property deadlines and inventory sampling (data plane; never imports Django).

:func:`alerts` takes the centre's items and open loans as Arrow tables and returns one row per
(item, rule) whose clock is running close to or past its limit. The arithmetic is the shared
time-limit library's (:mod:`casewatch.analytics.timelimits`): day periods do not count the start
day and end on the next working day when the last day is a rest day (the calendar is joined as a
table, one join instead of a per-row call); month periods are calendar months, clamped. The
24-hour hand-over and the loan due time are clock times and are not shifted.

Rules (rules-cn.md §5.6):

* ``handover_24h`` (L2) — seized → handed to the custodian within 24 hours (公安机关办理行政案件程序规定
  第190条; 公安机关涉案财物管理若干规定). Overdue when still not handed over 24 h after seizure, or
  handed over later than that; a warning while the clock runs.
* ``release_3d`` (L6) — an item found unrelated is released within 3 days of seizure (刑事案件程序规定
  第233条). Overdue after the due day while still held; warning on the due day and the day before.
* ``freeze_6m`` (L7) — a freeze lapses at ``freeze_until`` (6 months per period, 第240/243条): a
  warning from 15 days before (DESIGN), overdue once lapsed while the item is still on record as frozen.
* ``loan_due`` (L5) — a borrowed item is back by its due time; warning in the last 24 hours.
* ``claim_window`` (L10) — after the return notice the owner has 6 months (police, 第233条 / 行政
  第197条) or 1 year (court, 刑诉解释 第445条); unclaimed → treasury. Warning 15 days before.
* ``cash_account`` (L11) — cash is held in the single compliant account with a deposit record, never
  "in a drawer": overdue for held cash that sits anywhere else or has no deposit record.
* ``disposal_receipt`` (L9) — after an effective judgment the item is disposed and the receipt (回执)
  sent within ``receipt_days`` (a local deadline: no national one was found; default 30 days).
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pyarrow as pa

from casewatch.analytics import timelimits

#: days before a freeze lapses or a claim window ends at which the warning starts (DESIGN, L7)
WARN_DAYS = 15
#: local deadline for disposal + receipt after an effective judgment (L9; no national figure)
RECEIPT_DAYS = 30

ITEM_COLUMNS = {
    "item_id": pa.int64(),
    "centre": pa.string(),
    "status": pa.string(),
    "category": pa.string(),
    "in_account": pa.bool_(),
    "deposit_ref": pa.string(),
    "relevant": pa.bool_(),
    "seized_at": pa.timestamp("s"),
    "handed_over_at": pa.timestamp("s"),
    "freeze_until": pa.date32(),
    "claim_notice_on": pa.date32(),
    "claim_by_court": pa.bool_(),
    "judgment_effective_on": pa.date32(),
    "receipt_sent_on": pa.date32(),
}
LOAN_COLUMNS = {
    "item_id": pa.int64(),
    "centre": pa.string(),
    "out_at": pa.timestamp("s"),
    "due_at": pa.timestamp("s"),
}
HELD = ("pending", "in_store", "borrowed", "off_site")

_SQL = """
WITH held AS (SELECT * FROM items WHERE status IN ('pending','in_store','borrowed','off_site')),
raw AS (
  SELECT item_id, centre, 'handover_24h' AS rule, CAST(seized_at AS DATE) AS started_on,
         CAST(seized_at + INTERVAL 24 HOUR AS DATE) AS due_on,
         CASE WHEN coalesce(handed_over_at, $as_of) > seized_at + INTERVAL 24 HOUR THEN 'overdue'
              WHEN handed_over_at IS NULL THEN 'warning' END AS state,
         date_diff('day', CAST(seized_at + INTERVAL 24 HOUR AS DATE),
                   CAST(coalesce(handed_over_at, $as_of) AS DATE)) AS days_over
  FROM items WHERE handed_over_at IS NULL AND status = 'pending'
     OR handed_over_at > seized_at + INTERVAL 24 HOUR
  UNION ALL
  SELECT h.item_id, h.centre, 'release_3d', CAST(h.seized_at AS DATE), c.next_workday,
         CASE WHEN $today > c.next_workday THEN 'overdue' WHEN $today >= c.next_workday - 1 THEN 'warning' END,
         date_diff('day', c.next_workday, $today)
  FROM held h JOIN calendar c ON c.day = CAST(h.seized_at AS DATE) + 3
  WHERE h.relevant = FALSE
  UNION ALL
  SELECT item_id, centre, 'freeze_6m', CAST(add_months_back AS DATE), freeze_until,
         CASE WHEN $today > freeze_until THEN 'overdue' WHEN $today >= freeze_until - $warn THEN 'warning' END,
         date_diff('day', freeze_until, $today)
  FROM (SELECT *, freeze_until - INTERVAL 6 MONTH AS add_months_back FROM held WHERE freeze_until IS NOT NULL)
  UNION ALL
  SELECT l.item_id, l.centre, 'loan_due', CAST(l.out_at AS DATE), CAST(l.due_at AS DATE),
         CASE WHEN $as_of > l.due_at THEN 'overdue' WHEN $as_of >= l.due_at - INTERVAL 24 HOUR THEN 'warning' END,
         date_diff('day', CAST(l.due_at AS DATE), $today)
  FROM loans l
  UNION ALL
  SELECT h.item_id, h.centre, 'claim_window', h.claim_notice_on, c.next_workday,
         CASE WHEN $today > c.next_workday THEN 'overdue' WHEN $today >= c.next_workday - $warn THEN 'warning' END,
         date_diff('day', c.next_workday, $today)
  FROM held h JOIN calendar c
    ON c.day = CAST(h.claim_notice_on + CASE WHEN h.claim_by_court THEN INTERVAL 12 MONTH ELSE INTERVAL 6 MONTH END AS DATE)
  WHERE h.claim_notice_on IS NOT NULL
  UNION ALL
  SELECT item_id, centre, 'cash_account', CAST(coalesce(handed_over_at, seized_at) AS DATE),
         CAST(coalesce(handed_over_at, seized_at) AS DATE), 'overdue',
         date_diff('day', CAST(coalesce(handed_over_at, seized_at) AS DATE), $today)
  FROM held WHERE category = 'cash' AND status <> 'pending'
    AND (NOT coalesce(in_account, FALSE) OR coalesce(deposit_ref, '') = '')
  UNION ALL
  SELECT i.item_id, i.centre, 'disposal_receipt', i.judgment_effective_on, c.next_workday,
         CASE WHEN $today > c.next_workday THEN 'overdue' WHEN $today >= c.next_workday - 3 THEN 'warning' END,
         date_diff('day', c.next_workday, $today)
  FROM items i JOIN calendar c ON c.day = i.judgment_effective_on + $receipt_days
  WHERE i.judgment_effective_on IS NOT NULL AND i.receipt_sent_on IS NULL AND i.status <> 'released'
)
SELECT item_id, centre, rule, state, started_on, due_on, CAST(greatest(days_over, 0) AS INTEGER) AS days_over
FROM raw WHERE state IS NOT NULL ORDER BY rule, item_id
"""


def _table(data, columns: dict) -> pa.Table:
    if isinstance(data, pa.Table):
        return data.select(list(columns)).cast(pa.schema(list(columns.items())))
    return pa.table({name: pa.array([row[name] for row in data], type=t) for name, t in columns.items()})


def alerts(
    items,
    loans,
    as_of: dt.datetime,
    *,
    receipt_days: int = RECEIPT_DAYS,
    warn_days: int = WARN_DAYS,
    threads: int | None = None,
) -> pa.Table:
    """The running and missed deadlines of held items (see the module docstring for the rules).

    ``items``/``loans``: Arrow tables (or lists of dicts) with :data:`ITEM_COLUMNS` /
    :data:`LOAN_COLUMNS` (loans: open ones only); timestamps are local wall-clock times.
    ``as_of``: a naive local datetime. Returns columns item_id, centre, rule, state
    (``warning``/``overdue``), started_on, due_on, days_over. Due days beyond the holiday calendar's
    coverage are left unshifted (the calendar's ``next_workday`` falls back to the day itself).
    """
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    cal = timelimits.calendar_table()
    con.register("cal_raw", cal)
    # beyond the coverage: the day itself (unshifted), as timelimits.compute_due does
    con.execute(
        "CREATE TABLE calendar AS SELECT day, coalesce(next_workday, day) AS next_workday FROM cal_raw "
        "UNION ALL SELECT CAST(d AS DATE), CAST(d AS DATE) FROM range(DATE '2027-01-01', DATE '2032-01-01', "
        "INTERVAL 1 DAY) t(d)"
    )
    con.register("items", _table(items, ITEM_COLUMNS))
    con.register("loans", _table(loans, LOAN_COLUMNS))
    params = {
        "as_of": as_of.replace(microsecond=0),
        "today": as_of.date(),
        "warn": warn_days,
        "receipt_days": receipt_days,
    }
    return con.sql(_SQL, params=params).to_arrow_table()


def sample_size(population: int, *, confidence_z: float = 1.96, margin: float = 0.03, p: float = 0.5) -> int:
    """Items to count for a sampled inventory: 95% confidence, ±3%, with finite-population correction.

    n₀ = z²·p·(1−p) / e² = 1.96² × 0.25 / 0.03² = 1,067.1 (p = 0.5, the most cautious share);
    n = n₀ / (1 + (n₀ − 1) / N), rounded up; never more than N. For N = 10,000 that is 965; for a
    very large centre it tends to 1,068 (the CALEA 84.1.6 table's figure).
    """
    if population <= 0:
        return 0
    n0 = confidence_z**2 * p * (1 - p) / margin**2
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def check_digit(body: str) -> str:
    """ISO 7064 MOD 11-2 check character (as on ID cards) over the digits of ``body``.

    A label code carries it so that one mistyped digit or two swapped digits are caught at the
    counter before any lookup ("the check character does not match" instead of "unknown code").
    """
    digits = [int(ch) for ch in body if ch.isdigit()]
    total = 0
    for d in digits:
        total = (total + d) * 2 % 11
    value = (12 - total) % 11
    return "X" if value == 10 else str(value)


def item_code(district: str, serial: int) -> str:
    """``CW330212-0000123`` + check character: the centre-wide unique code printed on the label."""
    body = f"CW{district}-{serial:07d}"
    return body + check_digit(body)


def code_well_formed(code: str) -> bool:
    """True when ``code`` has the label shape and a matching check character."""
    if len(code) != 17 or not code.startswith("CW") or code[8] != "-":
        return False
    body, check = code[:-1], code[-1]
    if not (body[2:8].isdigit() and body[9:].isdigit()):
        return False
    return check_digit(body) == check

"""Bank-statement reconciliation against the case-fund ledger, set-based in DuckDB.

Statement lines (``line_no, account_no, booked_on, amount, bank_ref``; credits positive, debits
negative) are matched to ledger movements (receipts positive, payouts and fee refunds negative):

1. **Unknown account** — the line's account is not one of the court's case-fund accounts.
2. **Duplicate** — the same (account, date, amount, reference) as an earlier line; only the first
   takes part in matching.
3. **Matched** — same bank reference and amount; then, for lines without a reference match, same
   account and amount within ``window_days`` of the booking date (closest date first).
4. **Partial** — same bank reference, different amount (the difference is reported).
5. **Unmatched** — everything else; ledger movements no line matched are listed too.

Each pass assigns pairs one to one (a pair is taken only when it is the best candidate of both its
line and its movement), and later passes only see what is still free, so nothing is matched twice.
"""

# ruff: noqa: S608 - SQL is built from constants and integer parameters only
from __future__ import annotations

import duckdb
import pyarrow as pa

STATEMENT_SCHEMA = pa.schema(
    [
        ("line_no", pa.int64()),
        ("account_no", pa.string()),
        ("booked_on", pa.date32()),
        ("amount", pa.decimal128(18, 2)),
        ("bank_ref", pa.string()),
    ]
)


def _assign(con, name: str, candidates_sql: str, order: str) -> None:
    """Take one-to-one pairs from candidates into table ``name``.

    Each round takes the pairs that are the best candidate of both their line and their movement,
    then the next round looks at what is still free, until a round takes nothing. The candidate
    query must exclude taken lines and movements (``taken_lines`` / ``taken_moves``).
    """
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} (line_no BIGINT, movement_id VARCHAR, difference DECIMAL(18,2))"
    )
    while True:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE round AS
            WITH c AS ({candidates_sql}),
            r AS (
              SELECT *, ROW_NUMBER() OVER (PARTITION BY line_no ORDER BY {order}, movement_id) AS rl,
                        ROW_NUMBER() OVER (PARTITION BY movement_id ORDER BY {order}, line_no) AS rm
              FROM c
            )
            SELECT line_no, movement_id, difference FROM r WHERE rl = 1 AND rm = 1
            """
        )
        (taken,) = con.execute("SELECT COUNT(*) FROM round").fetchall()[0]
        if not taken:
            return
        con.execute(f"INSERT INTO {name} SELECT * FROM round")
        con.execute("INSERT INTO taken_lines SELECT line_no FROM round")
        con.execute("INSERT INTO taken_moves SELECT movement_id FROM round")


def reconcile(statement: pa.Table, ledger: pa.Table, accounts: list[str], window_days: int = 3) -> dict:
    """Reconcile; returns ``{"lines": Arrow (line_no, status, movement_id, difference),
    "unmatched_ledger": Arrow, "counts": {status: n}}``.

    ``ledger`` needs ``movement_id, kind, account_no, occurred_on, amount, bank_ref``.
    """
    con = duckdb.connect()
    con.register("stmt", statement)
    con.register("ledger_raw", ledger)
    con.register("accounts_raw", pa.table({"account_no": pa.array(sorted(set(accounts)), pa.string())}))
    con.execute(
        """
        CREATE TEMP TABLE led AS
        SELECT movement_id, account_no, occurred_on,
               CASE WHEN kind = 'receipt' THEN amount ELSE -amount END AS amount, NULLIF(bank_ref, '') AS bank_ref
        FROM ledger_raw;
        CREATE TEMP TABLE lines AS
        SELECT s.*, NULLIF(s.bank_ref, '') AS ref,
          (a.account_no IS NULL) AS unknown_account,
          ROW_NUMBER() OVER (PARTITION BY s.account_no, s.booked_on, s.amount, COALESCE(s.bank_ref, '')
                             ORDER BY s.line_no) > 1 AS duplicate
        FROM stmt s LEFT JOIN accounts_raw a USING (account_no);
        CREATE TEMP TABLE free AS SELECT * FROM lines WHERE NOT unknown_account AND NOT duplicate;
        CREATE TEMP TABLE taken_lines (line_no BIGINT);
        CREATE TEMP TABLE taken_moves (movement_id VARCHAR);
        """
    )
    _assign(
        con,
        "m1",
        "SELECT f.line_no, l.movement_id, CAST(0 AS DECIMAL(18,2)) AS difference, 0 AS dist "
        "FROM free f JOIN led l ON l.bank_ref = f.ref AND l.amount = f.amount "
        "WHERE f.line_no NOT IN (SELECT line_no FROM taken_lines) "
        "AND l.movement_id NOT IN (SELECT movement_id FROM taken_moves)",
        "dist",
    )
    _assign(
        con,
        "m2",
        f"""
        SELECT f.line_no, l.movement_id, CAST(0 AS DECIMAL(18,2)) AS difference,
               abs(date_diff('day', l.occurred_on, f.booked_on)) AS dist
        FROM free f JOIN led l ON l.account_no = f.account_no AND l.amount = f.amount
          AND abs(date_diff('day', l.occurred_on, f.booked_on)) <= {int(window_days)}
        WHERE f.line_no NOT IN (SELECT line_no FROM taken_lines)
          AND l.movement_id NOT IN (SELECT movement_id FROM taken_moves)
          AND (f.ref IS NULL OR l.bank_ref IS NULL OR f.ref = l.bank_ref)
        """,
        "dist",
    )
    _assign(
        con,
        "p1",
        """
        SELECT f.line_no, l.movement_id, f.amount - l.amount AS difference, abs(f.amount - l.amount) AS dist
        FROM free f JOIN led l ON l.bank_ref = f.ref
        WHERE f.line_no NOT IN (SELECT line_no FROM taken_lines)
          AND l.movement_id NOT IN (SELECT movement_id FROM taken_moves)
        """,
        "dist",
    )
    out = con.sql(
        """
        SELECT s.line_no,
          CASE WHEN s.unknown_account THEN 'unknown_account'
               WHEN s.duplicate THEN 'duplicate'
               WHEN m.line_no IS NOT NULL THEN 'matched'
               WHEN p.line_no IS NOT NULL THEN 'partial'
               ELSE 'unmatched' END AS status,
          COALESCE(m.movement_id, p.movement_id) AS movement_id,
          p.difference
        FROM lines s
        LEFT JOIN (SELECT * FROM m1 UNION ALL SELECT * FROM m2) m USING (line_no)
        LEFT JOIN p1 p USING (line_no)
        ORDER BY s.line_no
        """
    ).to_arrow_table()
    unmatched = con.sql(
        "SELECT * FROM led WHERE movement_id NOT IN (SELECT movement_id FROM taken_moves) ORDER BY movement_id"
    ).to_arrow_table()
    con.register("result", out)
    counts = dict(con.sql("SELECT status, COUNT(*) FROM result GROUP BY 1").fetchall())
    return {"lines": out, "unmatched_ledger": unmatched, "counts": counts}

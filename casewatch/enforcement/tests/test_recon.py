"""Reconciliation: duplicates, unknown accounts, partial matches, nothing matched twice."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from casewatch.analytics.enforcement_recon import STATEMENT_SCHEMA, reconcile

D = dt.date
ACC = "33050163000000001"


def _ledger(rows):
    return pa.Table.from_pylist(
        [
            dict(
                zip(
                    ("movement_id", "kind", "account_no", "occurred_on", "amount", "bank_ref"), r, strict=True
                )
            )
            for r in rows
        ],
        schema=pa.schema(
            [
                ("movement_id", pa.string()),
                ("kind", pa.string()),
                ("account_no", pa.string()),
                ("occurred_on", pa.date32()),
                ("amount", pa.decimal128(18, 2)),
                ("bank_ref", pa.string()),
            ]
        ),
    )


def test_reconciliation_with_duplicates_partial_and_unknown():
    ledger = _ledger(
        [
            ("R1", "receipt", ACC, D(2026, 3, 2), Decimal("5000.00"), "B001"),
            ("P1", "payout", ACC, D(2026, 3, 20), Decimal("5000.00"), "B002"),
            ("R2", "receipt", ACC, D(2026, 3, 5), Decimal("800.00"), ""),
            ("R3", "receipt", ACC, D(2026, 3, 6), Decimal("800.00"), ""),
            ("R4", "receipt", ACC, D(2026, 3, 9), Decimal("1200.00"), "B004"),
            ("R5", "receipt", ACC, D(2026, 3, 9), Decimal("70.00"), "B005"),
        ]
    )
    lines = [
        (1, ACC, D(2026, 3, 2), Decimal("5000.00"), "B001"),  # matched by reference
        (2, ACC, D(2026, 3, 2), Decimal("5000.00"), "B001"),  # the same line again: duplicate
        (3, ACC, D(2026, 3, 20), Decimal("-5000.00"), "B002"),  # payout matched (debit)
        (4, ACC, D(2026, 3, 6), Decimal("800.00"), None),  # matches R3 (same day) not R2
        (5, ACC, D(2026, 3, 7), Decimal("800.00"), None),  # R3 taken: takes R2 (2 days off)
        (6, ACC, D(2026, 3, 7), Decimal("800.00"), "X9"),  # nothing left: unmatched, never R2/R3 twice
        (7, ACC, D(2026, 3, 9), Decimal("1000.00"), "B004"),  # reference matches, amount short: partial
        (8, "62220000999", D(2026, 3, 9), Decimal("70.00"), "B005"),  # not a court account
    ]
    stmt = pa.Table.from_pylist(
        [dict(zip(STATEMENT_SCHEMA.names, r, strict=True)) for r in lines], schema=STATEMENT_SCHEMA
    )
    res = reconcile(stmt, ledger, [ACC])
    got = {r["line_no"]: (r["status"], r["movement_id"], r["difference"]) for r in res["lines"].to_pylist()}
    assert got[1] == ("matched", "R1", None)
    assert got[2] == ("duplicate", None, None)
    assert got[3] == ("matched", "P1", None)
    assert got[4] == ("matched", "R3", None)
    assert got[5] == ("matched", "R2", None)
    assert got[6] == ("unmatched", None, None)
    assert got[7] == ("partial", "R4", Decimal("-200.00"))
    assert got[8] == ("unknown_account", None, None)
    matched = [m for _, m, _ in got.values() if m]
    assert len(matched) == len(set(matched))  # nothing matched twice
    assert [r["movement_id"] for r in res["unmatched_ledger"].to_pylist()] == ["R5"]
    assert res["counts"] == {"matched": 4, "duplicate": 1, "unmatched": 1, "partial": 1, "unknown_account": 1}

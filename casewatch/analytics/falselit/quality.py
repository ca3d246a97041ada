"""Precision, recall and F1 per ring shape against the demo city's ground truth.

A ground-truth case is ``FL-<shape>`` in ``ground_truth.csv`` (with the enforcement stage of the
same matter). A case is *flagged* when it is in a lead cluster (what a reviewer is shown); its
predicted shape is the cluster's category (``pipeline._category``). Per shape: TP = flagged cases of that
predicted category that are ground-truth cases of the shape; precision = TP / flagged of the
category; recall = TP / ground-truth cases of the shape. ``overall`` ignores the shape: any
flagged case that is any ring case counts.
"""

from __future__ import annotations

import csv
from pathlib import Path

SHAPES = ("serial_lender", "collusive_pair", "debtor_pileup", "fake_labour", "divorce_debt")


def ground_truth(folder) -> dict[str, str]:
    """case_key -> shape, from ``ground_truth.csv``; the enforcement stage of a ring suit (same
    matter in ``cases.parquet``) belongs to the ring too."""
    out = {}
    with (Path(folder) / "ground_truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kind"].startswith("FL-"):
                out[f"{row['unit_code']}|{row['case_number']}"] = row["kind"][3:]
    cases = Path(folder) / "cases.parquet"
    if cases.exists():
        import duckdb

        rows = duckdb.sql(
            f"SELECT unit_code || '|' || case_number, matter_id, case_type FROM '{cases.as_posix()}' "  # noqa: S608
            "WHERE case_type IN ('civil', 'enforcement') AND matter_id IS NOT NULL"
        ).fetchall()
        shape_of = {m: out[k] for k, m, t in rows if t == "civil" and k in out}
        out.update({k: shape_of[m] for k, m, t in rows if t == "enforcement" and m in shape_of})
    return out


def _prf(tp: int, flagged: int, truth: int) -> dict:
    p = tp / flagged if flagged else 1.0
    r = tp / truth if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "tp": tp,
        "flagged": flagged,
        "truth": truth,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }


def evaluate(result, gt: dict[str, str]) -> dict[str, dict]:
    """Per-shape and overall P/R/F1 figures."""
    leads = {k: r["category"] for r in result.clusters.to_pylist() if r["lead"] for k in r["case_keys"]}
    out = {}
    for shape in SHAPES:
        predicted = {k for k, c in leads.items() if c == shape}
        truth = {k for k, s in gt.items() if s == shape}
        out[shape] = _prf(len(predicted & truth), len(predicted), len(truth))
    out["overall"] = _prf(len(set(leads) & set(gt)), len(leads), len(gt))
    return out

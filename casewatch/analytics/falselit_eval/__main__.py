"""``python -m casewatch.analytics.falselit_eval``: print precision / recall per shape.

Runs the detector (``casewatch.analytics.falselit.run`` with its default ``Config``) on the
independent evaluation city of each seed and, with ``--demo``, on the demo generator's city too.
"""

from __future__ import annotations

import argparse
import time

from casewatch.analytics.falselit_eval.city import RING_SHAPES, build_city
from casewatch.analytics.falselit_eval.metrics import evaluate, linkage, report

DEMO_SHAPES = ("serial_lender", "collusive_pair", "debtor_pileup", "fake_labour", "divorce_debt")


def run_eval(seed: int, n_cases: int, rings: int, write=print) -> dict:
    """Build the evaluation city of ``seed``, run the detector, print and return the figures."""
    from casewatch.analytics.falselit import Config, run

    t = time.perf_counter()
    city = build_city(n_cases, seed, rings)
    res = run(city.tables, Config(), graphs=False, keep_entities=True)
    fig = evaluate(res, city.truth, RING_SHAPES)
    ent = dict(
        zip(
            res.party_entities.column("party_id").to_pylist(),
            res.party_entities.column("entity_id").to_pylist(),
            strict=True,
        )
    )
    fig["linkage"] = linkage(ent, city.person_of)
    report(
        fig,
        f"independent set, seed {seed}: {city.n_cases} cases, {rings} rings per shape "
        f"({time.perf_counter() - t:.1f} s)",
        write,
    )
    return fig


def run_demo(seed: int, n_cases: int, folder: str, write=print) -> dict:
    """The demo generator's city (its own planted shapes) through the same metrics."""
    import csv
    from pathlib import Path

    from casewatch.analytics.falselit import Config, run
    from casewatch.demo.generator import generate

    out = Path(folder) / f"demo-{n_cases}-{seed}"
    if not (out / "ground_truth.csv").exists():
        generate(n_cases=n_cases, seed=seed, out_dir=str(out), fmt="parquet")
    truth = {}
    with (out / "ground_truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kind"].startswith("FL-"):
                truth[f"{row['unit_code']}|{row['case_number']}"] = (row["kind"][3:], row["subject"])
    # the enforcement stage of a ring suit (same matter) belongs to the ring: the demo's ground
    # truth lists the civil suits only
    import duckdb

    rows = duckdb.sql(
        f"SELECT unit_code || '|' || case_number, matter_id, case_type FROM '{out}/cases.parquet' "  # noqa: S608
        "WHERE case_type IN ('civil', 'enforcement') AND matter_id IS NOT NULL"
    ).fetchall()
    ring_of_matter = {m: truth[k] for k, m, t in rows if t == "civil" and k in truth}
    for k, m, t in rows:
        if t == "enforcement" and m in ring_of_matter:
            truth[k] = ring_of_matter[m]
    res = run(out, Config(), graphs=False)
    fig = evaluate(res, truth, DEMO_SHAPES)
    report(fig, f"demo generator's shapes, seed {seed}: {n_cases} cases", write)
    return fig


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, nargs="+", default=[901, 902])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--rings", type=int, default=6, help="rings per shape")
    ap.add_argument("--demo", type=int, nargs="*", help="also evaluate the demo city of these seeds")
    ap.add_argument("--demo-cases", type=int, default=50_000)
    ap.add_argument("--workdir", default="/tmp/cw-falselit-eval")
    a = ap.parse_args(argv)
    for s in a.seeds:
        run_eval(s, a.cases, a.rings)
    for s in a.demo or []:
        run_demo(s, a.demo_cases, a.workdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``casewatch bench catalogue --store warm.duckdb``: the screening catalogue on a warm store,
each way it can run, beside the floor measured in the same process.

Printed, never asserted (CPU = ``time.process_time``, every thread of the process):

* **floor** — one scan of exactly the columns the catalogue reads (parsed from the rules' SQL),
  the better of two;
* **full, rules' own SQL** — every rule's statement as written (the definition, and the default);
* **full, fused** — the shared event pass of :mod:`casewatch.analytics.rules.fused` and the rules
  rewritten over it, with a check that both found the same (rule, case, subject, evidence) set;
* **incremental** — both ways over ``--fraction`` of the cases (a Bernoulli sample, seed 42: the
  worst case for locality), beside the full run's CPU, with the same check.

No Django: the store is attached read-only and never written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from casewatch.analytics.bench import Clock, floor_scan, rule_columns


def arguments(parser):
    parser.add_argument("--store", required=True, help="a warm analytics store (warm.duckdb)")
    parser.add_argument("--as-of", default="2026-09-30")
    parser.add_argument("--fraction", type=float, default=0.01, help="share of cases in the incremental run")


def _rows(result) -> set[tuple]:
    return {tuple(r.values()) for r in result.findings.to_pylist()}


def handler(cmd, opts):
    from casewatch.analytics.engines import DuckDBEngine

    write = cmd.stdout.write
    path = Path(opts["store"])
    as_of = dt.date.fromisoformat(opts.get("as_of") or "2026-09-30")
    fraction = float(opts.get("fraction") or 0.01)
    write(f"== screening catalogue · store {path} · as of {as_of}")

    engine = DuckDBEngine().attach_store(path)
    floors = []
    for _ in range(2):
        with Clock() as clock:
            floor_scan(engine.con)
        floors.append(clock)
    floor = min(floors, key=lambda c: c.cpu)
    n_cols = sum(map(len, rule_columns().values()))
    write(f"floor: one scan of the rule columns   {floor}   ({n_cols} columns)")
    keys = [
        tuple(r)
        for r in engine.con.execute(
            f"SELECT unit_code, case_number FROM lake.cases USING SAMPLE {fraction * 100:.4f}% (bernoulli, 42)"  # noqa: S608 - a float
        ).fetchall()
    ]
    engine.close()

    figures: dict[str, float] = {"floor_cpu": floor.cpu}
    results = {}
    for label, is_fused in (("rules' own SQL", False), ("fused event pass", True)):
        engine = DuckDBEngine(fused=is_fused).attach_store(path)
        with Clock() as full:
            results[is_fused, "full"] = result = engine.run(as_of=as_of)
        write(
            f"full catalogue, {label:16s} {full}   = {full.cpu / max(floor.cpu, 1e-9):.1f}× floor CPU "
            f"({result.summary.findings:,} findings)   target ≤ 2×"
        )
        engine.run(as_of=as_of, case_keys=keys[:10])  # warm the connection
        with Clock() as inc:
            results[is_fused, "inc"] = scoped = engine.run(as_of=as_of, case_keys=keys)
        write(
            f"incremental {fraction:.0%} ({len(keys):,} cases), {label:16s} {inc}   = "
            f"{inc.cpu / max(full.cpu, 1e-9):.1%} of its full run's CPU ({scoped.summary.findings:,} findings)"
            "   target ≤ 5%"
        )
        figures[f"{'fused' if is_fused else 'own'}_full_cpu"] = full.cpu
        figures[f"{'fused' if is_fused else 'own'}_inc_cpu"] = inc.cpu
        engine.close()
    for run in ("full", "inc"):
        own, fused_rows = _rows(results[False, run]), _rows(results[True, run])
        write(
            f"same findings ({run}): {own == fused_rows}   ({len(own):,} vs {len(fused_rows):,}; "
            f"{len(own - fused_rows)} only in own SQL, {len(fused_rows - own)} only fused)"
        )
    return figures

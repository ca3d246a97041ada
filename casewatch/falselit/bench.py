"""``casewatch bench falselit``: the false-litigation pipeline on a Parquet lake, with per-stage
times and peak memory. Generate the input with
``python -m casewatch.demo.generator --cases 1000000 --seed 1 --out /tmp/cw-lake-1m``.
"""

from __future__ import annotations

import json
import resource
import time


def bench_falselit(args) -> int:
    """Run resolution, indicators, graph and scoring on ``args.source`` (Parquet folder)."""
    from casewatch.analytics.falselit import Config, run
    from casewatch.analytics.falselit.quality import evaluate, ground_truth

    source = getattr(args, "source", None) or "/tmp/cw-lake-1m"
    t = time.perf_counter()
    cpu = time.process_time()
    result = run(source, Config(), threads=getattr(args, "threads", None))
    wall = time.perf_counter() - t
    print(f"source: {source}")
    for stage, secs in result.times.items():
        print(f"  {stage:<16} {secs:8.2f} s")
    print(f"  {'total':<16} {wall:8.2f} s (CPU {time.process_time() - cpu:.1f} s)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"entities: {json.dumps(result.entities)}")
    print(
        f"cases with indicators: {result.cases.num_rows}; lead clusters: "
        f"{sum(result.clusters.column('lead').to_pylist())}"
    )
    try:
        for shape, q in evaluate(result, ground_truth(source)).items():
            print(
                f"  {shape:<15} P={q['precision']:.3f} R={q['recall']:.3f} F1={q['f1']:.3f} "
                f"(tp {q['tp']}, flagged {q['flagged']}, truth {q['truth']})"
            )
    except FileNotFoundError:
        pass
    return 0

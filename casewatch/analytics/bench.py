"""Screening benchmark: how long the whole rule catalogue takes on a data set, and how much memory.

    from casewatch.analytics.bench import bench_screening
    result = bench_screening("/tmp/cw-demo-1m")                  # DuckDB
    result = bench_screening("/tmp/cw-demo-1m", engine="spark")  # Spark local mode
    print(result.report())

Figures, not assertions: the lead wires this to a CLI command. Timings separate loading (reading
Parquet into the engine) from the catalogue run; per-rule seconds come from the run summary.
Peak memory is sampled (every 50 ms) over the whole process tree, so Spark's JVM — a child of the
Python process in local mode — is counted too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa


class Clock:
    """Wall and CPU seconds of a block (``with Clock() as c: …``; ``str(c)`` prints both)."""

    def __enter__(self):
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0

    def __str__(self):
        return f"{self.wall:7.2f} s wall {self.cpu:7.2f} s CPU"


def rule_columns() -> dict[str, list[str]]:
    """Per canonical table, the columns the built-in rules read (from their SQL)."""
    import sqlglot
    from sqlglot import exp

    from casewatch.analytics import schema
    from casewatch.analytics.rules import RULES

    cols: dict[str, set[str]] = {}
    for rule in RULES:
        names = {c.name for c in sqlglot.parse_one(rule.sql, read="duckdb").find_all(exp.Column)}
        for table in rule.tables:
            cols.setdefault(table, set()).update(n for n in schema.TABLES[table].names if n in names)
    return {t: sorted(c) for t, c in cols.items()}


def floor_scan(con, alias: str = "store") -> None:
    """The screening floor: read and decode every column the rules read, once (max of a hash
    per column)."""
    for table, cols in rule_columns().items():
        select = ", ".join(f'max(hash("{c}"))' for c in cols)
        con.execute(f"SELECT {select} FROM {alias}.main.{table}").fetchall()  # noqa: S608 - names from the schema


@dataclass
class BenchResult:
    """One benchmark run."""

    engine: str
    source: str
    as_of: dt.date
    load_seconds: float
    #: the catalogue run, loading excluded (includes counting input rows)
    total_seconds: float
    per_rule_seconds: dict[str, float]
    #: highest sampled resident memory of this process and its children (bytes)
    peak_rss_bytes: int
    table_rows: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    findings_per_rule: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data

    def report(self) -> str:
        """Plain-text figures for a terminal or a closing note."""
        lines = [
            f"engine {self.engine} · source {self.source} · as of {self.as_of}",
            "rows: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.table_rows.items())),
            f"load {self.load_seconds:.2f} s · catalogue {self.total_seconds:.2f} s · "
            f"peak RSS {self.peak_rss_bytes / 2**30:.2f} GiB · findings {self.findings:,}",
            "slowest rules: "
            + ", ".join(
                f"{rule} {seconds:.2f} s"
                for rule, seconds in sorted(self.per_rule_seconds.items(), key=lambda kv: -kv[1])[:8]
            ),
        ]
        return "\n".join(lines)


class _PeakMemory:
    """Samples RSS of this process and its descendants in a background thread."""

    def __init__(self, interval: float = 0.05):
        import psutil

        self._process = psutil.Process(os.getpid())
        self._interval = interval
        self._stop = threading.Event()
        self.peak = 0
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _rss(self) -> int:
        import psutil

        total = 0
        for process in [self._process, *self._process.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(self._interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def _default_as_of(source) -> dt.date:
    """The lake's own reference date (demo lakes write it to manifest.json), else today."""
    if isinstance(source, str | Path):
        manifest = Path(source) / "manifest.json"
        if manifest.is_file():
            as_of = json.loads(manifest.read_text(encoding="utf-8")).get("as_of")
            if as_of:
                return dt.date.fromisoformat(as_of)
    return dt.date.today()


def bench_screening(
    lake_dir_or_tables: str | Path | Mapping[str, pa.Table],
    engine: str = "duckdb",
    as_of: dt.date | str | None = None,
    rules=None,
    materialize: bool = True,
    spark_cache: bool = False,
) -> BenchResult:
    """Load a lake (or Arrow tables) into ``engine`` and time the rule catalogue on it.

    ``materialize`` (DuckDB) copies Parquet into DuckDB first instead of scanning files per
    rule; ``spark_cache`` keeps Spark's tables in memory between rules.
    """
    from casewatch.analytics.engines import DuckDBEngine

    as_of = (
        dt.date.fromisoformat(as_of)
        if isinstance(as_of, str)
        else as_of or _default_as_of(lake_dir_or_tables)
    )
    is_lake = isinstance(lake_dir_or_tables, str | Path)
    with _PeakMemory() as memory:
        started = time.perf_counter()
        if engine == "duckdb":
            runner = DuckDBEngine()
            if is_lake:
                runner.load_parquet_dir(lake_dir_or_tables, materialize=materialize)
            else:
                runner.load(lake_dir_or_tables)
        elif engine == "spark":
            from casewatch.analytics.engines.spark_engine import SparkEngine, spark_session

            spark_session()  # start-up is not part of loading
            started = time.perf_counter()
            runner = SparkEngine(cache=spark_cache)
            if is_lake:
                runner.load_parquet_dir(lake_dir_or_tables)
            else:
                runner.load(lake_dir_or_tables)
        else:
            raise ValueError(f"unknown engine {engine!r}")
        load_seconds = time.perf_counter() - started
        result = runner.run(rules, as_of=as_of)
    summary = result.summary
    return BenchResult(
        engine=engine,
        source=str(lake_dir_or_tables) if is_lake else "arrow tables",
        as_of=as_of,
        load_seconds=load_seconds,
        total_seconds=summary.total_seconds,
        per_rule_seconds={stat.rule_id: stat.seconds for stat in summary.rules},
        peak_rss_bytes=memory.peak,
        table_rows=summary.table_rows,
        findings=summary.findings,
        findings_per_rule={stat.rule_id: stat.findings for stat in summary.rules},
    )

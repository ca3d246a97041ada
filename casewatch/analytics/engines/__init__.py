"""Screening engines: DuckDB in-process (default) and Spark over a Parquet lake, one API.

    engine = DuckDBEngine().load_parquet_dir("var/lake")      # or .load({"cases": arrow_table, ...})
    result = engine.run(as_of="2026-09-30")                  # all rules; or rules=["CR-01", ...]
    result.findings   # pyarrow Table: rule_id, unit_code, case_number, subject, evidence (JSON)
    result.summary    # RunSummary: per-rule seconds, rows scanned, findings, warnings

``SparkEngine`` is imported lazily so DuckDB users never load PySpark.
"""

from __future__ import annotations

from casewatch.analytics.engines.base import (
    FINDINGS_SCHEMA,
    Engine,
    RuleStat,
    RunSummary,
    ScreeningResult,
    evidence_json,
)
from casewatch.analytics.engines.duckdb_engine import DuckDBEngine


def __getattr__(name):
    if name in ("SparkEngine", "spark_session"):
        from casewatch.analytics.engines import spark_engine

        return getattr(spark_engine, name)
    raise AttributeError(name)


__all__ = [
    "FINDINGS_SCHEMA",
    "DuckDBEngine",
    "Engine",
    "RuleStat",
    "RunSummary",
    "ScreeningResult",
    "SparkEngine",
    "evidence_json",
    "spark_session",
]

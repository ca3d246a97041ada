"""The scale-out engine: the same rules on Apache Spark (PySpark) over a Parquet lake.

One Spark session per process (start-up costs ~10 s): :func:`spark_session` creates it on first
use in local mode; each :class:`SparkEngine` works in its own ``newSession()`` so engines do not
see each other's temporary views. Rule SQL is the DuckDB text translated by sqlglot.

Timestamps are ``TIMESTAMP_NTZ`` (wall-clock, no zone), which is what Spark reads from the
canonical Parquet files and what sqlglot's ``TIMESTAMP`` becomes; the session time zone is UTC so
no conversion can shift a wall-clock value.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from casewatch.analytics import schema
from casewatch.analytics.engines.base import (
    CASE_TABLES,
    Engine,
    lake_path,
    load_tables_from_mapping,
)
from casewatch.analytics.rules import Rule
from casewatch.analytics.timelimits import calendar_table

_SPARK_TYPES = {name: types[2] for name, types in schema.TYPES.items()} | {"timestamp": "timestamp_ntz"}
_LOCK = threading.Lock()
_SESSION = None


def spark_session(master: str | None = None, driver_memory: str | None = None):
    """The process-wide Spark session, created on first call (later arguments are ignored).

    Defaults suit a small box: ``local[2]``, UI off, 4 shuffle partitions, adaptive execution on,
    16 MB file splits (a Parquet file is only split at row-group boundaries, so lakes written with
    row groups of ~100k rows scan in parallel; one row group per file means one task).
    ``CASEWATCH_SPARK_MASTER`` and ``CASEWATCH_SPARK_DRIVER_MEMORY`` override master and heap
    (default 4g: in local mode the driver heap holds all the data being shuffled).
    """
    global _SESSION
    with _LOCK:
        if _SESSION is None:
            from pyspark.sql import SparkSession

            master = master or os.environ.get("CASEWATCH_SPARK_MASTER", "local[2]")
            driver_memory = driver_memory or os.environ.get("CASEWATCH_SPARK_DRIVER_MEMORY", "4g")
            _SESSION = (
                SparkSession.builder.master(master)
                .appName("casewatch-screening")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.adaptive.enabled", "true")
                # split Parquet scans finer than the 128 MB default so both cores read a file
                .config("spark.sql.files.maxPartitionBytes", "16m")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.driver.memory", driver_memory)
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate()
            )
            _SESSION.sparkContext.setLogLevel("ERROR")
        return _SESSION


def _conform(df, table: str):
    """``df`` with exactly the canonical columns and Spark types (missing ones null)."""
    from pyspark.sql import functions as F  # noqa: N812 - PySpark convention

    present = set(df.columns)
    return df.select(
        [
            (F.col(c.name) if c.name in present else F.lit(None)).cast(_SPARK_TYPES[c.type]).alias(c.name)
            for c in schema.TABLES[table].columns
        ]
    )


class SparkEngine(Engine):
    """Screening on Spark with the same API and findings as :class:`DuckDBEngine`."""

    name = "spark"

    def __init__(self, session=None, cache: bool = False):
        """``cache`` keeps loaded tables in Spark memory between rules (needs heap for the data)."""
        self.spark = (session or spark_session()).newSession()
        self.cache = cache
        self._frames: dict = {}
        self._exposed: dict = {}
        self.spark.createDataFrame(calendar_table()).createOrReplaceTempView("calendar")

    # --- loading -------------------------------------------------------------------------------

    def load(self, tables: Mapping[str, pa.Table]) -> SparkEngine:
        """Load canonical tables from Arrow (absent tables become empty, missing columns null)."""
        for name, table in load_tables_from_mapping(tables).items():
            if table.num_rows:
                frame = _conform(self.spark.createDataFrame(table), name)
            else:
                frame = self.spark.createDataFrame([], schema=self._ddl(name))
            self._frames[name] = self._keep(frame)
        return self

    def load_parquet_dir(self, path: str | Path) -> SparkEngine:
        """Read a lake laid out as ``<path>/<table>.parquet`` or ``<path>/<table>/`` directories."""
        for name in schema.TABLES:
            location = lake_path(path, name)
            if location is None:
                frame = self.spark.createDataFrame([], schema=self._ddl(name))
            else:
                frame = _conform(self.spark.read.parquet(str(location)), name)
            self._frames[name] = self._keep(frame)
        return self

    @staticmethod
    def _ddl(name: str) -> str:
        return ", ".join(f"`{c.name}` {_SPARK_TYPES[c.type]}" for c in schema.TABLES[name].columns)

    def _keep(self, frame):
        return frame.cache() if self.cache else frame

    # --- Engine --------------------------------------------------------------------------------

    def _expose(self, as_of: dt.date, scope: pa.Table | None) -> None:
        if not self._frames:
            raise RuntimeError("load tables before running rules")
        from pyspark.sql import functions as F  # noqa: N812

        self.spark.createDataFrame([(as_of,)], "as_of date").createOrReplaceTempView("params")
        frames = dict(self._frames)
        if scope is not None:
            keys = F.broadcast(
                self.spark.createDataFrame(scope, schema="unit_code string, case_number string")
            )
            for name in CASE_TABLES:
                frames[name] = frames[name].join(keys, ["unit_code", "case_number"], "left_semi")
            items = frames["property_items"].select("item_id")
            frames["custody_events"] = frames["custody_events"].join(items, ["item_id"], "left_semi")
            from_keys = keys.withColumnsRenamed(
                {"unit_code": "from_unit_code", "case_number": "from_case_number"}
            )
            to_keys = keys.withColumnsRenamed({"unit_code": "to_unit_code", "case_number": "to_case_number"})
            transfers = frames["transfers"]
            frames["transfers"] = (
                transfers.join(from_keys, ["from_unit_code", "from_case_number"], "left_semi")
                .unionByName(transfers.join(to_keys, ["to_unit_code", "to_case_number"], "left_semi"))
                .distinct()
            )
        for name, frame in frames.items():
            frame.createOrReplaceTempView(name)
        self._exposed = frames

    def _execute(self, rule: Rule) -> pa.Table:
        return self.spark.sql(rule.spark_sql).toArrow()

    def _count(self, table: str) -> int:
        return self._exposed[table].count()

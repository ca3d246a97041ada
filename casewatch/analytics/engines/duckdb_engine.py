"""The default engine: DuckDB in-process, over Arrow tables or a Parquet lake.

Statements interpolate only table names from :mod:`casewatch.analytics.schema` and file paths of
the lake being loaded (hence the S608 suppressions); values go in as parameters.

Canonical tables live in schema ``lake`` (conformed to the canonical columns and types once, at
load); each run creates views under the canonical names in ``main`` — plain pass-through views
for a full run, semi-joins on the changed cases for an incremental one — so rule SQL never
changes between the two.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from casewatch.analytics import schema
from casewatch.analytics.engines.base import (
    CASE_TABLES,
    Engine,
    lake_path,
    load_tables_from_mapping,
)
from casewatch.analytics.rules import RULES, RULES_BY_ID, Rule, fused
from casewatch.analytics.timelimits import calendar_table

_DUCK_TYPES = {name: types[1] for name, types in schema.TYPES.items()}
#: in a scoped run, tables read by at least this many rules are copied once; others stay views.
#: Not fewer: copying every column of case_parties' scattered rows (PL-01's only table) costs
#: 0.22-0.28 s CPU at 1M cases, its view read twice (count, rule) 0.15 s
_MATERIALIZE_FROM = 3


def _select_canonical(table: str, present: set[str], source: str) -> str:
    """SELECT of ``source`` with exactly the canonical columns, cast, missing ones NULL."""
    columns = []
    for column in schema.TABLES[table].columns:
        duck_type = _DUCK_TYPES[column.type]
        expr = f'"{column.name}"' if column.name in present else "NULL"
        columns.append(f'CAST({expr} AS {duck_type}) AS "{column.name}"')
    return f"SELECT {', '.join(columns)} FROM {source}"  # noqa: S608 - names from the schema


class DuckDBEngine(Engine):
    """Screening on DuckDB. One connection per engine; not for concurrent use from threads."""

    name = "duckdb"

    def __init__(
        self,
        database: str = ":memory:",
        threads: int | None = None,
        memory_limit: str | None = None,
        fused: bool = False,
    ):
        #: run built-in rules over the shared event pass (:mod:`casewatch.analytics.rules.fused`)
        #: instead of each rule's own SQL. Same findings (tested); off by default because at 1M
        #: cases it measured no cheaper (docs/performance.md, "Screening catalogue")
        self.fused = fused
        self._fused_sql: dict[str, str] = {}
        self.con = duckdb.connect(database)
        self._exec("SET enable_progress_bar = false")
        if threads:
            self._exec(f"SET threads = {int(threads)}")
        if memory_limit:
            self._exec("SET memory_limit = ?", [memory_limit])
        self._exec("CREATE SCHEMA IF NOT EXISTS lake")
        self.con.register("_calendar_in", calendar_table())
        try:
            self._exec("CREATE OR REPLACE TABLE main.calendar AS SELECT * FROM _calendar_in")
        finally:
            self.con.unregister("_calendar_in")
        self._loaded = False

    def _exec(self, sql: str, parameters: list | None = None) -> list[tuple]:
        """Run a statement to completion (DuckDB 2 refuses new work while a result is unread)."""
        return self.con.execute(sql, parameters).fetchall()

    # --- loading -------------------------------------------------------------------------------

    def load(self, tables: Mapping[str, pa.Table]) -> DuckDBEngine:
        """Load canonical tables from Arrow (absent tables become empty, missing columns null)."""
        for name, table in load_tables_from_mapping(tables).items():
            self.con.register("_incoming", table)
            try:
                self._exec(f"CREATE OR REPLACE TABLE lake.{name} AS SELECT * FROM _incoming")  # noqa: S608 - identifiers from the schema
            finally:
                self.con.unregister("_incoming")
        self._loaded = True
        return self

    def load_parquet_dir(self, path: str | Path, materialize: bool = True) -> DuckDBEngine:
        """Load a lake laid out as ``<path>/<table>.parquet`` or ``<path>/<table>/*.parquet``.

        ``materialize`` copies the tables the rule catalogue reads into DuckDB once (fast
        repeated scans, more memory); the other tables, and all of them otherwise, are views that
        read the Parquet files when queried.
        """
        used = {table for rule in RULES for table in rule.tables}
        for name in schema.TABLES:
            location = lake_path(path, name)
            if location is None:
                self._exec(
                    f"CREATE OR REPLACE TABLE lake.{name} AS {_select_canonical(name, set(), 'range(0)')}"
                )
                continue
            pattern = str(location / "**" / "*.parquet") if location.is_dir() else str(location)
            quoted_pattern = pattern.replace("'", "''")
            source = f"read_parquet('{quoted_pattern}', union_by_name = true)"
            present = {row[0] for row in self._exec(f"DESCRIBE SELECT * FROM {source}")}  # noqa: S608 - identifiers from the schema
            kind = "TABLE" if materialize and name in used else "VIEW"
            self._exec(f"CREATE OR REPLACE {kind} lake.{name} AS {_select_canonical(name, present, source)}")
        self._loaded = True
        return self

    def attach_store(self, path: str | Path) -> DuckDBEngine:
        """Use the warm analytics store (:mod:`casewatch.analytics.store`) without copying it.

        The store file is attached read-only as catalog ``store`` and ``lake.<table>`` become
        views over its tables, so the rules scan DuckDB's own storage directly: no load step.
        """
        from casewatch.analytics import store

        store.attach(self.con, path)
        store.create_views(self.con, alias="store", target="lake")
        self._loaded = True
        return self

    # --- Engine --------------------------------------------------------------------------------

    def _expose(self, as_of: dt.date, scope: pa.Table | None) -> None:
        if not self._loaded:
            raise RuntimeError("load tables before running rules")
        self._exec("CREATE OR REPLACE TABLE main.params AS SELECT CAST(? AS DATE) AS as_of", [as_of])
        if scope is None:
            for name in schema.TABLES:
                self._exec(f"CREATE OR REPLACE VIEW main.{name} AS SELECT * FROM lake.{name}")  # noqa: S608 - identifiers from the schema
            return
        self.con.register("_scope_in", scope)
        try:
            self._exec("CREATE OR REPLACE TABLE main.run_scope AS SELECT DISTINCT * FROM _scope_in")
        finally:
            self.con.unregister("_scope_in")
        # The changed cases' rows of the tables many rules read are copied once into small temp
        # tables (one hash semi-join per table), so the rules scan 1% of the data instead of
        # semi-joining the whole lake in every rule; the other tables are semi-join views, paid
        # (for the columns it reads) only by a query that reads them.
        reads = Counter(table for rule in RULES for table in rule.tables)
        used = {table for table, n in reads.items() if n >= _MATERIALIZE_FROM} | {"custody_events"}
        on_case = "s.unit_code = t.unit_code AND s.case_number = t.case_number"
        for name in schema.TABLES:
            if name in CASE_TABLES:
                body = f"SELECT t.* FROM lake.{name} AS t SEMI JOIN main.run_scope AS s ON {on_case}"  # noqa: S608 - identifiers from the schema
            elif name == "custody_events":
                body = (
                    "SELECT t.* FROM lake.custody_events AS t "
                    "SEMI JOIN main.property_items AS p ON p.item_id = t.item_id"
                )
            elif name == "transfers":
                body = (
                    "SELECT t.* FROM lake.transfers AS t SEMI JOIN main.run_scope AS s ON "
                    "s.unit_code = t.from_unit_code AND s.case_number = t.from_case_number "
                    "UNION SELECT t.* FROM lake.transfers AS t SEMI JOIN main.run_scope AS s ON "
                    "s.unit_code = t.to_unit_code AND s.case_number = t.to_case_number"
                )
            else:
                self._exec(f"CREATE OR REPLACE VIEW main.{name} AS SELECT * FROM lake.{name}")  # noqa: S608 - identifiers from the schema
                continue
            if name in used:
                self._exec(f"CREATE OR REPLACE TEMP TABLE scoped_{name} AS {body}")
                body = f"SELECT * FROM temp.scoped_{name}"  # noqa: S608 - identifiers from the schema
            self._exec(f"CREATE OR REPLACE VIEW main.{name} AS {body}")

    def _prepare(self, rules: tuple[Rule, ...]) -> None:
        self._fused_sql = {}
        builtin = tuple(rule for rule in rules if RULES_BY_ID.get(rule.id) is rule)
        if not self.fused or not builtin:
            return
        shared = fused.plan(builtin)
        if shared.rules:
            self._exec(f"CREATE OR REPLACE TEMP TABLE {fused.EV} AS {shared.ev_sql}")  # noqa: S608 - built from the schema
            self._fused_sql = shared.rules

    def _execute(self, rule: Rule) -> pa.Table:
        sql = self._fused_sql.get(rule.id) if RULES_BY_ID.get(rule.id) is rule else None
        return self.con.sql(sql or rule.sql).to_arrow_table()

    def _count(self, table: str) -> int:
        return self._exec(f"SELECT count(*) FROM main.{table}")[0][0]  # noqa: S608

    def close(self) -> None:
        self.con.close()

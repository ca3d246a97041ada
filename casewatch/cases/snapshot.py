"""Snapshot: the registry's tables exported in bulk as canonical Arrow tables (or a Parquet lake).

This is the bridge from the control plane to the data plane. Every table is read with one SQL
statement (on PostgreSQL through ``COPY … TO STDOUT``, which streams CSV that Arrow parses in
native code), never row by row through the ORM. Timestamps are converted to Asia/Shanghai wall
time and empty strings to nulls, as the canonical schema requires.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.db import connection

from casewatch.analytics import schema

# Per table: the FROM clause and, per canonical column, the SQL expression (default: same name).
_CASE_JOIN = "JOIN cases_case c ON c.id = t.case_id"
SOURCES: dict[str, tuple[str, dict[str, str]]] = {
    "units": (
        "core_unit t LEFT JOIN core_unit p ON p.id = t.parent_id",
        {"parent_code": "p.code"},
    ),
    "staff": ("core_staff t JOIN core_unit u ON u.id = t.unit_id", {"unit_code": "u.code"}),
    "matters": ("cases_matter t", {}),
    "cases": (
        "cases_case t",
        {"case_key": None, "handler_staff_no": "t.handler_staff_no"},
    ),
    "parties": ("cases_party t", {}),
    "case_parties": (f"cases_caseparty t {_CASE_JOIN}", {}),
    "events": (f"cases_event t {_CASE_JOIN}", {}),
    "documents": (f"cases_document t {_CASE_JOIN}", {}),
    "transfers": (
        "cases_transfer t JOIN cases_case fc ON fc.id = t.from_case_id LEFT JOIN cases_case tc ON tc.id = t.to_case_id",
        {"from_case_number": "fc.case_number", "to_case_number": "tc.case_number"},
    ),
    "property_items": (f"cases_propertyitem t {_CASE_JOIN}", {}),
    "custody_events": ("cases_custodyevent t", {}),
    "petitions": ("cases_petition t", {}),
    "performance_deadlines": ("enforcement_performancedeadline t", {}),
    "debtor_payments": ("enforcement_debtorpayment t", {}),
    "enforcement_filings": ("enforcement_enforcementfiling t", {}),
    "dishonest_listings": ("enforcement_dishonestlisting t", {}),
    "enforcement_restrictions": ("enforcement_enforcementrestriction t", {}),
    "asset_searches": ("enforcement_assetsearch t", {}),
    "enforcement_rulings": ("enforcement_enforcementruling t", {}),
    "enforcement_settlements": ("enforcement_enforcementsettlement t", {}),
    "case_fund_movements": ("enforcement_casefundmovement t", {}),
    "credit_repairs": ("enforcement_creditrepair t", {}),
}


def _expr(table: str, col: schema.Column, vendor: str) -> str:
    overrides = SOURCES[table][1]
    if col.name in overrides and overrides[col.name] is not None:
        base = overrides[col.name]
    elif col.name in ("unit_code", "case_number") and table in (
        "case_parties",
        "events",
        "documents",
        "property_items",
    ):
        base = "c.unit_code" if col.name == "unit_code" else "c.case_number"
    elif col.name == "case_key":
        prefix = "c" if table in ("case_parties", "events", "documents", "property_items") else "t"
        return f"{prefix}.unit_code || '/' || {prefix}.case_number"
    else:
        base = f"t.{col.name}"
    if col.type == "timestamp":
        if vendor == "postgresql":
            return f"to_char({base} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')"
        return f"datetime({base}, '+8 hours')"
    if col.type == "string":
        return f"NULLIF({base}, '')"
    if col.type == "bool" and vendor != "postgresql":
        return f"CASE WHEN {base} IS NULL THEN NULL WHEN {base} THEN 'true' ELSE 'false' END"
    return base


def select_sql(table: str, vendor: str, where: str = "") -> str:
    """The SELECT that reads one canonical table from the registry."""
    t = schema.TABLES[table]
    cols = ", ".join(f"{_expr(table, c, vendor)} AS {c.name}" for c in t.columns)
    sql = f"SELECT {cols} FROM {SOURCES[table][0]}"  # noqa: S608 - identifiers come from the schema
    return f"{sql} WHERE {where}" if where else sql


def _convert_options(table: str) -> pacsv.ConvertOptions:
    target = schema.arrow_schema(table)
    # Read timestamps and decimals as text first: Arrow's CSV reader is strict about them.
    types = {}
    for f in target:
        types[f.name] = (
            pa.string() if (pa.types.is_timestamp(f.type) or pa.types.is_decimal(f.type)) else f.type
        )
    return pacsv.ConvertOptions(
        column_types=types,
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        true_values=["t", "true", "1"],
        false_values=["f", "false", "0"],
    )


def _finish(table: str, raw: pa.Table) -> pa.Table:
    target = schema.arrow_schema(table)
    arrays = []
    for f in target:
        col = raw.column(f.name)
        if pa.types.is_timestamp(f.type):
            col = pa.compute.strptime(col, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
        elif pa.types.is_decimal(f.type):
            col = col.cast(f.type)
        arrays.append(col.cast(f.type))
    return pa.Table.from_arrays(arrays, schema=target)


def _copy_csv(out, table: str, where: str = "") -> None:
    """Write one canonical table as CSV with a header into the binary file ``out``."""
    vendor = connection.vendor
    sql = select_sql(table, vendor, where)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            raw_cursor = cursor.cursor
            with raw_cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
                for chunk in copy:
                    out.write(chunk)
        else:
            import csv

            cursor.execute(sql)
            text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
            writer = csv.writer(text)
            writer.writerow([c.name for c in schema.TABLES[table].columns])
            while True:
                rows = cursor.fetchmany(20000)
                if not rows:
                    break
                writer.writerows(rows)
            text.detach()


def read_table(table: str, where: str = "") -> pa.Table:
    """One canonical table as Arrow, read from the registry in bulk (held in memory whole: for
    a change set or a small table; a whole large table goes through :func:`iter_table`)."""
    buf = io.BytesIO()
    _copy_csv(buf, table, where)
    buf.seek(0)
    raw = pacsv.read_csv(buf, convert_options=_convert_options(table))
    return _finish(table, raw)


#: CSV bytes per slice of :func:`iter_table` (about 250,000 event rows).
BLOCK_BYTES = 32 << 20


def iter_table(table: str, where: str = "", block_bytes: int = BLOCK_BYTES) -> Iterator[pa.Table]:
    """One canonical table as a sequence of Arrow slices, for a whole-table copy (the store's
    rebuild): the CSV goes to a temporary file, not memory, and is parsed a block at a time, so
    memory is one slice, not the table (a million cases' 5 M events: ~1.5 GB of CSV and as much
    again of Arrow when read whole). Yields nothing for an empty table."""
    with tempfile.TemporaryFile(prefix="casewatch-snapshot-") as out:
        _copy_csv(out, table, where)
        out.seek(0)
        reader = pacsv.open_csv(
            out,
            read_options=pacsv.ReadOptions(block_size=block_bytes),
            convert_options=_convert_options(table),
        )
        for batch in reader:
            yield _finish(table, pa.Table.from_batches([batch]))


def snapshot(tables: list[str] | None = None) -> dict[str, pa.Table]:
    """All canonical tables (or the given ones) as Arrow tables."""
    return {name: read_table(name) for name in (tables or list(schema.TABLES))}


def write_lake(out_dir: str | Path, tables: dict[str, pa.Table] | None = None) -> Path:
    """Write a snapshot as a Parquet lake: ``<out_dir>/<table>.parquet``, one file per table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in (tables or snapshot()).items():
        pq.write_table(table, out / f"{name}.parquet", compression="zstd")
    return out

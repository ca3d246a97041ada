"""Floors for ``casewatch bench import``: the same rows copied into the same tables, no pipeline.

Why measured in the same run: "rows per second" alone says nothing on a shared two-core machine.
After an import, every registry table the import wrote is dumped (``COPY … TO``, not timed) and
copied back (``COPY … FROM``, timed, with its COMMIT) into two scratch tables:

* **indexed floor** — ``CREATE TABLE … (LIKE t INCLUDING ALL)``: the same columns, defaults,
  unique constraints and indexes (trigram ones included), no foreign keys, no triggers;
* **bare floor** — ``LIKE t INCLUDING DEFAULTS``: the same columns, nothing else.

The import is then reported as a multiple of each floor. The floors read no files and check
nothing: what the import costs above the indexed floor is reading, validating and deciding
what is new.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django.db import connection

from casewatch.cases.importing.load import backend_cpu
from casewatch.cases.importing.tables import IMPORT_ORDER, spec


def registry_tables(counts: dict | None = None) -> list[str]:
    """Database tables of the canonical tables, in load order (only those in `counts`)."""
    return [spec(t).db_table for t in IMPORT_ORDER if counts is None or t in counts]


def floors(tables: list[str], write) -> dict[str, float]:
    """Seconds to COPY each table's rows into an indexed and a bare copy of it (PostgreSQL)."""
    if connection.vendor != "postgresql":
        write("floors: PostgreSQL only (SQLite has no COPY)")
        return {}
    if connection.in_atomic_block:
        # The floors COMMIT after every COPY (that is what they time); inside a transaction that would
        # commit the caller's work too (a test's, for one), so they are not measured there.
        write("floors: skipped inside a transaction (they commit each COPY)")
        return {}
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    raw.commit()
    totals = {"rows": 0, "indexed": 0.0, "bare": 0.0, "indexed_cpu": 0.0, "bare_cpu": 0.0}
    write(f"\n  {'floor: table':24} {'rows':>10} {'indexed s':>10} {'bare s':>8} {'server CPU s':>13}")
    with tempfile.TemporaryDirectory(prefix="cw-floor-") as tmp:
        for table in tables:
            dump = Path(tmp) / f"{table}.copy"
            with raw.cursor() as cur, dump.open("wb") as out:
                with cur.copy(f'COPY "{table}" TO STDOUT') as copy:  # text format, fastest to re-read
                    for data in copy:
                        out.write(data)
                cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - our table names
                rows = cur.fetchone()[0]
            raw.commit()
            seconds = {}
            for kind, like in (("indexed", "INCLUDING ALL"), ("bare", "INCLUDING DEFAULTS")):
                scratch = f"cw_floor_{kind}_{table}"[:63]
                with raw.cursor() as cur:
                    cur.execute(f'DROP TABLE IF EXISTS "{scratch}"')
                    cur.execute(f'CREATE TABLE "{scratch}" (LIKE "{table}" {like})')
                raw.commit()
                t, cpu = time.perf_counter(), backend_cpu(pid)
                with raw.cursor() as cur, dump.open("rb") as src:
                    with cur.copy(f'COPY "{scratch}" FROM STDIN') as copy:
                        while block := src.read(1 << 20):
                            copy.write(block)
                raw.commit()
                seconds[kind] = time.perf_counter() - t
                if cpu is not None:
                    seconds[kind + "_cpu"] = backend_cpu(pid) - cpu
                with raw.cursor() as cur:
                    cur.execute(f'DROP TABLE "{scratch}"')
                raw.commit()
            dump.unlink()
            totals["rows"] += rows
            totals["indexed"] += seconds["indexed"]
            totals["bare"] += seconds["bare"]
            cpu = ""
            if "indexed_cpu" in seconds:
                totals["indexed_cpu"] += seconds["indexed_cpu"]
                totals["bare_cpu"] += seconds["bare_cpu"]
                cpu = f" {seconds['indexed_cpu']:>6.1f} {seconds['bare_cpu']:>6.1f}"
            write(f"  {table:24} {rows:>10,} {seconds['indexed']:>10.1f} {seconds['bare']:>8.1f}{cpu}")
    return totals


def side_by_side(write, label: str, rows: int, seconds: float, rss: int | None, floor: dict) -> None:
    """One import beside the floors: rows/s and multiples."""
    mb = f", peak RSS {rss / 2**20:,.0f} MB" if rss else ""
    write(f"  {label}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s{mb}")
    if floor:
        for kind in ("indexed", "bare"):
            s = floor[kind]
            write(
                f"  COPY into {kind:7} tables: {floor['rows']:,} rows in {s:.1f} s = "
                f"{floor['rows'] / s:,.0f} rows/s → import is {seconds / s:.2f}× this floor"
            )
        if floor.get("indexed_cpu"):
            write(
                f"  server CPU of the floors: indexed {floor['indexed_cpu']:.1f} s, bare {floor['bare_cpu']:.1f} s "
                "(the import's own: 'cpu server' and 'cpu here' in its stages above)"
            )

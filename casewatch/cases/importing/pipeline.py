"""One import from files to database: read, map headers, type, validate, load, audit.

Why all-or-nothing by default: a case registry that is half an export is worse than the old
registry — counts and deadlines computed on it are silently wrong. So one bad row rejects the
whole import and nothing is written. ``skip_invalid`` is for the clerk who wants the good rows
now: it writes every valid row and quarantines the bad ones *and every row that depends on
one* (the events of a rejected case), and the report lists them.

Files with a header problem (unknown or missing columns) are rejected as a whole: an unknown
column is usually a misspelt known one, and silently dropping it would load rows with that
field empty. That holds under ``skip_invalid`` too: the file's rows are not loaded.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import transaction

from casewatch.analytics.schema import TABLES
from casewatch.cases.importing import issues, judgments, readers, validate
from casewatch.cases.importing.coerce import coerce
from casewatch.cases.importing.load import Database, _prefetch
from casewatch.cases.importing.tables import IMPORT_ORDER, header_lookup, normalise_header, spec

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


@dataclass
class Options:
    skip_invalid: bool = False
    table: str | None = None  # force every file into this table
    encoding: str | None = None  # declared encoding of text files (default: detected)
    scope_path: str | None = None  # the importing user's scope; None = no restriction
    dry_run: bool = False  # validate only
    workers: int | None = None  # processes parsing judgment documents (default: one per core)


@dataclass
class Result:
    status: str  # imported, partial, rejected, empty
    counts: dict[str, dict] = field(default_factory=dict)
    problems: pl.DataFrame = field(default_factory=issues.empty)
    changes: dict[str, list] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return issues.errors(self.problems).height

    @property
    def warning_count(self) -> int:
        return self.problems.height - self.error_count

    @property
    def written(self) -> bool:
        return self.status in ("imported", "partial")

    def totals(self) -> dict[str, int]:
        keys = ("read", "valid", "rejected", "created", "updated", "unchanged")
        return {k: sum(c.get(k, 0) for c in self.counts.values()) for k in keys}


def _no_progress(percent: float, message: str) -> None:
    return None


@dataclass
class _Mapped:
    table: str
    frame: pl.LazyFrame
    headers: dict[str, str]  # canonical column -> header as written
    display: str
    sheet: str


def map_headers(raw: readers.RawFrame, table: str) -> tuple[_Mapped | None, list[pl.DataFrame]]:
    """Rename header cells to canonical columns; unknown, duplicate or missing columns are errors."""
    src = raw.source
    lookup = header_lookup(table)
    problems: list[pl.DataFrame] = []
    chosen: dict[str, int] = {}
    headers: dict[str, str] = {}
    for i, header in enumerate(raw.headers):
        key = normalise_header(header)
        if not key:
            if raw.frame.lazy().select(pl.col(f"c{i}").drop_nulls().len()).collect().item() == 0:
                continue  # an empty trailing column
            problems.append(
                issues.file_issue("unknown_column", src.display, sheet=src.sheet, column=f"#{i + 1}")
            )
            continue
        name = lookup.get(key)
        if name is None:
            problems.append(issues.file_issue("unknown_column", src.display, sheet=src.sheet, column=header))
            continue
        if name in chosen:
            problems.append(
                issues.file_issue(
                    "duplicate_column",
                    src.display,
                    raw.headers[chosen[name]],
                    sheet=src.sheet,
                    column=header,
                    field=name,
                )
            )
            continue
        chosen[name] = i
        headers[name] = header
    schema = TABLES[table]
    missing = [c for c in schema.columns if c.required and not c.derived and c.name not in chosen]
    if missing:
        names = "、".join(f"{c.zh}({c.name})" for c in missing)
        problems.append(
            issues.file_issue(
                "missing_column", src.display, names, sheet=src.sheet, field=",".join(c.name for c in missing)
            )
        )
    if problems:
        return None, problems
    derived = {c.name for c in schema.columns if c.derived}
    keep = {name: i for name, i in chosen.items() if name not in derived}
    frame = raw.frame.lazy().select(
        *[pl.col(f"c{i}").alias(name) for name, i in keep.items()],
        pl.col("__row"),
        pl.col("__file")
        if "__file" in raw.frame.collect_schema().names()
        else pl.lit(src.display).alias("__file"),
        pl.lit(src.sheet).alias("__sheet"),
    )
    if frame.select(pl.len()).collect().item() == 0:
        problems.append(issues.file_issue("no_rows", src.display, sheet=src.sheet, severity="warning"))
    return _Mapped(table, frame, headers, src.display, src.sheet), problems


@dataclass
class _Sources:
    """The files of an import, grouped by table, and what is learnt while reading them."""

    by_table: dict[str, list[readers.Source]]
    files: list[dict]
    problems: list[pl.DataFrame]
    header_map: dict[tuple[str, str, str], str] = field(default_factory=dict)
    offset: int = 0  # next __rid
    #: (first __rid, file, sheet) of every source read, to name the file of a row by its __rid
    starts: list[tuple[int, str, str]] = field(default_factory=list)


def find_sources(paths, options: Options) -> _Sources:
    """Expand paths into sources per table; file-level problems for the rest (nothing is read)."""
    sources, problems = readers.discover(paths, options.table)
    found = _Sources({}, [], problems)
    for src in sources:
        info = {"file": src.display, "sheet": src.sheet, "table": src.table, "rows": 0, "encoding": ""}
        found.files.append(info)
        if src.table is None:
            problems.append(issues.file_issue("unknown_table", src.display, sheet=src.sheet))
        elif src.table == "units":
            # The organisation tree is seeded (casewatch seed-orgs), never imported; exports that
            # carry it along are fine, and unknown unit codes in the rows are errors anyway.
            problems.append(
                issues.file_issue(
                    "not_importable", src.display, src.table, sheet=src.sheet, severity="warning"
                )
            )
        elif src.table not in IMPORT_ORDER:
            problems.append(issues.file_issue("not_importable", src.display, src.table, sheet=src.sheet))
        else:
            found.by_table.setdefault(src.table, []).append(src)
    return found


def read_table(table: str, found: _Sources, options: Options) -> tuple[pl.LazyFrame, int] | None:
    """Every source of one table, mapped to canonical columns, as one lazy frame with a global
    ``__rid``, and its row count. Text and Excel files are in memory; Parquet is scanned."""
    frames, names = [], []
    infos = {(f["file"], f["sheet"]): f for f in found.files}
    for src in found.by_table.get(table, ()):
        info = infos[(src.display, src.sheet)]
        try:
            raw = readers.read(src, options.encoding)
            mapped, problems = map_headers(raw, table)
            rows = mapped.frame.select(pl.len()).collect().item() if mapped is not None else 0
        except readers.ReadError as exc:
            found.problems.append(issues.file_issue(exc.code, src.display, *exc.args_, sheet=src.sheet))
            continue
        except Exception as exc:  # a reader bug or a corrupt file must not take the import down silently
            log.exception("cannot read %s", src.display)
            found.problems.append(
                issues.file_issue("unreadable", src.display, f"{type(exc).__name__}: {exc}"[:300])
            )
            continue
        info["encoding"] = raw.encoding
        found.problems.extend(raw.warnings)
        found.problems.extend(problems)
        del raw
        if mapped is None:
            continue
        info["rows"] = rows
        for name, header in mapped.headers.items():
            found.header_map[(mapped.display, mapped.sheet, name)] = header
        frames.append((mapped.frame, rows))
        names.append((mapped.display, mapped.sheet))
    if not frames:
        return None
    parts = []
    for (frame, rows), (display, sheet) in zip(frames, names, strict=True):
        found.starts.append((found.offset, display, sheet))
        parts.append(
            frame.with_row_index("__rid", offset=found.offset).with_columns(pl.col("__rid").cast(pl.Int64))
        )
        found.offset += rows
    frame = pl.concat(parts, how="diagonal_relaxed") if len(parts) > 1 else parts[0]
    return frame, sum(rows for _f, rows in frames)


def _units_frame() -> pl.DataFrame:
    from casewatch.core.models import Unit

    rows = list(Unit.objects.values_list("code", "path", "agency_kind", "division_code"))
    return pl.DataFrame(rows, schema=["code", "path", "agency_kind", "division_code"], orient="row")


#: Columns of a valid table that later tables' references need (the rest is spilled to disk).
KEEP: dict[str, tuple[str, ...]] = {}
for _ref in validate.REFS:
    KEEP[_ref.target] = tuple(dict.fromkeys(KEEP.get(_ref.target, ()) + _ref.target_cols))
KEEP["cases"] += ("filed_at", "closed_at")


CHUNK_ROWS = 500_000


@dataclass
class _Checked:
    """One table after validation: valid rows spilled to disk, keys for later references."""

    valid: int
    rejected: int
    problems: list[pl.DataFrame]
    keys: pl.DataFrame | None  # KEEP columns (and __rid) of the valid rows
    rejected_keys: pl.DataFrame | None
    drop: pl.Series  # __rid of rows found invalid after their chunk was spilled (duplicates)


def _check_chunk(table, chunk, ctx, valid_keys, rejected_keys) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    values, found = coerce(chunk, spec(table))
    del chunk
    values, more = validate.table_rules(table, values, ctx)
    found += more
    for ref in validate.REFS:
        if ref.table != table:
            continue
        extra = (
            {"filed_at": pl.Date, "closed_at": pl.Date}
            if table == "events" and ref.target == "cases"
            else None
        )
        carry = ("kind", "occurred_at") if extra else ()
        problems, joined = validate.resolve(ref, values, valid_keys, rejected_keys, ctx, extra, carry)
        found.append(problems)
        if joined is not None and "occurred_at" in joined.columns and "kind" in joined.columns:
            joined = joined.rename({"filed_at": "__filed", "closed_at": "__closed"})
            found += validate.event_dates(joined)
        del joined
    return values, found


def check_table(
    table: str,
    frame: pl.LazyFrame,
    rows: int,
    ctx: validate.Context,
    valid_keys: dict[str, pl.DataFrame],
    rejected_keys: dict[str, pl.DataFrame],
    spill: Path,
    starts: list[tuple[int, str, str]],
) -> _Checked:
    """Every check of one table (its parents are checked already), CHUNK_ROWS rows at a time.

    Valid rows of each slice go to ``spill/<table>-<n>.arrow``; duplicates, which need the whole
    table, are found on the key columns at the end and dropped at load time.
    """
    found: list[pl.DataFrame] = []
    key_cols = [c for c in spec(table).schema.key]
    keep = list(KEEP.get(table, ()))
    valid_n = rejected_n = 0
    keys, rej_keys, dup_parts = [], [], []
    for n, start in enumerate(range(0, max(rows, 1), CHUNK_ROWS)):
        values, problems = _check_chunk(
            table, frame.slice(start, CHUNK_ROWS).collect(), ctx, valid_keys, rejected_keys
        )
        found += problems
        dup_parts.append(
            values.select(
                "__rid", "__file", "__sheet", "__row", *[c for c in key_cols if c in values.columns]
            )
        )
        bad = issues.concat(problems).filter((pl.col("severity") == "error") & pl.col("__rid").is_not_null())
        if bad.is_empty():  # the usual case: no copy of the slice
            valid, rejected = values, values.clear()
        else:
            is_bad = pl.col("__rid").is_in(bad.get_column("__rid").unique().implode())
            valid, rejected = values.filter(~is_bad), values.filter(is_bad)
        del values
        keep_rows, warned = validate.shared_outside_scope(table, valid, ctx)
        if not keep_rows.is_empty():
            found.append(warned)
            untouched = ctx.untouched.get(table, pl.Series("__rid", [], dtype=pl.Int64))
            ctx.untouched[table] = pl.concat([untouched, keep_rows.get_column("__rid")])
        valid.write_ipc(spill / f"{table}-{n:04d}.arrow", compression="lz4")
        cols = ["__rid"] + [c for c in keep if c in valid.columns]
        keys.append(valid.select(cols))
        rej_keys.append(rejected.select(cols))
        valid_n += valid.height
        rejected_n += rejected.height
        del valid, rejected
    sources = pl.DataFrame(
        starts, schema={"start": pl.Int64, "__file": pl.String, "__sheet": pl.String}, orient="row"
    )
    dups = validate.duplicates(table, pl.concat(dup_parts, how="diagonal_relaxed"), sources)
    del dup_parts
    found.append(dups)
    drop = dups.get_column("__rid").unique()
    key_frame = pl.concat(keys, how="diagonal_relaxed")
    rej_frame = pl.concat(rej_keys, how="diagonal_relaxed")
    if len(drop):
        is_dup = pl.col("__rid").is_in(drop.implode())
        dropped = key_frame.filter(is_dup)
        valid_n -= dropped.height
        rejected_n += dropped.height
        rej_frame = pl.concat([rej_frame, dropped], how="diagonal_relaxed")
        key_frame = key_frame.filter(~is_dup)
    has_keys = len(key_frame.columns) > 1
    return _Checked(
        valid_n,
        rejected_n,
        found,
        key_frame.drop("__rid") if has_keys else None,
        rej_frame.drop("__rid") if has_keys else None,
        drop,
    )


def _with_headers(problems: pl.DataFrame, header_map: dict) -> pl.DataFrame:
    """Report the column as the file wrote it (案号, not case_number)."""
    if problems.is_empty() or not header_map:
        return problems
    mapping = pl.DataFrame(
        [(f, s, k, h) for (f, s, k), h in header_map.items()],
        schema=["file", "sheet", "field", "__header"],
        orient="row",
    )
    joined = problems.join(mapping, on=["file", "sheet", "field"], how="left", maintain_order="left")
    return joined.with_columns(
        pl.when(pl.col("__header").is_not_null())
        .then(pl.col("__header"))
        .otherwise(pl.col("column"))
        .alias("column")
    ).drop("__header")


def run_import(
    paths: list[str | Path],
    options: Options | None = None,
    progress: Progress | None = None,
    audit_target=None,
    user=None,
) -> Result:
    """Import files and folders; see the module docstring for the all-or-nothing rule.

    Tables are read and checked one at a time in load order, and each table's valid rows are
    spilled to an Arrow file until loading, so memory holds one table plus the key columns that
    later tables refer to — not the whole import.
    """
    options = options or Options()
    progress = progress or _no_progress
    result = Result(status="rejected")
    t0, cpu0 = time.perf_counter(), time.process_time()
    progress(2, "reading files")
    units = _units_frame()
    bundle = judgments.prepare(paths, units, options.workers)
    result.timings["parse"] = bundle.parse_seconds
    try:
        found = find_sources(bundle.paths, options) if bundle.paths else _Sources({}, [], [])
        judgments.attach(bundle, found)
        _run(found, bundle, units, options, progress, audit_target, user, result)
    finally:
        bundle.cleanup()
    result.timings["total"] = time.perf_counter() - t0
    result.timings["cpu here"] = time.process_time() - cpu0  # this process, all its threads
    progress(100, result.status)
    return result


def _run(found, bundle, units, options, progress, audit_target, user, result) -> None:
    """Check and load the sources found (tables and judgment documents).

    PostgreSQL: table *n+1* is read and checked in a worker thread while table *n* is written, so
    validation costs no wall time beside the load. The transaction opens before the first table
    is written; a later table with errors (all or nothing) rolls back what was written already.
    Database lookups of the checks wait for the write in progress (one connection, one lock).
    SQLite (one writer; progress only visible at COMMIT while the transaction is open) checks
    every table first, then writes them in one transaction, as before.
    """
    db = Database()
    server0 = db.server_cpu()
    lock = threading.Lock()
    ctx = validate.Context(units=units, scope_path=options.scope_path, db=_Locked(db, lock))
    tables = [t for t in IMPORT_ORDER if t in found.by_table]
    specs = {t: spec(t) for t in tables}  # built here: Django model metadata, off the worker thread
    state = _CheckState()
    loading = not options.dry_run
    overlap = loading and db.pg
    with tempfile.TemporaryDirectory(prefix="cw-import-") as spill, contextlib.ExitStack() as stack:
        checks = (
            (n, table, _check_one(table, found, options, ctx, state, Path(spill), result))
            for n, table in enumerate(tables)
        )
        loader = _Loader(db, lock, specs, state, ctx.untouched, result, stack, progress)
        if overlap:
            # progress from this thread only (the jobs-page connection belongs to it)
            if tables:
                progress(5, f"reading and checking {tables[0]}")
            checks = _prefetch(checks)
        else:
            checks = list(_announced(tables, checks, progress))
            last_errors = bool(checks) and checks[-1][2]  # every table is checked before any write
            checks = [(n, table, last_errors) for n, table, _e in checks]
        each = iter(checks)
        try:
            for n, table, errors_so_far in each:
                nxt = tables[n + 1] if overlap and n + 1 < len(tables) else None
                if loading and table in state.spilled and not (errors_so_far and not options.skip_invalid):
                    at = 5 + 90 * (n + 0.5) / len(tables) if overlap else 55 + 40 * n / len(tables)
                    loader.write(table, at, nxt)
                if nxt is not None:
                    progress(5 + 90 * (n + 1) / len(tables), f"reading and checking {nxt}")
        finally:  # the worker's check done before anything is rolled back
            getattr(each, "close", lambda: None)()
        result.files = found.files

        all_problems = issues.concat(found.problems + state.problems)
        all_problems = all_problems.unique(
            subset=["__rid", "file", "sheet", "column", "field", "code"], keep="first", maintain_order=True
        )
        result.problems = _with_headers(all_problems, found.header_map)

        has_errors = result.error_count > 0
        total_valid = sum(c["valid"] for c in result.counts.values())
        if has_errors and not options.skip_invalid:
            result.status = "rejected"
        elif total_valid == 0:
            result.status = "rejected" if has_errors else "empty"
        elif options.dry_run:
            result.status = "validated"
        else:
            loader.open()  # (opened already unless nothing was loadable)
            progress(95, "checking references of the rows written")
            result.timings["references"] = db.end_load()
            result.status = "partial" if has_errors else "imported"
            if bundle.provenance:
                result.counts.setdefault("judgments", {})["documents"] = judgments.store(
                    bundle, state.valid_keys.get("cases"), db
                )
            if audit_target is not None or user is not None:
                _audit(result, audit_target, user)
            progress(97, "committing")
        if loader.opened and not result.written:
            transaction.set_rollback(True)  # a later table was rejected: nothing of this import stays
            for table in tables:  # nothing was written after all
                for key in ("created", "updated", "unchanged", "seconds"):
                    result.counts.get(table, {}).pop(key, None)
        if loader.opened:
            t2 = time.perf_counter()
            stack.close()  # COMMIT (or the rollback)
            result.timings["commit"] = time.perf_counter() - t2
            result.timings["load"] = loader.seconds + result.timings["commit"]
    if not result.written and (audit_target is not None or user is not None):
        _audit(result, audit_target, user)
    if server0 is not None:
        result.timings["cpu server"] = db.server_cpu() - server0  # the PostgreSQL backend (same host)


def _announced(tables, checks, progress):
    """The checks one after the other, each announced before it runs (the sequential path)."""
    iterator = iter(checks)
    for n, table in enumerate(tables):
        progress(5 + 45 * n / len(tables), f"reading and checking {table}")
        yield next(iterator)


@dataclass
class _CheckState:
    """What the checks of earlier tables leave for later ones and for the load."""

    valid_keys: dict[str, pl.DataFrame] = field(default_factory=dict)
    rejected_keys: dict[str, pl.DataFrame] = field(default_factory=dict)
    problems: list[pl.DataFrame] = field(default_factory=list)
    spilled: dict[str, Path] = field(default_factory=dict)
    drops: dict[str, pl.Series] = field(default_factory=dict)


def _check_one(table, found, options, ctx, state: _CheckState, spill: Path, result: Result) -> bool:
    """Read and check one table, spill its valid rows; True when an error was found so far
    (in this table or an earlier one, or in a file)."""
    t = time.perf_counter()
    read = read_table(table, found, options)
    result.timings["read"] = result.timings.get("read", 0) + time.perf_counter() - t
    if read is not None:
        t = time.perf_counter()
        frame, rows = read
        checked = check_table(
            table, frame, rows, ctx, state.valid_keys, state.rejected_keys, spill, found.starts
        )
        del frame
        state.problems += checked.problems
        if checked.keys is not None:
            state.valid_keys[table], state.rejected_keys[table] = checked.keys, checked.rejected_keys
        state.drops[table] = checked.drop
        result.counts[table] = {"read": rows, "valid": checked.valid, "rejected": checked.rejected}
        state.spilled[table] = spill / f"{table}-*.arrow"
        result.timings["validate"] = result.timings.get("validate", 0) + time.perf_counter() - t
    return issues.errors(issues.concat(list(found.problems) + list(state.problems))).height > 0


class _Locked:
    """The database as the checks see it: each lookup waits for the write in progress, since the
    checks (worker thread) and the load (main thread) share the import's one connection."""

    def __init__(self, db: Database, lock: threading.Lock):
        self._db, self._lock = db, lock

    def lookup(self, *args, **kwargs):
        with self._lock:
            return self._db.lookup(*args, **kwargs)

    def keys_query(self, *args, **kwargs):
        with self._lock:
            return self._db.keys_query(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._db, name)


class _Loader:
    """Writes checked tables inside the import's one transaction, opened at the first write."""

    def __init__(self, db, lock, specs, state, untouched, result, stack, progress):
        self.db, self.lock, self.specs, self.state = db, lock, specs, state
        self.untouched, self.result, self.stack, self.progress = untouched, result, stack, progress
        self.opened = False
        self.seconds = 0.0

    def open(self) -> None:
        if self.opened:
            return
        t = time.perf_counter()
        with self.lock:
            self.db.tune()
            self.stack.enter_context(transaction.atomic())
            self.opened = True
            if self.db.pg:
                self.db.execute("SET LOCAL work_mem = '256MB'")
            self.db.begin_load([s.db_table for s in self.specs.values()])
        self.seconds += time.perf_counter() - t

    def write(self, table: str, at: float, checking: str | None) -> None:
        self.open()
        counts = self.result.counts[table]
        also = f" · checking {checking}" if checking else ""
        self.progress(at, f"writing {table} ({counts['valid']:,} rows){also}")
        t = time.perf_counter()
        frame = pl.scan_ipc(self.state.spilled[table])
        drops = self.state.drops.get(table, ())
        if len(drops):  # duplicates, found after their slice was spilled
            frame = frame.filter(~pl.col("__rid").is_in(drops.implode()))
        if table in self.untouched:  # shared rows of other units: valid, not ours to change
            frame = frame.filter(~pl.col("__rid").is_in(self.untouched[table].implode()))
        names = frame.collect_schema().names()
        src = pl.col("source") if "source" in names else pl.lit(None, dtype=pl.String)
        frame = frame.with_columns(pl.coalesce(src, pl.col("__file")).str.slice(0, 200).alias("source"))
        with self.lock:
            written = self.db.upsert(self.specs[table], frame)
        del frame
        written["unchanged"] += counts["valid"] - written["rows"]
        self.result.changes[table] = written.pop("changes")
        written.pop("rows")
        counts.update(written)
        self.seconds += time.perf_counter() - t


def _audit(result: Result, target, user) -> None:
    """One audit record per import: counts, and for updated rows their keys and changed fields."""
    from casewatch.core import audit
    from casewatch.core.choices import AuditAction

    updated = {t: rows for t, rows in result.changes.items() if rows}
    totals = result.totals()
    message = (
        f"import {result.status}: {totals['created']} created, {totals['updated']} updated, "
        f"{totals['unchanged']} unchanged, {result.error_count} errors"
    )
    kwargs = {"object_type": "cases.importrun"} if target is None else {}
    audit.record(
        AuditAction.IMPORT,
        target,
        user=user,
        message=message,
        after={
            "status": result.status,
            "files": [f["file"] for f in result.files][:50],
            "counts": result.counts,
            "updated": _mask(updated),
        },
        **kwargs,
    )


def _mask(updated: dict[str, list]) -> dict[str, list]:
    """Personal values (ID numbers, phones, addresses) are masked in the audit trail's sample."""
    from casewatch.core.masking import mask

    personal = {c.name for t in TABLES.values() for c in t.columns if c.personal}
    out = {}
    for table, rows in updated.items():
        clean = []
        for row in rows:
            key = {k: mask(k, v) if k in personal and v else v for k, v in row["key"].items()}
            changed = {
                c: [mask(c, b) if c in personal and b else b, mask(c, a) if c in personal and a else a]
                for c, (b, a) in row["changed"].items()
            }
            clean.append({"id": row["id"], "key": key, "changed": changed})
        out[table] = clean
    return out

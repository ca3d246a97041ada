"""The warm analytics store: one DuckDB file holding every canonical table, kept current by deltas.

Every analytics consumer (screening, deadlines, measures, enforcement, false litigation, custom
rules) used to rebuild a snapshot of the registry per run or per request. The store is that
snapshot kept warm: a DuckDB database file (``<VAR_DIR>/analytics/warm.duckdb``) with

* one table per canonical table of :mod:`casewatch.analytics.schema`, in canonical column order
  and DuckDB types (the same contents a fresh snapshot would give);
* ``_sync_state`` — per table: watermark (the registry's ``updated_at`` the table is complete up
  to), row count, when it was last synced and how (``rebuild``/``delta``/``lake``);
* ``_meta`` — the store format and a fingerprint of the canonical schema (a store written for
  another schema is refused: rebuild it) and the id of the generation (new on every publish);
* ``d_<name>`` and ``_derived`` — derived state tables the pages read (listing state,
  eligibility, fund receipts, deadline performance, the measures' facts), computed inside each
  new generation before it is published (:meth:`Writer.derive`, specs in
  :mod:`casewatch.analytics.derived`), with their version, parameter and cost.

Concurrency (DuckDB allows one read-write process *or* several read-only ones per file):

* **Readers** (gunicorn web workers, the job worker's engines) ``ATTACH`` the published file
  ``READ_ONLY``. Nobody ever opens the published file read-write, so readers never wait for the
  writer and the writer never waits for readers.
* **One writer at a time** (a ``flock`` on ``warm.duckdb.lock``) copies the published file to a
  private temporary file, applies the deltas there (set-based SQL), checkpoints, closes and
  publishes it with an atomic ``rename``. A reader that attached the old file keeps reading that
  generation (POSIX keeps an unlinked open file alive) until it closes; the next attach gets the
  new one. A failed sync leaves the published file untouched.
* The cost of a generation is one file copy (page cache speed, a few hundred MB at a million
  cases); a sync with nothing to change publishes nothing.

This module never imports Django; :mod:`casewatch.cases.warehouse` is the registry side.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from casewatch.analytics import schema

STORE_FORMAT = 1
FILE_NAME = "warm.duckdb"
STATE_TABLE = "_sync_state"
META_TABLE = "_meta"
#: derived state tables (:mod:`casewatch.analytics.derived`): name, version, parameter, rows, timing
DERIVED_TABLE = "_derived"
#: canonical tables whose changed rows name the cases they touch (key starts unit_code, case_number)
CASE_KEYED = ("cases", "events", "case_parties", "documents")
_DUCK_TYPES = {name: types[1] for name, types in schema.TYPES.items()}


class StoreError(RuntimeError):
    """The store is absent, unreadable or written for another schema (message in zh and en)."""

    def __init__(self, zh: str, en: str, path: Path | str | None = None):
        self.zh, self.en, self.path = zh, en, path
        where = f" [{path}]" if path else ""
        super().__init__(f"{zh} / {en}{where}")


def fingerprint() -> str:
    """A hash of the canonical schema (tables, columns, types) and the store format."""
    parts = [f"format={STORE_FORMAT}"]
    for table in schema.TABLES.values():
        parts.append(table.name + ":" + ",".join(f"{c.name}/{c.type}" for c in table.columns))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def default_path(var_dir: str | Path) -> Path:
    """Where the store lives under a var dir."""
    return Path(var_dir) / "analytics" / FILE_NAME


def _quote(path: Path | str) -> str:
    return str(path).replace("'", "''")


def _ident(name: str) -> str:
    if name not in schema.TABLES and name not in (STATE_TABLE, META_TABLE, DERIVED_TABLE):
        raise KeyError(f"not a canonical table: {name!r}")
    return name


def key_columns(table: str) -> tuple[str, ...]:
    """The natural key a delta is applied by (columns may be null: compared null-safely)."""
    return schema.TABLES[table].key


def select_canonical(table: str, source: str, present: Iterable[str] | None = None) -> str:
    """SELECT of ``source`` with exactly the canonical columns of ``table`` cast to their types."""
    have = set(present) if present is not None else None
    cols = []
    for c in schema.TABLES[table].columns:
        expr = f'"{c.name}"' if have is None or c.name in have else "NULL"
        cols.append(f'CAST({expr} AS {_DUCK_TYPES[c.type]}) AS "{c.name}"')
    return f"SELECT {', '.join(cols)} FROM {source}"  # noqa: S608 - names from the schema


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name in schema.TABLES:
        cols = ", ".join(f'"{c.name}" {_DUCK_TYPES[c.type]}' for c in schema.TABLES[name].columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS main.{name} ({cols})")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS main.{STATE_TABLE} (table_name VARCHAR PRIMARY KEY, "
        "watermark TIMESTAMP, row_count BIGINT, synced_at TIMESTAMP, how VARCHAR, seconds DOUBLE)"
    )
    con.execute(f"CREATE TABLE IF NOT EXISTS main.{META_TABLE} (name VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS main.{DERIVED_TABLE} (name VARCHAR PRIMARY KEY, version VARCHAR, "
        "param VARCHAR, row_count BIGINT, seconds DOUBLE, how VARCHAR, computed_at TIMESTAMP)"
    )
    con.execute(
        f"INSERT OR REPLACE INTO main.{META_TABLE} VALUES ('format', ?), ('fingerprint', ?)",  # noqa: S608
        [str(STORE_FORMAT), fingerprint()],
    )


def _check(con: duckdb.DuckDBPyConnection, alias: str, path) -> None:
    try:
        meta = dict(con.execute(f"SELECT name, value FROM {alias}.main.{META_TABLE}").fetchall())  # noqa: S608
    except duckdb.Error as exc:
        raise StoreError(
            "分析库文件无法读取或不是分析库，请执行 casewatch warehouse rebuild",
            f"the analytics store is unreadable or not a store ({type(exc).__name__}); "
            "run `casewatch warehouse rebuild`",
            path,
        ) from exc
    if meta.get("fingerprint") != fingerprint():
        raise StoreError(
            "分析库按旧的数据结构生成，请执行 casewatch warehouse rebuild",
            f"the analytics store was written for another schema (fingerprint {meta.get('fingerprint')}, "
            f"expected {fingerprint()}); run `casewatch warehouse rebuild`",
            path,
        )


# --- readers ----------------------------------------------------------------------------------


def attach(
    con: duckdb.DuckDBPyConnection, path: str | Path, alias: str = "store", timeout: float = 5.0
) -> None:
    """ATTACH the published store read-only as ``alias`` (checked against the schema).

    Retries briefly on a lock error (a foreign process holding the file read-write, which this
    module's writer never does to the published file) and raises :class:`StoreError` when the
    file is absent, unreadable or for another schema.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(
            "分析库尚未生成，请执行 casewatch warehouse rebuild",
            "the analytics store has not been built; run `casewatch warehouse rebuild`",
            path,
        )
    deadline = time.monotonic() + timeout
    while True:
        try:
            con.execute(f"ATTACH '{_quote(path)}' AS {alias} (READ_ONLY)")
            break
        except duckdb.Error as exc:
            locked = isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()
            if locked and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            if locked:
                raise StoreError(
                    "分析库文件被其他进程占用，请稍后再试", f"the analytics store is locked: {exc}", path
                ) from exc
            raise StoreError(
                "分析库文件已损坏或无法读取，请执行 casewatch warehouse rebuild",
                f"the analytics store file is damaged or unreadable ({exc}); run `casewatch warehouse rebuild`",
                path,
            ) from exc
    try:
        _check(con, alias, path)
    except StoreError:
        con.execute(f"DETACH {alias}")
        raise


def create_views(
    con: duckdb.DuckDBPyConnection,
    alias: str = "store",
    target: str = "main",
    tables: Iterable[str] | None = None,
) -> None:
    """Views ``<target>.<table>`` over the attached store's tables (no copy)."""
    for name in tables or schema.TABLES:
        con.execute(f"CREATE OR REPLACE VIEW {target}.{_ident(name)} AS SELECT * FROM {alias}.main.{name}")  # noqa: S608


def connect(path: str | Path, tables: Iterable[str] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the store attached and views under canonical names."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    attach(con, path)
    create_views(con, tables=tables)
    return con


def read_tables(path: str | Path, tables: Iterable[str]) -> dict[str, pa.Table]:
    """Canonical tables as Arrow in the snapshot's types, read from the store (consumers taking Arrow)."""
    con = connect(path, tables=())
    try:
        out = {}
        for name in tables:
            raw = con.sql(f"SELECT * FROM store.main.{_ident(name)}").to_arrow_table()  # noqa: S608
            # exactly the snapshot's Arrow types (DuckDB hands TIMESTAMP back in microseconds)
            target = schema.arrow_schema(name)
            out[name] = pa.Table.from_arrays(
                [raw.column(f.name).cast(f.type, safe=False) for f in target], schema=target
            )
        return out
    finally:
        con.close()


def state(path: str | Path) -> dict[str, dict]:
    """Per table: watermark, row count, last sync time and kind (empty when never synced)."""
    con = duckdb.connect()
    try:
        attach(con, path)
        rows = con.execute(
            f"SELECT table_name, watermark, row_count, synced_at, how, seconds FROM store.main.{STATE_TABLE}"  # noqa: S608
        ).fetchall()
    finally:
        con.close()
    return {
        r[0]: {"watermark": r[1], "rows": r[2], "synced_at": r[3], "how": r[4], "seconds": r[5]} for r in rows
    }


def meta(path: str | Path) -> dict[str, str]:
    """The store's ``_meta`` facts (format, fingerprint, source …)."""
    con = duckdb.connect()
    try:
        attach(con, path)
        return dict(con.execute(f"SELECT name, value FROM store.main.{META_TABLE}").fetchall())  # noqa: S608
    finally:
        con.close()


def derived(con: duckdb.DuckDBPyConnection, alias: str = "store") -> dict[str, dict]:
    """The derived state tables of an attached store: {name: {version, param, rows, seconds, how}}."""
    try:
        rows = con.execute(
            f"SELECT name, version, param, row_count, seconds, how FROM {alias}.main.{DERIVED_TABLE}"  # noqa: S608
        ).fetchall()
    except duckdb.Error:  # a store written before derived tables existed
        return {}
    return {r[0]: {"version": r[1], "param": r[2], "rows": r[3], "seconds": r[4], "how": r[5]} for r in rows}


def derived_of(path: str | Path) -> dict[str, dict]:
    """:func:`derived` of the published store at ``path``."""
    con = duckdb.connect()
    try:
        attach(con, path)
        return derived(con)
    finally:
        con.close()


def counts(con: duckdb.DuckDBPyConnection, alias: str = "store") -> dict[str, int]:
    """Row counts of every canonical table of an attached store."""
    union = " UNION ALL ".join(
        f"SELECT '{name}', count(*) FROM {alias}.main.{name}"  # noqa: S608
        for name in schema.TABLES
    )
    return dict(con.execute(union).fetchall())


def _null_safe(a: str, b: str, columns: Iterable[str]) -> str:
    return " AND ".join(f'{a}."{c}" IS NOT DISTINCT FROM {b}."{c}"' for c in columns)


def diff(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rows: pa.Table | None,
    registry_keys: pa.Table | None = None,
    alias: str = "store",
) -> tuple[pa.Table, int, pa.Table]:
    """Compare candidate rows (and optionally the source's full key set) with an attached store.

    Returns (the rows that differ from the store's, how many of their keys the store lacks, the
    store's keys missing from ``registry_keys`` — deletions; empty when no key set is given).
    Set-based: hash anti-joins on all columns / on the key, null-safe.
    """
    _ident(name)
    key = key_columns(name)
    names = schema.TABLES[name].names
    keys = ", ".join(f'"{k}"' for k in key)
    target = f"{alias}.main.{name}"
    src = rows if rows is not None else schema.arrow_schema(name).empty_table()
    con.register("_cand_in", src)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _cand AS SELECT DISTINCT * FROM ({select_canonical(name, '_cand_in', src.column_names)})"  # noqa: S608
        )
    finally:
        con.unregister("_cand_in")
    changed = con.sql(
        f"SELECT * FROM _cand AS u WHERE NOT EXISTS (SELECT 1 FROM {target} AS s WHERE {_null_safe('s', 'u', names)})"  # noqa: S608
    ).to_arrow_table()
    new_keys = con.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT {keys} FROM _cand) AS u "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {target} AS s WHERE {_null_safe('s', 'u', key)})"
    ).fetchall()[0][0]
    if registry_keys is None:
        gone = con.sql(f"SELECT {keys} FROM {target} LIMIT 0").to_arrow_table()  # noqa: S608
    else:
        con.register("_keys_in", registry_keys)
        try:
            gone = con.sql(
                f"SELECT {keys} FROM {target} AS s WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM _keys_in AS r WHERE {_null_safe('s', 'r', key)})"
            ).to_arrow_table()
        finally:
            con.unregister("_keys_in")
    con.execute("DROP TABLE _cand")
    return changed, new_keys, gone


# --- the writer -------------------------------------------------------------------------------


class Writer:
    """The write side of one generation (a private copy of the store); see :func:`write`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, fresh: bool = False):
        self.con = con
        #: a fresh generation (rebuild): nothing to keep atomic inside the private file, so each
        #: replaced table is committed and checkpointed on its own (one transaction over every
        #: table held them all in memory until COMMIT: 5.4 GB at a million cases)
        self.fresh = fresh
        self.changed: dict[str, tuple[int, int]] = {}
        self.replaced: set[str] = set()
        self.derived_report: dict[str, dict] = {}
        self._derive: tuple | None = None

    def _stage(
        self, name: str, rows: pa.Table | None, label: str, columns: Iterable[str] | None = None
    ) -> str:
        """Register Arrow rows as a temp table of canonical columns; returns its name."""
        temp = f"_{label}_{name}"
        cols = list(columns) if columns is not None else schema.TABLES[name].names
        if rows is None:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {temp} AS SELECT * FROM main.{name} LIMIT 0")  # noqa: S608
            if columns is not None:
                keep = ", ".join(f'"{c}"' for c in cols)
                self.con.execute(f"CREATE OR REPLACE TEMP TABLE {temp} AS SELECT {keep} FROM {temp}")  # noqa: S608
            return temp
        self.con.register("_arrow_in", rows)
        try:
            if columns is None:
                body = select_canonical(name, "_arrow_in", rows.column_names)
            else:
                types = {c.name: _DUCK_TYPES[c.type] for c in schema.TABLES[name].columns}
                casts = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in cols)
                body = f"SELECT {casts} FROM _arrow_in"  # noqa: S608 - names from the schema
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {temp} AS SELECT DISTINCT * FROM ({body})")  # noqa: S608
        finally:
            self.con.unregister("_arrow_in")
        return temp

    def replace(
        self,
        name: str,
        rows: pa.Table | None = None,
        parquet: str | Path | None = None,
        batches: Iterable[pa.Table] | None = None,
    ) -> int:
        """Replace a table's contents entirely (from Arrow rows, a Parquet file/folder, or
        ``batches``: Arrow slices inserted one after another, so a large table never has to be
        in memory whole)."""
        _ident(name)
        self.con.execute(f"DELETE FROM main.{name}")  # noqa: S608
        if parquet is not None:
            location = Path(parquet)
            pattern = str(location / "**" / "*.parquet") if location.is_dir() else str(location)
            source = f"read_parquet('{_quote(pattern)}', union_by_name = true)"
            present = {r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}  # noqa: S608
            self.con.execute(f"INSERT INTO main.{name} {select_canonical(name, source, present)}")  # noqa: S608
        else:
            for part in [rows] if rows is not None else batches or ():
                self.con.register("_arrow_in", part)
                try:
                    self.con.execute(
                        f"INSERT INTO main.{name} {select_canonical(name, '_arrow_in', part.column_names)}"  # noqa: S608
                    )
                finally:
                    self.con.unregister("_arrow_in")
        n = self.con.execute(f"SELECT count(*) FROM main.{name}").fetchall()[0][0]  # noqa: S608
        self.changed[name] = (n, 0)
        self.replaced.add(name)
        if self.fresh:
            self.con.execute("COMMIT")
            self.con.execute("CHECKPOINT")
            self.con.execute("BEGIN")
        return n

    def apply_delta(
        self,
        name: str,
        upserts: pa.Table | None = None,
        deletes: pa.Table | None = None,
        key: tuple[str, ...] | None = None,
    ) -> tuple[int, int]:
        """Upsert ``upserts`` by ``key`` (default: the natural key) and delete the keys in ``deletes``.

        Set-based: one DELETE … USING for every key present in either input, one INSERT of the
        upserted rows. Keys are compared null-safely (``IS NOT DISTINCT FROM``). Returns (rows
        upserted, rows deleted that were not re-inserted).
        """
        _ident(name)
        key = tuple(key or key_columns(name))
        up = self._stage(name, upserts, "up")
        gone = self._stage(name, deletes, "del", columns=key)
        keys = ", ".join(f'"{k}"' for k in key)
        match = " AND ".join(f't."{k}" IS NOT DISTINCT FROM d."{k}"' for k in key)
        deleted = self.con.execute(
            f"SELECT count(*) FROM main.{name} AS t WHERE EXISTS (SELECT 1 FROM {gone} AS d WHERE {match}) "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {up} AS d WHERE {match})"
        ).fetchall()[0][0]
        self.con.execute(
            f"DELETE FROM main.{name} AS t USING (SELECT {keys} FROM {up} UNION SELECT {keys} FROM {gone}) AS d "  # noqa: S608
            f"WHERE {match}"
        )
        self.con.execute(f"INSERT INTO main.{name} SELECT * FROM {up}")  # noqa: S608
        n_up = self.con.execute(f"SELECT count(*) FROM {up}").fetchall()[0][0]  # noqa: S608
        if name in CASE_KEYED:  # the cases this delta touches: what incremental derived tables redo
            self.con.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _changed_cases (unit_code VARCHAR, case_number VARCHAR)"
            )
            self.con.execute(
                f"INSERT INTO _changed_cases SELECT unit_code, case_number FROM {up} "  # noqa: S608
                f"UNION SELECT unit_code, case_number FROM {gone}"
            )
        self.con.execute(f"DROP TABLE {up}")
        self.con.execute(f"DROP TABLE {gone}")
        self.changed[name] = (n_up, deleted)
        return n_up, deleted

    def derive(self, specs: Iterable, params: Mapping) -> None:
        """Compute the derived state tables ``specs`` (:class:`casewatch.analytics.derived.Spec`)
        inside this generation, after the deltas, before it is published (see :meth:`_run_derived`)."""
        self._derive = (tuple(specs), dict(params))

    def _run_derived(self) -> None:
        """Each derived table is skipped when neither its inputs nor its version changed, redone
        for the changed cases only when the spec is incremental and only case-keyed tables changed,
        and recomputed in full otherwise. Work tables (parameters, calendar) live in a scratch
        in-memory catalog, so nothing but ``d_<name>`` and ``_derived`` reaches the store file."""
        if self._derive is None:
            return
        specs, params = self._derive
        db = _self_alias(self.con)
        stored = derived(self.con, alias=f'"{db}"')
        con = self.con
        con.execute("CREATE TEMP TABLE IF NOT EXISTS _changed_cases (unit_code VARCHAR, case_number VARCHAR)")
        con.execute("ATTACH ':memory:' AS derive_scratch")
        con.execute("USE derive_scratch")
        try:
            for name in schema.TABLES:
                con.execute(f'CREATE VIEW main.{name} AS SELECT * FROM "{db}".main.{name}')  # noqa: S608
            existing = {
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [db]
                ).fetchall()
            }
            case_filter = (
                "EXISTS (SELECT 1 FROM temp.main._changed_cases AS k "
                "WHERE k.unit_code = c.unit_code AND k.case_number = c.case_number)"
            )
            for spec in specs:
                t = time.perf_counter()
                version, param = spec.version(params), spec.param(params)
                table = f"d_{spec.name}"
                old = stored.get(spec.name)
                same = (
                    old is not None
                    and old["version"] == version
                    and old["param"] == param
                    and table in existing
                )
                touched = [d for d in spec.depends if d in self.changed]
                if same and not touched:
                    self.derived_report[spec.name] = {"how": "unchanged", "seconds": 0.0}
                    continue
                allowed = getattr(spec, "incremental_on", None) or CASE_KEYED
                incremental = (
                    same
                    and spec.incremental
                    and all(d in allowed and d not in self.replaced for d in touched)
                )
                # the rows to redo: the changed cases' own, or what the spec says they touch
                redo = getattr(spec, "redo", None)
                where = (
                    redo(con)
                    if incremental and redo is not None
                    else "EXISTS (SELECT 1 FROM temp.main._changed_cases AS k "
                    "WHERE k.unit_code = d.unit_code AND k.case_number = d.case_number)"
                )
                rows = spec.build(con, params, case_filter if incremental else None)
                con.register("_derived_in", rows)
                try:
                    if incremental:
                        con.execute(f'DELETE FROM "{db}".main.{table} AS d WHERE {where}')  # noqa: S608
                        con.execute(f'INSERT INTO "{db}".main.{table} SELECT * FROM _derived_in')  # noqa: S608
                    else:
                        replace = f'CREATE OR REPLACE TABLE "{db}".main.{table} AS SELECT * FROM _derived_in'  # noqa: S608
                        con.execute(replace)
                finally:
                    con.unregister("_derived_in")
                seconds = time.perf_counter() - t
                how = "incremental" if incremental else "full"
                n = con.execute(f'SELECT count(*) FROM "{db}".main.{table}').fetchall()[0][0]  # noqa: S608
                con.execute(
                    f'INSERT OR REPLACE INTO "{db}".main.{DERIVED_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)',  # noqa: S608
                    [
                        spec.name,
                        version,
                        param,
                        n,
                        seconds,
                        how,
                        dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    ],
                )
                self.derived_report[spec.name] = {"how": how, "seconds": round(seconds, 3), "rows": n}
        finally:
            con.execute(f'USE "{db}"')
            con.execute("DETACH derive_scratch")

    def set_meta(self, name: str, value: str) -> None:
        """Record a fact about the store (e.g. which database it mirrors)."""
        self.con.execute(f"INSERT OR REPLACE INTO main.{META_TABLE} VALUES (?, ?)", [name, value])  # noqa: S608

    def set_state(
        self, name: str, watermark: dt.datetime | None, how: str, seconds: float | None = None
    ) -> None:
        """Record a table's watermark, row count and sync time."""
        _ident(name)
        self.con.execute(
            f"INSERT OR REPLACE INTO main.{STATE_TABLE} SELECT ?, ?, (SELECT count(*) FROM main.{name}), ?, ?, ?",  # noqa: S608
            [name, watermark, dt.datetime.now(dt.UTC).replace(tzinfo=None), how, seconds],
        )


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def writer_lock(path: str | Path, timeout: float | None = None) -> Iterator[None]:
    """The single-writer lock (``flock`` on ``<store>.lock``); ``timeout`` None waits."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(path), "a+") as lock:
        _lock(lock, timeout, path)
        yield


@contextlib.contextmanager
def write(
    path: str | Path, fresh: bool = False, timeout: float | None = None, locked: bool = False
) -> Iterator[Writer]:
    """Open the next generation of the store for writing; publish it atomically on success.

    Takes the writer lock for the whole write (unless the caller holds it: ``locked``).
    ``fresh`` starts from an empty store instead of a copy of the published one. On an exception
    nothing is published and the temporary file is removed.
    """
    path = Path(path)
    with contextlib.nullcontext() if locked else writer_lock(path, timeout):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        for stale in path.parent.glob(f".{path.name}.*.tmp*"):  # a killed writer's (we hold the lock)
            stale.unlink(missing_ok=True)
        if path.exists() and not fresh:
            shutil.copyfile(path, tmp)
        con = duckdb.connect(str(tmp))
        ok = False
        try:
            con.execute("SET enable_progress_bar = false")
            if path.exists() and not fresh:
                _check(con, f'"{_self_alias(con)}"', path)  # quoted: a file name may hold "-"
            _create_tables(con)
            con.execute("BEGIN")
            writer = Writer(con, fresh=fresh or not path.exists())
            # a new id per published generation: caches of page results key on it
            writer.set_meta("generation", uuid.uuid4().hex)
            yield writer
            con.execute("COMMIT")
            writer._run_derived()  # noqa: SLF001 - the generation's own step, before publishing
            con.execute("CHECKPOINT")
            ok = True
        finally:
            with contextlib.suppress(duckdb.Error):
                if not ok:
                    con.execute("ROLLBACK")
            con.close()
            if ok:
                os.replace(tmp, path)
                _fsync_dir(path.parent)
            _remove(tmp)


def _self_alias(con: duckdb.DuckDBPyConnection) -> str:
    """The catalog name of a connection's own database file (DuckDB names it after the file)."""
    return con.execute("SELECT current_database()").fetchall()[0][0]


def _lock(lock, timeout: float | None, path: Path) -> None:
    if timeout is None:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise StoreError(
                    "另一个同步正在写分析库，请稍后再试",
                    "another sync is writing the analytics store; try again later",
                    path,
                ) from None
            time.sleep(0.1)


def _remove(tmp: Path) -> None:
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        p.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_from_lake(path: str | Path, lake: str | Path) -> dict[str, int]:
    """A fresh store from a Parquet lake (``<lake>/<table>.parquet`` or ``<lake>/<table>/``)."""
    from casewatch.analytics.engines.base import lake_path

    rows = {}
    with write(path, fresh=True) as w:
        for name in schema.TABLES:
            t = time.perf_counter()
            location = lake_path(lake, name)
            rows[name] = w.replace(name, parquet=location) if location else w.replace(name)
            w.set_state(name, None, "lake", time.perf_counter() - t)
    return rows


def build_from_tables(path: str | Path, tables: Mapping[str, pa.Table]) -> dict[str, int]:
    """A fresh store from Arrow tables (absent canonical tables are empty)."""
    rows = {}
    with write(path, fresh=True) as w:
        for name in schema.TABLES:
            rows[name] = w.replace(name, rows=tables.get(name))
            w.set_state(name, None, "tables")
    return rows

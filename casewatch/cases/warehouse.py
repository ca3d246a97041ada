"""The registry side of the warm analytics store (:mod:`casewatch.analytics.store`).

``rebuild()`` writes every canonical table from the registry into a fresh store. ``sync()`` keeps
it current with what changed:

* **changed rows** — every registry table but units and staff carries ``updated_at``
  (``SourceMixin``; ``auto_now`` for ORM saves, and the importer sets it on bulk upserts — the
  interface contract with ``casewatch.cases.importing``). A sync reads, through
  :func:`casewatch.cases.snapshot.read_table` with a ``where``, the rows whose ``updated_at`` is
  after the table's watermark minus an overlap, and — for tables whose canonical columns come from
  a joined case (``unit_code``/``case_number`` of events, parties, documents, property items,
  transfers) — also the rows of cases that changed. The overlap (``OVERLAP``) catches rows whose
  transaction committed after a sync although they were stamped before it; re-read rows that the
  store already holds identically are dropped (set-based compare in DuckDB), so they cost nothing.
  An import passes its own start time (``since``), so a long import transaction is never missed.
* **units and staff** have no change marker; they are small (hundreds / thousands of rows) and
  are compared in full on every sync.
* **deletions** — per table the registry's row count is compared with what the store will hold;
  only when they differ are the registry's keys read (key columns only) and the store's extra
  keys deleted.

A sync that finds nothing to change publishes nothing. Pages read the store as of the last sync:
after every import job, on the worker's tick (``warehouse.sync`` every few minutes) and before each
job that computes results (screening, deadlines, measures, false litigation).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.db import connection
from django.utils import timezone

from casewatch.analytics import derived, schema
from casewatch.analytics import store as st
from casewatch.cases import snapshot
from casewatch.core import jobs

log = logging.getLogger(__name__)

#: how far before the watermark (the previous sync's start) a sync re-reads: rows stamped before
#: it by a transaction still open then (a web request's save) are caught; re-read rows the store
#: holds identically are dropped. Imports pass their own start (``since``) instead.
OVERLAP = dt.timedelta(minutes=2)
#: tables without ``updated_at``: compared in full on every sync (small)
FULL_COMPARE = ("units", "staff")
#: tables whose canonical case columns come from a join to ``cases_case``: FK columns to that case
CASE_FKS = {
    "case_parties": ("case_id",),
    "events": ("case_id",),
    "documents": ("case_id",),
    "property_items": ("case_id",),
    "transfers": ("from_case_id", "to_case_id"),
}


def path() -> Path:
    """The store file of this installation."""
    return st.default_path(settings.VAR_DIR)


#: the published generation's _meta, per (path, inode, mtime, size): a page checks the store for free
_META_CACHE: dict[tuple, dict] = {}


def source() -> str:
    """The database the store mirrors: vendor and name (a store of another database is not used)."""
    return f"{connection.vendor}:{connection.settings_dict.get('NAME')}"


def available() -> bool:
    """True when the store exists, was written for the current schema and mirrors this database.

    The database check keeps a store built for one database (``make demo``'s) from being read
    by another one using the same var dir (the test suite's).
    """
    p = path()
    try:
        stat = p.stat()
    except FileNotFoundError:
        return False
    generation = (str(p), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    facts = _META_CACHE.get(generation)
    if facts is None:
        try:
            facts = st.meta(p)
        except st.StoreError as exc:
            log.warning("analytics store not used: %s", exc)
            return False
        _META_CACHE.clear()  # one generation at a time: a new one replaces the file (new inode)
        _META_CACHE[generation] = facts
    if facts.get("source") != source():
        log.info("analytics store %s mirrors %s, not %s: not used", p, facts.get("source"), source())
        return False
    return True


def generation() -> str | None:
    """The id of the published store generation (a new one per publish), None without a store."""
    if not available():
        return None
    p = path()
    stat = p.stat()
    facts = _META_CACHE.get((str(p), stat.st_ino, stat.st_mtime_ns, stat.st_size)) or {}
    return facts.get("generation") or f"{stat.st_ino}:{stat.st_mtime_ns}"


#: one in-memory DuckDB connection per process with the published generation attached as ``store``
_READER: dict = {}


def reader():
    """A cursor with the published store attached read-only as ``store`` (no views), or None
    without a usable store. The ATTACH is made once per generation and process; each caller gets
    its own cursor (temp views and registrations stay its own)."""
    if not available():
        return None
    p = path()
    stat = p.stat()
    key = (str(p), stat.st_ino, stat.st_mtime_ns)
    base = _READER.get(key)
    if base is None:
        import duckdb

        base = duckdb.connect()
        base.execute("SET enable_progress_bar = false")
        try:
            st.attach(base, p)
        except st.StoreError as exc:
            log.warning("analytics store not used: %s", exc)
            base.close()
            return None
        _READER.clear()
        _READER[key] = base
    return base.cursor()


# --- consumers ---------------------------------------------------------------------------------


def load_engine(engine, tables: list[str] | None = None) -> str:
    """Give ``engine`` the canonical tables: the warm store when present, else a snapshot.

    Returns ``"store"`` or ``"snapshot"``. The store is attached without copying (DuckDB);
    engines that cannot attach it (Spark) and installations without a store get the snapshot.
    """
    if hasattr(engine, "attach_store") and available():
        try:
            engine.attach_store(path())
            return "store"
        except st.StoreError as exc:  # replaced by a damaged file between the check and here
            log.warning("analytics store not used: %s", exc)
    engine.load(snapshot.snapshot(tables))
    return "snapshot"


def tables(names: list[str]) -> dict[str, pa.Table]:
    """Canonical tables as Arrow: from the warm store when present, else read from the registry."""
    if available():
        try:
            return st.read_tables(path(), names)
        except st.StoreError as exc:
            log.warning("analytics store not used: %s", exc)
    return snapshot.snapshot(names)


def ensure_fresh() -> dict | None:
    """Sync the store before a job computes results from it (None when there is no store)."""
    if not available():
        return None
    try:
        return sync()
    except st.StoreError as exc:
        log.warning("analytics store not synced: %s", exc)
        return None


# --- reading the registry ------------------------------------------------------------------------


def _literal(moment: dt.datetime) -> str:
    """A timestamp literal the registry compares ``updated_at`` with (UTC; no user input)."""
    utc = moment.astimezone(dt.UTC)
    if connection.vendor == "postgresql":
        return f"TIMESTAMPTZ '{utc.isoformat(sep=' ')}'"
    # Django stores aware datetimes on SQLite as naive UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'
    return f"'{utc.replace(tzinfo=None).isoformat(sep=' ')}'"


def _changed_rows(table: str, since: dt.datetime) -> pa.Table:
    """Rows of ``table`` changed after ``since`` (including rows of changed cases)."""
    lit = _literal(since)
    wheres = [f"t.updated_at > {lit}"]
    for fk in CASE_FKS.get(table, ()):
        wheres.append(f"t.{fk} IN (SELECT id FROM cases_case WHERE updated_at > {lit})")  # noqa: S608 - literal built above
    parts = [snapshot.read_table(table, where) for where in wheres]
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]


def _registry_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {snapshot.SOURCES[table][0]}")  # noqa: S608 - from SOURCES
        return cursor.fetchone()[0]


def _registry_keys(table: str) -> pa.Table:
    """The registry's natural keys of a table (key columns only, in canonical types)."""
    key = schema.TABLES[table].key
    cols = {c.name: c for c in schema.TABLES[table].columns}
    exprs = ", ".join(f"{snapshot._expr(table, cols[k], connection.vendor)} AS {k}" for k in key)  # noqa: SLF001 - same app
    sql = f"SELECT {exprs} FROM {snapshot.SOURCES[table][0]}"  # noqa: S608 - from the schema
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    target = schema.arrow_schema(table)
    return pa.table({k: pa.array([r[i] for r in rows], target.field(k).type) for i, k in enumerate(key)})


# --- rebuild / sync ------------------------------------------------------------------------------


def derive_params(today: dt.date | None = None) -> dict:
    """What the derived state tables (:mod:`casewatch.analytics.derived`) are computed with: the
    deadline configuration in force and the current month's last day (performance points)."""
    from casewatch.analytics.deadlines import month_ends
    from casewatch.deadlines.services import ladder, light_configs

    today = today or timezone.localdate()
    return {
        "lights": tuple(light_configs()),
        "ladder": tuple(ladder()),
        "perf_month_end": month_ends(today, today)[0],
    }


def rebuild(progress=None) -> dict:
    """A fresh store from the registry (every table in full, then the derived state tables);
    returns rows per table, the derived tables' timings and seconds."""
    started = time.perf_counter()
    watermark = timezone.now()
    rows = {}
    with st.write(path(), fresh=True) as w:
        w.set_meta("source", source())
        for i, name in enumerate(schema.TABLES):
            t = time.perf_counter()
            rows[name] = w.replace(name, batches=snapshot.iter_table(name))
            w.set_state(name, _naive_utc(watermark), "rebuild", time.perf_counter() - t)
            if progress:
                progress(100 * (i + 1) / len(schema.TABLES), name)
        w.derive(derived.SPECS, derive_params())
    return {"rows": rows, "derived": w.derived_report, "seconds": round(time.perf_counter() - started, 3)}


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def sync(since: dt.datetime | None = None, timeout: float | None = 600) -> dict:
    """Apply what changed in the registry since the last sync (see the module docstring).

    ``since`` (aware datetime) re-reads from that moment at the latest, e.g. an import's start.
    Builds the store when there is none. Returns per-table (upserted, deleted) and timings.
    """
    p = path()
    if not p.is_file():
        result = rebuild()
        return {"rebuilt": True, **result}
    started = time.perf_counter()
    with st.writer_lock(p, timeout):
        if st.meta(p).get("source") != source():
            raise st.StoreError(
                "分析库对应的是另一个数据库，请执行 casewatch warehouse rebuild",
                f"the analytics store mirrors another database ({st.meta(p).get('source')}, this is {source()}); "
                "run `casewatch warehouse rebuild`",
                p,
            )
        state = st.state(p)
        missing = [name for name in schema.TABLES if (state.get(name) or {}).get("watermark") is None]
        if missing:
            raise st.StoreError(
                "分析库不是由本登记库生成的（缺少同步水位），请执行 casewatch warehouse rebuild",
                f"the analytics store was not built from this registry (no watermark for {', '.join(missing[:3])}); "
                "run `casewatch warehouse rebuild`",
                p,
            )
        t0 = timezone.now()
        deltas: dict[str, tuple[pa.Table, pa.Table]] = {}
        con = st.connect(p, tables=())
        try:
            stored = st.counts(con)
            for name in schema.TABLES:
                if name in FULL_COMPARE:
                    rows = snapshot.read_table(name)
                    changed, _new, gone = st.diff(con, name, rows, registry_keys=rows)
                else:
                    mark = state[name]["watermark"].replace(tzinfo=dt.UTC) - OVERLAP
                    if since is not None:
                        mark = min(mark, since)
                    rows = _changed_rows(name, mark)
                    changed, new, gone = st.diff(con, name, rows)
                    if _registry_count(name) != stored[name] + new:
                        _c, _n, gone = st.diff(con, name, None, registry_keys=_registry_keys(name))
                if changed.num_rows or gone.num_rows:
                    deltas[name] = (changed, gone)
        finally:
            con.close()
        read_seconds = time.perf_counter() - started
        applied, report = {}, {}
        params = derive_params()
        # a new month or another deadline configuration makes derived tables stale: publish then too
        stale = derived.stale(st.derived_of(p), params)
        if deltas or stale:
            with st.write(p, locked=True) as w:
                for name in schema.TABLES:
                    if name in deltas:
                        applied[name] = w.apply_delta(name, *deltas[name])
                    w.set_state(name, _naive_utc(t0), "delta", None)
                w.derive(derived.SPECS, params)
            report = w.derived_report
    return {
        "rebuilt": False,
        "applied": applied,
        "derived": report,
        "derived_seconds": round(sum(r.get("seconds", 0) for r in report.values()), 3),
        "read_seconds": round(read_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
    }


def after_import(job=None, started: dt.datetime | None = None) -> None:
    """The import job's one-call hook: sync the store with what the import wrote (never fails it).

    Does nothing when the installation has no store yet (``casewatch warehouse rebuild`` or
    ``make demo`` builds it); re-reads from the import's start, so a long import transaction whose
    rows are stamped with its start time is not missed.
    """
    if not available():
        return
    try:
        result = sync(since=(started - OVERLAP) if started else None)
        if job is not None:
            changed = ", ".join(f"{k} +{u}/-{d}" for k, (u, d) in result.get("applied", {}).items())
            job.write_log(f"analytics store synced in {result['seconds']:.2f} s: {changed or 'no change'}")
    except Exception as exc:  # the import itself succeeded; the tick's sync retries
        log.exception("analytics store sync after import failed")
        if job is not None:
            job.write_log(f"analytics store not synced (the next tick retries): {exc}")


@jobs.register("warehouse.sync")
def sync_job(job):
    """The worker's tick: sync the store with what changed (no-op without a store of this database)."""
    if not available():
        job.write_log("no analytics store for this database: nothing to sync (casewatch warehouse rebuild)")
        return {"synced": False}
    result = sync()
    job.write_log(f"synced in {result['seconds']:.2f} s: {result.get('applied') or 'no change'}")
    return {"synced": True, "changed": {k: list(v) for k, v in result.get("applied", {}).items()}}


def status() -> dict:
    """What ``casewatch warehouse status`` prints: the file, its size and per-table state."""
    p = path()
    if not p.is_file():
        raise st.StoreError(
            "分析库尚未生成，请执行 casewatch warehouse rebuild",
            "the analytics store has not been built; run `casewatch warehouse rebuild`",
            p,
        )
    return {
        "path": str(p),
        "bytes": p.stat().st_size,
        "source": st.meta(p).get("source"),
        "tables": st.state(p),
    }

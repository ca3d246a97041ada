"""Set-based loading: stage the validated rows, then one upsert per table.

Why: a per-row ORM save is two round trips and a signal per row — about a thousand rows a
second. Staging moves the rows in bulk (PostgreSQL ``COPY``; SQLite ``executemany`` in large
batches into a temporary table) and one ``INSERT … SELECT … ON CONFLICT (natural key) DO UPDATE
… WHERE <some column differs>`` writes them. Natural keys of other tables (a case's unit and
case number for its events) are resolved by joins inside that statement, so no id travels
through Python.

Re-importing the same rows changes nothing: the ``WHERE`` of ``DO UPDATE`` skips rows whose
columns are all equal, so unchanged rows keep their ``updated_at``. Created and updated rows are
counted by the database (PostgreSQL: ``xmax = 0`` marks a freshly inserted row; SQLite: the
table's growth is the inserts, the statement's change count minus that the updates). A bounded
sample of rows about to be updated, with before and after values, is read before the upsert for
the audit record (skipped when the table is empty).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone

from casewatch.cases.importing.tables import TableSpec

SQLITE_BATCH = 20_000
COPY_CHUNK = 100_000
AUDIT_SAMPLE = 100
NEW_CHUNK = 250_000  # rows of a table turned into final rows and copied at a time
WHOLE_TABLE = 0.3  # ids of more than this share of a table's rows: read the table whole

log = logging.getLogger(__name__)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Database:
    """The raw DB-API connection behind Django's, with bulk helpers for both engines."""

    def __init__(self, connection=None):
        # the wrapper itself, not the per-thread proxy: the checks use it from a worker thread
        self.django = connection or connections[DEFAULT_DB_ALIAS]
        self.vendor = self.django.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"bulk import supports PostgreSQL and SQLite, not {self.vendor}")
        self.now = None  # the import's one timestamp (begin_load)
        self.triggers_off = False
        self._written: list[str] = []
        self._ids: dict[str, pl.DataFrame] = {}

    @property
    def pg(self) -> bool:
        return self.vendor == "postgresql"

    def raw(self):
        self.django.ensure_connection()
        return self.django.connection

    def sql(self, text: str) -> str:
        """Placeholders are written ``%s``; SQLite's driver wants ``?``."""
        return text if self.pg else text.replace("%s", "?")

    def execute(self, text: str, params: Sequence = ()):
        cur = self.raw().cursor()
        cur.execute(self.sql(text), tuple(params))
        return cur

    def distinct(self, left: str, right: str) -> str:
        return f"{left} IS DISTINCT FROM {right}" if self.pg else f"{left} IS NOT {right}"

    # -- staging -------------------------------------------------------------------------------

    def create_temp(self, name: str, columns: Sequence[tuple[str, str]]) -> None:
        self.execute(f"DROP TABLE IF EXISTS {_q(name)}")
        cols = ", ".join(f"{_q(c)} {t}" for c, t in columns)
        self.execute(f"CREATE TEMPORARY TABLE {_q(name)} ({cols})")

    def drop_temp(self, name: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {_q(name)}")

    def wire(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Values as each driver takes them in bulk (text for dates, UTC for timestamps)."""
        exprs = []
        for name, dtype in frame.schema.items():
            c = pl.col(name)
            if dtype == pl.Date:
                exprs.append(c.dt.strftime("%Y-%m-%d"))
            elif isinstance(dtype, pl.Datetime):
                utc = c.dt.replace_time_zone("Asia/Shanghai", ambiguous="earliest", non_existent="null")
                utc = utc.dt.convert_time_zone("UTC")
                exprs.append(utc.dt.strftime("%Y-%m-%d %H:%M:%S+00" if self.pg else "%Y-%m-%d %H:%M:%S"))
            elif isinstance(dtype, pl.Decimal):
                exprs.append(c.cast(pl.String))
            elif dtype == pl.Boolean and not self.pg:
                exprs.append(c.cast(pl.Int8))
            else:
                exprs.append(c)
        return frame.select(exprs)

    def fill(self, name: str, frame: pl.DataFrame | pl.LazyFrame, wired: bool = False) -> None:
        """Bulk-insert a frame into a (temporary) table with the same column order.

        A LazyFrame (a spilled table) is collected slice by slice and each slice converted to the
        driver's wire format on its own, so a table of millions of rows is never in memory whole.
        """
        lazy = frame.lazy()
        columns = lazy.collect_schema().names()
        n = lazy.select(pl.len()).collect().item()
        if n == 0:
            return
        raw = self.raw()
        cols = ", ".join(_q(c) for c in columns)
        step = COPY_CHUNK if self.pg else SQLITE_BATCH
        if self.pg:
            with raw.cursor() as cur:
                with cur.copy(f"COPY {_q(name)} ({cols}) FROM STDIN (FORMAT csv)") as copy:
                    for start in range(0, n, step):
                        buffer = io.BytesIO()
                        part = lazy.slice(start, step).collect()
                        (part if wired else self.wire(part)).write_csv(
                            buffer, include_header=False, null_value="", quote_style="non_numeric"
                        )
                        copy.write(buffer.getvalue())
        else:
            marks = ", ".join("?" for _ in columns)
            cur = raw.cursor()
            sql = f"INSERT INTO {_q(name)} ({cols}) VALUES ({marks})"  # noqa: S608 - quoted names of ours
            for start in range(0, n, step):
                part = lazy.slice(start, step).collect()
                cur.executemany(sql, (part if wired else self.wire(part)).iter_rows())

    def tune(self) -> None:
        """Session settings for a bulk load: SQLite gets a 128 MB page cache (index inserts of a
        million rows otherwise thrash the default 2 MB one). Staging tables stay in SQLite's
        temporary file, not in memory: a five-million-row stage would otherwise sit in RAM."""
        if not self.pg:
            self.execute("PRAGMA cache_size = -131072")

    def server_cpu(self) -> float | None:
        """CPU seconds (user + system) of this session's PostgreSQL backend so far, when the
        server runs on this host (read from /proc); None elsewhere. A benchmark figure: on a shared
        machine wall time is noisy, the CPU the server spent on the import is not."""
        if not self.pg:
            return None
        return backend_cpu(self.execute("SELECT pg_backend_pid()").fetchone()[0])

    def analyze(self, name: str) -> None:
        if self.pg:
            self.execute(f"ANALYZE {_q(name)}")

    def frame(self, text: str, params: Sequence = (), schema: dict | None = None) -> pl.DataFrame:
        cur = self.execute(text, params)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        return pl.DataFrame(rows, schema=schema or names, orient="row", infer_schema_length=None)

    # -- lookups -------------------------------------------------------------------------------

    def lookup(
        self, db_table: str, key_cols: Sequence[str], keys: pl.DataFrame, extra: Sequence[str] = ()
    ) -> pl.DataFrame:
        """Rows of `db_table` whose `key_cols` equal a row of `keys` (same column names):
        the key columns and `extra`. Done with a temporary table and a join, not an IN list."""
        keys = keys.select(key_cols).unique().drop_nulls()
        out_cols = list(key_cols) + [c for c in extra if c not in key_cols]
        if keys.is_empty():
            return pl.DataFrame(schema={c: pl.String for c in out_cols})
        tmp = "cw_keys"
        self.create_temp(tmp, [(c, "text") for c in key_cols])
        try:
            self.fill(tmp, keys.cast(pl.String))
            self.analyze(tmp)
            on = " AND ".join(f"t.{_q(c)} = k.{_q(c)}" for c in key_cols)
            select = ", ".join(f"t.{_q(c)}" for c in out_cols)
            # read back in bulk (COPY TO on PostgreSQL): no Python object per row
            found = self.copy_out(
                f"SELECT {select} FROM {_q(db_table)} t JOIN {_q(tmp)} k ON {on}"  # noqa: S608 - names are ours
            )
        finally:
            self.drop_temp(tmp)
        if found.width == 0:
            return pl.DataFrame(schema={c: pl.String for c in out_cols})
        return found.select(pl.col(c).cast(pl.String) for c in out_cols)

    def keys_query(self, keys: pl.DataFrame, sql: str, params: Sequence = ()) -> list[tuple]:
        """Run `sql`, which joins the temporary table ``cw_keys`` (the columns of `keys`)."""
        keys = keys.unique().drop_nulls()
        if keys.is_empty():
            return []
        self.create_temp("cw_keys", [(c, "text") for c in keys.columns])
        try:
            self.fill("cw_keys", keys.cast(pl.String))
            self.analyze("cw_keys")
            return self.execute(sql, params).fetchall()
        finally:
            self.drop_temp("cw_keys")

    # -- reading back in bulk ------------------------------------------------------------------

    def copy_out(self, sql: str, params: Sequence = (), schema: dict | None = None) -> pl.DataFrame:
        """The rows of a query as a frame. PostgreSQL: ``COPY (query) TO STDOUT`` read by Polars'
        CSV reader, so a million keys never become a million Python tuples. Empty strings and NULLs
        stay apart (PostgreSQL quotes an empty string, Polars reads an unquoted empty field as null).
        """
        if self.pg:
            buffer = io.BytesIO()
            with self.raw().cursor() as cur:
                with cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)", tuple(params) or None) as copy:
                    for data in copy:
                        buffer.write(data)
            if buffer.tell() == 0:
                return pl.DataFrame(schema=schema or {})
            buffer.seek(0)
            frame = pl.read_csv(buffer, infer_schema=False)
        else:
            cur = self.execute(sql, params)
            names = [d[0] for d in cur.description]
            frame = pl.DataFrame(cur.fetchall(), schema=names, orient="row", infer_schema_length=None)
        if schema:
            frame = frame.select(pl.col(c).cast(t) for c, t in schema.items())
        return frame

    def _keys_table(self, columns: Sequence[tuple[str, str]], keys: pl.DataFrame) -> str:
        tmp = "cw_keys"
        self.create_temp(tmp, columns)
        self.fill(tmp, keys)
        self.analyze(tmp)
        return tmp

    def ids_for(
        self, ref_table: str, db_table: str, ref_cols: Sequence[str], keys: pl.DataFrame
    ) -> pl.DataFrame:
        """``id`` of the rows of `db_table` with these natural keys (columns `ref_cols`), cached:
        a case referenced by events, documents and parties is looked up once per import."""
        keys = keys.select(pl.col(c).cast(pl.String) for c in ref_cols).unique().drop_nulls()
        cache = self._ids.get(ref_table)
        if cache is None:
            cache = pl.DataFrame(schema={**{c: pl.String for c in ref_cols}, "id": pl.Int64})
        need = keys.join(cache.select(ref_cols), on=list(ref_cols), how="anti") if cache.height else keys
        if need.height:
            cols = ", ".join(f"t.{_q(c)}" for c in ref_cols)
            schema = {**{c: pl.String for c in ref_cols}, "id": pl.Int64}
            if need.height >= WHOLE_TABLE * self._estimated_rows(db_table):
                # most of the table (a first import): read it whole, no key table to fill and join
                found = self.copy_out(f"SELECT {cols}, t.id FROM {_q(db_table)} t", schema=schema)  # noqa: S608
                found = found.join(need, on=list(ref_cols), how="semi")
            else:
                tmp = self._keys_table([(c, "text") for c in ref_cols], need)
                on = " AND ".join(f"t.{_q(c)} = k.{_q(c)}" for c in ref_cols)
                found = self.copy_out(
                    f"SELECT {cols}, t.id FROM {_q(db_table)} t JOIN {_q(tmp)} k ON {on}",  # noqa: S608
                    schema=schema,
                )
                self.drop_temp(tmp)
            cache = pl.concat([cache, found], how="vertical")
            self._ids[ref_table] = cache
        return cache

    def _estimated_rows(self, db_table: str) -> float:
        """The planner's row count of a table (PostgreSQL, after ANALYZE); infinity elsewhere or
        when unknown, so the key-table path is taken."""
        if not self.pg:
            return float("inf")
        row = self.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [db_table]).fetchone()
        return float(row[0]) if row and row[0] and row[0] > 0 else float("inf")

    def existing(self, spec: TableSpec, keys: pl.DataFrame) -> pl.DataFrame:
        """The natural keys (database columns of ``spec.conflict``) among `keys` already stored."""
        cols = list(spec.conflict)
        types = [(c, self._column_type(spec, c)) for c in cols]
        tmp = self._keys_table(types, keys.select(cols).unique())
        on = " AND ".join(f"t.{_q(c)} = k.{_q(c)}" for c in cols)
        found = self.copy_out(
            f"SELECT {', '.join(f'k.{_q(c)}' for c in cols)} FROM {_q(tmp)} k "  # noqa: S608
            f"WHERE EXISTS (SELECT 1 FROM {_q(spec.db_table)} t WHERE {on})"
        )
        self.drop_temp(tmp)
        return found.select(pl.col(c).cast(keys.schema[c]) for c in cols) if found.width else keys.clear()

    def _column_type(self, spec: TableSpec, column: str) -> str:
        from django.apps import apps

        from casewatch.cases.importing.tables import MODELS

        model = apps.get_model(MODELS[spec.name])
        field = next(f for f in model._meta.concrete_fields if f.column == column)
        db_type = field.db_type(self.django) or "text"
        low = db_type.lower()
        return "text" if ("char" in low or "text" in low) else db_type

    # -- bulk load -----------------------------------------------------------------------------

    def begin_load(self, db_tables: Sequence[str]) -> None:
        """Start the load inside the import's transaction.

        One timestamp for every row the import writes (``updated_at``, the analytics store syncs
        on it). On PostgreSQL the foreign-key triggers are switched off for this transaction
        (``SET LOCAL session_replication_role = replica``): references were checked by the
        pipeline, and `end_load` checks the written rows once more with one anti-join per foreign
        key instead of one trigger call (and a row lock on the parent) per row deferred to COMMIT.
        The referenced tables are locked against writers (``SHARE ROW EXCLUSIVE``: readers go on)
        so no parent can disappear between the check and the commit; concurrent imports queue.
        Without the privilege to set the parameter, the deferred checks stay (slower, as safe).
        """
        self.now = timezone.now()
        self._written = []
        self._parents = []
        self.triggers_off = False
        if not self.pg:
            return
        parents = sorted(
            {
                r[0]
                for r in self.execute(
                    "SELECT DISTINCT c.confrelid::regclass::text FROM pg_constraint c "
                    "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
                    [list(db_tables)],
                ).fetchall()
            }
        )
        self._parents = parents
        try:
            with transaction.atomic(using=self.django.alias):
                self.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            log.warning("cannot set session_replication_role: foreign keys are checked at COMMIT")
            return
        if parents:
            self.execute(f"LOCK TABLE {', '.join(_q(p) for p in parents)} IN SHARE ROW EXCLUSIVE MODE")
        self.triggers_off = True

    def end_load(self) -> float:
        """Check every foreign key of the rows written (when triggers were off), then switch the
        triggers back on for the rest of the transaction (audit, judgment documents). Seconds."""
        if not self.pg:
            return 0.0
        t = time.perf_counter()
        # Tables written were analysed after their load; referenced ones that have no statistics
        # yet (core_unit right after seed-orgs, with autovacuum off) would make the planner think
        # a scope prefix matches one unit and loop over every unit (1.3 s instead of 11 ms).
        for parent in getattr(self, "_parents", ()):
            row = self.execute(
                "SELECT last_analyze IS NULL AND last_autoanalyze IS NULL FROM pg_stat_user_tables "
                "WHERE relid = %s::regclass",
                [parent],
            ).fetchone()
            if row and row[0]:
                self.execute(f"ANALYZE {parent}")
        if not self.triggers_off:
            return time.perf_counter() - t
        for db_table in dict.fromkeys(self._written):
            fks = self.execute(
                "SELECT a.attname, c.confrelid::regclass::text, af.attname FROM pg_constraint c "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] "
                "WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND cardinality(c.conkey) = 1",
                [db_table],
            ).fetchall()
            has_updated = bool(
                self.execute(
                    "SELECT 1 FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'updated_at' "
                    "AND NOT attisdropped",
                    [db_table],
                ).fetchone()
            )
            for col, parent, parent_col in fks:
                since = " AND c.updated_at >= %s" if has_updated else ""
                row = self.execute(
                    f"SELECT c.{_q(col)} FROM {_q(db_table)} c WHERE c.{_q(col)} IS NOT NULL{since} "  # noqa: S608
                    f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{_q(parent_col)} = c.{_q(col)}) LIMIT 1",
                    [self.now] if has_updated else [],
                ).fetchone()
                if row is not None:
                    raise IntegrityError(
                        f"{db_table}.{col} = {row[0]!r} refers to no row of {parent} "
                        f"(was it deleted during the import?)"
                    )
        self.execute("SET LOCAL session_replication_role = origin")
        self.triggers_off = False
        return time.perf_counter() - t

    def _final_rows(self, spec: TableSpec, chunk: pl.DataFrame, direct: list[str], maps) -> pl.DataFrame:
        """One slice of validated rows as the table's columns (``__rid`` kept), ids joined in."""
        out = chunk
        for join, ids in maps:
            out = out.join(ids, on=list(join.stage_cols), how="left", maintain_order="left")
            if join.required:
                lost = out.filter(
                    pl.col(join.target).is_null()
                    & pl.all_horizontal(pl.col(c).is_not_null() for c in join.stage_cols)
                )
                if lost.height:
                    key = " / ".join(str(v) for v in lost.row(0, named=True).values() if v is not None)[:200]
                    raise IntegrityError(f"{spec.name}: {join.ref_table} {key!r} is not in the database")
        exprs = [pl.col("__rid")]
        for c in direct:
            e = pl.col(c).fill_null("") if c in spec.blank_as_empty else pl.col(c)
            exprs.append(e.alias(spec.direct[c]))
        exprs += [pl.col(join.target) for join, _ids in maps]
        for c in spec.direct:
            if c not in direct:  # a column the file does not have: inserted empty
                exprs.append(
                    pl.lit(
                        "" if c in spec.blank_as_empty else None, dtype=chunk.schema.get(c, pl.String)
                    ).alias(spec.direct[c])
                )
        if "source" in spec.bookkeeping:
            exprs.append(pl.col("source").fill_null(""))
        return out.select(exprs)

    def _literals(self, spec: TableSpec) -> list[pl.Expr]:
        """``updated_at`` (the import's one timestamp) and the defaults, in the driver's format."""
        import json

        lits = []
        if "updated_at" in spec.bookkeeping:
            now = self.now or timezone.now()
            text = now.isoformat() if self.pg else self.django.ops.adapt_datetimefield_value(now)
            lits.append(pl.lit(text, dtype=pl.String).alias("updated_at"))
        for column, value in spec.defaults.items():
            if isinstance(value, bool):
                value = ("true" if value else "false") if self.pg else int(value)
            elif isinstance(value, dict | list):
                value = json.dumps(value)
            lits.append(pl.lit(value).alias(column))
        return lits

    def _csv_slices(self, spec: TableSpec, frame: pl.LazyFrame, n: int, direct, maps):
        """Final rows of each slice as COPY CSV: (columns, rows, bytes)."""
        literals = self._literals(spec)
        for start in range(0, n, NEW_CHUNK):
            rows = self._final_rows(spec, frame.slice(start, NEW_CHUNK).collect(), direct, maps)
            rows = self.wire(rows.sort(list(spec.conflict), nulls_last=True).drop("__rid")).with_columns(
                literals
            )
            buffer = io.BytesIO()
            rows.write_csv(buffer, include_header=False, null_value="", quote_style="non_numeric")
            yield rows.columns, rows.height, buffer.getvalue()

    def _copy_stream(self, name: str, slices) -> int:
        """One ``COPY … FROM STDIN`` fed by `slices` ((columns, rows, CSV bytes)); rows copied."""
        total, copy, cur, context = 0, None, None, None
        try:
            for columns, rows, data in slices:
                if copy is None:
                    cur = self.raw().cursor()
                    cols = ", ".join(_q(c) for c in columns)
                    context = cur.copy(f"COPY {_q(name)} ({cols}) FROM STDIN (FORMAT csv)")
                    copy = context.__enter__()
                copy.write(data)
                total += rows
        except BaseException as exc:
            if context is not None:
                context.__exit__(type(exc), exc, exc.__traceback__)
                cur.close()
            raise
        if context is not None:
            context.__exit__(None, None, None)
            cur.close()
        return total

    def upsert(self, spec: TableSpec, frame: pl.DataFrame | pl.LazyFrame) -> dict:
        """Write the validated rows of one table; returns counts and a sample of updated rows.

        Rows with a new natural key are copied straight into the table (PostgreSQL ``COPY``,
        SQLite one ``executemany`` per slice): no staging, no ``ON CONFLICT``. Ids of referenced
        rows (a case's id for its events) are joined in Polars from one bulk lookup. Only rows
        whose key exists already go through `upsert_staged`, which writes the changed ones.
        """
        frame = frame.lazy()
        columns = frame.collect_schema().names()
        if "__rid" not in columns:
            frame = frame.with_row_index("__rid").with_columns(pl.col("__rid").cast(pl.Int64))
        n = frame.select(pl.len()).collect().item()
        if n == 0:
            return {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "seconds": 0.0, "changes": []}
        started = time.perf_counter()
        table = _q(spec.db_table)
        self._written.append(spec.db_table)
        direct = [c for c in spec.direct if c in columns]
        maps = []
        for join in spec.joins:
            if join.ref_table == "units":
                ids = self.ids_for(
                    "units", "core_unit", ("code",), self.copy_out("SELECT code FROM core_unit")
                )
                ids = ids.rename({"code": join.stage_cols[0]})
            else:
                from casewatch.cases.importing.tables import spec as spec_of

                ref = spec_of(join.ref_table)
                ref_cols = tuple(ref.direct[c] for c in ("unit_code", "case_number"))
                keys = frame.select(pl.col(c) for c in join.stage_cols).unique().collect()
                keys = keys.rename(dict(zip(join.stage_cols, ref_cols, strict=True)))
                ids = self.ids_for(join.ref_table, ref.db_table, ref_cols, keys)
                ids = ids.rename(dict(zip(ref_cols, join.stage_cols, strict=True)))
            maps.append((join, ids.rename({"id": join.target})))
        empty = not self.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]  # noqa: S608
        key_order = [c for c in spec.conflict]
        literals = self._literals(spec)
        created, old_rids = 0, []
        if empty and self.pg:  # a first load: one COPY, the next slice prepared while one is sent
            created = self._copy_stream(
                spec.db_table, _prefetch(self._csv_slices(spec, frame, n, direct, maps))
            )
            n_loop = 0
        else:
            n_loop = n
        for start in range(0, n_loop, NEW_CHUNK):
            rows = self._final_rows(spec, frame.slice(start, NEW_CHUNK).collect(), direct, maps)
            if not empty:
                known = self.existing(spec, rows)
                if known.height:
                    old = rows.join(known, on=key_order, how="semi", nulls_equal=True)
                    old_rids.append(old.get_column("__rid"))
                    rows = rows.join(known, on=key_order, how="anti", nulls_equal=True)
            rows = rows.sort(key_order, nulls_last=True).drop("__rid")
            if rows.height:
                self.fill(spec.db_table, self.wire(rows).with_columns(literals), wired=True)
                created += rows.height
        updated, changes = 0, []
        if old_rids:
            rids = pl.concat(old_rids)
            staged = self.upsert_staged(spec, frame.filter(pl.col("__rid").is_in(rids.implode())))
            created += staged["created"]
            updated, changes = staged["updated"], staged["changes"]
        self.analyze(spec.db_table)
        return {
            "rows": n,
            "created": created,
            "updated": updated,
            "unchanged": n - created - updated,
            "seconds": round(time.perf_counter() - started, 3),
            "changes": changes,
        }

    # -- upsert --------------------------------------------------------------------------------

    def upsert_staged(self, spec: TableSpec, frame: pl.DataFrame | pl.LazyFrame) -> dict:
        """Stage rows and write them with one ``INSERT … ON CONFLICT DO UPDATE … WHERE <differs>``.

        `upsert` sends only rows whose key already exists here (new keys are copied straight into
        the table); called on its own it is the previous, all-staged path (kept for comparison).
        """
        from casewatch.cases.importing.tables import spec as spec_of

        frame = frame.lazy()
        columns = frame.collect_schema().names()
        n = frame.select(pl.len()).collect().item()
        if n == 0:
            return {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "seconds": 0.0, "changes": []}
        started = time.perf_counter()
        stage = f"cw_stage_{spec.name}"
        direct = [c for c in spec.direct if c in columns]
        join_cols = []
        for join in spec.joins:
            join_cols += [c for c in join.stage_cols if c not in direct and c not in join_cols]
        stage_cols = direct + join_cols + ["source"]
        types = [(c, self._stage_type(spec, c)) for c in direct] + [(c, "text") for c in join_cols]
        self.create_temp(stage, types + [("source", "text")])
        self.fill(stage, frame.select(stage_cols))
        self.analyze(stage)

        joins_sql, target_expr = [], {}
        for i, join in enumerate(spec.joins):
            alias = f"j{i}"
            if join.ref_table == "units":
                ref_table, ref_cols = "core_unit", ("code",)
            else:
                ref = spec_of(join.ref_table)
                ref_table, ref_cols = ref.db_table, tuple(ref.direct[c] for c in ("unit_code", "case_number"))
            on = " AND ".join(
                f"{alias}.{_q(rc)} = s.{_q(sc)}" for rc, sc in zip(ref_cols, join.stage_cols, strict=True)
            )
            joins_sql.append(f"LEFT JOIN {_q(ref_table)} {alias} ON {on}")
            target_expr[join.target] = f"{alias}.id"
        for c in direct:
            col = _q(c)
            target_expr[spec.direct[c]] = f"COALESCE(s.{col}, '')" if c in spec.blank_as_empty else f"s.{col}"
        compared = [col for col in target_expr]  # every column a row carries, except bookkeeping
        now = self.django.ops.adapt_datetimefield_value(self.now or timezone.now())
        book = {"source": ("COALESCE(s.source, '')", []), "updated_at": ("%s", [now])}
        # Columns the file does not have: inserted empty, never overwritten on update.
        absent = {
            spec.direct[c]: ("''" if c in spec.blank_as_empty else "NULL")
            for c in spec.direct
            if c not in direct
        }
        insert_cols = compared + list(spec.bookkeeping) + list(absent) + list(spec.defaults)
        select_exprs = [target_expr[c] for c in compared] + [book[c][0] for c in spec.bookkeeping]
        select_exprs += list(absent.values())
        params: list = [p for c in spec.bookkeeping for p in book[c][1]]
        for value in spec.defaults.values():
            select_exprs.append("%s")
            params.append(value)
        table = _q(spec.db_table)
        from_sql = f"FROM {_q(stage)} s " + " ".join(joins_sql)
        # a key column the file lacks (case_parties.represents_party_id) is its empty value
        key_expr = {**absent, **target_expr}
        conflict_on = " AND ".join(f"t.{_q(c)} = {key_expr[c]}" for c in spec.conflict)
        # Rows in key order: index pages are filled in sequence instead of at random (~20 % faster).
        # (a constant — a key column the file lacks — is left out: PostgreSQL refuses ORDER BY '')
        order_by = ", ".join(key_expr[c] for c in spec.conflict if c not in absent)
        differs = " OR ".join(self.distinct(f"t.{_q(c)}", target_expr[c]) for c in compared)

        # A bounded sample of rows about to change, with old and new values, for the audit trail.
        sample_cols = ", ".join(
            ["t.id AS id"]
            + [f"s.{_q(c)} AS {_q('k_' + c)}" for c in self._display_key(spec, stage_cols)]
            + [f"t.{_q(c)} AS {_q('o_' + c)}, {target_expr[c]} AS {_q('n_' + c)}" for c in compared]
        )
        # Skipped for an empty table (a first load): nothing can be updated there.
        if self.pg:  # COUNT(*) is a full scan on PostgreSQL; only emptiness matters there
            before = int(self.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0])  # noqa: S608
        else:
            before = self.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
        changes = []
        if before:
            # Keep only new or changed rows: a re-import then writes nothing and probes nothing.
            delta = f"cw_delta_{spec.name}"
            self.execute(f"DROP TABLE IF EXISTS {_q(delta)}")
            self.execute(
                f"CREATE TEMPORARY TABLE {_q(delta)} AS SELECT s.* {from_sql} "  # noqa: S608
                f"LEFT JOIN {table} t ON {conflict_on} WHERE t.id IS NULL OR {differs}"
            )
            self.drop_temp(stage)
            stage = delta
            self.analyze(stage)
            from_sql = f"FROM {_q(stage)} s " + " ".join(joins_sql)
            sample = self.frame(
                f"SELECT {sample_cols} {from_sql} JOIN {table} t ON {conflict_on} LIMIT {AUDIT_SAMPLE}"  # noqa: S608
            )
            changes = _changes(sample, compared)

        updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in compared + list(spec.bookkeeping))
        where = " OR ".join(self.distinct(f"{table}.{_q(c)}", f"excluded.{_q(c)}") for c in compared)
        insert = (
            f"INSERT INTO {table} ({', '.join(_q(c) for c in insert_cols)}) "  # noqa: S608
            f"SELECT {', '.join(select_exprs)} {from_sql} WHERE true ORDER BY {order_by} "
            f"ON CONFLICT ({', '.join(_q(c) for c in spec.conflict)}) DO UPDATE SET {updates} WHERE {where}"
        )
        if self.pg:
            row = self.execute(
                f"WITH up AS ({insert} RETURNING (xmax = 0) AS created) "  # noqa: S608 - built from the spec
                "SELECT COUNT(*) FILTER (WHERE created), COUNT(*) FILTER (WHERE NOT created) FROM up",
                params,
            ).fetchone()
            created, updated = int(row[0]), int(row[1])
        else:
            # SQLite counts inserted and updated rows together; the table's growth is the inserts.
            cur = self.execute(insert, params)
            created = self.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] - before  # noqa: S608
            updated = cur.rowcount - created
        self.drop_temp(stage)
        return {
            "rows": n,
            "created": created,
            "updated": updated,
            "unchanged": n - created - updated,
            "seconds": round(time.perf_counter() - started, 3),
            "changes": changes,
        }

    def _stage_type(self, spec: TableSpec, col: str) -> str:
        db_type = spec.db_types.get(col, "text")
        low = db_type.lower()
        if "char" in low or "text" in low:
            return "text"
        return db_type

    @staticmethod
    def _display_key(spec: TableSpec, stage_cols: list[str]) -> list[str]:
        return [c for c in spec.schema.key if c in stage_cols]


def backend_cpu(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` (a PostgreSQL backend on this host), or None."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _prefetch(items):
    """Iterate `items` one step ahead in a worker thread: the next slice is prepared (Polars
    releases the GIL) while the database parses the current one."""
    from concurrent.futures import ThreadPoolExecutor

    done = object()
    iterator = iter(items)
    with ThreadPoolExecutor(1, thread_name_prefix="cw-copy") as pool:
        future = pool.submit(next, iterator, done)
        while (item := future.result()) is not done:
            future = pool.submit(next, iterator, done)
            yield item


def _changes(sample: pl.DataFrame, compared: list[str]) -> list[dict]:
    """Per sampled row: its id, natural key, and {column: [before, after]} of the changed columns."""
    out = []
    for row in sample.iter_rows(named=True):
        changed = {}
        for c in compared:
            before, after = row[f"o_{c}"], row[f"n_{c}"]
            if _norm(before) != _norm(after):
                changed[c] = [_short(before), _short(after)]
        key = {k[2:]: v for k, v in row.items() if k.startswith("k_")}
        out.append({"id": row["id"], "key": key, "changed": changed})
    return out


def _norm(value):
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None:
        return None
    return str(value) if not isinstance(value, int | bool) else int(value)


def _short(value, limit: int = 100):
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"

"""Backups and restore of the database and the var dir's files, with a manifest that verifies both.

A backup is a folder ``casewatch-<YYYYmmdd-HHMMSS>/`` holding

* ``database.sqlite3`` — SQLite's online backup API (consistent while the server writes), or
  ``database.dump`` — ``pg_dump --format=custom`` (schema with the audit trail's triggers, data);
* ``files.tar`` — the uploaded and generated files under the var dir (imports, media, exports,
  report snapshots), without the live database, static files or metrics;
* ``manifest.json`` — sha256 and size of both artifacts and of every file, and for every table
  its row count and a checksum of its rows in primary-key order.

`restore` checks the artifacts against the manifest before touching anything, replaces the
database (``pg_restore --clean --single-transaction``: all or nothing; SQLite: the backup API
into the live file), unpacks the files, then recomputes every table's count and checksum and
every file's hash and reports any difference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction

FORMAT = 1
#: top-level entries of the var dir that a backup leaves out (rebuilt, live, or per process)
EXCLUDE_TOP = {"static", "metrics", "test-sqlite", "test-pg", "analytics"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what and why (中文 / English)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _db_settings() -> dict:
    return connections["default"].settings_dict


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _sqlite_path() -> Path:
    return Path(_db_settings()["NAME"])


def _pg_env() -> dict:
    s = _db_settings()
    env = dict(os.environ)
    env.update(
        PGHOST=str(s.get("HOST") or "127.0.0.1"),
        PGPORT=str(s.get("PORT") or 5432),
        PGUSER=str(s.get("USER") or "postgres"),
        PGDATABASE=str(s["NAME"]),
    )
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return env


def _live_db_files() -> set[Path]:
    if not _is_sqlite():
        return set()
    p = _sqlite_path().resolve()
    return {p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm"), p.with_name(p.name + "-journal")}


def var_files(var_dir: Path | None = None) -> list[Path]:
    """The files a backup carries: everything under the var dir but the live database and rebuilt folders."""
    var_dir = Path(var_dir or settings.VAR_DIR).resolve()
    backup_dir = Path(settings.BACKUP_DIR).resolve()
    live = _live_db_files()
    out = []
    for root, dirs, files in os.walk(var_dir):
        rootp = Path(root)
        if rootp == var_dir:
            dirs[:] = [d for d in dirs if d not in EXCLUDE_TOP]
        dirs[:] = [d for d in dirs if (rootp / d).resolve() != backup_dir]
        for name in files:
            p = rootp / name
            if p.resolve() in live or name.startswith(".") and name.endswith(".tmp"):
                continue
            out.append(p)
    return sorted(out)


def _fingerprint(cursor, tables: list[tuple[str, list[str]]], quote) -> dict[str, dict]:
    result = {}
    for table, columns in tables:
        order = ", ".join(quote(c) for c in columns)
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608 - introspected names
        digest = hashlib.sha256()
        count = 0
        while rows := cursor.fetchmany(5000):
            count += len(rows)
            for row in rows:
                digest.update(repr(tuple(_norm(v) for v in row)).encode())
        result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_fingerprints(path: Path) -> dict[str, dict]:
    """Row count and sha256 of every table of a SQLite file (read with the plain sqlite3 module)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = [(n, [c[1] for c in con.execute(f"PRAGMA table_info({_sqlite_quote(n)})")]) for n in names]
        return _fingerprint(con.cursor(), tables, _sqlite_quote)
    finally:
        con.close()


def pg_fingerprints(cursor=None) -> dict[str, dict]:
    """Row count and sha256 of every table of the PostgreSQL database (Django's connection)."""
    with connection.cursor() as cur:
        names = sorted(connection.introspection.table_names(cur))
        tables = [
            (n, [c.name for c in connection.introspection.get_table_description(cur, n)]) for n in names
        ]
        return _fingerprint(cur, tables, connection.ops.quote_name)


def table_fingerprints() -> dict[str, dict]:
    """Row count and a sha256 over every row (in full-row order) of every table of the live database."""
    if _is_sqlite():
        return sqlite_fingerprints(_sqlite_path())
    return pg_fingerprints()


def _norm(value):
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()
    return value


def _dump_database(out: Path, checksums: bool) -> tuple[Path, dict]:
    """Write the database artifact; returns it with the fingerprints of exactly what it holds."""
    if _is_sqlite():
        target = out / "database.sqlite3"
        src = sqlite3.connect(str(_sqlite_path()), timeout=30)
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)  # the online backup API: a consistent copy while others write
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
            src.close()
        if ok != "ok":
            raise BackupError(f"数据库副本完整性检查失败 / the copy failed SQLite's integrity check: {ok}")
        return target, sqlite_fingerprints(target) if checksums else {}
    if shutil.which("pg_dump") is None:
        raise BackupError(
            "找不到 pg_dump / pg_dump is not installed (Debian: apt-get install postgresql-client)"
        )
    target = out / "database.dump"
    # One snapshot for the fingerprints and the dump: pg_dump --snapshot reads exactly what this
    # repeatable-read transaction sees, however busy the server is.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
        fingerprints = pg_fingerprints() if checksums else {}
        done = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                "--file",
                str(target),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise BackupError(f"pg_dump 失败 / pg_dump failed: {done.stderr.strip()[:2000]}")
    return target, fingerprints


def create(backup_root: Path | None = None, *, checksums: bool = True) -> dict:
    """Write a backup folder under `backup_root` and return its manifest."""
    backup_root = Path(backup_root or settings.BACKUP_DIR)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out = backup_root / f"casewatch-{stamp}"
    suffix = 1
    while out.exists():
        suffix += 1
        out = backup_root / f"casewatch-{stamp}-{suffix}"
    partial = out.with_name(out.name + ".partial")
    partial.mkdir(parents=True)
    started = time.perf_counter()
    try:
        db_file, fingerprints = _dump_database(partial, checksums)
        var_dir = Path(settings.VAR_DIR).resolve()
        files = []
        with tarfile.open(partial / "files.tar", "w") as tar:
            for p in var_files(var_dir):
                rel = p.relative_to(var_dir).as_posix()
                files.append({"path": rel, "bytes": p.stat().st_size, "sha256": _sha256(p)})
                tar.add(p, arcname=rel, recursive=False)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": connection.vendor,
            "casewatch": _version(),
            "database": {"file": db_file.name, "bytes": db_file.stat().st_size, "sha256": _sha256(db_file)},
            "files_archive": {
                "file": "files.tar",
                "bytes": (partial / "files.tar").stat().st_size,
                "sha256": _sha256(partial / "files.tar"),
            },
            "files": files,
            "tables": fingerprints,
            "migrations": _migrations(),
        }
        rows = sum(t["rows"] for t in fingerprints.values())
        manifest["summary"] = (
            f"{len(fingerprints)} tables, {rows} rows, {len(files)} files, "
            f"{(manifest['database']['bytes'] + manifest['files_archive']['bytes']) / 2**20:.1f} MB, "
            f"{time.perf_counter() - started:.1f} s"
        )
        (partial / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.rename(out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    manifest["path"] = str(out)
    return manifest


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("casewatch")
    except PackageNotFoundError:
        return "unknown"


def _migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def read_manifest(folder: Path) -> dict:
    """The manifest of a backup folder; a clear error when it is missing or unreadable."""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise BackupError(
            f"{folder}: 没有 manifest.json，不是 casewatch 备份 / no manifest.json: not a casewatch backup"
        )
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(f"{path}: 清单无法解析 / the manifest is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: 不支持的备份格式 / unsupported backup format {manifest.get('format')!r}")
    return manifest


def verify_artifacts(folder: Path, manifest: dict | None = None) -> list[str]:
    """Problems with a backup's files (missing, wrong size, wrong sha256); empty when it is intact."""
    folder = Path(folder)
    manifest = manifest or read_manifest(folder)
    problems = []
    for key in ("database", "files_archive"):
        entry = manifest[key]
        p = folder / entry["file"]
        if not p.is_file():
            problems.append(f"{entry['file']}: 缺失 / missing")
        elif p.stat().st_size != entry["bytes"] or _sha256(p) != entry["sha256"]:
            problems.append(f"{entry['file']}: 校验和不符 / checksum mismatch (damaged or altered)")
    return problems


def _restore_database(folder: Path, manifest: dict) -> None:
    engine = connection.vendor
    if manifest["engine"] != engine:
        raise BackupError(
            f"备份来自 {manifest['engine']}，当前数据库是 {engine} / the backup is of a {manifest['engine']} "
            f"database and this one is {engine}"
        )
    source = folder / manifest["database"]["file"]
    if engine == "sqlite":
        connections.close_all()
        src = sqlite3.connect(str(source))
        dst = sqlite3.connect(str(_sqlite_path()), timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    if shutil.which("pg_restore") is None:
        raise BackupError(
            "找不到 pg_restore / pg_restore is not installed (Debian: apt-get install postgresql-client)"
        )
    connections.close_all()
    done = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--dbname",
            _pg_env()["PGDATABASE"],
            str(source),
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(
            f"pg_restore 失败，数据库未改动 / pg_restore failed, nothing changed: {done.stderr.strip()[:2000]}"
        )


def _restore_files(folder: Path) -> int:
    var_dir = Path(settings.VAR_DIR).resolve()
    count = 0
    with tarfile.open(folder / "files.tar") as tar:
        members = tar.getmembers()
        for m in members:
            target = (var_dir / m.name).resolve()
            if not m.isfile() or var_dir not in target.parents:
                raise BackupError(
                    f"files.tar: 不安全的条目 / unsafe entry {m.name!r} (not a file inside the var dir)"
                )
        for m in members:
            tar.extract(m, var_dir, filter="data")
            count += 1
    return count


def compare(manifest: dict) -> list[str]:
    """Differences between the live database and files and what the manifest recorded."""
    problems = []
    if manifest.get("tables"):
        now = table_fingerprints()
        for table, expected in manifest["tables"].items():
            got = now.get(table)
            if got is None:
                problems.append(f"table {table}: 缺失 / missing")
            elif got["rows"] != expected["rows"]:
                problems.append(f"table {table}: {got['rows']} rows, expected {expected['rows']}")
            elif got["sha256"] != expected["sha256"]:
                problems.append(f"table {table}: 内容校验和不符 / row checksum differs")
    var_dir = Path(settings.VAR_DIR)
    for entry in manifest["files"]:
        p = var_dir / entry["path"]
        if not p.is_file():
            problems.append(f"file {entry['path']}: 缺失 / missing")
        elif _sha256(p) != entry["sha256"]:
            problems.append(f"file {entry['path']}: 校验和不符 / checksum differs")
    return problems


def restore(folder: Path) -> dict:
    """Verify, restore the database and files, then verify the result against the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    damaged = verify_artifacts(folder, manifest)
    if damaged:
        raise BackupError(
            "备份已损坏，未做任何改动 / the backup is damaged, nothing was changed: " + "; ".join(damaged)
        )
    started = time.perf_counter()
    _restore_database(folder, manifest)
    # the warm analytics store mirrored the database before the restore: drop it (rebuild it with
    # `casewatch warehouse rebuild`; until then every consumer reads the registry)
    (Path(settings.VAR_DIR) / "analytics" / "warm.duckdb").unlink(missing_ok=True)
    files = _restore_files(folder)
    problems = compare(manifest)
    return {
        "tables": len(manifest.get("tables", {})),
        "rows": sum(t["rows"] for t in manifest.get("tables", {}).values()),
        "files": files,
        "seconds": round(time.perf_counter() - started, 2),
        "problems": problems,
    }


def prune(backup_root: Path, keep: int) -> list[str]:
    """Delete all but the newest `keep` complete backups; returns the names removed."""
    backup_root = Path(backup_root)
    if not backup_root.exists() or keep < 1:
        return []
    done = sorted(p for p in backup_root.glob("casewatch-*") if (p / "manifest.json").is_file())
    removed = done[: max(0, len(done) - keep)]
    for p in removed:
        shutil.rmtree(p)
    return [p.name for p in removed]

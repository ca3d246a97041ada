"""Backup, destroy, restore — on a real SQLite file and a real PostgreSQL database — with the
commands of the deployment guide, run as an operator would (subprocesses, production settings).

Each test builds a small city (organisation, accounts, an imported demo city, audit records,
uploaded files), backs it up, destroys the database and the files, restores, and checks every
table's row count and checksum, every file, and that the audit trail is append-only again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[3]
FINGERPRINT = (
    "import django, json; django.setup(); from casewatch.core import backup; "
    "print(json.dumps(backup.table_fingerprints()))"
)
# After the restore: migrations complete, the audit trail refuses changes again (its triggers
# came back), then the fingerprints.
AFTER = """
import django, json
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from casewatch.core import backup
call_command("migrate", check=True, verbosity=0)
try:
    with transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE core_auditlog SET message = 'tampered'")
    tamper = "UPDATED"
except Exception as exc:
    tamper = "REFUSED " + type(exc).__name__
print(json.dumps({"tamper": tamper, "tables": backup.table_fingerprints()}))
"""
SETUP = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("seed-orgs")
call_command("demo-accounts")
call_command("demo-data", cases=150, seed=7, out=sys.argv[1])
call_command("import", sys.argv[1], user="sysadmin")
"""


def _env(var_dir: Path, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEWATCH_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="casewatch.settings",
        SECRET_KEY="backup-test-secret-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        CASEWATCH_VAR_DIR=str(var_dir),
        CASEWATCH_BACKUP_DIR=str(var_dir.parent / "backups"),
        CASEWATCH_LOG_FORMAT="text",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _cw(env, *args, check=True, timeout=240):
    done = subprocess.run(
        [sys.executable, "-m", "casewatch.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert done.returncode == 0, (
            f"casewatch {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def _py(env, code, *args):
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def _files(var_dir: Path) -> dict[str, bytes]:
    keep = ("imports", "media", "exports", "snapshots")
    return {
        p.relative_to(var_dir).as_posix(): p.read_bytes()
        for p in sorted(var_dir.rglob("*"))
        if p.is_file() and p.relative_to(var_dir).parts[0] in keep
    }


def _build_city(env, var_dir: Path, tmp: Path):
    _py(env, SETUP, str(tmp / "city"))  # migrate, organisation, accounts, 150 imported cases
    # Uploaded and generated files, with names and bytes that must come back exactly.
    (var_dir / "media" / "evidence" / "2026").mkdir(parents=True, exist_ok=True)
    (var_dir / "media" / "evidence" / "2026" / "整改报告.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(4096))
    (var_dir / "exports").mkdir(exist_ok=True)
    (var_dir / "exports" / "problems.csv").write_text("编号,状态\n1,open\n", encoding="utf-8")


def _backup_destroy_restore(env, var_dir: Path, destroy_database):
    before = json.loads(_py(env, FINGERPRINT))
    files_before = _files(var_dir)
    assert before["core_auditlog"]["rows"] > 0 and before["cases_case"]["rows"] >= 150
    assert before["core_user"]["rows"] >= 5 and len(files_before) >= 3

    out = _cw(env, "backup")
    assert "backup written" in out.stdout
    folder = Path(out.stdout.split("backup written / 备份完成: ")[1].splitlines()[0].strip())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"] == before
    assert "backup intact" in _cw(env, "backup", "--verify", str(folder)).stdout

    # Destroy: the database and every uploaded file.
    destroy_database()
    for top in ("imports", "media", "exports"):
        shutil.rmtree(var_dir / top, ignore_errors=True)
    assert not _files(var_dir)

    restored = _cw(env, "restore", str(folder), "--yes")
    assert "verified / 校验通过" in restored.stdout, restored.stdout + restored.stderr
    after = json.loads(_py(env, AFTER))
    assert after["tables"] == before  # every table: same rows, same content
    assert after["tamper"].startswith("REFUSED"), after["tamper"]  # append-only again
    assert _files(var_dir) == files_before  # every file, byte for byte

    # A damaged backup is refused before anything is touched.
    archive = folder / "files.tar"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    refused = _cw(env, "restore", str(folder), "--yes", check=False)
    assert refused.returncode != 0 and "files.tar" in refused.stderr and "damaged" in refused.stderr
    assert _files(var_dir) == files_before


@pytest.mark.slow
def test_backup_and_restore_on_sqlite(tmp_path, settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("runs in the SQLite suite (the PostgreSQL suite runs the PostgreSQL test)")
    var_dir = tmp_path / "var"
    env = _env(var_dir, None)
    _build_city(env, var_dir, tmp_path)
    db_file = var_dir / "casewatch.sqlite3"
    assert db_file.is_file()

    def destroy():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        db_file.write_bytes(b"")  # an empty file where the database was

    _backup_destroy_restore(env, var_dir, destroy)


@pytest.mark.slow
@pytest.mark.django_db
def test_backup_and_restore_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://… (runs in the PostgreSQL suite)")
    import psycopg

    s = connection.settings_dict
    scratch = f"{s['NAME']}_backup"[:60]
    admin = psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    admin.execute(f'CREATE DATABASE "{scratch}"')
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{scratch}"
    var_dir = tmp_path / "var"
    env = _env(var_dir, url)
    try:
        _build_city(env, var_dir, tmp_path)

        def destroy():
            with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as con:
                con.execute("DROP SCHEMA public CASCADE")
                con.execute("CREATE SCHEMA public")

        _backup_destroy_restore(env, var_dir, destroy)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()

"""The deployment guide's commands, run as the guide says: production settings in a subprocess,
`check --deploy`, the production server behind a (simulated) TLS proxy, the scheduler commands."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
GUIDE = REPO / "docs" / "deploy.md"


def production_env(var_dir: Path, **extra) -> dict:
    """The environment of the guide's section 4 (SQLite in a scratch var dir instead of PostgreSQL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEWATCH_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    env.update(
        DJANGO_SETTINGS_MODULE="casewatch.settings",
        SECRET_KEY="Qm3v-9xT_kR2pL7wZ4sN8cY1hJ6fD0gA5eU-bV3nM9qW2tX7yK4rP8sL1zC6jH0",
        ALLOWED_HOSTS="casewatch.example.gov.cn,127.0.0.1",
        CSRF_TRUSTED_ORIGINS="https://casewatch.example.gov.cn",
        CASEWATCH_VAR_DIR=str(var_dir),
        CASEWATCH_TLS="1",
        CASEWATCH_TRUSTED_PROXIES="127.0.0.1",
        CASEWATCH_CONN_MAX_AGE="60",
        CASEWATCH_LOG_FORMAT="json",
    )
    env.update(extra)
    return env


def cw(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "casewatch.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    done = cw(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    # The same check fails without TLS (so it is really checking): no HSTS, insecure cookies.
    env = production_env(tmp_path, CASEWATCH_TLS="0")
    done = cw(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stderr + done.stdout, code


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, **headers):
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Host": "casewatch.example.gov.cn", **headers})
    try:
        with opener.open(request, timeout=20) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


@pytest.mark.slow
def test_the_production_server_behind_tls(tmp_path):
    env = production_env(tmp_path)
    done = cw(env, "migrate", "-v", "0")
    assert done.returncode == 0, done.stderr[-3000:]
    port = _free_port()
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "casewatch.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                status, _h, body = fetch(base + "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.5)
        assert '"database": "ok"' in body
        status, _h, body = fetch(base + "/readyz")
        assert status == 200 and '"status": "ready"' in body
        # Plain http through the proxy is sent to https; https (as nginx says) is served with HSTS.
        status, headers, _b = fetch(base + "/login/")
        assert status == 301 and headers["Location"] == "https://casewatch.example.gov.cn/login/"
        status, headers, body = fetch(
            base + "/login/", **{"X-Forwarded-Proto": "https", "X-Request-ID": "nginx-abc-123"}
        )
        assert status == 200 and "csrfmiddlewaretoken" in body
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert "script-src 'self';" in headers["Content-Security-Policy"]
        assert headers["X-Request-ID"] == "nginx-abc-123"
        assert "secure" in headers.get("Set-Cookie", "").lower()
        status, headers, _b = fetch(base + "/api/v1/docs", **{"X-Forwarded-Proto": "https"})
        assert status == 302 and headers["Location"].startswith("/login/")
        # Static files by WhiteNoise, from the same server.
        status, headers, _b = fetch(base + "/static/casewatch/app.css", **{"X-Forwarded-Proto": "https"})
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        time.sleep(2.5)  # the metric files are written every 2 s
        status, _h, body = fetch(base + "/metrics")
        assert status == 200
        assert re.search(
            r'casewatch_http_requests_total\{method="GET",route="/login/",status="2xx"\} [1-9]', body
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    text = (tmp_path / "serve.log").read_text()
    assert "gunicorn" in text.lower() or "Booting worker" in text
    # The access log: JSON lines with the proxy's request id and the real client address.
    lines = [line for line in text.splitlines() if '"logger": "casewatch.requests"' in line]
    assert any('"request_id": "nginx-abc-123"' in line and '"status": 200' in line for line in lines), lines[
        :5
    ]

    # The scheduler commands of the guide on the same database.
    done = cw(env, "scheduler", "--list")
    assert done.returncode == 0 and "problems-tick" in done.stdout and "active scheduler: none" in done.stdout
    done = cw(env, "scheduler", "--run", "no-such-schedule")
    assert done.returncode != 0 and "no schedule named" in done.stderr


def test_every_casewatch_command_in_the_guide_exists():
    from django.core.management import get_commands

    text = GUIDE.read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, re.S))
    used = set(re.findall(r"(?:^|\s|bin/)casewatch ([a-z][a-z-]+)", blocks, re.M)) - {"casewatch"}  # the user
    assert {"serve", "worker", "scheduler", "backup", "restore", "migrate", "check"} <= used
    missing = used - set(get_commands())
    assert not missing, f"docs/deploy.md names commands that do not exist: {sorted(missing)}"

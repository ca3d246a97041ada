"""``casewatch bench serve``: Django's development server and the production server side by side.

Starts each server on a free loopback port with this process's database settings, runs the
survey submission load test (`casewatch.surveys.loadtest`: sustained submissions/s, latency
percentiles, and the count check that nothing was lost or stored twice) against it, stops it,
and prints one table. Servers:

* ``runserver`` — ``casewatch runserver --noreload`` (threaded, one process; what `make demo` used);
* ``gunicorn`` — ``casewatch serve`` (the production server, workers sized to the machine);
* ``granian`` — only with ``--granian PATH`` (a granian executable, e.g. in a side virtualenv):
  measured for the choice of server, not shipped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def serve_arguments(parser):
    parser.add_argument("--n", type=int, default=3000, help="submissions per run (default 3000)")
    parser.add_argument("--concurrency", type=int, default=16, help="client connections (default 16)")
    parser.add_argument("--batch", type=int, default=1, help="submissions per request (offline batches)")
    parser.add_argument(
        "--servers", default="runserver,gunicorn", help="comma-separated: runserver, gunicorn, granian"
    )
    parser.add_argument(
        "--workers", type=int, help="production server processes (default: one per core, at least 2)"
    )
    parser.add_argument("--threads", type=int, help="threads per process (default 8)")
    parser.add_argument("--granian", help="path of a granian executable (measured, not shipped)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:  # noqa: S310 - loopback only
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not answer within {seconds:.0f} s")


def _command(server: str, port: int, opts) -> tuple[list[str], dict]:
    env = dict(os.environ)
    env.setdefault("CASEWATCH_CONN_MAX_AGE", "60")
    env["CASEWATCH_ACCESS_LOG"] = "0"  # measure the server, not the terminal
    cw = [sys.executable, "-m", "casewatch.cli"]
    if server == "runserver":
        return [*cw, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"], env
    if server == "gunicorn":
        cmd = [*cw, "serve", "--bind", f"127.0.0.1:{port}"]
        if opts.get("workers"):
            cmd += ["--workers", str(opts["workers"])]
        if opts.get("threads"):
            cmd += ["--threads", str(opts["threads"])]
        return cmd, env
    if server == "granian":
        if not opts.get("granian"):
            raise RuntimeError("granian needs --granian PATH (an executable in a side virtualenv)")
        from casewatch.core.serving import default_workers

        site = sysconfig.get_paths()["purelib"]
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), site, env.get("PYTHONPATH", "")])
        env.setdefault("DJANGO_SETTINGS_MODULE", "casewatch.settings")
        cmd = [
            opts["granian"],
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(opts.get("workers") or default_workers()),
            "--blocking-threads",
            str(opts.get("threads") or 8),
            "casewatch.wsgi:application",
        ]
        return cmd, env
    raise RuntimeError(f"unknown server {server!r}")


def run_one(server: str, opts) -> dict:
    """Start one server, load-test it, stop it; the load test's figures plus the server name."""
    from casewatch.surveys import loadtest

    port = _free_port()
    cmd, env = _command(server, port, opts)
    # The server's own log goes to a file: a pipe nobody reads would fill and stall the server.
    log = tempfile.NamedTemporaryFile(prefix=f"cw-bench-{server}-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc)
        for _ in range(20):  # every worker process booted and warm before the clock starts
            _wait(url, proc)
        report = loadtest.run(url, n=opts["n"], concurrency=opts["concurrency"], batch=opts["batch"])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
    report["server"] = server
    report["log"] = log.name
    return report


def format_table(reports: list[dict], opts) -> str:
    from casewatch.core.serving import server_options

    o = server_options(workers=opts.get("workers"), threads=opts.get("threads"))
    lines = [
        f"survey submissions: n={opts['n']}, {opts['concurrency']} connections, {opts['batch']} per request; "
        f"cores={os.cpu_count()}; production server {o['workers']} processes x {o['threads']} threads",
        f"{'server':<11}{'subm/s':>9}{'stored/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'lost':>6}{'twice':>7}  result",
    ]
    for r in reports:
        lat = r["latency_ms"]
        lost = r["accepted"] - r["stored"] if r["stored"] < r["accepted"] else 0
        lost += sum(r["transport_errors"].values())
        twice = 0 if r["checks"]["no submission stored twice"] else 1
        lines.append(
            f"{r['server']:<11}{r['submissions_per_second']:>9.1f}{r['stored_per_second']:>10.1f}"
            f"{lat['p50']:>9.1f}{lat['p95']:>9.1f}{lat['p99']:>9.1f}{lost:>6}{twice:>7}  "
            + ("PASS" if r["ok"] else "FAIL")
        )
    lines.append("target: >= 500 submissions/s, 0 lost, p95 < 200 ms (PostgreSQL)")
    return "\n".join(lines)


def serve_handler(command, opts: dict) -> None:
    """Adapter for the bench command's SUBCOMMANDS registry."""
    from django.db import connection

    servers = [s.strip() for s in opts["servers"].split(",") if s.strip()]
    reports = []
    failed = []
    for server in servers:
        command.stdout.write(f"measuring {server} …")
        command.stdout.flush()
        try:
            report = run_one(server, opts)
        except Exception as exc:  # one server failing must not lose the others' figures
            failed.append(f"{server}: {type(exc).__name__}: {exc}")
            command.stdout.write(f"  {server} failed: {exc}")
            continue
        reports.append(report)
        command.stdout.write(format_table([report], opts).splitlines()[2])
        command.stdout.flush()
    command.stdout.write(f"database: {connection.vendor}")
    command.stdout.write(format_table(reports, opts))
    for line in failed:
        command.stdout.write(f"not measured: {line}")

"""The production server: gunicorn embedded, so `casewatch serve` needs no separate config file.

Sizing (measured with `casewatch bench serve`, see docs/deploy.md): one process per core (at least
two) with 8 threads each. On the 2-core test box 2 x 8 gave 226 submissions/s at p95 150 ms where
gunicorn's usual 2 x cores + 1 = 5 processes x 4 threads gave 135/s at p95 268 ms: more processes
than cores only thrash when the views are CPU-bound and the database waits are short.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """Processes for this machine: one per core, at least two (so one can restart while the other serves)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(2, cores)


def server_options(
    *, bind: str = "127.0.0.1:8000", workers=None, threads=None, timeout=None
) -> dict[str, object]:
    """gunicorn settings from arguments, then environment, then the machine's size."""
    workers = workers or int(os.environ.get("CASEWATCH_WEB_WORKERS", "0")) or default_workers()
    threads = threads or int(os.environ.get("CASEWATCH_WEB_THREADS", "0")) or 8
    timeout = timeout or int(os.environ.get("CASEWATCH_WEB_TIMEOUT", "0")) or 120
    return {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "backlog": 2048,
        # Recycle processes now and then so a slow leak cannot grow without bound.
        "max_requests": 20000,
        "max_requests_jitter": 2000,
        "accesslog": None,  # requests are logged by RequestContextMiddleware as JSON lines
        "errorlog": "-",
        "loglevel": os.environ.get("CASEWATCH_SERVER_LOG_LEVEL", "info"),
        "forwarded_allow_ips": os.environ.get("CASEWATCH_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "proc_name": "casewatch",
        "preload_app": True,
    }


class CasewatchServer(BaseApplication):
    """gunicorn with casewatch's WSGI application and the options above."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        from casewatch.wsgi import application

        return application

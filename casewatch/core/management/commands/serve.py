"""`casewatch serve`: the production application server (gunicorn, WSGI) sized to the machine."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from casewatch.core.serving import server_options


class Command(BaseCommand):
    help = (
        "Serve casewatch with gunicorn (production): workers sized to the machine, static files by "
        "WhiteNoise, JSON access log with request ids. Environment: CASEWATCH_BIND, CASEWATCH_WEB_WORKERS, "
        "CASEWATCH_WEB_THREADS, CASEWATCH_WEB_TIMEOUT."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("CASEWATCH_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=None, help="processes (default: one per core, at least 2)"
        )
        parser.add_argument("--threads", type=int, default=None, help="threads per process (default 8)")
        parser.add_argument(
            "--timeout", type=int, default=None, help="seconds before a stuck worker restarts"
        )
        parser.add_argument("--check-config", action="store_true", help="print the options and exit")

    def handle(self, *args, **opts):
        options = server_options(
            bind=opts["bind"], workers=opts["workers"], threads=opts["threads"], timeout=opts["timeout"]
        )
        if opts["check_config"]:
            for key in sorted(options):
                self.stdout.write(f"{key} = {options[key]}")
            return
        try:
            from casewatch.core.serving import CasewatchServer
        except ImportError as exc:  # pragma: no cover - gunicorn is a dependency
            raise CommandError(f"gunicorn is not installed: {exc}") from exc
        from casewatch.core import metrics

        metrics.clear()  # counters start again with this server run
        self.stdout.write(
            f"casewatch serving on http://{options['bind']} with {options['workers']} worker(s) x "
            f"{options['threads']} thread(s) (gunicorn)"
        )
        self.stdout.flush()
        CasewatchServer(options).run()

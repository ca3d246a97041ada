"""``casewatch bench board``: the progress board under load, measured over HTTP.

Loads N problems (default 100,000) across every unit of the Ningbo tree with ``bulk_create``
(marked ``source_ref = bench-…`` so they can be removed again), a few listed supervision orders,
and two accounts (a committee supervisor of the city, an agency supervisor of one court). It then
serves the application with wsgiref on 127.0.0.1 (a real socket, one request at a time, in a
thread of this process) and requests the board page and the board API a bounded number of times,
printing p50 / p95 / max latency and the database queries per request (counted with an execute
wrapper around the WSGI application). Target: p95 < 300 ms.

Runs on the configured database (``DATABASE_URL`` or the SQLite file); ``--keep`` leaves the
rows in place, otherwise they are deleted at the end. Needs a migrated database.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import statistics
import sys
import threading
import time
from argparse import Namespace
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.db import connection, connections, transaction
from django.test.utils import override_settings
from django.utils import timezone

PREFIX = "bench-"


def board_arguments(parser) -> None:
    """Arguments of ``bench board`` (for the bench command's subparser)."""
    parser.add_argument("--problems", type=int, default=100_000, help="problems to load (default 100000)")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per endpoint (default 40)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the loaded problems afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse problems kept by an earlier --keep run")
    parser.add_argument("--seed", type=int, default=2026)


def board_handler(command, opts: dict) -> None:
    """Adapter for the bench command's SUBCOMMANDS registry: (command, options dict)."""
    bench_board(opts, out=command.stdout)


def _opt(args, name, default):
    if isinstance(args, dict):
        return args.get(name, default) if args.get(name) is not None else default
    return getattr(args, name, default) if getattr(args, name, None) is not None else default


def _accounts():
    from casewatch.core.choices import Role
    from casewatch.core.models import Unit, User

    out = {}
    for username, role, scope, unit in (
        ("bench_city", Role.COMMITTEE_SUPERVISOR, "330200", "330200-CMT-JD"),
        ("bench_court", Role.AGENCY_SUPERVISOR, "330203-CRT", "330203-CRT-SG"),
    ):
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.scope, user.unit = role, Unit.objects.get(code=scope), Unit.objects.get(code=unit)
        user.must_change_password = False
        user.set_unusable_password()
        user.save()
        out[username] = user
    return out


def load(n: int, seed: int = 2026, out=None) -> float:
    """Bulk-create n bench problems over every leaf unit; returns seconds taken."""
    from casewatch.core.choices import UnitKind
    from casewatch.core.models import Unit
    from casewatch.problems.choices import Measure, ProblemSource, ProblemStatus, Severity
    from casewatch.problems.conf import deadline_days
    from casewatch.problems.models import Problem, SupervisionOrder

    rng = random.Random(seed)
    units = list(Unit.objects.filter(kind=UnitKind.UNIT).values_list("code", flat=True))
    statuses = (
        [ProblemStatus.VERIFIED] * 55
        + [ProblemStatus.DISMISSED] * 5
        + [ProblemStatus.SUBMITTED] * 10
        + [ProblemStatus.RECTIFYING] * 15
        + [ProblemStatus.ASSIGNED] * 10
        + [ProblemStatus.OPEN] * 5
    )
    severities = [Severity.HIGH] * 15 + [Severity.MEDIUM] * 50 + [Severity.LOW] * 35
    measures = list(Measure.values)
    now = timezone.now()
    t0 = time.perf_counter()
    batch = []
    done = 0
    with transaction.atomic():
        for i in range(n):
            created = now - dt.timedelta(days=rng.uniform(0, 365))
            severity = rng.choice(severities)
            status = rng.choice(statuses)
            deadline = (created + dt.timedelta(days=deadline_days(severity))).date()
            verified = (
                created + dt.timedelta(days=rng.uniform(1, 40)) if status == ProblemStatus.VERIFIED else None
            )
            if verified and verified > now:
                verified = now
            batch.append(
                Problem(
                    source=ProblemSource.MANUAL,
                    source_ref=f"{PREFIX}{seed}-{i:07d}",
                    unit_id=rng.choice(units),
                    area="bench",
                    severity=severity,
                    title=f"基准测试问题 {i}",
                    deadline=deadline,
                    measure=rng.choice(measures),
                    status=status,
                    created_at=created,
                    verified_at=verified,
                    closed_at=verified,
                )
            )
            if len(batch) == 5000:
                Problem.objects.bulk_create(batch)
                done += len(batch)
                batch = []
                if out and done % 25000 == 0:
                    out.write(f"  {done:,} …")
        if batch:
            Problem.objects.bulk_create(batch)
        agencies = list(Unit.objects.filter(kind=UnitKind.AGENCY).values_list("code", flat=True))
        SupervisionOrder.objects.bulk_create(
            [
                SupervisionOrder(
                    title=f"{PREFIX}挂牌督办 {i}",
                    lead_ref=f"{PREFIX}{i}",
                    unit_id=rng.choice(agencies),
                    level="city",
                    listed=True,
                    instructions="基准测试",
                    deadline=timezone.localdate() + dt.timedelta(days=rng.randint(-10, 30)),
                )
                for i in range(30)
            ]
        )
        from casewatch.problems.board import bump

        bump()
    return time.perf_counter() - t0


def unload() -> int:
    from casewatch.problems.models import Problem, ProblemEvent, SupervisionOrder

    with transaction.atomic():
        SupervisionOrder.objects.filter(lead_ref__startswith=PREFIX).delete()
        ids = list(Problem.objects.filter(source_ref__startswith=PREFIX).values_list("id", flat=True))
        for i in range(0, len(ids), 5000):
            chunk = ids[i : i + 5000]
            ProblemEvent.objects.filter(problem_id__in=chunk).delete()
            Problem.objects.filter(id__in=chunk).delete()
        from casewatch.problems.board import bump

        bump()
    return len(ids)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class CountingApp:
    """Wraps the WSGI application: counts the database queries of each request."""

    def __init__(self, app):
        self.app = app
        self.last_queries = 0
        self.last_cpu = 0.0

    def __call__(self, environ, start_response):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        cpu = time.thread_time()
        with connection.execute_wrapper(counter):
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        self.last_queries = count[0]
        self.last_cpu = (time.thread_time() - cpu) * 1000
        return [body]


def _session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _measure(port: int, app: CountingApp, path: str, headers: dict, warmup: int, requests: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times, queries, cpu, size = [], [], [], 0
    for i in range(warmup + requests):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
        if i >= warmup:
            times.append(elapsed)
            queries.append(app.last_queries)
            cpu.append(app.last_cpu)
            size = len(body)
    conn.close()
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
        "max": times[-1],
        "queries": (min(queries), max(queries)),
        "cpu_p50": statistics.median(cpu),
        "bytes": size,
    }


def bench_board(args, out=None) -> dict:
    """Load the problems, serve the app on 127.0.0.1, time the board page and API; print figures."""
    from django.core.wsgi import get_wsgi_application

    from casewatch.core.models import ApiToken
    from casewatch.core.services_org import seed_ningbo
    from casewatch.problems.models import Problem

    if isinstance(args, Namespace):
        args = vars(args)
    out = out or sys.stdout
    n = _opt(args, "problems", 100_000)
    requests = _opt(args, "requests", 40)
    warmup = _opt(args, "warmup", 3)
    seed = _opt(args, "seed", 2026)
    keep = _opt(args, "keep", False)
    reuse = _opt(args, "reuse", False)

    seed_ningbo()
    accounts = _accounts()
    existing = Problem.objects.filter(source_ref__startswith=PREFIX).count()
    if reuse and existing == n:
        out.write(f"reusing {existing:,} problems of an earlier run\n")
    else:
        removed = unload()
        if removed:
            out.write(f"removed {removed:,} problems of an earlier run\n")
        seconds = load(n, seed, out)
        out.write(f"\nloaded {n:,} problems in {seconds:.1f} s ({n / seconds:,.0f} rows/s)\n")
    out.write(f"{Problem.objects.count():,} problems in the table\n")
    # Fresh planner statistics after a bulk load (PostgreSQL's autovacuum would get there too;
    # SQLite only with ANALYZE / PRAGMA optimize, which the daily tick runs).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    app = CountingApp(get_wsgi_application())
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    port = server.server_address[1]

    def serve():
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    results = {}
    try:
        city_cookie = _session_cookie(accounts["bench_city"])
        court_cookie = _session_cookie(accounts["bench_court"])
        _token, raw = ApiToken.issue(accounts["bench_city"], "bench", timezone.now() + dt.timedelta(days=1))
        quarter = f"since={timezone.localdate() - dt.timedelta(days=90)}&until={timezone.localdate()}"
        cases = [
            # (name, path, headers, board cache on?)
            ("board page · city · computed", "/problems/board/", {"Cookie": city_cookie}, False),
            ("board page · city · cached", "/problems/board/", {"Cookie": city_cookie}, True),
            (
                "board API · city · computed",
                "/api/v1/problems/board",
                {"Authorization": f"Bearer {raw}"},
                False,
            ),
            ("board API · city · cached", "/api/v1/problems/board", {"Authorization": f"Bearer {raw}"}, True),
            ("board page · court · computed", "/problems/board/", {"Cookie": court_cookie}, False),
            (
                "board page · city 90 days · computed",
                f"/problems/board/?{quarter}",
                {"Cookie": city_cookie},
                False,
            ),
            ("problem list · city, overdue", "/problems/?metric=overdue", {"Cookie": city_cookie}, True),
        ]
        for name, path, headers, cached in cases:
            headers = {"Host": "127.0.0.1", **headers}
            with override_settings(PROBLEMS_BOARD_CACHE_SECONDS=600 if cached else 0):
                results[name] = _measure(port, app, path, headers, warmup, requests)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    engine = connection.vendor
    out.write(
        f"\nbench board — {n:,} problems, {engine}, DEBUG={settings.DEBUG}, wsgiref on 127.0.0.1, "
        f"{requests} timed requests each after {warmup} warm-up\n"
    )
    out.write(
        f"{'endpoint':<38} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50':>8} {'queries':>9} {'KiB':>7}\n"
    )
    for name, r in results.items():
        q = r["queries"][0] if r["queries"][0] == r["queries"][1] else f"{r['queries'][0]}–{r['queries'][1]}"
        out.write(
            f"{name:<38} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {r['cpu_p50']:8.1f} {q!s:>9} {r['bytes'] / 1024:7.1f}\n"
        )
    try:
        one, five, fifteen = os.getloadavg()
        machine = f" (load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count() or 1} CPUs)"
    except OSError:
        machine = ""
    out.write(
        f"cpu p50 = CPU time of the request in the server thread (insensitive to other load){machine}\n"
    )
    worst = max(r["p95"] for r in results.values())
    out.write(f"target p95 < 300 ms: {'met' if worst < 300 else 'NOT met'} (worst p95 {worst:.1f} ms)\n")
    if not keep:
        out.write(f"removed {unload():,} bench problems\n")
    return results

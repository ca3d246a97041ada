"""Request metrics shared by all server processes, and the Prometheus text exposition.

Each process counts requests in memory and writes its totals to ``VAR_DIR/metrics/<pid>.json``
at most every few seconds; `/metrics` adds up every file (files of processes that have exited
stay, so counters never go backwards while the server runs; `casewatch serve` clears the folder
when it starts). Job, queue and scheduler figures are read from the database at scrape time.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import defaultdict
from pathlib import Path

from django.conf import settings

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FLUSH_EVERY = 2.0

_lock = threading.Lock()
_requests: dict[tuple[str, str, str], int] = defaultdict(int)
_durations: dict[str, list[float]] = {}  # route -> [bucket counts..., +Inf count, sum]
_dirty = False
_flusher_pid: int | None = None


def metrics_dir() -> Path:
    """Folder of the per-process metric files."""
    return Path(settings.VAR_DIR) / "metrics"


def route_of(request) -> str:
    """A low-cardinality name for the request's URL pattern (never the raw path)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request (called by RequestContextMiddleware)."""
    global _dirty
    method = method if method in {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"} else "OTHER"
    with _lock:
        _requests[(method, route, f"{status // 100}xx")] += 1
        row = _durations.get(route)
        if row is None:
            row = _durations[route] = [0.0] * (len(BUCKETS) + 2)
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                row[i] += 1
        row[len(BUCKETS)] += 1
        row[len(BUCKETS) + 1] += seconds
        _dirty = True
    _ensure_flusher()


def _ensure_flusher() -> None:
    """One daemon thread per process writes the totals every FLUSH_EVERY seconds when they changed."""
    global _flusher_pid
    if _flusher_pid == os.getpid():
        return
    with _lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()

    def loop():
        global _dirty
        while True:
            time.sleep(FLUSH_EVERY)
            if _dirty:
                _dirty = False
                try:
                    flush()
                except OSError:
                    _dirty = True

    threading.Thread(target=loop, name="casewatch-metrics", daemon=True).start()
    flush()


def flush() -> None:
    """Write this process's totals to its file (atomic rename)."""
    with _lock:
        data = {
            "requests": [[m, r, s, n] for (m, r, s), n in _requests.items()],
            "durations": {r: list(v) for r, v in _durations.items()},
        }
    folder = metrics_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data))
    tmp.replace(folder / f"{os.getpid()}.json")


def clear() -> None:
    """Forget the files of earlier server runs (at `casewatch serve` start)."""
    folder = metrics_dir()
    if folder.exists():
        for f in folder.glob("*.json"):
            f.unlink(missing_ok=True)


def _collect() -> tuple[dict, dict]:
    flush()
    requests: dict[tuple[str, str, str], int] = defaultdict(int)
    durations: dict[str, list[float]] = {}
    for f in metrics_dir().glob("*.json"):
        try:
            data = json.loads(f.read_text())
        except (OSError, ValueError):
            continue  # a file being replaced; next scrape reads it
        for m, r, s, n in data.get("requests", []):
            requests[(m, r, s)] += n
        for r, values in data.get("durations", {}).items():
            acc = durations.setdefault(r, [0.0] * len(values))
            for i, v in enumerate(values):
                acc[i] += v
    return requests, durations


def _label(value) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _fmt(value) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def exposition() -> str:
    """All metrics in the Prometheus text format (version 0.0.4)."""
    from django.db.models import Count, Min
    from django.utils import timezone

    from casewatch.core.choices import JobStatus
    from casewatch.core.models import Job
    from casewatch.core.models_ops import Schedule, SchedulerLease
    from casewatch.core.sessions import active_sessions_count

    out: list[str] = []

    def metric(name, kind, help_text, samples):
        out.append(f"# HELP {name} {help_text}")
        out.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            out.append(f"{name}{{{text}}} {_fmt(value)}" if text else f"{name} {_fmt(value)}")

    requests, durations = _collect()
    metric(
        "casewatch_http_requests_total",
        "counter",
        "HTTP requests by method, URL pattern and status class.",
        [({"method": m, "route": r, "status": s}, n) for (m, r, s), n in sorted(requests.items())],
    )
    out.append("# HELP casewatch_http_request_duration_seconds Time to answer a request.")
    out.append("# TYPE casewatch_http_request_duration_seconds histogram")
    for route, row in sorted(durations.items()):
        lab = _label(route)
        for bound, count in zip(BUCKETS, row, strict=False):
            out.append(
                f'casewatch_http_request_duration_seconds_bucket{{route="{lab}",le="{bound}"}} {int(count)}'
            )
        total = int(row[len(BUCKETS)])
        out.append(f'casewatch_http_request_duration_seconds_bucket{{route="{lab}",le="+Inf"}} {total}')
        out.append(f'casewatch_http_request_duration_seconds_sum{{route="{lab}"}} {row[len(BUCKETS) + 1]!r}')
        out.append(f'casewatch_http_request_duration_seconds_count{{route="{lab}"}} {total}')

    by_state = Job.objects.values("kind", "status").annotate(n=Count("id")).order_by("kind", "status")
    metric(
        "casewatch_jobs",
        "gauge",
        "Background jobs in the database by kind and status.",
        [({"kind": r["kind"], "status": r["status"]}, r["n"]) for r in by_state],
    )
    queued = Job.objects.filter(status=JobStatus.QUEUED)
    oldest = queued.aggregate(m=Min("created_at"))["m"]
    now = timezone.now()
    metric("casewatch_job_queue_depth", "gauge", "Jobs waiting for a worker.", [({}, queued.count())])
    metric(
        "casewatch_job_queue_oldest_seconds",
        "gauge",
        "Age of the oldest queued job (0 when the queue is empty).",
        [({}, round((now - oldest).total_seconds(), 3) if oldest else 0.0)],
    )
    metric(
        "casewatch_jobs_running",
        "gauge",
        "Jobs running now.",
        [({}, Job.objects.filter(status=JobStatus.RUNNING).count())],
    )
    schedules = list(Schedule.objects.all())
    metric(
        "casewatch_schedule_last_run_timestamp_seconds",
        "gauge",
        "When each schedule last queued its job (Unix time; 0 = never).",
        [({"schedule": s.name}, s.last_run_at.timestamp() if s.last_run_at else 0.0) for s in schedules],
    )
    metric(
        "casewatch_schedule_failures",
        "gauge",
        "Failed runs in a row per schedule.",
        [({"schedule": s.name}, s.failures) for s in schedules],
    )
    lease = SchedulerLease.objects.filter(name="scheduler").first()
    metric(
        "casewatch_scheduler_lease_seconds_left",
        "gauge",
        "Seconds until the active scheduler's lease runs out (negative or 0: no active scheduler).",
        [({}, round((lease.expires_at - now).total_seconds(), 3) if lease else 0.0)],
    )
    metric(
        "casewatch_sessions_active",
        "gauge",
        "Signed-in sessions not idle past the timeout.",
        [({}, active_sessions_count())],
    )
    return "\n".join(out) + "\n"

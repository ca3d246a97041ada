"""The scheduler: recurring work queued as jobs, run inside `casewatch worker`, one active instance.

* **Database-backed.** Each `Schedule` row says what job kind to queue, when (daily at a local
  time, or every N minutes), an optional condition, and keeps the last run, the next run, the last
  job's outcome and the failures in a row. `ensure_defaults()` creates the shipped schedules.
* **One active instance.** Every worker may run the scheduler loop, but only the holder of the
  `SchedulerLease` row named ``scheduler`` queues anything. The lease is taken with a conditional
  UPDATE (free, expired, or already ours) and renewed on every tick; a worker that dies stops
  renewing and another takes over after `LEASE_SECONDS`.
* **No double runs.** A due schedule is claimed by a conditional UPDATE of its ``next_run_at``,
  so even two holders (a clock jump) cannot queue the same run twice.
* **Failures are visible.** Before queueing, the previous job's outcome is folded into the row
  (``last_status``, ``failures``, ``last_error``); the schedules page and /metrics show them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from casewatch.core import jobs
from casewatch.core.choices import JobStatus
from casewatch.core.models import Job
from casewatch.core.models_ops import Schedule, SchedulerLease

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
LEASE_SECONDS = 60
TICK_SECONDS = 15

#: name -> (job kind, params, daily_at "HH:MM" or None, interval minutes or None, condition, enabled)
DEFAULT_SCHEDULES: dict[str, tuple] = {
    "deadlines-daily": ("deadlines.refresh", {}, "00:30", None, "", True),
    "problems-tick": ("problems.tick", {}, "01:00", None, "", True),
    "screening-after-imports": (
        "screening.analyze",
        {"engine": "duckdb", "mode": "incremental"},
        None,
        15,
        "after_imports",
        True,
    ),
    "warehouse-sync": ("warehouse.sync", {}, None, 5, "warm_store", True),
    "falselit-scan": ("scheduler.falselit_scan", {}, "02:00", None, "", True),
    "report-snapshot": ("scheduler.report_snapshot", {"keep": 7}, "03:00", None, "", True),
    "backup-nightly": ("scheduler.backup", {}, "02:30", None, "", False),
}


def holder_name() -> str:
    """This process as a lease holder: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def next_run(schedule: Schedule, after: dt.datetime) -> dt.datetime:
    """The first run time strictly after `after` (daily: local wall time; interval: minutes)."""
    if schedule.daily_at is not None:
        local = timezone.localtime(after)
        candidate = local.replace(
            hour=schedule.daily_at.hour, minute=schedule.daily_at.minute, second=0, microsecond=0
        )
        if candidate <= local:
            candidate = candidate + dt.timedelta(days=1)
        return candidate
    minutes = schedule.interval_minutes or 60
    return after + dt.timedelta(minutes=minutes)


def ensure_defaults(now: dt.datetime | None = None) -> int:
    """Create the shipped schedules that do not exist yet (existing rows are left as the operator set them)."""
    now = now or timezone.now()
    made = 0
    for name, (kind, params, daily_at, interval, condition, enabled) in DEFAULT_SCHEDULES.items():
        if Schedule.objects.filter(name=name).exists():
            continue
        s = Schedule(
            name=name,
            kind=kind,
            params=params,
            daily_at=dt.time.fromisoformat(daily_at) if daily_at else None,
            interval_minutes=interval,
            condition=condition,
            enabled=enabled,
        )
        s.next_run_at = next_run(s, now)
        s.save()
        made += 1
    return made


def acquire_lease(holder: str, now: dt.datetime | None = None) -> bool:
    """Take or renew the scheduler lease; True when `holder` is the active scheduler."""
    now = now or timezone.now()
    expires = now + dt.timedelta(seconds=LEASE_SECONDS)
    lease = SchedulerLease.objects.filter(name=LEASE_NAME)
    if lease.filter(holder=holder, expires_at__gt=now).update(renewed_at=now, expires_at=expires):
        return True
    # Free (expired or given up): take it over. Only one UPDATE can match the old expiry.
    if lease.filter(expires_at__lte=now).update(
        holder=holder, acquired_at=now, renewed_at=now, expires_at=expires
    ):
        log.info("scheduler lease taken by %s", holder)
        return True
    if lease.exists():
        return False
    try:
        with transaction.atomic():
            SchedulerLease.objects.create(
                name=LEASE_NAME, holder=holder, acquired_at=now, renewed_at=now, expires_at=expires
            )
    except IntegrityError:  # another worker created it at the same moment (unique name)
        return False
    return True


def release_lease(holder: str) -> None:
    """Give the lease up (worker shutting down) so another worker takes over at once."""
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).update(expires_at=timezone.now())


def _fold_outcome(schedule: Schedule) -> None:
    """Copy the last job's outcome into the schedule row (once the job finished)."""
    job = schedule.last_job
    if job is None or schedule.last_status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
        return
    if job.status == JobStatus.SUCCEEDED:
        Schedule.objects.filter(pk=schedule.pk).update(last_status=job.status, failures=0, last_error="")
    elif job.status == JobStatus.FAILED:
        Schedule.objects.filter(pk=schedule.pk).update(
            last_status=job.status, failures=schedule.failures + 1, last_error=job.error[:4000]
        )
    else:
        Schedule.objects.filter(pk=schedule.pk).update(last_status=job.status)


def _condition_met(schedule: Schedule) -> bool:
    if schedule.condition == "after_imports":
        since = schedule.last_run_at
        imports = Job.objects.filter(kind="cases.import", status=JobStatus.SUCCEEDED)
        if since is not None:
            imports = imports.filter(finished_at__gt=since)
        return imports.exists()
    if schedule.condition == "warm_store":  # only an installation with an analytics store syncs it
        from casewatch.cases import warehouse

        return warehouse.available()
    return True


def refresh_outcomes() -> None:
    """Fold finished jobs into their schedules (the page calls this too)."""
    for schedule in Schedule.objects.select_related("last_job").exclude(last_job=None):
        _fold_outcome(schedule)


def tick(holder: str, now: dt.datetime | None = None) -> list[Job]:
    """One scheduler step: hold the lease, then queue every due schedule once. Returns queued jobs."""
    now = now or timezone.now()
    if not acquire_lease(holder, now):
        return []
    ensure_defaults(now)
    refresh_outcomes()
    queued: list[Job] = []
    for schedule in Schedule.objects.filter(enabled=True, next_run_at__lte=now).order_by("next_run_at"):
        upcoming = next_run(schedule, now)
        claimed = Schedule.objects.filter(pk=schedule.pk, next_run_at=schedule.next_run_at).update(
            next_run_at=upcoming
        )
        if not claimed:
            continue
        busy = (
            schedule.last_job_id
            and Job.objects.filter(
                pk=schedule.last_job_id, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)
            ).exists()
        )
        if busy or not _condition_met(schedule):
            Schedule.objects.filter(pk=schedule.pk).update(skipped=schedule.skipped + 1)
            continue
        try:
            queued.append(run_now(schedule, now=now))
        except KeyError:
            log.error("schedule %s: unknown job kind %s", schedule.name, schedule.kind)
    return queued


def run_now(schedule: Schedule, user=None, now: dt.datetime | None = None) -> Job:
    """Queue the schedule's job now (a tick, or "run now" on the page)."""
    now = now or timezone.now()
    if schedule.kind not in jobs.REGISTRY:
        Schedule.objects.filter(pk=schedule.pk).update(
            last_run_at=now,
            last_status=JobStatus.FAILED,
            failures=schedule.failures + 1,
            last_error=f"no job function registered for kind {schedule.kind!r} (is its app installed?)",
        )
        raise KeyError(schedule.kind)
    job = jobs.enqueue(schedule.kind, user, **schedule.params)
    Schedule.objects.filter(pk=schedule.pk).update(
        last_run_at=now, last_job=job, last_status=JobStatus.QUEUED
    )
    log.info(
        "schedule %s queued job %s", schedule.name, job.pk, extra={"schedule": schedule.name, "job": job.pk}
    )
    return job

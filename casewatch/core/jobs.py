"""A database-backed job queue that works the same on SQLite and PostgreSQL.

`enqueue(kind, actor, **params)` writes a `Job` row; `casewatch worker` claims queued rows with a
conditional UPDATE (only one worker can move a row from queued to running) and runs the function
registered for the kind. Job functions take the job first and JSON parameters (ids, not objects),
report progress with `job.set_progress`, and write to the job log with `job.write_log`.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from casewatch.core import audit
from casewatch.core.choices import AuditAction, JobStatus
from casewatch.core.models import Job

log = logging.getLogger(__name__)

REGISTRY: dict[str, Callable] = {}


def register(kind: str):
    """Decorator: register a job function under a kind name."""

    def deco(fn):
        REGISTRY[kind] = fn
        return fn

    return deco


class JobContext:
    """What a running job function gets: progress and log writers bound to its row."""

    def __init__(self, job: Job):
        self.job = job
        self.id = job.pk
        self.actor = job.actor
        self.params = job.params

    def set_progress(self, percent: float, message: str = "") -> None:
        Job.objects.filter(pk=self.id).update(progress=float(percent), message=message[:300])

    def write_log(self, line: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        job = Job.objects.only("log").get(pk=self.id)
        Job.objects.filter(pk=self.id).update(log=job.log + f"[{stamp}] {line}\n")


def enqueue(kind: str, actor=None, unit=None, **params) -> Job:
    """Queue a job; it starts when a worker picks it up (after the current transaction commits)."""
    if kind not in REGISTRY:
        raise KeyError(f"unknown job kind {kind!r}")
    if unit is None and actor is not None:
        unit = getattr(actor, "unit", None)
    job = Job.objects.create(kind=kind, actor=actor, unit=unit, params=params)
    audit.record(AuditAction.JOB, job, user=actor, message=f"queued {kind}")
    return job


def claim_next() -> Job | None:
    """Atomically move the oldest queued job to running; None when the queue is empty."""
    for pk in Job.objects.filter(status=JobStatus.QUEUED).order_by("id").values_list("pk", flat=True)[:10]:
        claimed = Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error=""
        )
        if claimed:
            return Job.objects.select_related("actor").get(pk=pk)
    return None


def run(job: Job) -> Job:
    """Run a claimed job to completion, recording success or the error."""
    fn = REGISTRY.get(job.kind)
    ctx = JobContext(job)
    token = audit.begin(f"job-{job.pk}", None, job.actor)
    try:
        if fn is None:
            raise KeyError(f"no function registered for job kind {job.kind!r}")
        result = fn(ctx, **job.params)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, progress=100.0, result=result, finished_at=timezone.now()
        )
    except Exception as exc:  # the job row is the place that reports failures
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}",
            finished_at=timezone.now(),
        )
    finally:
        audit.end(token)
    return Job.objects.get(pk=job.pk)


def retry(job: Job, user) -> Job:
    """Queue a failed job again (its log is kept; attempts count on)."""
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED, progress=0.0, message="", finished_at=None, started_at=None
        )
        if not updated:
            raise ValueError("only a failed job can be retried")
        audit.record(AuditAction.JOB, job, user=user, message="retried")
    return Job.objects.get(pk=job.pk)


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs in this process until the queue is empty (tests, `worker --once`)."""
    done = 0
    while limit is None or done < limit:
        job = claim_next()
        if job is None:
            break
        run(job)
        done += 1
    return done


@register("core.selftest")
def selftest(job: JobContext, steps: int = 3, fail: bool = False):
    """A small job that reports progress; used to check a worker end to end."""
    for i in range(steps):
        job.set_progress(100 * (i + 1) / steps, f"step {i + 1}/{steps}")
        job.write_log(f"step {i + 1} of {steps}")
    if fail:
        raise RuntimeError("self-test asked to fail")
    return {"steps": steps}

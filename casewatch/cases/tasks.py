"""The import job: every import — command line, upload page, API — is an ImportRun run by a Job.

Why always a job: the job row carries progress, log and failure for the jobs page, and the
ImportRun row carries what the clerk needs afterwards (counts per table, the error report).
The command line runs the job in-process and synchronously, but through the same function and
with the same rows, so an import from a terminal is as traceable as one from the browser.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casewatch.cases import warehouse
from casewatch.cases.importing import Options, run_import
from casewatch.cases.importing import issues as issue_report
from casewatch.cases.importing.progress import ProgressWriter
from casewatch.cases.models import ImportRun
from casewatch.core import jobs
from casewatch.core.choices import Action, JobStatus
from casewatch.core.models import Job, Unit
from casewatch.core.permissions import user_can
from casewatch.core.querysets import scope_path

log = logging.getLogger(__name__)

KIND = "cases.import"
#: A scope path no unit has: a user without a scope may import nothing.
NO_SCOPE = "/\x00no-scope/"


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _owner_unit(user) -> Unit | None:
    """The unit an import belongs to for the scope gate: the actor's unit, else the city."""
    if user is not None and getattr(user, "unit_id", None):
        return user.unit
    if user is not None and getattr(user, "scope_id", None):
        return user.scope
    return Unit.objects.filter(parent__isnull=True).order_by("path").first()


def user_scope(user) -> str | None:
    """The scope rows must fall in: None for no restriction (no user, or the whole tree)."""
    if user is None:
        return None
    path = scope_path(user)
    if path == "/":
        return None
    if not path:
        return NO_SCOPE
    # A scope that covers the whole tree (the city) restricts nothing: skip the per-row checks.
    return path if Unit.objects.exclude(path__startswith=path).exists() else None


def start_import(
    paths: list[str | Path],
    user=None,
    *,
    skip_invalid: bool = False,
    table: str | None = None,
    encoding: str | None = None,
    report_dir: str | Path | None = None,
    names: list[str] | None = None,
    synchronous: bool = False,
) -> ImportRun:
    """Create the ImportRun and its job; run it now (command line, tests) or queue it (web)."""
    if user is not None and not user_can(user, Action.IMPORT):
        raise PermissionDenied("Your role may not import data.")
    paths = [str(Path(p)) for p in paths]
    files = [{"path": p, "name": (names[i] if names else Path(p).name)} for i, p in enumerate(paths)]
    unit = _owner_unit(user)
    run = ImportRun.objects.create(
        actor=user, unit=unit, files=files, skip_invalid=skip_invalid, status="queued"
    )
    params = {"import_run": run.pk, "table": table, "encoding": encoding, "report_dir": str(report_dir or "")}
    if synchronous:
        job = Job.objects.create(
            kind=KIND,
            actor=user,
            unit=unit,
            params=params,
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
        )
        ImportRun.objects.filter(pk=run.pk).update(job=job)
        jobs.run(job)
    else:
        job = jobs.enqueue(KIND, actor=user, unit=unit, **params)
        ImportRun.objects.filter(pk=run.pk).update(job=job)
    return ImportRun.objects.get(pk=run.pk)


@jobs.register(KIND)
def import_job(job, import_run: int, table=None, encoding=None, report_dir=""):
    """Run an ImportRun: validate, load (or reject), write the error report, record counts."""
    run = ImportRun.objects.select_related("actor", "actor__scope", "actor__unit").get(pk=import_run)
    user = run.actor
    ImportRun.objects.filter(pk=run.pk).update(status="running")
    started = time.perf_counter()

    # Through its own connection: the load's transaction must not hide progress until COMMIT.
    progress = ProgressWriter(job.id)

    try:
        if user is not None and not user_can(user, Action.IMPORT):
            raise PermissionDenied("Your role may not import data.")
        options = Options(
            skip_invalid=run.skip_invalid,
            table=table or None,
            encoding=encoding or None,
            scope_path=user_scope(user),
        )
        result = run_import([f["path"] for f in run.files], options, progress, audit_target=run, user=user)
    except Exception:
        ImportRun.objects.filter(pk=run.pk).update(
            status="failed", finished_at=timezone.now(), seconds=time.perf_counter() - started
        )
        raise
    finally:
        progress.close()
    problems = result.problems.drop("__rid")
    # Reports name the file as the user gave it (an upload's original name, not its storage path).
    names = {Path(f["path"]).name: f.get("name") or Path(f["path"]).name for f in run.files}
    if names:
        problems = problems.with_columns(problems.get_column("file").replace(names))
    report_csv = report_xlsx = ""
    if not problems.is_empty():
        directory = Path(report_dir) if report_dir else imports_dir() / str(run.pk)
        csv_path, xlsx_path = issue_report.write_reports(
            problems, directory, f"import-{run.pk}-errors", language="zh-hans"
        )
        # The same report for a reader who chose English (the download picks by language).
        issue_report.write_reports(problems, directory, f"import-{run.pk}-errors.en", language="en")
        report_csv, report_xlsx = str(csv_path), str(xlsx_path)
    ImportRun.objects.filter(pk=run.pk).update(
        status=result.status,
        counts=result.counts,
        error_count=result.error_count,
        errors_preview=issue_report.preview(problems),
        report_csv=report_csv,
        report_xlsx=report_xlsx,
        finished_at=timezone.now(),
        seconds=round(time.perf_counter() - started, 3),
    )
    totals = result.totals()
    summary = (
        f"{result.status}: {totals['created']} created, {totals['updated']} updated, "
        f"{totals['unchanged']} unchanged, {result.error_count} errors"
    )
    job.write_log(summary)
    warehouse.after_import(job, run.started_at)  # the warm analytics store gets what was written
    timings = {k: round(v, 2) for k, v in result.timings.items()}
    return {
        "import_run": run.pk,
        "status": result.status,
        "errors": result.error_count,
        **totals,
        "timings": timings,
    }

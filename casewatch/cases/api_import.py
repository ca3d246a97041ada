"""API of the importer: POST /api/v1/cases/imports (multipart upload), GET /api/v1/cases/imports/{id}.

An upload is checked (size, extension, content) and queued as a job; the answer is 202 with the
import's id, and the client polls the GET until ``finished`` is true. The same scope gate as the
pages applies: the ``import`` action, and rows only for units inside the caller's scope.

No ``from __future__ import annotations``: django-ninja must see the parameter types.
"""

import datetime as dt

from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from casewatch.cases.importing.tables import IMPORT_ORDER
from casewatch.cases.importing.uploads import UploadRejected, save_uploads
from casewatch.cases.models import ImportRun
from casewatch.cases.tasks import start_import
from casewatch.core.choices import Action
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404

router = Router(tags=["imports"])
FINISHED = ("imported", "partial", "rejected", "empty", "failed")


class ImportOut(Schema):
    id: int
    status: str
    finished: bool
    files: list[str]
    skip_invalid: bool
    counts: dict
    error_count: int
    errors_preview: list[dict]
    started_at: dt.datetime
    finished_at: dt.datetime | None
    seconds: float | None
    job_id: int | None
    report_csv_url: str | None
    report_xlsx_url: str | None


def _out(run: ImportRun) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "finished": run.status in FINISHED,
        "files": [f.get("name", "") for f in run.files],
        "skip_invalid": run.skip_invalid,
        "counts": run.counts or {},
        "error_count": run.error_count,
        "errors_preview": run.errors_preview or [],
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "seconds": run.seconds,
        "job_id": run.job_id,
        "report_csv_url": reverse("cases:import_report", args=[run.pk, "csv"]) if run.report_csv else None,
        "report_xlsx_url": reverse("cases:import_report", args=[run.pk, "xlsx"]) if run.report_xlsx else None,
    }


@router.post("/imports", response={202: ImportOut})
def create_import(
    request,
    files: list[UploadedFile] = File(...),
    skip_invalid: bool = Form(False),
    table: str | None = Form(None),
):
    """Upload one or more files and queue their import."""
    user = request.auth
    if not user_can(user, Action.IMPORT):
        raise HttpError(403, "Your role may not import data.")
    if table and table not in IMPORT_ORDER:
        raise HttpError(422, f"unknown table {table!r}; one of {', '.join(IMPORT_ORDER)}")
    try:
        paths, names = save_uploads(files)
    except UploadRejected as exc:
        raise HttpError(422, str(exc)) from None
    run = start_import(paths, user, skip_invalid=skip_invalid, table=table or None, names=names)
    return Status(202, _out(run))


@router.get("/imports/{import_id}", response=ImportOut)
def get_import(request, import_id: int):
    """An import's status, counts per table and first errors (out-of-scope imports answer 404)."""
    if not user_can(request.auth, Action.IMPORT):
        raise HttpError(403, "Your role may not import data.")
    return _out(get_scoped_or_404(request.auth, ImportRun, Action.IMPORT, pk=import_id))

"""Background job: the raw data export (no row cap, no time limit; progress on the job row)."""

from __future__ import annotations

from casewatch.core import jobs
from casewatch.core.models import User
from casewatch.core.services import record_export


@jobs.register("surveys.export")
def export_job(
    job,
    wave_ids: list[int],
    fmt: str = "csv",
    instrument_id: int | None = None,
    district: str = "",
    labels: bool = False,
    language: str = "zh-hans",
):
    """Write the export file for the job's actor (their scope applies) and return where it is."""
    from casewatch.surveys.exports import export_dir, write_export

    actor = User.objects.select_related("scope").get(pk=job.actor.pk)
    ext = "xlsx" if fmt == "xlsx" else "csv"
    path = export_dir() / f"job-{job.id}.{ext}"
    rows = write_export(
        actor,
        wave_ids,
        path,
        fmt=ext,
        instrument_id=instrument_id,
        district=district,
        labels=labels,
        language=language,
        progress=job.set_progress,
    )
    record_export(actor, "surveys.response", rows, ext)
    job.write_log(f"{rows} rows written to {path.name}")
    return {"path": str(path), "rows": rows, "format": ext, "filename": f"survey-responses-{job.id}.{ext}"}

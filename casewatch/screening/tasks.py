"""Background job: a screening run started from the UI or the API."""

import datetime as dt

from casewatch.core import jobs
from casewatch.core.models import User


@jobs.register("screening.analyze")
def analyze_job(job, engine: str = "duckdb", as_of: str | None = None, mode: str = "full"):
    from casewatch.screening.services import analyze

    actor = User.objects.filter(pk=job.actor.pk).first() if job.actor else None
    run = analyze(
        actor,
        engine=engine,
        as_of=dt.date.fromisoformat(as_of) if as_of else None,
        mode=mode,
        job=job,
        progress=job.set_progress,
    )
    return {
        "run": run.pk,
        "new": run.findings_new,
        "unchanged": run.findings_unchanged,
        "resolved": run.findings_resolved,
        "seconds": round(run.seconds or 0, 2),
    }

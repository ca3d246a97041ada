"""The ``deadlines.refresh`` job."""

from __future__ import annotations

import datetime as dt

from casewatch.core import jobs
from casewatch.problems.tasks import register_daily


@jobs.register("deadlines.refresh")
def refresh_job(job, as_of: str | None = None):
    """Recompute deadline state (job parameters: ``as_of`` YYYY-MM-DD, default today)."""
    from casewatch.deadlines.services import refresh

    day = dt.date.fromisoformat(as_of) if as_of else None
    result = refresh(day, actor=job.actor, progress=job.set_progress)
    job.write_log(f"{result['cases']} cases, {result['persons']} persons, lights {result['lights']}")
    return result


@register_daily("deadlines_refreshed")
def daily_refresh(today: dt.date) -> int:
    """The daily tick recomputes lights for today (stored state never ages silently)."""
    from casewatch.deadlines.services import refresh

    return refresh(today)["cases"]

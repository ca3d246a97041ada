"""The ``property.refresh`` job: recompute the centre's deadline alerts."""

from __future__ import annotations

from casewatch.core import jobs


@jobs.register("property.refresh")
def refresh_job(job):
    """Recompute alerts and open problems for new overdue ones (as the job's actor)."""
    from casewatch.property.alerts import refresh

    result = refresh(job.actor, progress=job.set_progress)
    job.write_log(f"{result['alerts']} alerts, {result['problems_opened']} problems opened")
    return {k: v for k, v in result.items() if k != "seconds"}

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


def _daily_actor():
    """The account the daily tick opens property problems as: the first active city-level committee
    supervisor (problems are opened in the actor's scope, so it must cover every centre)."""
    from casewatch.core.choices import Role
    from casewatch.core.models import User

    return (
        User.objects.filter(is_active=True, role=Role.COMMITTEE_SUPERVISOR, scope__kind="city")
        .order_by("pk")
        .first()
    )


def _register_daily() -> None:
    from casewatch.problems.tasks import register_daily

    @register_daily("property_alerts")
    def daily_alerts(today) -> int:
        """The daily tick recomputes the centre's alerts and puts new overdue items on the problem list."""
        from casewatch.property.alerts import refresh

        return refresh(_daily_actor())["alerts"]


_register_daily()

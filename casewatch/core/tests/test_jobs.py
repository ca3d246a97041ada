"""The database job queue: enqueue, run with progress and log, failure, retry, exclusive claims."""

import pytest

from casewatch.core import jobs
from casewatch.core.choices import AuditAction, JobStatus
from casewatch.core.models import AuditLog, Job
from casewatch.core.testing import request_as
from casewatch.core.tests.factories import JobFactory, UserFactory


@pytest.fixture
def legal(world):
    return world.user("district_legal")


def test_enqueue_and_run_pending_record_progress_log_and_result(world, legal):
    job = jobs.enqueue("core.selftest", legal, steps=4)
    assert job.status == JobStatus.QUEUED and job.unit == legal.unit and job.params == {"steps": 4}
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.finished
    assert job.progress == 100.0 and job.percent == 100
    assert job.message == "step 4/4"
    assert job.result == {"steps": 4}
    assert [line.split("] ", 1)[1] for line in job.log.splitlines()] == [
        f"step {i} of 4" for i in range(1, 5)
    ]
    assert job.attempts == 1 and job.started_at <= job.finished_at and job.error == ""
    assert jobs.run_pending() == 0  # the queue is empty


def test_progress_is_visible_while_the_job_runs(world, legal):
    seen = []

    @jobs.register("test.observer")
    def observer(ctx, steps):
        for i in range(steps):
            ctx.set_progress(50 * (i + 1), f"half {i + 1}")
            row = Job.objects.get(pk=ctx.id)
            seen.append((row.status, row.progress, row.message))
        return None

    try:
        jobs.enqueue("test.observer", legal, steps=2)
        jobs.run_pending()
    finally:
        jobs.REGISTRY.pop("test.observer")
    assert seen == [(JobStatus.RUNNING, 50.0, "half 1"), (JobStatus.RUNNING, 100.0, "half 2")]


def test_a_failing_job_records_its_error_and_can_be_retried(world, legal):
    job = jobs.enqueue("core.selftest", legal, steps=2, fail=True)
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.error.startswith("RuntimeError: self-test asked to fail")
    assert "Traceback" in job.error
    assert job.log.count("\n") == 2  # the steps before the failure are logged

    job = jobs.retry(job, legal)
    assert job.status == JobStatus.QUEUED and job.progress == 0 and job.finished_at is None
    assert job.log.count("\n") == 2  # the log is kept
    with pytest.raises(ValueError):
        jobs.retry(job, legal)  # only a failed job
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 2 and job.log.count("\n") == 4


def test_unknown_kinds_are_refused_and_unregistered_rows_fail(world, legal):
    with pytest.raises(KeyError):
        jobs.enqueue("no.such.kind", legal)
    orphan = JobFactory(kind="gone.away", actor=legal)
    jobs.run_pending()
    orphan.refresh_from_db()
    assert orphan.status == JobStatus.FAILED and "gone.away" in orphan.error


def test_a_claim_is_exclusive(world, legal):
    job = jobs.enqueue("core.selftest", legal, steps=1)
    claimed = jobs.claim_next()
    assert claimed.pk == job.pk and claimed.status == JobStatus.RUNNING and claimed.attempts == 1
    assert jobs.claim_next() is None
    job.refresh_from_db()
    assert job.attempts == 1


def test_two_workers_racing_for_one_job(world, legal, monkeypatch):
    """Worker A lists the queue; worker B claims the job before A's conditional UPDATE runs.

    A must get nothing, and the job must be claimed once (one attempt).
    """
    job = jobs.enqueue("core.selftest", legal, steps=1)
    real_filter = Job.objects.filter
    rival = []

    def racing_filter(*args, **kwargs):
        if kwargs == {"status": JobStatus.QUEUED} and not rival:
            listed = list(real_filter(*args, **kwargs).values_list("pk", flat=True))
            monkeypatch.setattr(Job.objects, "filter", real_filter)
            rival.append(jobs.claim_next())  # worker B wins
            return real_filter(pk__in=listed)  # worker A's stale view of the queue
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Job.objects, "filter", racing_filter)
    assert jobs.claim_next() is None
    assert rival[0].pk == job.pk
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1


# --- pages and API ------------------------------------------------------------------------------


def test_retry_from_the_job_page(client, world, legal):
    client.force_login(legal)
    page = client.get(f"/jobs/{world.job_in.pk}/").content.decode()
    assert f'action="/jobs/{world.job_in.pk}/retry/"' in page and "self-test asked to fail" in page
    response = client.post(f"/jobs/{world.job_in.pk}/retry/", follow=True)
    assert response.redirect_chain == [(f"/jobs/{world.job_in.pk}/", 302)]
    assert Job.objects.get(pk=world.job_in.pk).status == JobStatus.QUEUED
    assert AuditLog.objects.filter(
        action=AuditAction.JOB, object_id=str(world.job_in.pk), message="retried"
    ).exists()
    # A second retry of a queued job changes nothing.
    client.post(f"/jobs/{world.job_in.pk}/retry/")
    assert AuditLog.objects.filter(action=AuditAction.JOB, message="retried").count() == 1
    jobs.run_pending()
    assert Job.objects.get(pk=world.job_in.pk).attempts == 2


def test_retry_through_the_api(client, world, legal):
    response = request_as(client, legal, f"/api/v1/jobs/{world.job_in.pk}/retry", method="post", api=True)
    assert response.status_code == 200
    assert response.json()["status"] == "queued" and response.json()["attempts"] == 1
    jobs.run_pending()
    assert Job.objects.get(pk=world.job_in.pk).attempts == 2


def test_an_administrator_may_retry_anyone_s_job(client, world):
    response = request_as(client, world.user("sysadmin"), f"/jobs/{world.job_in.pk}/retry/", method="post")
    assert response.status_code == 302
    assert Job.objects.get(pk=world.job_in.pk).status == JobStatus.QUEUED


def test_htmx_polls_a_fragment_until_the_job_finishes(client, world, legal):
    client.force_login(legal)
    job = jobs.enqueue("core.selftest", legal, steps=1)
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith("<section") and 'hx-trigger="every 1s"' in fragment and "<html" not in fragment
    jobs.run_pending()
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "100%" in fragment


def test_selftest_page_is_for_administrators(client, world):
    client.force_login(world.user("district_legal"))
    assert client.post("/jobs/selftest/").status_code == 403
    client.force_login(world.user("sysadmin"))
    response = client.post("/jobs/selftest/", {"fail": "1"})
    job = Job.objects.latest("id")
    assert response["Location"] == f"/jobs/{job.pk}/" and job.params == {"steps": 5, "fail": True}


def test_jobs_are_scoped_by_the_unit_of_the_person_who_started_them(client, world):
    colleague = UserFactory(unit=world.user("district_handler").unit)
    job = JobFactory(actor=colleague)
    assert job.unit.code == "330212-PSB-XJ"
    assert Job.objects.restrict(world.user("district_legal")).filter(pk=job.pk).exists()
    assert not Job.objects.restrict(world.user("other_court")).filter(pk=job.pk).exists()
    client.force_login(colleague)
    assert [j.pk for j in client.get("/jobs/").context["page"]] == [job.pk]


def test_job_list_shows_own_jobs_or_all_to_auditors(client, world):
    client.force_login(world.user("district_legal"))
    ids = {j.pk for j in client.get("/jobs/").context["page"]}
    assert ids == {world.job_in.pk}
    client.force_login(world.user("city_auditor"))
    ids = {j.pk for j in client.get("/jobs/").context["page"]}
    assert ids == {world.job_in.pk, world.job_out.pk}

"""Screening's POSTs go through Django forms (issue 12, item 12): a bad date for a run is said on
the page instead of failing inside the job; a malformed selection triages nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casewatch.core.choices import Role
from casewatch.core.models import Job
from casewatch.screening.models import Finding
from casewatch.screening.tests.test_findings_pages import _finding
from casewatch.screening.tests.test_services import city, police_case, user  # noqa: F401


@pytest.mark.django_db
def test_run_with_a_bad_date_is_refused_on_the_page(city, client):  # noqa: F811
    client.force_login(user(Role.COMMITTEE_SUPERVISOR, "330200"))
    response = client.post(
        reverse("screening:run_start"), {"mode": "full", "as_of": "2024-99-99"}, follow=True
    )
    assert not Job.objects.filter(kind="screening.analyze").exists()
    assert "有效的日期" in response.content.decode() or "valid date" in response.content.decode()
    client.post(reverse("screening:run_start"), {"mode": "incremental", "as_of": "2024-07-20"})
    job = Job.objects.get(kind="screening.analyze")
    assert job.params["as_of"] == "2024-07-20" and job.params["mode"] == "incremental"


@pytest.mark.django_db
def test_triage_refuses_a_malformed_selection(city, client):  # noqa: F811
    case = police_case(
        "330212-PSB-XJ", "甬鄞公(刑)立字[2024]00001号", "PSB212-001", "2024-01-02", "2024-01-10"
    )
    finding = _finding(case, 1, "high")
    client.force_login(user(Role.COMMITTEE_SUPERVISOR, "330200"))
    response = client.post(
        reverse("screening:finding_triage"), {"ids": [finding.pk, "x1"], "action": "confirm"}, follow=True
    )
    assert Finding.objects.get(pk=finding.pk).status == "new"
    assert "不是记录编号列表" in response.content.decode()

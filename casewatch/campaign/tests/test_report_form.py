"""Freezing a report validates the ``staged`` flag with the form: the checkbox's ``1`` is a staged
report, absent a full one, any other value is a bilingual field error and no report is written (it
was ``bool()`` of whatever came); a malformed date is named too (field errors were dropped)."""

import pytest

from casewatch.campaign.models import ReportSnapshot
from casewatch.core.models import AuditLog

pytestmark = pytest.mark.django_db

PERIOD = {"unit_code": "330212-PSB", "start": "2026-01-01", "end": "2026-09-30"}


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        ({"staged": "yes"}, ("Staged (monthly) report", "阶段性（月度）报告", "valid choice")),
        ({"staged": "0"}, ("Staged (monthly) report", "valid choice")),
        ({"start": "2026-13-01"}, ("Period starts", "valid date")),
    ],
)
def test_malformed_report_post_refused(client, world, extra, needles):
    client.force_login(world.user("district_legal"))
    snaps, audits = ReportSnapshot.objects.count(), AuditLog.objects.count()
    r = client.post("/campaign/report/", {**PERIOD, **extra}, follow=True)
    text = " ".join(str(m) for m in r.context["messages"])
    for needle in needles:
        assert needle in text, text
    assert ReportSnapshot.objects.count() == snaps and AuditLog.objects.count() == audits


@pytest.mark.parametrize(("extra", "staged"), [({"staged": "1"}, True), ({}, False)])
def test_staged_flag(client, world, extra, staged):
    client.force_login(world.user("district_legal"))
    r = client.post("/campaign/report/", {**PERIOD, **extra})
    assert r.status_code == 302
    snap = ReportSnapshot.objects.latest("pk")
    assert snap.staged is staged and snap.unit.code == "330212-PSB"

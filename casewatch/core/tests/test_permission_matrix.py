"""The permission matrix of every core page, export and API endpoint.

Each endpoint is asked by an anonymous visitor, a user without the permission (the role lacks
the action, or the account has no scope), a user whose scope holds the object (鄞州 police) and
one whose scope does not (海曙 court). Out of scope answers 404, never 403, and is audited.
"""

from types import MappingProxyType as Frozen

import pytest

from casewatch.core.testing import (
    ACTION,
    DENIED,
    DETAIL,
    IN_SCOPE,
    LIST,
    OUT_OF_SCOPE,
    Expect,
    Probe,
    check_cell,
    matrix_params,
)

AUDITORS = Frozen({IN_SCOPE: "city_auditor", OUT_OF_SCOPE: "other_auditor", DENIED: "district_legal"})
# The handler sits in the job's subtree but neither started the job nor may reveal.
HANDLER_DENIED = Frozen({IN_SCOPE: "district_legal", OUT_OF_SCOPE: "other_court", DENIED: "district_handler"})
OWNER_ONLY = Frozen({IN_SCOPE: "district_legal", OUT_OF_SCOPE: "other_court"})
AUDITOR_403 = Frozen({DENIED: Expect(403, shows=False)})

PAGES = [
    Probe("units-list", "/org/", LIST, marker="330212-PSB-FZ"),
    Probe(
        "unit-detail", "/org/330212-PSB-FZ/", DETAIL, marker="{w.staff_in.staff_no}", denied_type="core.unit"
    ),
    Probe(
        "staff-reveal",
        "/staff/{w.staff_in.pk}/reveal/id_number/",
        ACTION,
        marker="{w.staff_in.id_number}",
        method="post",
        users=HANDLER_DENIED,
        denied_type="core.staff",
    ),
    Probe("audit-list", "/audit/", LIST, marker="matrix-marker-330212", users=AUDITORS, expect=AUDITOR_403),
    Probe(
        "audit-csv",
        "/audit/?export=csv",
        LIST,
        marker="matrix-marker-330212",
        users=AUDITORS,
        expect=AUDITOR_403,
    ),
    Probe(
        "audit-xlsx",
        "/audit/?export=xlsx",
        LIST,
        marker="matrix-marker-330212",
        users=AUDITORS,
        expect=AUDITOR_403,
    ),
    Probe("jobs-list", "/jobs/", LIST, marker='href="/jobs/{w.job_in.pk}/"'),
    Probe(
        "job-detail", "/jobs/{w.job_in.pk}/", DETAIL, marker="self-test asked to fail", denied_type="core.job"
    ),
    Probe(
        "job-retry",
        "/jobs/{w.job_in.pk}/retry/",
        ACTION,
        method="post",
        users=HANDLER_DENIED,
        expect=Frozen({IN_SCOPE: Expect(302)}),
        denied_type="core.job",
    ),
    Probe("tokens", "/tokens/", LIST, marker="{w.token_in.prefix}", users=OWNER_ONLY),
    Probe(
        "token-revoke",
        "/tokens/{w.token_in.pk}/revoke/",
        ACTION,
        method="post",
        users=OWNER_ONLY,
        expect=Frozen({IN_SCOPE: Expect(302)}),
        denied_type="core.apitoken",
    ),
]

API = [
    Probe("api-me", "/api/v1/me", LIST, marker='"username": "district_legal"', api=True, users=OWNER_ONLY),
    Probe("api-units", "/api/v1/units?limit=500", LIST, marker='"code": "330212-PSB-FZ"', api=True),
    Probe(
        "api-unit",
        "/api/v1/units/330212-PSB-FZ",
        DETAIL,
        marker='"code": "330212-PSB-FZ"',
        api=True,
        denied_type="core.unit",
    ),
    Probe("api-jobs", "/api/v1/jobs", LIST, marker='"id": {w.job_in.pk},', api=True),
    Probe(
        "api-job",
        "/api/v1/jobs/{w.job_in.pk}",
        DETAIL,
        marker="self-test asked to fail",
        api=True,
        denied_type="core.job",
    ),
    Probe(
        "api-job-retry",
        "/api/v1/jobs/{w.job_in.pk}/retry",
        ACTION,
        marker='"status": "queued"',
        method="post",
        api=True,
        users=HANDLER_DENIED,
        denied_type="core.job",
    ),
    Probe(
        "api-audit",
        "/api/v1/audit?limit=500",
        LIST,
        marker="matrix-marker-330212",
        api=True,
        users=AUDITORS,
        expect=AUDITOR_403,
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PAGES))
def test_pages(client, world, probe, cell):
    check_cell(client, world, probe, cell)


@pytest.mark.parametrize(("probe", "cell"), matrix_params(API))
def test_api(client, world, probe, cell):
    check_cell(client, world, probe, cell)


def test_matrix_covers_every_core_url():
    """A new core URL must be added to the matrix (or to the exemptions, with a reason)."""
    from casewatch.core.urls import urlpatterns

    exempt = {
        "login": "public",
        "logout": "own session",
        "password_change": "own account",
        "set_language": "own preference",
        "home": "counts only, covered by test_views",
        "job_selftest": "sysadmin action, covered by test_jobs",
        "readyz": "probe for load balancers, covered by test_ops",
        "metrics": "address or sysadmin/auditor, covered by test_ops",
        "session_list": "own sessions and administered accounts, covered by test_ops",
        "session_revoke": "own sessions and administered accounts, covered by test_ops",
        "schedule_list": "sysadmin/auditor, no unit scope, covered by test_ops",
        "schedule_action": "sysadmin, covered by test_ops",
        "saved_search_save": "own saved searches, covered by test_saved_searches",
        "saved_search_apply": "own saved searches (404 for others), covered by test_saved_searches",
        "saved_search_delete": "own saved searches (404 for others), covered by test_saved_searches",
    }
    probed = {
        "unit_list",
        "unit_detail",
        "staff_reveal",
        "audit_list",
        "job_list",
        "job_detail",
        "job_retry",
        "token_list",
        "token_revoke",
    }
    assert {p.name for p in urlpatterns} == probed | set(exempt)

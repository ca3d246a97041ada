"""Case registry API: the permission matrix, filters, pagination, masking, matters, JSON errors."""

import datetime as dt

import pytest

from casewatch.cases.models import Case
from casewatch.core import testing
from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog
from casewatch.core.testing import (
    DETAIL,
    LIST,
    Probe,
    assert_json_error,
    check_cell,
    fast_password_hashers,  # noqa: F401 (autouse fixture)
    matrix_params,
    request_as,
)


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    yield from testing.module_world(django_db_blocker, cases=True)


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


CASE = "cases.case"
PROBES = [
    Probe("api-cases", "/api/v1/cases/cases?limit=500", LIST, marker='"id": {w.case_in.pk},', api=True),
    Probe(
        "api-case",
        "/api/v1/cases/cases/{w.case_in.pk}",
        DETAIL,
        marker='"case_number": "{w.case_in.case_number}"',
        api=True,
        denied_type=CASE,
    ),
    Probe(
        "api-case-events",
        "/api/v1/cases/cases/{w.case_in.pk}/events",
        DETAIL,
        marker="matrix-event-in",
        api=True,
        denied_type=CASE,
    ),
    Probe(
        "api-case-parties",
        "/api/v1/cases/cases/{w.case_in.pk}/parties",
        DETAIL,
        marker="王小明",
        api=True,
        denied_type=CASE,
    ),
    Probe(
        "api-matter",
        "/api/v1/cases/matters/{w.matter_in.matter_id}",
        DETAIL,
        marker='"matter_id": "{w.matter_in.matter_id}"',
        api=True,
        denied_type=CASE,
    ),
    Probe(
        "api-party",
        "/api/v1/cases/parties/{w.party_in.pk}",
        DETAIL,
        marker="王小明",
        api=True,
        denied_type="cases.party",
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, world, probe, cell):
    check_cell(client, world, probe, cell)


def test_matrix_covers_every_case_endpoint():
    from casewatch.cases.api import router

    paths = {path for path in router.path_operations}
    assert paths == {
        "/cases",
        "/cases/{case_id}",
        "/cases/{case_id}/events",
        "/cases/{case_id}/parties",
        "/matters/{matter_id}",
        "/parties/{party_pk}",
    }


def get(client, world, url, username="district_legal", **headers):
    return request_as(client, world.user(username), url, api=True, **headers)


# --- list ---------------------------------------------------------------------------------------


def test_case_list_fields_and_order(client, world):
    body = get(client, world, "/api/v1/cases/cases").json()
    assert body["count"] == 2
    assert [c["case_number"] for c in body["items"]] == [
        world.case_in_2.case_number,
        world.case_in.case_number,
    ]
    case = body["items"][1]
    assert case == {
        "id": world.case_in.pk,
        "unit_code": "330212-PSB-XJ",
        "case_number": world.case_in.case_number,
        "matter_id": "M-T-330212-001",
        "case_type": "police_criminal",
        "cause_name": "盗窃罪",
        "procedure": "",
        "status": "pending",
        "handler_staff_no": None,
        "received_at": None,
        "filed_at": "2024-03-02",
        "closed_at": None,
        "outcome": "",
        "plea_leniency": None,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=closed", ["case_in_2"]),
        ("district=330203", ["case_out"]),
        ("agency_kind=court", ["case_out"]),
        ("filed_from=2024-03-01&filed_to=2024-04-30", ["case_out", "case_in"]),
        ("q=90002", ["case_in_2"]),
        ("unit=330212-PSB-XJ", ["case_in"]),
    ],
)
def test_case_list_filters(client, world, query, expected):
    body = get(client, world, f"/api/v1/cases/cases?{query}", "city_supervisor").json()
    assert [c["case_number"] for c in body["items"]] == [getattr(world, n).case_number for n in expected]


def test_case_list_rejects_bad_filters_as_json(client, world):
    body = assert_json_error(
        get(client, world, "/api/v1/cases/cases?filed_from=2024-12-01&filed_to=2024-01-01"), 422
    )
    assert "filed_to" in body["message"]
    assert_json_error(get(client, world, "/api/v1/cases/cases?status=no-such-status"), 422)
    assert_json_error(get(client, world, "/api/v1/cases/cases?filed_from=yesterday"), 422, "invalid")


def test_case_list_paginates(client, world):
    Case.objects.bulk_create(
        Case(
            unit_id="330212-PSB-PS2",
            case_number=f"P-{n:03d}",
            case_type="police_public_order",
            status="closed",
            filed_at=dt.date(2023, 6, 1),
        )
        for n in range(7)
    )
    first = get(client, world, "/api/v1/cases/cases?limit=4&offset=0").json()
    rest = get(client, world, "/api/v1/cases/cases?limit=4&offset=4").json()
    assert first["count"] == rest["count"] == 9
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 8


# --- detail, events, parties, matters --------------------------------------------------------------


def test_events_in_time_order(client, world):
    events = get(client, world, f"/api/v1/cases/cases/{world.case_in.pk}/events").json()
    assert [(e["seq"], e["kind"]) for e in events] == [(1, "filed"), (2, "detained")]
    assert events[0]["occurred_at"].startswith("2024-03-02T")


def test_parties_are_masked_in_the_api(client, world):
    for url in (
        f"/api/v1/cases/cases/{world.case_in.pk}/parties",
        f"/api/v1/cases/parties/{world.party_in.pk}",
    ):
        response = get(client, world, url)
        text = response.content.decode()
        for clear in ("330212199001017777", "13700001111", "中河街道", "\\u4e2d\\u6cb3"):
            assert clear not in text, (url, clear)
        body = response.json()
        party = body[0] if isinstance(body, list) else body
        assert party["id_number"] == party["party_id"] == "3302**********7777"
        assert party["phone"] == "137****1111"
        assert party["address"] == "浙江省宁波市鄞州区****"
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


def test_matter_lists_only_cases_in_scope(client, world):
    Case.objects.create(
        unit_id="330203-PRO-J1",
        case_number="甬海检刑审[2024]90005号",
        matter=world.matter_in,
        case_type="prosecution_review",
        status="pending",
        filed_at=dt.date(2024, 3, 12),
    )
    body = get(client, world, f"/api/v1/cases/matters/{world.matter_in.matter_id}").json()
    assert [c["id"] for c in body["cases"]] == [world.case_in.pk]
    assert body["title"] == "盗窃案" and body["kind"] == "criminal"
    body = get(client, world, f"/api/v1/cases/matters/{world.matter_in.matter_id}", "city_supervisor").json()
    assert len(body["cases"]) == 2
    # The 海曙 procuratorate case is not in the 海曙 court's scope: still out of scope.
    response = get(client, world, f"/api/v1/cases/matters/{world.matter_in.matter_id}", "other_court")
    assert_json_error(response, 404, "not_found")


def test_missing_objects_are_plain_404s(client, world):
    since = AuditLog.objects.order_by("-id").values_list("id", flat=True).first()
    for url in (
        "/api/v1/cases/cases/999999",
        "/api/v1/cases/cases/999999/events",
        "/api/v1/cases/matters/NO-SUCH-MATTER",
        "/api/v1/cases/parties/999999",
    ):
        assert_json_error(get(client, world, url, HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    assert not AuditLog.objects.filter(id__gt=since, action=AuditAction.ACCESS_DENIED).exists()


def test_api_errors_follow_accept_language(client, world):
    response = get(client, world, f"/api/v1/cases/cases/{world.case_out.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"code": "not_found", "message": "Not found."}

"""The API shell: authentication, JSON errors in the caller's language, documentation, health."""

import re

import pytest
from django.test import Client
from django.utils import translation

from casewatch.core.models import ApiToken
from casewatch.core.testing import assert_json_error, request_as

CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture
def bearer(world):
    def make(username="district_legal"):
        import datetime as dt

        from django.utils import timezone

        _token, raw = ApiToken.issue(world.user(username), "t", timezone.now() + dt.timedelta(days=1))
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


# --- JSON errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (None, "zh"),
        ("zh-CN,zh;q=0.9", "zh"),
        ("en", "Authentication required: a valid API token or session."),
    ],
)
def test_401_is_json_in_the_callers_language(client, db, lang, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": lang} if lang else {}
    body = assert_json_error(client.get("/api/v1/units", **headers), 401, "unauthorized")
    if expected == "zh":
        assert body["message"] == zh("Authentication required: a valid API token or session.")
        assert CJK.search(body["message"]), f"not translated: {body['message']!r}"
    else:
        assert body["message"] == expected


def test_404_403_409_422_are_json(client, world, bearer):
    body = assert_json_error(client.get("/api/v1/jobs/999999", **bearer()), 404, "not_found")
    assert CJK.search(body["message"]), f"not translated: {body['message']!r}"
    body = assert_json_error(client.get("/api/v1/jobs/999999", HTTP_ACCEPT_LANGUAGE="en", **bearer()), 404)
    assert body == {"code": "not_found", "message": "Not found."}

    body = assert_json_error(
        client.get("/api/v1/audit", HTTP_ACCEPT_LANGUAGE="en", **bearer()), 403, "forbidden"
    )
    assert body["message"] == "Only auditors may read the audit trail."
    body = assert_json_error(client.get("/api/v1/audit", **bearer()), 403, "forbidden")
    assert CJK.search(body["message"]), f"not translated: {body['message']!r}"

    # Retrying a job that did not fail is a conflict.
    ok = world.job_out
    body = assert_json_error(
        client.post(f"/api/v1/jobs/{ok.pk}/retry", HTTP_ACCEPT_LANGUAGE="en", **bearer("other_court")), 409
    )
    assert body["message"] == "Only a failed job can be retried."

    body = assert_json_error(client.get("/api/v1/jobs/not-a-number", **bearer()), 422, "invalid")
    assert body["errors"]


def test_out_of_scope_answers_the_same_as_missing(client, world, bearer):
    missing = client.get("/api/v1/units/NO-SUCH", HTTP_ACCEPT_LANGUAGE="en", **bearer("other_court"))
    hidden = client.get("/api/v1/units/330212-PSB-FZ", HTTP_ACCEPT_LANGUAGE="en", **bearer("other_court"))
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


# --- authentication ------------------------------------------------------------------------------


def test_session_authentication_and_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("district_legal"))
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "district_legal",
        "role": "legal_officer",
        "unit": "330212-PSB-FZ",
        "scope": "330212-PSB",
        "language": "",
    }
    # An unsafe method on the session needs the CSRF token.
    response = client.post(f"/api/v1/jobs/{world.job_in.pk}/retry")
    assert_json_error(response, 403)
    client.get("/tokens/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(f"/api/v1/jobs/{world.job_in.pk}/retry", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200 and response.json()["status"] == "queued"


def test_bearer_token_needs_no_csrf(world):
    client = Client(enforce_csrf_checks=True)
    response = request_as(
        client, world.user("district_legal"), f"/api/v1/jobs/{world.job_in.pk}/retry", method="post", api=True
    )
    assert response.status_code == 200


def test_list_endpoints_paginate(client, world, bearer):
    body = client.get("/api/v1/units?limit=5&offset=0", **bearer()).json()
    assert len(body["items"]) == 5 and body["count"] == 8  # 鄞州 police and its seven units
    codes = {u["code"] for u in client.get("/api/v1/units?limit=500", **bearer()).json()["items"]}
    assert "330212-PSB" in codes and all(c.startswith("330212-PSB") for c in codes)
    body = client.get("/api/v1/units?agency_kind=court&limit=500", **bearer("city_supervisor")).json()
    assert body["count"] == 11 * 7 and {u["agency_kind"] for u in body["items"]} == {"court"}
    body = client.get("/api/v1/units/330212-PSB-FZ", **bearer()).json()
    assert body["parent_code"] == "330212-PSB" and body["kind"] == "unit"


def test_job_endpoints(client, world, bearer):
    body = client.get("/api/v1/jobs?status=failed", **bearer()).json()
    assert [j["id"] for j in body["items"]] == [world.job_in.pk]
    job = client.get(f"/api/v1/jobs/{world.job_in.pk}", **bearer()).json()
    assert job["status"] == "failed" and job["attempts"] == 1 and "RuntimeError" in job["error"]
    # Auditors and administrators list every job in their scope; others only their own.
    ids = {j["id"] for j in client.get("/api/v1/jobs", **bearer("city_auditor")).json()["items"]}
    assert {world.job_in.pk, world.job_out.pk} <= ids
    ids = {j["id"] for j in client.get("/api/v1/jobs", **bearer("district_handler")).json()["items"]}
    assert ids == set()


# --- documentation and health -----------------------------------------------------------------


def test_api_docs_need_a_login(client, world, bearer):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/api/v1/docs")
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    # An API token opens the schema for programs.
    assert "/api/v1/me" in client.get("/api/v1/openapi.json", **bearer()).json()["paths"]


def test_api_docs_use_local_assets_only(client, world):
    client.force_login(world.user("district_legal"))
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html.lower() and "jsdelivr" not in html.lower()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content), asset
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/cases/{case_id}" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["X-Request-ID"]
    assert client.post("/healthz").status_code == 405


def test_healthz_reports_an_unreachable_database(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise RuntimeError("database is down")

    with monkeypatch.context() as patched:
        patched.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_every_response_carries_a_request_id(client, db):
    first = client.get("/login/")["X-Request-ID"]
    second = client.get("/login/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", first) and first != second

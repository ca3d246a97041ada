"""Personal API tokens: hashed storage, expiry, revocation, the token page."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.db import connection

from casewatch.core.models import ApiToken
from casewatch.core.services import issue_token, revoke_token


def me(client, raw):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def legal(world):
    return world.user("district_legal")


def test_only_the_hash_of_the_secret_is_stored(legal):
    token, raw = issue_token(legal, "nightly export", days=30)
    assert raw.startswith("cw_") and len(raw) > 40
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:10]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = [str(v) for row in cursor.fetchall() for v in row]
    assert not any(raw in value for value in stored)
    assert not any(raw[10:30] in value for value in stored)  # not even the part after the prefix


def test_a_token_authenticates_until_it_expires(client, legal):
    start = dt.datetime(2025, 5, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        token, raw = issue_token(legal, "短期", days=7)
        assert token.expires_at == start + dt.timedelta(days=7)
        response = me(client, raw)
        assert response.status_code == 200 and response.json()["username"] == "district_legal"
        token.refresh_from_db()
        assert token.last_used_at == start

        traveller.shift(dt.timedelta(days=7) - dt.timedelta(seconds=1))
        assert me(client, raw).status_code == 200
        traveller.shift(dt.timedelta(seconds=1))
        response = me(client, raw)
        assert response.status_code == 401 and response.json()["code"] == "unauthorized"
        token.refresh_from_db()
        assert not token.active


def test_a_revoked_token_is_refused(client, legal):
    token, raw = issue_token(legal, "to revoke")
    assert me(client, raw).status_code == 200
    revoke_token(legal, token)
    assert me(client, raw).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.active


def test_tokens_of_inactive_users_and_unknown_secrets_are_refused(client, legal):
    _token, raw = issue_token(legal, "inactive")
    legal.is_active = False
    legal.save()
    assert me(client, raw).status_code == 401
    assert me(client, "cw_not-a-real-token").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Token abc").status_code == 401


def test_token_lifetime_is_bounded(legal):
    for days in (0, 367):
        with pytest.raises(ValueError):
            issue_token(legal, "x", days=days)


def test_nobody_revokes_another_users_token(world, legal):
    token, raw = issue_token(legal, "mine")
    from django.http import Http404

    with pytest.raises(Http404):
        revoke_token(world.user("other_court"), token)
    token.refresh_from_db()
    assert token.active


def test_token_page_shows_the_secret_once(client, legal):
    client.force_login(legal)
    response = client.post("/tokens/", {"name": "BI 报表", "days": 90})
    html = response.content.decode()
    token = ApiToken.objects.get(user=legal, name="BI 报表")
    start = html.index('data-testid="new-token">') + len('data-testid="new-token">')
    raw = html[start : html.index("</code>", start)]
    assert hashlib.sha256(raw.encode()).hexdigest() == token.key_hash
    assert raw not in client.get("/tokens/").content.decode()  # never shown again
    assert me(client, raw).status_code == 200

    response = client.post("/tokens/", {"name": "too long", "days": 400})
    assert response.status_code == 200 and "days" in response.context["form"].errors

    response = client.post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/tokens/"
    client.logout()
    assert me(client, raw).status_code == 401


def test_revoking_someone_elses_token_answers_404(client, world):
    client.force_login(world.user("other_court"))
    assert client.post(f"/tokens/{world.token_in.pk}/revoke/").status_code == 404
    assert client.get(f"/tokens/{world.token_in.pk}/revoke/").status_code == 405
    world.token_in.refresh_from_db()
    assert world.token_in.active

"""Display tokens are issued and revoked through forms: a unit the user may not see, a missing or
too long name is a bilingual field error and no token nor audit record is written; a malformed or
another organisation's token id is a 404."""

from __future__ import annotations

import pytest

from casewatch.core.models import AuditLog
from casewatch.deadlines.models import DisplayToken
from casewatch.deadlines.tests.test_deadline_pages import world  # noqa: F401

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize(
    ("user", "data", "needles"),
    [
        ("city_supervisor", {"unit": "330212-PSB", "name": ""}, ("Name", "名称", "required")),
        ("city_supervisor", {"unit": "330212-PSB", "name": "  "}, ("Name", "名称", "required")),
        ("city_supervisor", {"unit": "330212-PSB", "name": "x" * 81}, ("Name", "80")),
        ("city_supervisor", {"unit": "NOPE", "name": "大屏"}, ("Scope", "数据范围", "valid choice")),
        ("city_supervisor", {"name": "大屏"}, ("Scope", "required")),
        ("other_court", {"unit": "330212-PSB", "name": "大屏"}, ("Scope", "valid choice")),  # not theirs
    ],
)
def test_issue_malformed_refused_nothing_written(world, client, user, data, needles):  # noqa: F811
    client.force_login(world.user(user))
    audits = AuditLog.objects.count()
    r = client.post("/deadlines/tokens/", data, follow=True)
    assert r.status_code == 200
    text = _messages(r)
    for needle in needles:
        assert needle in text, text
    assert "/display/" not in r.content.decode().split("<table", 1)[0]
    assert not DisplayToken.objects.exists() and AuditLog.objects.count() == audits


def test_issue_and_revoke_valid_other_organisation_404(world, client):  # noqa: F811
    client.force_login(world.user("city_supervisor"))
    r = client.post("/deadlines/tokens/", {"unit": "330212-PSB", "name": " 鄞州大屏 "})
    assert r.status_code == 200
    token = DisplayToken.objects.get()
    assert token.unit_id == "330212-PSB" and token.name == "鄞州大屏"
    client.force_login(world.user("other_court"))
    assert client.post("/deadlines/tokens/", {"revoke": str(token.pk)}).status_code == 404
    for bad in ("", "-1", "0", "abc"):
        assert client.post("/deadlines/tokens/", {"revoke": bad}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(world.user("city_supervisor"))
    client.post("/deadlines/tokens/", {"revoke": str(token.pk)})
    token.refresh_from_db()
    assert token.revoked_at is not None

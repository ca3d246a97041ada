"""Saved searches (issue 12, item 10): per person, named, for the case search, findings and
problems; applying one re-applies the filters through the page's scope gate; audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casewatch.core import testing
from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog, SavedSearch, Unit


@pytest.fixture
def world(db):
    w = testing.build_world()
    testing.build_case_world(w)
    return w


def _save(client, page, name, query):
    return client.post(reverse("core:saved_search_save"), {"page": page, "name": name, "query": query})


def test_save_apply_delete_is_per_person_and_audited(client, world):
    user = world.user("city_supervisor")
    client.force_login(user)
    response = _save(
        client, "cases", "刑事待办", "case_type=police_criminal&status=pending&page=3&export=csv&after=9"
    )
    assert (
        response.status_code == 302
        and response["Location"] == "/cases/?case_type=police_criminal&status=pending"
    )
    search = SavedSearch.objects.get(user=user, page="cases", name="刑事待办")
    assert search.query == "case_type=police_criminal&status=pending"  # filters only, no page or export
    created = AuditLog.objects.get(action=AuditAction.CREATE, object_type="core.savedsearch")
    assert created.after == {"page": "cases", "name": "刑事待办", "query": search.query}

    listing = client.get("/cases/").content.decode()
    assert "刑事待办" in listing and reverse("core:saved_search_apply", args=[search.pk]) in listing
    applied = client.get(reverse("core:saved_search_apply", args=[search.pk]), follow=True).content.decode()
    assert world.case_in.case_number in applied and world.case_out.case_number not in applied

    _save(client, "cases", "刑事待办", "case_type=civil")  # same name: replaced, audited as an update
    search.refresh_from_db()
    assert search.query == "case_type=civil" and SavedSearch.objects.filter(user=user).count() == 1
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="core.savedsearch").exists()

    client.force_login(world.user("other_court"))  # somebody else's search: not found
    assert client.get(reverse("core:saved_search_apply", args=[search.pk])).status_code == 404
    assert client.post(reverse("core:saved_search_delete", args=[search.pk])).status_code == 404
    assert "刑事待办" not in client.get("/cases/").content.decode()

    client.force_login(user)
    assert client.post(reverse("core:saved_search_delete", args=[search.pk])).status_code == 302
    assert not SavedSearch.objects.filter(pk=search.pk).exists()
    assert AuditLog.objects.filter(action=AuditAction.DELETE, object_type="core.savedsearch").exists()


def test_applying_goes_through_the_scope_gate_of_today(client, world):
    """A search saved with the city's scope shows only the new, narrower scope's cases."""
    user = world.user("city_supervisor")
    client.force_login(user)
    _save(client, "cases", "全部待办", "status=pending")
    search = SavedSearch.objects.get(user=user)
    before = client.get(reverse("core:saved_search_apply", args=[search.pk]), follow=True).content.decode()
    assert world.case_in.case_number in before and world.case_out.case_number in before
    user.scope = Unit.objects.get(code="330203-CRT")
    user.save(update_fields=["scope"])
    after = client.get(reverse("core:saved_search_apply", args=[search.pk]), follow=True).content.decode()
    assert world.case_out.case_number in after and world.case_in.case_number not in after


@pytest.mark.parametrize("page,path", [("findings", "/screening/"), ("problems", "/problems/")])
def test_findings_and_problems_lists_offer_saved_searches(client, world, page, path):
    client.force_login(world.user("city_supervisor"))
    assert _save(client, page, "严重", "severity=high")["Location"] == f"{path}?severity=high"
    text = client.get(path + "?severity=high").content.decode()
    assert 'data-testid="saved-searches"' in text and "严重" in text


def test_bad_input_is_refused_with_a_reason(client, world):
    client.force_login(world.user("city_supervisor"))
    response = _save(client, "nonsense", "x", "a=1")
    assert response.status_code == 302 and not SavedSearch.objects.exists()
    response = _save(client, "cases", "", "a=1")
    assert not SavedSearch.objects.exists()

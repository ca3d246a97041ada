"""The one access gate `restrict(user, action)`, roles → actions, and the core pages it feeds."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from casewatch.core.choices import Action, AuditAction, Role
from casewatch.core.models import AuditLog, Job, Staff, Unit
from casewatch.core.permissions import ROLE_ACTIONS, role_allows, user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.core.tests.factories import StaffFactory, UserFactory


def test_the_seeded_tree(world):
    assert Unit.objects.count() == 1 + 10 + 11 * 5 + 11 * sum((2, 7, 3, 6, 3))
    fz = Unit.objects.get(code="330212-PSB-FZ")
    assert fz.path == "/330200/330212/330212-PSB/330212-PSB-FZ/"
    assert fz.depth == 4 and fz.agency.code == "330212-PSB" and fz.district.code == "330212"
    assert fz.is_within(Unit.objects.get(code="330212")) and not fz.is_within(Unit.objects.get(code="330203"))
    city_psb = Unit.objects.get(code="330200-PSB")
    assert city_psb.parent.code == "330200" and city_psb.district.code == "330200"


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.HANDLER, Action.VIEW, True),
        (Role.HANDLER, Action.REVEAL, False),
        (Role.HANDLER, Action.EXPORT, False),
        (Role.LEGAL_OFFICER, Action.REVEAL, True),
        (Role.REVIEWER, Action.REVEAL, False),
        (Role.AUDITOR, Action.AUDIT, True),
        (Role.AUDITOR, Action.CHANGE, False),
        (Role.COMMITTEE_SUPERVISOR, Action.AUDIT, False),
        (Role.SYSADMIN, Action.ADMIN, True),
        (Role.SYSADMIN, Action.REVEAL, False),
    ],
)
def test_roles_to_actions(role, action, allowed):
    assert role_allows(role, action) is allowed


def test_every_role_is_declared():
    assert set(ROLE_ACTIONS) == set(Role.values)
    assert all(Action.VIEW in actions for actions in ROLE_ACTIONS.values())


def test_user_can_needs_an_active_authenticated_user(world):
    legal = world.user("district_legal")
    assert user_can(legal, Action.REVEAL)
    assert not user_can(AnonymousUser(), Action.VIEW) and not user_can(None, Action.VIEW)
    legal.is_active = False
    assert not user_can(legal, Action.VIEW)


def test_restrict_limits_to_the_scope_subtree(world):
    legal = world.user("district_legal")
    codes = set(Unit.objects.restrict(legal).values_list("code", flat=True))
    assert "330212-PSB" in codes and "330212-PSB-FZ" in codes and len(codes) == 8
    assert Unit.objects.restrict(world.user("city_supervisor")).count() == Unit.objects.count()
    assert list(Staff.objects.restrict(legal)) == [world.staff_in]
    extra = StaffFactory(unit=Unit.objects.get(code="330212-PSB-PS1"))
    assert set(Staff.objects.restrict(legal)) == {world.staff_in, extra}
    assert list(Staff.objects.restrict(world.user("other_court"))) == [world.staff_out]
    assert not Unit.objects.restrict(world.user("noscope")).exists()
    assert not Unit.objects.restrict(AnonymousUser()).exists()


def test_restrict_refuses_actions_the_role_lacks(world):
    handler = world.user("district_handler")
    assert Staff.objects.restrict(handler, Action.VIEW).exists()
    assert not Staff.objects.restrict(handler, Action.REVEAL).exists()
    assert not Job.objects.restrict(handler, Action.EXPORT).exists()


def test_a_superuser_without_scope_sees_everything(world):
    root = UserFactory(username="root", role=Role.SYSADMIN, scope=None, unit=None, is_superuser=True)
    assert Unit.objects.restrict(root).count() == Unit.objects.count()
    assert AuditLog.objects.restrict(root).count() == AuditLog.objects.count()


def test_scope_prefix_does_not_leak_into_similar_codes(world):
    """/330212-PSB/ must not match a sibling whose code starts the same (e.g. 330212-PSB2)."""
    sibling = Unit.objects.create(
        code="330212-PSB2", name="伪分局", kind="agency", parent=Unit.objects.get(code="330212")
    )
    assert not Unit.objects.restrict(world.user("district_legal")).filter(pk=sibling.pk).exists()


def test_get_scoped_or_404_logs_out_of_scope_but_not_missing(world):
    other = world.user("other_court")
    assert get_scoped_or_404(other, Staff, pk=world.staff_out.pk) == world.staff_out
    with pytest.raises(Http404):
        get_scoped_or_404(other, Staff, pk=world.staff_in.pk)
    record = AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED).latest("id")
    assert (record.user, record.object_type, record.object_id) == (
        other,
        "core.staff",
        str(world.staff_in.pk),
    )
    count = AuditLog.objects.count()
    with pytest.raises(Http404):
        get_scoped_or_404(other, Staff, pk=10**9)
    assert AuditLog.objects.count() == count


# --- core pages ---------------------------------------------------------------------------------


def test_home_counts_the_scope(client, world):
    client.force_login(world.user("district_legal"))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["unit_count"] == 8 and response.context["staff_count"] == 1
    assert [j.pk for j in response.context["recent_jobs"]] == [world.job_in.pk]
    assert client.get("/login/").status_code == 302  # already logged in


def test_navigation_follows_the_role(client, world):
    client.force_login(world.user("district_legal"))
    urls = [item["url"] for item in client.get("/").context["nav_items"]]
    assert "/audit/" not in urls and "/org/" in urls and "/cases/" in urls
    client.force_login(world.user("city_auditor"))
    assert "/audit/" in [item["url"] for item in client.get("/").context["nav_items"]]


def test_unit_list_filters(client, world):
    client.force_login(world.user("city_supervisor"))
    page = client.get("/org/", {"agency_kind": "court", "kind": "agency"}).context["page"]
    assert {u.code for u in page} == {"330200-CRT"} | {
        f"{d}-CRT" for d in Unit.objects.filter(kind="district").values_list("code", flat=True)
    }
    page = client.get("/org/", {"q": "法制大队"}).context["page"]
    assert {u.code.rsplit("-", 1)[1] for u in page} == {"FZ"} and len(page.object_list) == 11


def test_pages_need_a_login(client, db):
    for path in ("/", "/org/", "/audit/", "/jobs/", "/tokens/", "/password/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next="), path
    assert client.get("/login/").status_code == 200


def test_404_page_is_the_product_page(client, world):
    client.force_login(world.user("other_court"))
    client.cookies["django_language"] = "en"
    response = client.get("/org/330212-PSB-FZ/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "outside your scope" in html and 'class="topbar"' in html

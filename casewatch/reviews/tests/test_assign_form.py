"""Assigning a reviewer goes through a Django form (issue 12, item 12): a reviewer or case that is
not a number, or an unknown kind of review, is refused with a message, not a server error."""

from __future__ import annotations

from django.urls import reverse

from casewatch.reviews.models import Review


def test_bad_assignment_input_is_refused_with_a_message(client, world, reviewing):
    sup = world.user("city_supervisor")
    selection = reviewing.selections.first()
    client.force_login(sup)
    url = reverse("reviews:selection_action", args=[selection.pk, "assign"])
    for data in ({"reviewer": "abc"}, {"reviewer": world.users["rev_a"].pk, "kind": "bogus"}, {}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, data  # a message on the page, not a 500
        assert "msg-error" in response.content.decode(), data
    url = reverse("reviews:campaign_action", args=[reviewing.pk, "assign-one"])
    response = client.post(url, {"selection": "x", "reviewer": world.users["rev_a"].pk}, follow=True)
    assert response.status_code == 200 and "msg-error" in response.content.decode()
    assert not Review.objects.filter(selection=selection).exists()
    client.post(
        reverse("reviews:selection_action", args=[selection.pk, "assign"]),
        {"reviewer": world.users["rev_a"].pk},
    )
    assert Review.objects.filter(selection=selection, reviewer=world.users["rev_a"], kind="review").exists()

"""The dishonest-debtor list reads in Chinese (issue 12, items 4 and 11): computed states,
grounds, corrections and wrongful-listing reasons by their labels, on the page and in the export."""

from __future__ import annotations

import re

import time_machine

from casewatch.core import testing
from casewatch.enforcement.tests.test_views import NOW
from casewatch.enforcement.views import STATES

CODE = re.compile(r"\b(" + "|".join(STATES) + r"|deleted_no_trigger|in_time|in_review|must_not_list)\b")


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'\b(value|class|name|id|href)="[^"]*"', " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def test_listing_states_are_labels(client, world):
    client.force_login(world.user("enf_officer"))
    with time_machine.travel(NOW, tick=False):
        page = client.get("/enforcement/", {"as_of": "2026-09-30"})
        export = client.get("/enforcement/", {"as_of": "2026-09-30", "format": "xlsx"})
    text = _text(page.content.decode())
    assert page.status_code == 200 and not CODE.search(text), CODE.search(text)
    assert "在列" in text or "按期删除" in text or "逾期未删除" in text
    sheet = testing.response_text(export)
    assert not CODE.search(sheet), CODE.search(sheet)


def test_a_deletion_with_a_bad_date_is_refused_not_recorded_as_today(client, world):
    from django.urls import reverse

    listing = world.listing_in
    client.force_login(world.user("enf_officer"))
    url = reverse("enforcement:listing_delete", args=[listing.listing_id])
    with time_machine.travel(NOW, tick=False):
        response = client.post(url, {"deleted_on": "2026-02-31", "trigger": "performed"}, follow=True)
    listing.refresh_from_db()
    assert listing.deleted_on is None  # the bad date did not become today
    assert "msg-error" in response.content.decode()

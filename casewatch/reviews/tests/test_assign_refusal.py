"""A refused assignment leaves a durable and correct audit record (issue 12, item 12).

The status, the conflict check and the new review share one transaction under the campaign's
row lock; the refusal's record is written after that transaction, in its own, and stored with the
reason in English (the format `audit_text` translates for each reader) whatever language the
supervisor used. Both tests fail on the code before: the reason was stored in the supervisor's
language, and inside a caller's transaction the record vanished with the caller's rollback."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from casewatch.core.testing import audit_messages_since, last_audit_id, message_in_both
from casewatch.reviews import services
from casewatch.reviews.models import Review, Selection

pytestmark = pytest.mark.django_db


@pytest.fixture
def judged(world, reviewing):
    """A selected case handled by the judge whose account is `rev_judge` (a conflict)."""
    sel = Selection.objects.filter(campaign=reviewing, case__handler=world.judges[0]).first()
    return sel or Selection.objects.create(campaign=reviewing, case=world.court_cases[0], reasons=[])


def test_refusal_stored_in_english_shown_in_both(world, judged):
    since = last_audit_id()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        services.assign(world.user("city_supervisor"), judged, world.user("rev_judge"))
    assert err.value.messages == ["该评查员承办过此案件。"] and err.value.code == "conflict"
    stored = audit_messages_since(since)
    assert stored == [f"assignment refused: rev_judge / {judged.case}: The reviewer handled this case."]
    assert message_in_both(stored[0]) == (
        f"拒绝分派评查人 rev_judge 评查 {judged.case}：该评查员承办过此案件。",
        f"assignment of rev_judge to {judged.case} refused: The reviewer handled this case.",
    )
    assert not Review.objects.filter(selection=judged).exists()


def test_a_caller_transaction_cannot_swallow_the_refusal(world, judged):
    since = last_audit_id()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.assign(world.user("city_supervisor"), judged, world.user("rev_judge"))
    assert audit_messages_since(since) == [] and not Review.objects.filter(selection=judged).exists()
    with pytest.raises(ValidationError):  # on its own the refusal is recorded, committed
        services.assign(world.user("city_supervisor"), judged, world.user("rev_judge"))
    assert len(audit_messages_since(since)) == 1


def test_status_checked_under_the_lock(world, judged):
    campaign = judged.campaign
    services.close_campaign(world.user("city_supervisor"), campaign)
    judged.campaign.status = "reviewing"  # a stale copy in the caller's hands
    with pytest.raises(ValidationError) as err:
        services.assign(world.user("city_supervisor"), judged, world.user("rev_a"))
    assert err.value.code == "illegal_transition"
    assert not Review.objects.filter(selection=judged).exists()


def test_reassign_checks_status_and_lock_under_the_lock(world, reviewing):
    """A reassignment in a closed campaign, or of a review submitted meanwhile, is refused."""
    from casewatch.reviews.models import Reassignment

    sup = world.user("city_supervisor")
    sel = reviewing.selections.select_related("case").filter(case__case_type="civil").first()
    review = services.assign(sup, sel, world.user("rev_a"))
    stale = Review.objects.get(pk=review.pk)
    services.save_draft(world.user("rev_a"), review, {}, submit=True)
    with pytest.raises(ValidationError) as err:
        services.reassign(sup, stale, world.user("rev_b"), "回避")
    assert err.value.code == "locked"
    other = services.assign(sup, reviewing.selections.exclude(pk=sel.pk).first(), world.user("rev_a"))
    services.close_campaign(sup, reviewing)
    with pytest.raises(ValidationError) as err:
        services.reassign(sup, other, world.user("rev_b"), "回避")
    assert err.value.code == "illegal_transition"
    assert not Reassignment.objects.exists()

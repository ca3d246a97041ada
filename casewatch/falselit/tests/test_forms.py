"""The lead page's POSTs go through Django forms: every missing or wrong field is refused with a
message naming it, in Chinese (default) and English, and nothing is written."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from casewatch.core import testing
from casewatch.core.models import AuditLog, Unit
from casewatch.core.testing import fast_password_hashers  # noqa: F401
from casewatch.falselit.choices import LeadOutcome, LeadStatus
from casewatch.falselit.models import Lead, Referral


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    yield from testing.module_world(django_db_blocker, cases=True)


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


@pytest.fixture
def lead(world):
    case = world.extra["case_out"]
    key = f"{case.unit_id}|{case.case_number}"
    lead = Lead.objects.create(
        ref="FLC-forms",
        title="Collusive pair · forms",
        category="collusive_pair",
        score=0.9,
        codes=["F1", "F3"],
        case_keys=[key],
        case=case,
        unit=case.unit,
        evidence=[],
        graph={},
    )
    lead.cases.add(case)
    return lead


def _state(lead):
    from casewatch.problems.models import SupervisionOrder

    lead.refresh_from_db()
    return (
        lead.status,
        lead.outcome,
        lead.unit_id,
        lead.note,
        Referral.objects.filter(lead=lead).count(),
        SupervisionOrder.objects.filter(lead_ref=f"falselit:{lead.pk}").count(),
        AuditLog.objects.count(),
    )


def _post(client, lead, data, lang="zh-hans"):
    client.cookies["django_language"] = lang
    r = client.post(f"/falselit/leads/{lead.pk}/", data, HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 302
    msgs = [(m.level_tag, str(m)) for m in get_messages(r.wsgi_request)]
    client.get(r.url, HTTP_ACCEPT_LANGUAGE=lang)  # the lead page shows (and so consumes) them
    return msgs


def _police():
    return Unit.objects.filter(agency_kind="police", kind="agency").order_by("code").first()


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
YESTERDAY = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

# (POST data, the English message expected, the Chinese one)
MALFORMED = [
    ({}, "Unknown action", "未知操作"),
    ({"action": "delete"}, "Unknown action", "未知操作"),
    (
        {"action": "triage"},
        "Decision: Choose whether to take the lead under review or dismiss it.",
        "处理决定：请选择",
    ),
    ({"action": "triage", "accept": "yes"}, "Decision: The decision must be either", "处理决定只能是"),
    (
        {"action": "triage", "accept": "0"},
        "Note or reason: Give a reason for dismissing the lead.",
        "排除线索须填写理由",
    ),
    (
        {"action": "triage", "accept": "0", "note": "   "},
        "Give a reason for dismissing the lead.",
        "排除线索须填写理由",
    ),
    ({"action": "triage", "accept": "1", "note": "x" * 2001}, "Note or reason: ", "备注或理由"),
    (
        {"action": "refer", "note": "n"},
        "Refer to: Choose the court, procuratorate or police unit",
        "移送至：请选择",
    ),
    (
        {"action": "refer", "to_unit": "NO-SUCH-UNIT"},
        "Refer to: Refer to a court, procuratorate or police unit.",
        "请移送至法院、检察院或公安单位",
    ),
    ({"action": "outcome", "note": "checked"}, "Outcome: Choose the outcome.", "请选择处理结果"),
    ({"action": "outcome", "outcome": "guilty", "note": "checked"}, "Outcome: Unknown outcome.", "未知结果"),
    (
        {"action": "outcome", "outcome": LeadOutcome.CONFIRMED},
        "Feedback: Feedback is required.",
        "请填写反馈意见",
    ),
    (
        {"action": "supervise", "note": "do it"},
        "Deadline: Give the deadline of the supervision order.",
        "请填写督办令的期限",
    ),
    (
        {"action": "supervise", "deadline": "31/12/2026", "note": "do it"},
        "Deadline: The deadline is not a date",
        "期限不是有效日期",
    ),
    (
        {"action": "supervise", "deadline": "2026-02-30", "note": "do it"},
        "Deadline: The deadline is not a date",
        "期限不是有效日期",
    ),
    (
        {"action": "supervise", "deadline": YESTERDAY, "note": "do it"},
        "Deadline: The deadline cannot be in the past.",
        "期限不能早于今天",
    ),
    (
        {"action": "supervise", "deadline": TOMORROW},
        "Instructions: Give the instructions of the supervision order.",
        "请填写督办要求",
    ),
]


@pytest.mark.parametrize("data, english, chinese", MALFORMED)
def test_malformed_post_is_refused_with_a_clear_message_and_writes_nothing(
    client, world, lead, data, english, chinese
):
    client.force_login(world.users["city_supervisor"])
    before = _state(lead)
    for lang, expected in (("en", english), ("zh-hans", chinese)):
        msgs = _post(client, lead, data, lang)
        assert msgs and all(level == "error" for level, _m in msgs), msgs
        assert any(expected in text for _l, text in msgs), (lang, msgs)
        assert _state(lead) == before


def test_wrong_refer_target_kind_is_refused(client, world, lead):
    """A unit that exists but is not a court/procuratorate/police agency is not a choice."""
    client.force_login(world.users["city_supervisor"])
    other = Unit.objects.exclude(agency_kind__in=("court", "procuratorate", "police")).first()
    before = _state(lead)
    msgs = _post(client, lead, {"action": "refer", "to_unit": other.code}, "en")
    assert ("error", "Refer to: Refer to a court, procuratorate or police unit.") in msgs
    assert _state(lead) == before


def test_valid_posts_go_through_the_services(client, world, lead):
    client.force_login(world.users["city_supervisor"])
    assert _post(client, lead, {"action": "triage", "accept": "1", "note": "looks collusive"}, "en") == [
        ("success", "Saved.")
    ]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRIAGED and "looks collusive" in lead.note
    police = _police()
    assert _post(client, lead, {"action": "refer", "to_unit": police.code, "note": "please"}, "en") == [
        ("success", "Saved.")
    ]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.REFERRED and lead.unit_id == police.code
    assert Referral.objects.get(lead=lead).note == "please"
    # a state rule of the service (a referred lead is held by that unit already) still answers
    msgs = _post(client, lead, {"action": "refer", "to_unit": police.code}, "en")
    assert msgs == [("error", "The lead is already held by this unit.")]
    assert _post(
        client, lead, {"action": "outcome", "outcome": LeadOutcome.CRIMINAL, "note": "  case opened  "}, "en"
    ) == [("success", "Saved.")]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED and lead.outcome == LeadOutcome.CRIMINAL
    assert Referral.objects.get(lead=lead).feedback == "case opened"


def test_dismiss_with_reason(client, world, lead):
    client.force_login(world.users["city_supervisor"])
    assert _post(client, lead, {"action": "triage", "accept": "0", "note": "honest bank"}, "en") == [
        ("success", "Saved.")
    ]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DISMISSED and lead.outcome == LeadOutcome.NOT_CONFIRMED


@pytest.mark.parametrize(
    "query, english",
    [
        ("min_score=abc", "Minimum score: The minimum score must be a number between 0 and 1."),
        ("min_score=1.5", "Minimum score: The minimum score must be a number between 0 and 1."),
        ("status=bogus", "Status: Unknown value; choose one from the list."),
        ("category=bogus", "Category: Unknown value; choose one from the list."),
    ],
)
def test_lead_list_filter_errors_are_shown_and_list_nothing(client, world, lead, query, english):
    client.force_login(world.users["city_supervisor"])
    client.cookies["django_language"] = "en"
    body = client.get(f"/falselit/?{query}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english in body and "Collusive pair · forms" not in body
    body = client.get("/falselit/?min_score=0.5", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Collusive pair · forms" in body
    assert "Collusive pair · forms" not in client.get("/falselit/?min_score=0.95").content.decode()
    client.cookies["django_language"] = "zh-hans"
    body = client.get(f"/falselit/?{query}").content.decode()
    assert ("最低分值须为 0 到 1 之间的数字" if "min_score" in query else "未知的值，请从列表中选择") in body

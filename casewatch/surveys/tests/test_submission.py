"""Submissions: invitations answer once, replays are stored once, skip logic and validation, public links."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from casewatch.core.models import AuditLog, Unit
from casewatch.surveys import services
from casewatch.surveys.factories import make_closed_case
from casewatch.surveys.models import Answer, Response, Token
from casewatch.surveys.submission import message, submit

URL = "/api/v1/surveys/public/responses"
BATCH = "/api/v1/surveys/public/batch"


def party_answers(**extra):
    answers = {"role": "plaintiff", "agencies": ["court"], "overall": "5"}
    for dim in ("process", "outcome", "respect", "efficiency", "transparency", "integrity"):
        answers[f"court_{dim}"] = "4"
    answers.update(extra)
    return answers


@pytest.fixture
def invitations(wave, zhenhai_user):
    for _ in range(3):
        make_closed_case("330211-CRT-MS1", roles=("plaintiff", "agent"))
    batch = services.issue_tokens(
        zhenhai_user,
        wave,
        services.Sampling(
            Unit.objects.get(code="330211"),
            dt.date.today() - dt.timedelta(days=30),
            dt.date.today(),
            [],
            [],
            0,
            1,
        ),
    )
    raws = services.raw_tokens(batch)
    # parties first (raws[0:3]), then the agents (lawyers)
    return batch, [raws[t.serial] for t in batch.tokens.order_by("-respondent_group", "serial")]


def test_issue_one_invitation_per_case_and_role(invitations):
    batch, raws = invitations
    assert batch.count == 6  # 3 cases × (plaintiff, agent)
    groups = sorted(batch.tokens.order_by().values_list("party_role", "respondent_group").distinct())
    assert groups == [("agent", "lawyer"), ("plaintiff", "party")]
    assert len(set(raws)) == 6 and all(len(r) == 12 for r in raws)
    # only hashes are stored
    assert not Token.objects.filter(token_hash__in=raws).exists()


def test_sampling_is_stratified_and_reproducible(wave, zhenhai_user):
    for n in range(6):
        make_closed_case(
            "330211-CRT-MS1" if n % 2 else "330211-PSB-PS1",
            case_type="civil" if n % 2 else "police_public_order",
            roles=("plaintiff",),
        )
    make_closed_case("330212-CRT-MS1", roles=("plaintiff",))  # other district: never sampled
    sampling = services.Sampling(
        Unit.objects.get(code="330211"),
        dt.date.today() - dt.timedelta(days=30),
        dt.date.today(),
        [],
        ["plaintiff"],
        4,
        42,
    )
    batch = services.issue_tokens(zhenhai_user, wave, sampling)
    per_stratum = sorted(batch.tokens.values_list("case_type", flat=True))
    assert per_stratum.count("civil") == 2 and per_stratum.count("police_public_order") == 2
    assert batch.params["eligible_cases"] == 6
    # the same case and role is never invited twice in a wave
    again = services.issue_tokens(zhenhai_user, wave, sampling)
    assert again.count == 0


def test_invitation_answers_once(invitations):
    _batch, raws = invitations
    token = raws[0]
    first = submit(client_key=uuid.uuid4().hex, token=token, answers=party_answers())
    assert first.status == "stored" and first.http == 201
    again = submit(client_key=uuid.uuid4().hex, token=token, answers=party_answers())
    assert again.status == "used" and again.http == 409
    assert "already been used" in message("used")
    assert Response.objects.count() == 1
    assert Token.objects.filter(used=True).count() == 1


def test_used_invitation_refused_over_the_api_with_a_clear_message(client: Client, invitations):
    _batch, raws = invitations
    body = {"client_key": uuid.uuid4().hex, "token": raws[1], "answers": party_answers()}
    assert client.post(URL, body, content_type="application/json").status_code == 201
    refused = client.post(
        URL,
        {**body, "client_key": uuid.uuid4().hex},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 409
    assert refused.json()["status"] == "used"
    assert "already been used" in refused.json()["message"]
    # the form page says so too
    page = client.get(f"/surveys/t/{raws[1]}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 409 and b"already been used" in page.content


def test_offline_batch_replayed_twice_is_stored_once(client: Client, invitations):
    _batch, raws = invitations
    batch = {
        "responses": [
            {"client_key": uuid.uuid4().hex, "token": raws[i], "answers": party_answers()} for i in range(3)
        ]
    }
    first = client.post(BATCH, batch, content_type="application/json")
    assert first.status_code == 200
    assert [r["status"] for r in first.json()] == ["stored"] * 3
    second = client.post(BATCH, batch, content_type="application/json")
    assert [r["status"] for r in second.json()] == ["duplicate"] * 3
    single = client.post(URL, batch["responses"][0], content_type="application/json")
    assert single.status_code == 200 and single.json()["status"] == "duplicate"
    assert Response.objects.count() == 3
    assert Response.objects.values("client_key").distinct().count() == 3


def test_skip_logic_drops_hidden_answers_and_required_is_enforced(invitations):
    _batch, raws = invitations
    # police block is hidden (agencies = court only): its answers are dropped, not stored
    outcome = submit(client_key=uuid.uuid4().hex, token=raws[0], answers=party_answers(police_process="1"))
    assert outcome.status == "stored"
    assert not Answer.objects.filter(item__name="police_process").exists()
    # a visible required question left blank is refused, and the invitation stays unused
    missing = party_answers()
    del missing["court_respect"]
    outcome = submit(client_key=uuid.uuid4().hex, token=raws[2], answers=missing)
    assert outcome.status == "invalid" and "court_respect" in outcome.errors
    assert not Token.objects.get(token_hash=services.hash_token(raws[2])).used


def test_not_applicable_is_stored_apart_and_options_are_checked(invitations):
    _batch, raws = invitations
    bad = submit(client_key=uuid.uuid4().hex, token=raws[0], answers=party_answers(court_outcome="7"))
    assert bad.status == "invalid" and "court_outcome" in bad.errors
    ok = submit(client_key=uuid.uuid4().hex, token=raws[0], answers=party_answers(court_outcome="na"))
    assert ok.status == "stored"
    na = Answer.objects.get(item__name="court_outcome")
    assert na.na is True and na.score is None and na.value == "na"


def test_lawyer_constraint(invitations, instruments):
    _batch, raws = invitations
    lawyer_token = next(
        raw
        for raw in raws
        if Token.objects.get(token_hash=services.hash_token(raw)).respondent_group == "lawyer"
    )
    answers = {"practice": "lawyer", "years": "70", "agencies": ["court"], "overall": "4", "obstructed": "no"}
    answers.update(
        {
            f"court_{d}": "5"
            for d in ("process", "outcome", "respect", "efficiency", "transparency", "integrity")
        }
    )
    out = submit(client_key=uuid.uuid4().hex, token=lawyer_token, answers=answers)
    assert out.status == "invalid" and "years" in out.errors
    answers["years"] = "12"
    assert submit(client_key=uuid.uuid4().hex, token=lawyer_token, answers=answers).status == "stored"
    stored = Response.objects.get()
    assert stored.respondent_group == "lawyer" and stored.case_type == "civil"
    assert stored.district_code == "330211" and stored.agency_kind == "court"


def test_closed_wave_and_unknown_token(invitations, wave, zhenhai_user):
    _batch, raws = invitations
    assert submit(client_key=uuid.uuid4().hex, token="ABCDEFGHJKMN", answers={}).status == "unknown"
    services.set_wave_status(zhenhai_user, wave, "closed")
    assert submit(client_key=uuid.uuid4().hex, token=raws[0], answers=party_answers()).status == "closed"


def test_bad_key_refused(invitations):
    _batch, raws = invitations
    assert submit(client_key="short", token=raws[0], answers=party_answers()).status == "invalid"


def test_public_link_rate_limit_and_one_per_device(wave, instruments, zhenhai_user, client: Client):
    unit = Unit.objects.get(code="330211")
    link = services.create_public_link(zhenhai_user, wave, instruments["resident"], unit, ip_daily_limit=2)
    answers = {
        "age_group": "30_44",
        "contact": "no",
        "public_fairness": "5",
        "public_transparency": "4",
        "overall": "5",
    }

    def post(device, key=None):
        return client.post(
            URL,
            {"client_key": key or uuid.uuid4().hex, "link": link.slug, "device": device, "answers": answers},
            content_type="application/json",
        )

    assert post("phone-a").status_code == 201
    device_again = post("phone-a")
    assert device_again.status_code == 409 and device_again.json()["status"] == "device"
    assert post("phone-b").status_code == 201
    limited = post("phone-c")
    assert limited.status_code == 429 and limited.json()["status"] == "limited"
    assert Response.objects.filter(channel="public").count() == 2
    response = Response.objects.filter(channel="public").first()
    assert response.respondent_group == "resident" and response.district_code == "330211"


def test_no_script_form_post(wave, instruments, zhenhai_user, client: Client):
    link = services.create_public_link(
        zhenhai_user, wave, instruments["resident"], Unit.objects.get(code="330211")
    )
    page = client.get(f"/surveys/p/{link.slug}/")
    assert page.status_code == 200
    key = page.context["server_key"]
    data = {
        "_client_key": key,
        "age_group": "60_plus",
        "contact": "yes",
        "agencies": ["police"],
        "public_fairness": "4",
        "public_transparency": "4",
        "overall": "4",
    }
    incomplete = client.post(f"/surveys/p/{link.slug}/", data)
    assert incomplete.status_code == 422  # the police block became required
    data.update(
        {
            f"police_{d}": "5"
            for d in ("process", "outcome", "respect", "efficiency", "transparency", "integrity")
        }
    )
    done = client.post(f"/surveys/p/{link.slug}/", data)
    assert done.status_code == 201
    again = client.post(f"/surveys/p/{link.slug}/", data)
    assert again.status_code == 200  # same key: already received
    assert Response.objects.count() == 1
    assert sorted(Answer.objects.filter(item__name="agencies").values_list("value", flat=True)) == ["police"]


def test_submissions_write_no_audit_rows(invitations):
    _batch, raws = invitations
    before = AuditLog.objects.count()
    submit(client_key=uuid.uuid4().hex, token=raws[0], answers=party_answers())
    assert AuditLog.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_use_of_one_invitation_stores_one_response(org, instruments):
    """Two devices race for one invitation (and two copies of one submission race): one response."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database for real concurrency")
    from casewatch.surveys.factories import WaveFactory, make_user

    user = make_user("committee_supervisor", "330211", username="race")
    wave = WaveFactory()
    wave.targets.create(respondent_group="party", instrument=instruments["party"], sample_size=10)
    wave.targets.create(respondent_group="lawyer", instrument=instruments["lawyer"], sample_size=10)
    make_closed_case("330211-CRT-MS1", roles=("plaintiff",))
    batch = services.issue_tokens(
        user,
        wave,
        services.Sampling(
            Unit.objects.get(code="330211"),
            dt.date.today() - dt.timedelta(days=30),
            dt.date.today(),
            [],
            [],
            0,
            1,
        ),
    )
    raw = next(iter(services.raw_tokens(batch).values()))
    same_key = uuid.uuid4().hex
    keys = [uuid.uuid4().hex for _ in range(4)] + [same_key] * 4
    results = []

    def go(key):
        results.append(submit(client_key=key, token=raw, answers=party_answers()).status)
        connection.close()

    threads = [threading.Thread(target=go, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Response.objects.filter(wave=wave).count() == 1
    assert results.count("stored") == 1
    assert set(results) <= {"stored", "used", "duplicate"}

"""The permission matrix: every page, API endpoint and export — without login, in scope, out of scope
(404), and with a role that lacks the action. Units from `seed_ningbo()`: 镇海区 owns the records,
鄞州区 is out of scope, the city sees everything."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casewatch.core import jobs
from casewatch.core.models import Unit
from casewatch.surveys import services
from casewatch.surveys.factories import ForumFactory, make_closed_case
from casewatch.surveys.models import Answer, ForumAttachment, ForumIssue
from casewatch.surveys.submission import submit


@pytest.fixture
def world(wave, instruments, zhenhai_user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    zhenhai = Unit.objects.get(code="330211")
    for _ in range(2):
        make_closed_case("330211-CRT-MS1", roles=("plaintiff",))
    batch = services.issue_tokens(
        zhenhai_user,
        wave,
        services.Sampling(zhenhai, dt.date.today() - dt.timedelta(days=30), dt.date.today(), [], [], 0, 1),
    )
    raw = next(iter(services.raw_tokens(batch).values()))
    answers = {
        "role": "plaintiff",
        "agencies": ["court"],
        "overall": "2",
        "issues": ["delay"],
        "comment": "开庭一再推迟",
        **{
            f"court_{d}": "3"
            for d in ("process", "outcome", "respect", "efficiency", "transparency", "integrity")
        },
    }
    assert submit(client_key=uuid.uuid4().hex, token=raw, answers=answers).ok
    link = services.create_public_link(zhenhai_user, wave, instruments["resident"], zhenhai)
    draft, _w = services.import_xlsform(
        zhenhai_user, services.export_xlsform(instruments["resident"]), "r.xlsx"
    )
    forum = ForumFactory(unit=zhenhai, wave=wave)
    issue = ForumIssue.objects.create(forum=forum, agency="police", description="出警慢")
    attachment = ForumAttachment.objects.create(
        forum=forum, name="签到表.txt", file=SimpleUploadedFile("a.txt", b"x")
    )
    job = jobs.enqueue("surveys.export", zhenhai_user, wave_ids=[wave.pk], fmt="csv")
    jobs.run_pending()
    comment = Answer.objects.get(item__name="comment")
    return {
        "wave": wave,
        "batch": batch,
        "link": link,
        "draft": draft,
        "forum": forum,
        "issue": issue,
        "attachment": attachment,
        "job": job,
        "answer": comment,
    }


def pages(w):
    """(url, action) for every staff page that shows or exports one of 镇海's records."""
    wave, batch, forum = w["wave"].pk, w["batch"].pk, w["forum"].pk
    serial = w["batch"].tokens.first().serial
    return [
        (f"/surveys/waves/{wave}/", "view"),
        (f"/surveys/waves/{wave}/results/", "view"),
        (f"/surveys/waves/{wave}/results/?district=330211&agency=court&top_box=3", "view"),
        (f"/surveys/waves/{wave}/texts/", "view"),
        (f"/surveys/waves/{wave}/edit/", "change"),
        (f"/surveys/waves/{wave}/tokens/", "change"),
        (f"/surveys/waves/{wave}/report.docx", "export"),
        (f"/surveys/waves/{wave}/report.pdf", "export"),
        (f"/surveys/batches/{batch}/", "view"),
        (f"/surveys/batches/{batch}/print/", "export"),
        (f"/surveys/batches/{batch}/qr/{serial}.png", "export"),
        (f"/surveys/batches/{batch}/qr/{serial}.svg", "export"),
        (f"/surveys/batches/{batch}/sms.csv", "reveal"),
        (f"/surveys/links/{w['link'].pk}/qr.png", "view"),
        (f"/surveys/instruments/{w['draft'].pk}/", "view"),
        (f"/surveys/instruments/{w['draft'].pk}/xlsform/", "view"),
        (f"/surveys/instruments/{w['draft'].pk}/preview/", "view"),
        (f"/surveys/exports/{w['job'].pk}/", "view"),
        (f"/surveys/exports/{w['job'].pk}/download/", "export"),
        (f"/surveys/forums/{forum}/", "view"),
        (f"/surveys/forums/{forum}/edit/", "change"),
        (f"/surveys/forum-attachments/{w['attachment'].pk}/", "view"),
    ]


def posts(w):
    wave, forum = w["wave"].pk, w["forum"].pk
    return [
        (f"/surveys/waves/{wave}/status/", {"status": "closed"}),
        (f"/surveys/waves/{wave}/links/", {"unit_code": "330211", "instrument": "1", "ip_daily_limit": "5"}),
        (f"/surveys/waves/{wave}/export/", {"format": "csv", "labels": "0"}),
        (f"/surveys/batches/{w['batch'].pk}/seal/", {}),
        (f"/surveys/links/{w['link'].pk}/toggle/", {}),
        (f"/surveys/answers/{w['answer'].pk}/tag/", {"tags": "delay"}),
        (f"/surveys/answers/{w['answer'].pk}/problem/", {}),
        (f"/surveys/forums/{forum}/issues/", {"agency": "court", "description": "x"}),
        (f"/surveys/forums/{forum}/attendance/{1}/delete/", {}),
        (f"/surveys/forum-issues/{w['issue'].pk}/problem/", {}),
        (f"/surveys/instruments/{w['draft'].pk}/publish/", {}),
    ]


def api(w):
    wave = w["wave"].pk
    return [
        ("get", f"/api/v1/surveys/waves/{wave}", None),
        ("get", f"/api/v1/surveys/waves/{wave}/results", None),
        ("get", f"/api/v1/surveys/instruments/{w['draft'].pk}", None),
        ("get", f"/api/v1/surveys/instruments/{w['draft'].pk}/xlsform", None),
        ("get", f"/api/v1/surveys/forums/{w['forum'].pk}", None),
        ("post", f"/api/v1/surveys/waves/{wave}/exports", {"format": "csv"}),
        ("post", f"/api/v1/surveys/waves/{wave}/status", {"status": "closed"}),
        (
            "post",
            f"/api/v1/surveys/waves/{wave}/tokens",
            {"unit_code": "330211", "closed_from": "2020-01-01", "closed_to": "2030-01-01"},
        ),
    ]


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_in_scope_user_sees_every_page(world, zhenhai_user):
    c = login(zhenhai_user)
    for url, _action in pages(world):
        response = c.get(url)
        assert response.status_code == 200, url


def test_city_supervisor_sees_every_page(world, city_user):
    c = login(city_user)
    for url, _action in pages(world):
        assert c.get(url).status_code == 200, url


def test_out_of_scope_is_404_everywhere(world, yinzhou_user):
    c = login(yinzhou_user)
    for url, _action in pages(world):
        assert c.get(url).status_code == 404, url
    for url, data in posts(world):
        assert c.post(url, data).status_code == 404, url
    for method, url, body in api(world):
        response = (
            getattr(c, method)(url, body, content_type="application/json")
            if body
            else getattr(c, method)(url)
        )
        assert response.status_code == 404, url
    # lists are filtered, not refused
    assert world["wave"].name.encode() not in c.get("/surveys/").content
    assert c.get("/api/v1/surveys/waves").json()["count"] == 0
    assert c.get("/surveys/forums/").context["summary"]["forums"] == 0


def test_anonymous_is_sent_to_login(world):
    c = Client()
    for url, _action in pages(world):
        response = c.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    for method, url, body in api(world):
        response = (
            getattr(c, method)(url, body, content_type="application/json")
            if body
            else getattr(c, method)(url)
        )
        assert response.status_code == 401, url


def test_a_role_without_the_action_is_refused(world, handler_user):
    """A case handler in 镇海 may view, but not change, export or reveal."""
    c = login(handler_user)
    for url, action in pages(world):
        status = c.get(url).status_code
        if action == "view":
            assert status == 200, url
        else:
            assert status in (403, 404), (url, status)
    for url, data in posts(world):
        assert c.post(url, data).status_code in (403, 404), url
    assert (
        c.post(
            f"/api/v1/surveys/waves/{world['wave'].pk}/exports",
            {"format": "csv"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_public_pages_need_no_login(world):
    c = Client()
    assert c.get(f"/surveys/p/{world['link'].slug}/").status_code == 200
    assert c.get("/surveys/t/ABCDEFGHJKMN/").status_code == 404  # unknown, but answered without a login
    assert c.get("/surveys/sw.js").status_code == 200
    assert (
        c.get(f"/surveys/p/{world['link'].slug}/").context["meta"]["submit"] == "/api/v1/surveys/public/batch"
    )


def test_home_and_lists(world, zhenhai_user):
    c = login(zhenhai_user)
    for url in (
        "/surveys/",
        "/surveys/instruments/",
        "/surveys/forums/",
        "/surveys/waves/new/",
        "/surveys/forums/new/",
    ):
        assert c.get(url).status_code == 200, url
    assert c.get("/api/v1/surveys/waves").json()["count"] == 1
    assert c.get("/api/v1/surveys/instruments").json()["count"] >= 5


def test_export_download_contains_the_response(world, zhenhai_user):
    c = login(zhenhai_user)
    response = c.get(f"/surveys/exports/{world['job'].pk}/download/")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("\n") >= 2 and "court_process" in body


def test_sms_export_has_the_phone_and_the_link(world, zhenhai_user):
    c = login(zhenhai_user)
    body = b"".join(c.get(f"/surveys/batches/{world['batch'].pk}/sms.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "13800000000" in body and "/surveys/t/" in body


def test_sealed_batch_cannot_be_printed(world, zhenhai_user):
    c = login(zhenhai_user)
    assert c.post(f"/surveys/batches/{world['batch'].pk}/seal/").status_code == 302
    assert c.get(f"/surveys/batches/{world['batch'].pk}/print/").status_code == 404
    world["batch"].refresh_from_db()
    assert world["batch"].secret == "" and world["batch"].tokens.count() == 2


def test_wave_life_cycle_through_the_pages(instruments, zhenhai_user):
    c = login(zhenhai_user)
    response = c.post(
        "/surveys/waves/new/",
        {
            "name": "镇海区第二轮",
            "unit_code": "330211",
            "period_start": "2025-07-01",
            "period_end": "2025-09-30",
            "top_box": "2",
            "weights": '{"agency": {"court": 2}}',
            "instrument_party": str(instruments["party"].pk),
            "size_party": "500",
        },
    )
    assert response.status_code == 302
    wave_url = response["Location"]
    assert c.post(wave_url + "status/", {"status": "open"}).status_code == 302
    assert c.get(wave_url).context["wave"].status == "open"
    # a unit outside the scope is refused by the form
    bad = c.post(
        "/surveys/waves/new/",
        {
            "name": "x",
            "unit_code": "330212",
            "period_start": "2025-07-01",
            "period_end": "2025-09-30",
            "top_box": "2",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors["unit_code"]

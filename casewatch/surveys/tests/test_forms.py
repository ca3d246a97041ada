"""The surveys pages read every POST through a Django form (issue 12, item 12): a malformed value
is refused with the field's error in Chinese and English and nothing is written; another
district's object answers 404; a ``next`` that leaves the site is not followed.

With the hand parsing these replace, a severity ``urgent`` silently became ``medium``, a
``next`` of ``https://evil.example/`` was followed, an ``original`` naming no item silently added
a new one, and a 6,000-character "answer" to a choice was passed on as it came."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from casewatch.core.models import Unit
from casewatch.surveys import services
from casewatch.surveys.factories import ForumFactory, bulk_responses
from casewatch.surveys.models import Answer, ForumIssue, Item, Response, TextReview

from .test_reports_forums import fake_problems  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _errors(response) -> str:
    return " | ".join(re.findall(r'<li class="msg-error">(.*?)</li>', response.content.decode(), re.S))


def post_in_both(user, url, data) -> tuple[str, str]:
    """POST as `user` in Chinese and in English; the error messages on the page it returns to."""
    out = []
    for lang in ("zh-hans", "en"):
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = lang
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, (url, data, response.status_code)
        out.append(_errors(response))
    return out[0], out[1]


@pytest.fixture
def comment(wave, instruments):
    bulk_responses(
        wave,
        instruments["resident"],
        Unit.objects.get(code="330211"),
        [{"age_group": "30_44", "contact": "no", "overall": "2", "comment": "立案难，材料来回跑"}],
    )
    return Answer.objects.get(item__name="comment")


def test_wave_status(wave, zhenhai_user, yinzhou_user):
    url = f"/surveys/waves/{wave.pk}/status/"
    before = wave.status
    zh, en = post_in_both(zhenhai_user, url, {"status": "bogus"})
    assert "选择一个有效的选项" in zh and "bogus" in zh
    assert "status: Select a valid choice. bogus is not one of the available choices." in en
    wave.refresh_from_db()
    assert wave.status == before
    c = Client()
    c.force_login(yinzhou_user)
    assert c.post(url, {"status": "closed"}).status_code == 404


def test_free_text_to_problem_and_tags(comment, zhenhai_user, yinzhou_user, fake_problems):  # noqa: F811
    url = f"/surveys/answers/{comment.pk}/problem/"
    zh, en = post_in_both(zhenhai_user, url, {"severity": "urgent"})  # was taken as "medium"
    assert "urgent 不在可用的选项中" in zh and "severity: Select a valid choice. urgent" in en
    assert fake_problems == [] and not TextReview.objects.exists()
    c = Client()
    c.force_login(yinzhou_user)
    assert c.post(url, {"severity": "low"}).status_code == 404
    c.force_login(zhenhai_user)
    response = c.post(url, {"severity": "low", "next": "https://evil.example/x"})
    assert (
        response.status_code == 302
        and response["Location"] == f"/surveys/waves/{comment.response.wave_id}/texts/"
    )
    assert [p["severity"] for p in fake_problems] == ["low"]
    tag_url = f"/surveys/answers/{comment.pk}/tag/"
    zh, en = post_in_both(zhenhai_user, tag_url, {"tags": "x" * 301})
    assert (
        "不超过 300 字符" in zh and "Tags: Ensure this value has at most 300 characters (it has 301)." in en
    )
    assert TextReview.objects.get().tags == []
    response = c.post(tag_url, {"tags": "立案", "next": "//evil.example/"})
    assert response["Location"] == f"/surveys/waves/{comment.response.wave_id}/texts/"
    response = c.post(
        tag_url, {"tags": "立案", "next": f"/surveys/waves/{comment.response.wave_id}/texts/?page=2"}
    )
    assert response["Location"].endswith("?page=2")


def test_forum_issue_to_problem(wave, zhenhai_user, yinzhou_user, fake_problems):  # noqa: F811
    forum = ForumFactory(unit=Unit.objects.get(code="330211"), wave=wave)
    issue = ForumIssue.objects.create(forum=forum, agency="police", description="派出所窗口排队时间长")
    url = f"/surveys/forum-issues/{issue.pk}/problem/"
    zh, en = post_in_both(zhenhai_user, url, {"severity": ""})
    assert "这个字段是必填项" in zh and "severity: This field is required." in en
    issue.refresh_from_db()
    assert issue.problem_ref == "" and fake_problems == []
    c = Client()
    c.force_login(yinzhou_user)
    assert c.post(url, {"severity": "low"}).status_code == 404


def test_item_of_a_draft(instruments, zhenhai_user, yinzhou_user):
    draft = services.new_blank_instrument(
        zhenhai_user, code="draft_x", title_zh="草稿", title_en="Draft", respondent_group="resident"
    )
    url = f"/surveys/instruments/{draft.pk}/items/"
    item = {"name": "q1", "kind": "text", "label_zh": "意见", "weight": "1"}
    count = Item.objects.filter(instrument=draft).count()
    zh, en = post_in_both(zhenhai_user, url, {**item, "original": "no_such"})  # was added as a new item
    assert "问卷中没有题目 no_such" in zh and "The instrument has no item no_such." in en
    zh, en = post_in_both(zhenhai_user, url, {**item, "weight": "-1"})
    assert "确保该值大于或等于0" in zh and "Weight: Ensure this value is greater than or equal to 0." in en
    zh, en = post_in_both(zhenhai_user, url, {**item, "original": "bad name!"})
    assert "Item being edited: Enter a valid value." in en and "正在编辑的题目" in zh
    assert Item.objects.filter(instrument=draft).count() == count
    c = Client()
    c.force_login(yinzhou_user)
    assert c.post(url, item).status_code == 404
    c.force_login(zhenhai_user)
    c.post(url, item)
    assert Item.objects.filter(instrument=draft, name="q1").exists()


def test_no_script_post_bounded(wave, instruments, zhenhai_user, client: Client):
    link = services.create_public_link(
        zhenhai_user, wave, instruments["resident"], Unit.objects.get(code="330211")
    )
    key = client.get(f"/surveys/p/{link.slug}/").context["server_key"]
    data = {"_client_key": key, "age_group": "x" * 6000, "contact": "yes", "overall": "4"}
    response = client.post(f"/surveys/p/{link.slug}/", data)
    assert response.status_code == 422 and response.context["has_errors"]
    errors = {i["item"].name: i["error"] for i in response.context["items"] if i["error"]}
    assert "5000" in errors["age_group"]
    response = client.post(
        f"/surveys/p/{link.slug}/", {**data, "age_group": "60_plus", "_client_key": "k" * 65}
    )
    assert response.status_code == 422
    assert Response.objects.count() == 0

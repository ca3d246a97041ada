"""Every POST of the review pages goes through a Django form (issue 12, item 12): malformed input
(missing field, wrong type, out of range, a step or item that does not exist) is refused with the
field's error in Chinese and in English, another organisation's object answers 404, and nothing
is written (rows and audit records counted before and after).

Several of these were server errors or silent writes with the hand parsing they replace: a
``points-abc`` key or a petition id that is not a number raised ``ValueError`` (500), and a trail
step ``bogus`` was stored as given."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casewatch.cases.models import Petition
from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog
from casewatch.problems.models import Problem
from casewatch.reviews import casetags, evaluations, services
from casewatch.reviews.models import (
    CaseTag,
    DualCheck,
    DualCheckPart,
    ItemScore,
    PanelDecision,
    Reassignment,
    Rubric,
    RubricItem,
    Selection,
    TagEntry,
)

pytestmark = pytest.mark.django_db


def _errors(response) -> str:
    return " | ".join(re.findall(r'<li class="msg-error">(.*?)</li>', response.text, re.S))


def post_in_both(client, user, url, data, **extra) -> tuple[str, str]:
    """POST as `user` in Chinese, then in English; the error messages shown on the page after each."""
    client.force_login(user)
    out = []
    for lang in ("zh-hans", "en"):
        client.cookies["django_language"] = lang
        payload = {k: (v() if callable(v) else v) for k, v in data.items()}
        response = client.post(url, payload, follow=True, **extra)
        assert response.status_code == 200, (url, data, response.status_code)
        out.append(_errors(response))
    client.cookies["django_language"] = "zh-hans"
    return out[0], out[1]


CHANGES = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE, AuditAction.TRANSITION)


class Unchanged:
    """Counts of the given tables and of change audit records (not logins or refused access),
    equal after as before."""

    def __init__(self, *models):
        self.models = models
        self.before = self.counts()

    def counts(self):
        counts = {m.__name__: m.objects.count() for m in self.models}
        counts["audited changes"] = AuditLog.objects.filter(action__in=CHANGES).count()
        return counts

    def check(self):
        assert self.counts() == self.before


@pytest.fixture
def review(world, reviewing):
    sel = reviewing.selections.select_related("case").filter(case__case_type="civil").first()
    return services.assign(world.user("city_supervisor"), sel, world.user("rev_a"))


def test_draw_and_pick(client, world, make_campaign):
    campaign = make_campaign()
    sup = world.user("city_supervisor")
    same = Unchanged(Selection)
    url = reverse("reviews:campaign_action", args=[campaign.pk, "draw"])
    zh, en = post_in_both(client, sup, url, {"seed": "x" * 65})
    assert "随机种子" in zh and "不超过 64 字符" in zh
    assert "seed: Ensure this value has at most 64 characters (it has 65)." in en
    url = reverse("reviews:campaign_action", args=[campaign.pk, "pick"])
    zh, en = post_in_both(client, sup, url, {"case_number": world.court_cases[0].case_number})
    assert "这个字段是必填项" in zh and "reason: This field is required." in en
    same.check()
    campaign.refresh_from_db()
    assert campaign.status == "planning" and campaign.seed == ""
    client.force_login(world.user("other_court"))
    assert client.post(url, {"seed": "a"}).status_code == 404


def test_review_sheet(client, world, review):
    item = RubricItem.objects.get(section__rubric=review.rubric, code="M2.4")
    other = RubricItem.objects.exclude(section__rubric=review.rubric).first()
    url = reverse("reviews:review_save", args=[review.pk])
    same = Unchanged(ItemScore)
    rev = world.user("rev_a")
    zh, en = post_in_both(client, rev, url, {f"points-{item.pk}": "abc", f"reason-{item.pk}": "x"})
    assert "M2.4" in zh and "请输入数字" in zh and "M2.4: Enter a number." in en
    zh, en = post_in_both(client, rev, url, {f"points-{item.pk}": "99", f"reason-{item.pk}": "x"})
    assert (
        "确保该值小于或等于" in zh
        and f"M2.4: Ensure this value is less than or equal to {item.max_points}" in en
    )
    zh, en = post_in_both(client, rev, url, {f"points-{item.pk}": "3"})
    assert "扣分须说明理由" in zh and "A reason is required for a deduction." in en
    zh, en = post_in_both(client, rev, url, {f"points-{other.pk}": "1", f"reason-{other.pk}": "x"})
    assert "不属于此评查标准" in zh and "The item is not part of this rubric" in en
    zh, en = post_in_both(client, rev, url, {"points-abc": "1"})  # was a 500 (int("abc"))
    assert "points-abc" in zh and "points-abc" in en
    same.check()
    review.refresh_from_db()
    assert review.score is None and review.comments == ""
    client.force_login(world.user("rev_b"))  # not theirs
    assert client.post(url, {f"points-{item.pk}": "1", f"reason-{item.pk}": "x"}).status_code == 404


def test_reassign_problem_and_petition_panel(client, world, review):
    sup = world.user("city_supervisor")
    same = Unchanged(Reassignment, PanelDecision, Problem)
    url = reverse("reviews:review_reassign", args=[review.pk])
    zh, en = post_in_both(client, sup, url, {"to_user": "x", "reason": ""})
    assert "选择一个有效的选项" in zh and "这个字段是必填项" in zh
    assert "Select a valid choice." in en and "reason: This field is required." in en
    item = RubricItem.objects.get(section__rubric=review.rubric, code="M2.4")
    services.save_draft(world.user("rev_a"), review, {item.pk: (3, "回避告知缺失")})
    same = Unchanged(Reassignment, PanelDecision, Problem)
    score = review.scores.get()
    url = reverse("reviews:score_problem", args=[score.pk])
    zh, en = post_in_both(client, world.user("rev_a"), url, {"measure": "bogus"})
    assert "bogus 不在可用的选项中" in zh and "Select a valid choice. bogus is not one of" in en
    url = reverse("reviews:selection_action", args=[review.selection_id, "petition"])
    zh, en = post_in_both(client, sup, url, {"petition": "abc"})  # was a 500 (filter(pk="abc"))
    assert "请输入整数" in zh and "petition: Enter a whole number." in en
    foreign = Petition.objects.create(
        petition_id="RV-PET-OUT", unit_id="330203-CRT", received_at="2024-07-01", subject="x"
    )
    client.force_login(world.user("other_court"))
    assert client.post(url, {"petition": foreign.pk}).status_code == 404  # the selection is not theirs
    zh, en = post_in_both(client, sup, url, {"petition": foreign.pk})
    assert "该信访件与此案件无关" in zh and "The petition is not about this case." in en
    same.check()


def test_panel_decision(client, world, reviewing):
    sel = reviewing.selections.get(case=world.petition_case)
    sup = world.user("city_supervisor")
    panel = evaluations.open_petition_panel(sup, sel, world.petition)
    url = reverse("reviews:panel_decide", args=[panel.pk])
    same = Unchanged(PanelDecision, Petition)
    zh, en = post_in_both(client, sup, url, {"grade": "合格", "score": "150", "reasoning": ""})
    assert "确保该值小于或等于100" in zh and "这个字段是必填项" in zh
    assert "score: Ensure this value is less than or equal to 100." in en
    assert "reasoning: This field is required." in en
    same.check()
    panel.refresh_from_db()
    assert panel.status == "open" and panel.score is None
    client.force_login(world.user("other_court"))
    assert client.post(url, {"grade": "合格", "score": "80", "reasoning": "x"}).status_code == 404


def test_rubric_import(client, world):
    sup = world.user("city_supervisor")
    url = reverse("reviews:rubric_list")
    same = Unchanged(Rubric, RubricItem)
    zh, en = post_in_both(client, sup, url, {})
    assert "请选择要导入的 Excel 工作簿" in zh and "Choose an Excel workbook (.xlsx) to import." in en
    zh, en = post_in_both(
        client, sup, url, {"file": lambda: SimpleUploadedFile("rubric.txt", b"not a workbook")}
    )
    assert "评查标准必须是 Excel 工作簿" in zh and "The rubric must be an Excel workbook (.xlsx)." in en
    zh, en = post_in_both(client, sup, url, {"action": "everything"})
    assert "everything 不在可用的选项中" in zh and "everything is not one of the available choices" in en
    same.check()


def test_tags_and_dual_checks(client, world):
    sup = world.user("city_supervisor")
    case = world.court_cases[30]
    tag = casetags.tag_case(sup, case, "mass", "群体性纠纷")
    check = casetags.open_dual_check(
        sup, world.court_cases[1], "信访举报", world.user("rev_a"), world.user("rev_b")
    )
    same = Unchanged(CaseTag, TagEntry, DualCheck, DualCheckPart)
    zh, en = post_in_both(
        client,
        sup,
        reverse("reviews:tag_list"),
        {"case_number": case.case_number, "kind": "bogus", "note": "x"},
    )
    assert "bogus 不在可用的选项中" in zh and "kind: Select a valid choice." in en
    url = reverse("reviews:tag_detail", args=[tag.pk])
    zh, en = post_in_both(client, sup, url, {"action": "bogus", "note": "x"})  # was stored as given
    assert "bogus 不在可用的选项中" in zh and "supervision step: Select a valid choice." in en
    zh, en = post_in_both(client, sup, url, {"action": "progress_report"})
    assert "这个字段是必填项" in zh and "note: This field is required." in en
    zh, en = post_in_both(
        client,
        sup,
        reverse("reviews:dualcheck_list"),
        {
            "case_number": case.case_number,
            "clue_source": "x",
            "handling_reviewer": "x",
            "discipline_reviewer": "",
        },
    )
    assert "选择一个有效的选项" in zh and "discipline reviewer: This field is required." in en
    part = check.parts.get(reviewer__username="rev_a")
    url = reverse("reviews:dualcheck_conclude", args=[part.pk])
    zh, en = post_in_both(client, world.user("rev_a"), url, {"conclusion": "  "})
    assert "这个字段是必填项" in zh and "conclusion: This field is required." in en
    zh, en = post_in_both(client, world.user("rev_a"), url, {"conclusion": "x" * 5001})
    assert "不超过 5000 字符" in zh and "at most 5000 characters" in en
    same.check()
    part.refresh_from_db()
    assert part.concluded_at is None
    client.force_login(world.user("other_court"))
    assert client.post(url, {"conclusion": "x"}).status_code == 404
    assert (
        client.post(
            reverse("reviews:tag_detail", args=[tag.pk]), {"action": "instruction", "note": "x"}
        ).status_code
        == 404
    )
    same.check()
    with pytest.raises(services.ValidationError):  # the service refuses an unknown step too
        casetags.tag_trail(sup, tag, "bogus", "x")

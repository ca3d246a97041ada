"""Case-quality review audit messages in the reader's language (issue 12, item 11): stored as
written by `services` (English), shown translated with tracks and refusal reasons translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from casewatch.core.models import AuditLog
from casewatch.core.testing import message_in_both as _both
from casewatch.reviews import casetags, evaluations, services
from casewatch.reviews.choices import DualCheckTrack

pytestmark = pytest.mark.django_db


def test_campaign_messages_written_by_the_services(world, make_campaign):
    sup = world.user("city_supervisor")
    campaign = make_campaign(reviewers=[world.user("rev_a"), world.user("rev_b")])
    case = world.court_cases[10]
    since = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    services.pick_case(sup, campaign, case, "院长关注")
    services.run_draw(sup, campaign, "fixed")
    services.start_reviewing(sup, campaign)
    services.close_campaign(sup, campaign)
    stored = list(
        AuditLog.objects.filter(pk__gt=since, object_type="reviews.campaign")
        .exclude(message="")
        .order_by("id")
        .values_list("message", flat=True)
    )
    assert len(stored) == 4 and stored[0] == f"picked case {case.case_number}: 院长关注"
    assert stored[1].startswith("campaign draw: seed fixed, ") and stored[1].endswith(" cases")
    assert stored[2].startswith("campaign list frozen: seed fixed, ") and stored[3] == "campaign to report"
    zh = [_both(m)[0] for m in stored]
    assert zh[0] == f"案件 {case.case_number} 已点选评查：院长关注"
    assert zh[1].startswith("评查样本已抽取：随机种子 fixed，") and "cases" not in zh[1]
    assert zh[2].startswith("评查名单已锁定：随机种子 fixed，共 ")
    assert zh[3] == "评查活动已结束评查，进入报告阶段"
    assert _both(stored[3])[1] == "review campaign closed for its report"


def test_review_panel_and_dual_check_formats():
    src = "".join(  # the review workflows write them (split over these modules)
        Path(m.__file__).read_text(encoding="utf-8") for m in (services, evaluations, casetags)
    )
    for written in (
        'f"review submitted: {score} {review.grade}"',
        'f"petition outcome from review panel #{panel.pk}"',
        '"panel decided"',
        'f"dual check {part.track} concluded"',
        'f"assignment refused: {reviewer} / {case}: {why}"',
    ):
        assert written in src, written
    assert _both("review submitted: 87.50 合格") == (
        "评查表已提交：得分 87.50，等次 合格",
        "review submitted: score 87.50, grade 合格",
    )
    assert _both("petition outcome from review panel #3")[0] == "复核申请结果已由评查合议组 #3 确定"
    assert _both("panel decided") == ("评查合议组已作出决定", "review panel decided")
    with translation.override("zh-hans"):
        track = str(DualCheckTrack.DISCIPLINE.label)
    assert _both("dual check discipline concluded") == (
        f"一案双查（{track}）已出结论",
        "dual check (Staff discipline) concluded",
    )
    refused = "assignment refused: rev_judge / 甬鄞民初〔2024〕1号: The reviewer handled this case."
    assert _both(refused) == (
        "拒绝分派评查人 rev_judge 评查 甬鄞民初〔2024〕1号：该评查员承办过此案件。",
        "assignment of rev_judge to 甬鄞民初〔2024〕1号 refused: The reviewer handled this case.",
    )
    assert _both("panel undecided") == ("panel undecided", "panel undecided")

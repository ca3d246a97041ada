"""Forums (座谈会), the problem-list hand-over, and the staged report as DOCX and PDF."""

from __future__ import annotations

import datetime as dt
import io
import sys
import types

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document

from casewatch.core.models import Unit
from casewatch.surveys import reports, services
from casewatch.surveys.factories import ForumFactory, WaveFactory, bulk_responses
from casewatch.surveys.models import Answer, ForumIssue, TextReview


@pytest.fixture
def fake_problems(monkeypatch):
    """Stands in for casewatch.problems.services.open_problem (built by another module)."""
    opened = []

    def open_problem(user, source="manual", *, unit, severity, title, description="", source_ref=""):
        opened.append(
            {
                "source": source,
                "unit": unit.code,
                "severity": severity,
                "title": title,
                "description": description,
                "source_ref": source_ref,
            }
        )
        return types.SimpleNamespace(pk=100 + len(opened))

    module = types.ModuleType("casewatch.problems.services")
    module.open_problem = open_problem
    monkeypatch.setitem(sys.modules, "casewatch.problems.services", module)
    package = sys.modules.get("casewatch.problems") or types.ModuleType("casewatch.problems")
    monkeypatch.setattr(package, "services", module, raising=False)
    monkeypatch.setitem(sys.modules, "casewatch.problems", package)
    return opened


def test_forum_pages(org, yinzhou_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = Client()
    c.force_login(yinzhou_user)
    response = c.post(
        "/surveys/forums/new/",
        {
            "title": "首南街道座谈会",
            "unit_code": "330212",
            "place": "首南街道社区中心",
            "held_on": "2025-06-12",
            "organiser": "鄞州区委政法委联合工作组",
            "agencies": ["police", "court"],
            "minutes": "群众反映……",
        },
    )
    assert response.status_code == 302
    forum_url = response["Location"]
    pk = int(forum_url.rstrip("/").rsplit("/", 1)[1])
    c.post(f"/surveys/forums/{pk}/attendance/", {"group": "居民代表", "count": "18"})
    c.post(f"/surveys/forums/{pk}/attendance/", {"group": "人大代表、政协委员", "count": "4"})
    c.post(f"/surveys/forums/{pk}/issues/", {"agency": "police", "description": "夜间出警慢"})
    c.post(
        f"/surveys/forums/{pk}/ratings/",
        {"agency": "police", "dimension": "overall", "rated": "22", "satisfied": "21"},
    )
    bad = c.post(
        f"/surveys/forums/{pk}/ratings/",
        {"agency": "court", "dimension": "overall", "rated": "5", "satisfied": "6"},
    )
    assert bad.status_code == 302
    c.post(f"/surveys/forums/{pk}/attachments/", {"file": SimpleUploadedFile("签到表.pdf", b"%PDF-1.4")})
    page = c.get(forum_url)
    assert page.context["attendees"] == 22
    assert [r.satisfied for r in page.context["ratings"]] == [21]
    assert page.context["ratings"][0].rate == pytest.approx(21 / 22)
    assert len(page.context["attachments"]) == 1
    download = c.get(f"/surveys/forum-attachments/{page.context['attachments'][0].pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    listing = c.get("/surveys/forums/?district=330212")
    assert listing.context["summary"] == {"forums": 1, "attendees": 22, "issues": 1}
    api = c.get(f"/api/v1/surveys/forums/{pk}").json()
    assert api["attendees"] == 22 and api["issues"][0]["description"] == "夜间出警慢"


def test_forum_issue_and_free_text_become_problems(
    wave, instruments, zhenhai_user, handler_user, fake_problems
):
    forum = ForumFactory(unit=Unit.objects.get(code="330211"), wave=wave)
    issue = ForumIssue.objects.create(forum=forum, agency="police", description="派出所窗口排队时间长")
    with pytest.raises(PermissionDenied):
        services.issue_to_problem(handler_user, issue)
    issue = services.issue_to_problem(zhenhai_user, issue, "low")
    assert issue.problem_ref == "101"
    opened = fake_problems[0]
    assert opened["unit"] == "330211" and opened["source_ref"] == f"forum-issue:{issue.pk}"
    assert opened["severity"] == "low" and "派出所窗口" in opened["description"]
    with pytest.raises(Exception, match="already"):
        services.issue_to_problem(zhenhai_user, issue)

    bulk_responses(
        wave,
        instruments["resident"],
        Unit.objects.get(code="330211"),
        [
            {
                "age_group": "30_44",
                "contact": "no",
                "public_fairness": "2",
                "public_transparency": "2",
                "overall": "2",
                "comment": "立案难，材料来回跑",
            }
        ],
    )
    answer = Answer.objects.get(item__name="comment")
    services.tag_answer(zhenhai_user, answer, ["立案", " 效率 ", ""])
    review = services.answer_to_problem(zhenhai_user, answer)
    assert review.tags == ["效率", "立案"] and review.problem_ref == "102"
    assert fake_problems[1]["source_ref"] == f"survey-answer:{answer.pk}"
    assert fake_problems[1]["source"] in ("survey", "supervision")
    # the free-text page shows it with its tags and problem
    c = Client()
    c.force_login(zhenhai_user)
    page = c.get(f"/surveys/waves/{wave.pk}/texts/?tag=立案")
    assert [a.text for a in page.context["page"]] == ["立案难，材料来回跑"]
    assert page.context["can_problem"]


def test_without_the_problem_list_the_integration_says_so(monkeypatch, zhenhai_user, wave):
    monkeypatch.setattr(services, "_open_problem_function", lambda: None)
    assert not services.problems_available()
    forum = ForumFactory(unit=Unit.objects.get(code="330211"))
    issue = ForumIssue.objects.create(forum=forum, description="x")
    with pytest.raises(PermissionDenied):
        services.issue_to_problem(zhenhai_user, issue)


@pytest.fixture
def reported(instruments, zhenhai_user):
    zhenhai = Unit.objects.get(code="330211")
    first = WaveFactory(name="第一阶段", period_start=dt.date(2025, 3, 1), period_end=dt.date(2025, 5, 31))
    second = WaveFactory(name="第二阶段", period_start=dt.date(2025, 6, 1), period_end=dt.date(2025, 9, 30))
    for w in (first, second):
        w.targets.create(respondent_group="resident", instrument=instruments["resident"], sample_size=100)
    row = {
        "age_group": "30_44",
        "contact": "yes",
        "agencies": ["police", "court"],
        "public_fairness": "5",
        "public_transparency": "4",
        "overall": "5",
        "comment": "总体满意",
    }
    row.update(
        {
            f"{a}_{d}": "5"
            for a in ("police", "court")
            for d in ("process", "outcome", "respect", "efficiency", "transparency", "integrity")
        }
    )
    bulk_responses(
        first, instruments["resident"], zhenhai, [row, {**row, "overall": "3", "police_efficiency": "2"}]
    )
    bulk_responses(second, instruments["resident"], zhenhai, [row] * 3)
    forum = ForumFactory(unit=zhenhai, wave=second)
    forum.attendance.create(group="居民", count=30)
    forum.issues.create(agency="court", description="执行款发放慢")
    forum.ratings.create(agency="court", dimension="overall", rated=30, satisfied=29)
    TextReview.objects.create(answer=Answer.objects.filter(item__name="comment").first(), tags=["满意"])
    return second


def test_report_content(reported, zhenhai_user):
    report = reports.build(zhenhai_user, reported)
    titles = [t.title for t in report.tables]
    assert "Trend between waves" in titles or "阶段" in "".join(titles) or len(titles) > 5
    assert report.results.respondents["total"] == 3
    assert len(report.charts) == 3  # agency, dimension, trend
    assert any("forums" in line or "座谈" in line for line in report.summary)


def test_report_docx_and_pdf(reported, zhenhai_user):
    report = reports.build(zhenhai_user, reported, district="330211")
    document = Document(io.BytesIO(reports.to_docx(report)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "镇海区" in text
    assert len(document.tables) == len(report.tables) and len(document.inline_shapes) == len(report.charts)
    pdf = reports.to_pdf(report)
    assert pdf.startswith(b"%PDF") and b"NotoSansCJK" in pdf  # the CJK font is embedded
    c = Client()
    c.force_login(zhenhai_user)
    for fmt in ("docx", "pdf"):
        response = c.get(f"/surveys/waves/{reported.pk}/report.{fmt}?district=330211")
        assert response.status_code == 200

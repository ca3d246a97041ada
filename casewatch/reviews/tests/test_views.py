"""Pages and API: the permission matrix (scope gate), the blind three-way evaluation in UI and
API, the review page's autosave, submit and problem button, reports and the export."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from casewatch.core.testing import DETAIL, IN_SCOPE, LIST, Probe, check_cell, matrix_params, request_as
from casewatch.problems.models import Problem
from casewatch.reviews import services
from casewatch.reviews.choices import ReviewKind
from casewatch.reviews.models import RubricItem

MARKER = "评查专项活动甲"
SUP = {IN_SCOPE: "city_supervisor", "out_of_scope": "other_court", "no_permission": "noscope"}


@pytest.fixture
def matrix(world, make_campaign):
    campaign = make_campaign(name=MARKER)
    world.extra["campaign"] = campaign
    return world


PROBES = [
    Probe("campaign-list", "/reviews/", kind=LIST, marker=MARKER, users=SUP),
    Probe("campaign-detail", "/reviews/{w.campaign.pk}/", kind=DETAIL, marker=MARKER, users=SUP),
    Probe("campaign-summary", "/reviews/{w.campaign.pk}/summary/", kind=DETAIL, marker=MARKER, users=SUP),
    Probe("campaign-export", "/reviews/{w.campaign.pk}/export.xlsx", kind=DETAIL, users=SUP),
    Probe("api-campaign-list", "/api/v1/reviews/campaigns/", kind=LIST, marker=MARKER, api=True, users=SUP),
    Probe(
        "api-campaign-detail",
        "/api/v1/reviews/campaigns/{w.campaign.pk}/",
        kind=DETAIL,
        marker=MARKER,
        api=True,
        users=SUP,
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, matrix, probe, cell):
    check_cell(client, matrix, probe, cell)


def test_review_page_out_of_scope_is_404(client, world, reviewing):
    sel = reviewing.selections.first()
    review = services.assign(world.user("city_supervisor"), sel, world.user("rev_a"))
    url = reverse("reviews:review_detail", args=[review.pk])
    assert request_as(client, world.user("other_court"), url).status_code == 404
    assert request_as(client, world.user("rev_b"), url).status_code == 404  # not theirs
    assert request_as(client, world.user("rev_a"), url).status_code == 200
    api = f"/api/v1/reviews/reviews/{review.pk}/"
    assert request_as(client, world.user("other_court"), api, api=True).status_code == 404


def test_reviewer_autosaves_submits_and_raises_a_problem(client, world, reviewing):
    sel = reviewing.selections.select_related("case").filter(case__case_type="civil").first()
    review = services.assign(world.user("city_supervisor"), sel, world.user("rev_a"))
    item = RubricItem.objects.get(section__rubric=review.rubric, code="M2.4")
    client.force_login(world.user("rev_a"))
    page = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert page.status_code == 200 and "合议庭组成及回避" in page.text
    save = reverse("reviews:review_save", args=[review.pk])
    response = client.post(save, {f"points-{item.pk}": "3", f"reason-{item.pk}": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'class="error"' in response.text
    response = client.post(
        save, {f"points-{item.pk}": "3", f"reason-{item.pk}": "回避告知缺失"}, HTTP_HX_REQUEST="true"
    )
    assert "97" in response.text
    score = review.scores.get(item=item)
    client.post(
        reverse("reviews:score_problem", args=[score.pk]), {"measure": "remedy_defect", "severity": "low"}
    )
    problem = Problem.objects.get(source="review", source_ref=f"review-score:{score.pk}")
    assert problem.case_id == sel.case_id and problem.measure == "remedy_defect"
    client.post(save, {f"points-{item.pk}": "3", f"reason-{item.pk}": "回避告知缺失", "submit": "1"})
    review.refresh_from_db()
    assert review.locked and review.grade == "优秀"
    page = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert f"#{problem.pk}" in page.text and 'data-testid="submit-review"' not in page.text
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(reverse("reviews:review_report", args=[review.pk, fmt]))
        assert response.status_code == 200 and response.content.startswith(magic)
    summary = client.get(reverse("reviews:campaign_summary", args=[reviewing.pk]))
    assert "M2.4" in summary.text


def test_parties_are_masked_for_reviewers(client, world, reviewing):
    from casewatch.reviews.models import Selection

    sel, _ = Selection.objects.get_or_create(campaign=reviewing, case=world.court_cases[0])
    review = services.assign(world.user("city_supervisor"), sel, world.user("rev_a"))
    url = reverse("reviews:review_detail", args=[review.pk])
    text = request_as(client, world.user("rev_a"), url).text
    assert "欧**" in text and "欧阳明" not in text and "330212199001012222" not in text
    text = request_as(client, world.user("city_supervisor"), url).text
    assert "欧阳明" in text and "330212199001012222" not in text


def test_blind_evaluation_in_ui_and_api(client, world, reviewing):
    sel = reviewing.selections.select_related("case").filter(case__case_type="civil").first()
    sup = world.user("city_supervisor")
    evals = {
        kind: services.assign(sup, sel, world.user(name), kind)
        for kind, name in (
            (ReviewKind.SELF, "self_legal"),
            (ReviewKind.QUALITY, "rev_b"),
            (ReviewKind.EXPERT, "rev_a"),
        )
    }
    item = RubricItem.objects.filter(section__rubric=evals["self"].rubric, code="M3.1").get()
    services.save_draft(
        world.user("self_legal"), evals["self"], {item.pk: (Decimal("6"), "事实认定")}, submit=True
    )
    services.save_draft(world.user("rev_b"), evals["quality"], {}, submit=True)
    page_url = reverse("reviews:selection_detail", args=[sel.pk])
    api_url = f"/api/v1/reviews/selections/{sel.pk}/evaluations/"
    for name in ("rev_a", "city_supervisor"):
        page = request_as(client, world.user(name), page_url)
        assert page.status_code == 200 and "94.00" not in page.text and 'data-testid="blind"' in page.text
        body = request_as(client, world.user(name), api_url, api=True).json()
        assert all(e["reviewer"] == name for e in body)
    body = request_as(client, world.user("rev_b"), api_url, api=True).json()
    assert [e["kind"] for e in body] == ["quality"]
    services.save_draft(world.user("rev_a"), evals["expert"], {}, submit=True)
    body = request_as(client, world.user("rev_a"), api_url, api=True).json()
    assert sorted(e["score"] for e in body) == ["100.00", "100.00", "94.00"]
    page = request_as(client, world.user("city_supervisor"), page_url)
    assert "94.00" in page.text and 'data-testid="blind"' not in page.text


def test_campaign_pages_drive_the_workflow(client, world, make_campaign):
    campaign = make_campaign(reviewers=[world.user("rev_a"), world.user("rev_b")])
    client.force_login(world.user("city_supervisor"))
    client.post(reverse("reviews:campaign_action", args=[campaign.pk, "draw"]), {"seed": "ui"})
    client.post(reverse("reviews:campaign_action", args=[campaign.pk, "start"]))
    client.post(reverse("reviews:campaign_action", args=[campaign.pk, "assign"]))
    campaign.refresh_from_db()
    assert campaign.status == "reviewing" and campaign.seed == "ui"
    assert not campaign.selections.filter(reviews__isnull=True).exists()
    page = client.get(reverse("reviews:campaign_detail", args=[campaign.pk]))
    from django.utils import translation

    from casewatch.reviews.choices import SelectionReason

    with translation.override("zh-hans"):  # why selected, by name (the codes were shown before)
        names = [str(SelectionReason.PETITION.label), str(SelectionReason.REVERSED.label)]
    assert all(n in page.text for n in names), names
    assert "petition:" not in page.text and "reversed:" not in page.text
    export = client.get(reverse("reviews:campaign_export", args=[campaign.pk]))
    assert export.status_code == 200
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    headings = re.findall(r"<th[^>]*>([^<]+)</th>", page.text.split('data-testid="selections"')[1])
    assert header == headings[: len(header)] and "案号" in header  # one table: page and export
    assert sheet.max_row == campaign.selections.count() + 1
    client.force_login(world.user("rev_a"))
    assert "2024" in client.get(reverse("reviews:queue")).text
    assert client.post(reverse("reviews:campaign_action", args=[campaign.pk, "close"])).status_code == 403


def test_rubric_xlsx_round_trip(client, world):
    from casewatch.reviews.models import Rubric
    from casewatch.reviews.rubrics import export_xlsx, import_xlsx, to_dict

    rubric = Rubric.objects.get(code="POL-CRIM")
    again = import_xlsx(export_xlsx(rubric))
    assert again.version == rubric.version + 1
    a, b = to_dict(rubric), to_dict(again)
    a.pop("version"), b.pop("version")
    assert a["sections"][0]["items"][0]["code"] == b["sections"][0]["items"][0]["code"]
    assert [s["title"] for s in a["sections"]] == [s["title"] for s in b["sections"]]
    client.force_login(world.user("city_supervisor"))
    response = client.get(reverse("reviews:rubric_detail", args=[rubric.pk]) + "?format=xlsx")
    assert response.status_code == 200


def test_api_saves_a_draft_and_refuses_a_locked_review(client, world, reviewing):
    import json

    from casewatch.core.models import ApiToken
    from casewatch.core.testing import assert_json_error
    from casewatch.core.tests.factories import token_expiry

    sel = reviewing.selections.select_related("case").filter(case__case_type="civil").first()
    review = services.assign(world.user("city_supervisor"), sel, world.user("rev_a"))
    item = RubricItem.objects.get(section__rubric=review.rubric, code="M3.3")
    _token, raw = ApiToken.issue(world.user("rev_a"), "t", token_expiry())
    url = f"/api/v1/reviews/reviews/{review.pk}/"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "content_type": "application/json"}
    body = {
        "scores": [{"item_id": item.pk, "points": "6", "reason": "适用法律错误"}],
        "comments": "",
        "submit": True,
    }
    response = client.put(url, json.dumps(body), **auth)
    assert (
        response.status_code == 200
        and response.json()["grade"] == "优秀"
        and response.json()["status"] == "submitted"
    )
    assert_json_error(client.put(url, json.dumps(body), **auth), 422)


def test_campaign_summary_queries_do_not_grow_with_the_cases(world, reviewing):
    """The summary reads each case's result and three-way agreement from prefetched reviews and
    panels (it ran 3 queries per selected case), and names problem statuses instead of codes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casewatch.reviews import reports
    from casewatch.reviews.models import Selection

    sup = world.user("city_supervisor")
    reports.summary(sup, reviewing)  # the user's scope is read once and kept on the user
    with CaptureQueriesContext(connection) as before:
        first = reports.summary(sup, reviewing)
    chosen = set(reviewing.selections.values_list("case_id", flat=True))
    for case in [c for c in world.court_cases if c.pk not in chosen][:6]:
        Selection.objects.create(campaign=reviewing, case=case, reasons=[])
    with CaptureQueriesContext(connection) as after:
        second = reports.summary(sup, reviewing)
    assert second["selected"] == first["selected"] + 6
    assert len(after) == len(before)

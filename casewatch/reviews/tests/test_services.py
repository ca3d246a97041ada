"""Sampling, conflicts of interest, scoring and grades, blind three-way evaluation, panels."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog
from casewatch.reviews import casetags, evaluations, guards, sampling, services
from casewatch.reviews.choices import ConflictLevel, PanelTrigger, ReviewKind
from casewatch.reviews.models import PanelDecision, Rubric, RubricItem, Selection


def _selection(campaign):
    return {
        s.case_id: sorted(r["code"] for r in s.reasons) for s in Selection.objects.filter(campaign=campaign)
    }


# --- sampling ----------------------------------------------------------------------------------


def test_draw_is_reproducible_from_the_seed_and_frozen(world, make_campaign):
    sup = world.user("city_supervisor")
    campaign = make_campaign()
    services.run_draw(sup, campaign, "seed-1")
    first = _selection(campaign)
    services.run_draw(sup, campaign, "seed-1")
    assert _selection(campaign) == first
    services.run_draw(sup, campaign, "seed-2")
    second = _selection(campaign)
    services.run_draw(sup, campaign, "seed-1")
    assert _selection(campaign) == first and second != first
    services.start_reviewing(sup, campaign)
    log = AuditLog.objects.filter(action=AuditAction.TRANSITION, object_id=str(campaign.pk)).first()
    assert log.after["seed"] == "seed-1" and sorted(log.after["selected_case_ids"]) == sorted(first)
    # anyone can recompute the frozen list from the audited seed
    again = sampling.draw_sample(campaign, log.after["seed"])
    assert sorted(again["selection"]) == sorted(first)
    assert again["fingerprint"] == log.after["fingerprint"]
    with pytest.raises(ValidationError):
        services.run_draw(sup, campaign, "seed-3")
    with pytest.raises(ValidationError):
        services.pick_case(sup, campaign, world.court_cases[0], "late pick")


def test_mandatory_inclusions_carry_their_reasons(world, make_campaign):
    campaign = make_campaign(sample_rate=Decimal("0"))
    services.run_draw(world.user("city_supervisor"), campaign, "x")
    sel = _selection(campaign)
    assert sel == {world.reversed_case.pk: ["reversed"], world.petition_case.pk: ["petition"]}


def test_minimum_per_handler_and_caps(world, make_campaign):
    sup = world.user("city_supervisor")
    campaign = make_campaign(
        sample_rate=Decimal("0"), min_per_handler=2, include_reversed=False, include_petitions=False
    )
    services.run_draw(sup, campaign, "m")
    per_judge = Counter(
        s.case.handler_id for s in Selection.objects.filter(campaign=campaign).select_related("case")
    )
    assert all(per_judge[j.staff_no] == 2 for j in world.judges)
    campaign = make_campaign(
        sample_rate=Decimal("1"),
        max_per_unit=5,
        max_per_handler=3,
        include_reversed=False,
        include_petitions=False,
    )
    services.run_draw(sup, campaign, "c")
    rows = Selection.objects.filter(campaign=campaign).select_related("case")
    assert max(Counter(s.case.unit_id for s in rows).values()) <= 5
    assert max(Counter(s.case.handler_id for s in rows).values()) <= 3
    assert len(rows) == 15  # three units, capped at five each


def test_fixed_sample_size_is_split_over_strata(world, make_campaign):
    campaign = make_campaign(sample_size=10, include_reversed=False, include_petitions=False)
    services.run_draw(world.user("city_supervisor"), campaign, "s")
    rows = list(Selection.objects.filter(campaign=campaign))
    assert len(rows) == 10
    assert all(r.reason_codes == ["random"] for r in rows)
    # 12 cases per stratum: 10 × 12 / 36 = 3.33 each; the largest remainders tie, so key order decides
    assert Counter(r.stratum for r in rows) == {
        "330212-CRT-MS1|civil": 4,
        "330212-CRT-MS2|civil": 3,
        "330212-CRT-XS|criminal": 3,
    }


def test_pick_needs_a_reason_and_survives_a_redraw(world, make_campaign):
    sup = world.user("city_supervisor")
    campaign = make_campaign(sample_rate=Decimal("0"))
    case = world.court_cases[10]
    with pytest.raises(ValidationError):
        services.pick_case(sup, campaign, case, " ")
    services.pick_case(sup, campaign, case, "院长关注")
    services.run_draw(sup, campaign, "p")
    assert _selection(campaign)[case.pk] == ["pick"]


# --- reviewers ---------------------------------------------------------------------------------


def test_conflict_of_interest_refusals(world, reviewing):
    sup = world.user("city_supervisor")
    sel = Selection.objects.filter(campaign=reviewing, case__handler=world.judges[0]).first()
    if sel is None:
        sel = Selection.objects.create(campaign=reviewing, case=world.court_cases[0], reasons=[])
    for name in ("rev_judge", "rev_same_unit", "rev_narrow"):
        with pytest.raises(ValidationError) as err:
            services.assign(sup, sel, world.user(name))
        assert err.value.code == "conflict", name
    assert services.conflict(reviewing, sel.case, world.user("rev_agency")) is None
    reviewing.conflict_level = ConflictLevel.AGENCY
    assert services.conflict(reviewing, sel.case, world.user("rev_agency"))
    reviewing.conflict_level = ConflictLevel.HANDLER
    assert services.conflict(reviewing, sel.case, world.user("rev_same_unit")) is None
    assert services.conflict(reviewing, sel.case, world.user("rev_judge"))
    with pytest.raises(PermissionDenied):
        services.assign(world.user("rev_a"), sel, world.user("rev_b"))


def test_balanced_assignment_and_reassignment(world, reviewing):
    sup = world.user("city_supervisor")
    made = services.auto_assign(sup, reviewing)
    load = Counter(reviewing.selections.values_list("reviews__reviewer__username", flat=True))
    assert made == reviewing.selections.count() and abs(load["rev_a"] - load["rev_b"]) <= 1
    review = reviewing.selections.first().reviews.get()
    other = world.user("rev_b" if review.reviewer.username == "rev_a" else "rev_a")
    with pytest.raises(ValidationError):
        services.reassign(sup, review, other, "")
    services.reassign(sup, review, other, "回避")
    review.refresh_from_db()
    assert review.reviewer == other and review.reassignments.get().reason == "回避"


# --- scoring and grades ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "score", "grade"),
    [
        ("CRT-CIV", 95, "优秀"),
        ("CRT-CIV", 80, "合格"),
        ("CRT-CIV", 60, "基本合格"),
        ("CRT-CIV", 59.5, "不合格"),
        ("PRO-REV", 90, "优质"),
        ("POL-CRIM", 70, "达标"),
        ("POL-CRIM", 69.99, "不达标"),
        ("POL-CRIM", 100, "优秀"),
    ],
)
def test_grade_bands(world, code, score, grade):
    assert Rubric.objects.get(code=code).grade_for(Decimal(str(score))) == grade


def test_every_case_type_has_a_sample_rubric_of_100_points(world):
    types = set(Rubric.objects.values_list("case_type", flat=True))
    assert types == {
        "police_criminal",
        "police_public_order",
        "prosecution_review",
        "criminal",
        "civil",
        "administrative",
        "enforcement",
    }


def _review(world, reviewing, reviewer="rev_a", kind=ReviewKind.REVIEW):
    sel = reviewing.selections.select_related("case").filter(case__case_type="civil").first()
    return services.assign(world.user("city_supervisor"), sel, world.user(reviewer), kind)


def test_scoring_reasons_caps_lock_and_problem(world, reviewing):
    review = _review(world, reviewing)
    rev = world.user("rev_a")
    items = {i.code: i for i in RubricItem.objects.filter(section__rubric=review.rubric)}
    with pytest.raises(ValidationError) as err:
        services.save_draft(rev, review, {items["M2.1"].pk: (Decimal("3"), "")})
    assert err.value.code == "reason_required"
    with pytest.raises(ValidationError):
        services.save_draft(rev, review, {items["M1.1"].pk: (Decimal("2"), "超过上限")})
    with pytest.raises(PermissionDenied):
        services.save_draft(world.user("rev_b"), review, {})
    # section 立案程序 is capped at 5 although its items add up to 5 anyway; 裁判文书 4.7 max 5
    entries = {
        items["M2.4"].pk: (Decimal("5"), "合议庭组成不当"),
        items["M4.7"].pk: (Decimal("5"), "文字差错"),
        items["M3.3"].pk: (Decimal("6"), "适用法律错误"),
        items["M9.1"].pk: (Decimal("1"), ""),
    }
    review = services.save_draft(rev, review, entries, "draft")
    assert review.score == Decimal("85") and review.grade == "合格" and not review.locked
    review = services.save_draft(rev, review, entries, "final", submit=True)
    assert review.locked
    with pytest.raises(ValidationError):
        services.save_draft(rev, review, entries)
    score = review.scores.get(item=items["M2.4"])
    problem = services.raise_problem(rev, score, measure="correct_error")
    assert (problem.source, problem.case_id, problem.unit_id, problem.measure) == (
        "review",
        review.case_id,
        review.case.unit_id,
        "correct_error",
    )
    assert "M2.4" in problem.title and problem.responsible == review.case.handler
    assert services.raise_problem(rev, score).pk == problem.pk  # idempotent
    with pytest.raises(ValidationError):
        services.raise_problem(rev, review.scores.get(item=items["M9.1"]))


# --- three-way evaluation ----------------------------------------------------------------------


def _three_way(world, reviewing):
    sel = reviewing.selections.select_related("case").filter(case__case_type="civil").first()
    sup = world.user("city_supervisor")
    out = {}
    for kind, name in (
        (ReviewKind.SELF, "self_legal"),
        (ReviewKind.QUALITY, "rev_b"),
        (ReviewKind.EXPERT, "rev_a"),
    ):
        out[kind] = services.assign(sup, sel, world.user(name), kind)
    return sel, out


def _score(world, review, points):
    item = RubricItem.objects.filter(section__rubric=review.rubric, positive=False, max_points__gte=6).first()
    entries = {item.pk: (Decimal(points), "扣分")} if points else {}
    return services.save_draft(world.user(review.reviewer.username), review, entries, submit=True)


def test_blind_until_all_submitted_and_disagreement_opens_a_panel(world, reviewing):
    sel, evals = _three_way(world, reviewing)
    _score(world, evals[ReviewKind.SELF], 0)
    _score(world, evals[ReviewKind.QUALITY], 6)
    expert = world.user("rev_a")
    seen = evaluations.visible_evaluations(expert, sel)
    assert [r.kind for r in seen] == [ReviewKind.EXPERT]
    assert [r.kind for r in evaluations.visible_evaluations(world.user("city_supervisor"), sel)] == []
    assert not PanelDecision.objects.filter(selection=sel).exists()
    _score(world, evals[ReviewKind.EXPERT], 6)  # 100 / 94 / 94: grades 优秀 all, gap 6 < 10
    assert len(evaluations.visible_evaluations(expert, sel)) == 3
    assert not PanelDecision.objects.filter(selection=sel).exists()


def test_grade_difference_is_a_disagreement(world, reviewing):
    reviewing.disagreement_threshold = Decimal("50")
    reviewing.save()
    sel, evals = _three_way(world, reviewing)
    _score(world, evals[ReviewKind.SELF], 0)
    _score(world, evals[ReviewKind.EXPERT], 0)
    items = RubricItem.objects.filter(
        section__rubric=evals[ReviewKind.QUALITY].rubric, section__title="实体处理"
    )
    entries = {i.pk: (Decimal("6"), "扣分") for i in items[:2]}  # 88: 合格 against 优秀
    services.save_draft(world.user("rev_b"), evals[ReviewKind.QUALITY], entries, submit=True)
    panel = PanelDecision.objects.get(selection=sel)
    assert panel.detail["grades"] == {"self": "优秀", "quality": "合格", "expert": "优秀"}


def test_score_gap_over_threshold_opens_a_panel_and_decision_is_recorded(world, reviewing):
    reviewing.disagreement_threshold = Decimal("5")
    reviewing.save()
    sel, evals = _three_way(world, reviewing)
    _score(world, evals[ReviewKind.SELF], 0)
    _score(world, evals[ReviewKind.QUALITY], 6)
    _score(world, evals[ReviewKind.EXPERT], 6)
    panel = PanelDecision.objects.get(selection=sel)
    assert panel.trigger == PanelTrigger.DISAGREEMENT and panel.detail["gap"] == "6.00"
    sup = world.user("city_supervisor")
    with pytest.raises(ValidationError):
        evaluations.decide_panel(sup, panel, grade="优秀", score=Decimal("94"), reasoning="")
    evaluations.decide_panel(sup, panel, grade="优秀", score=Decimal("94"), reasoning="合议认定")
    sel.refresh_from_db()
    assert evaluations.final_result(sel) == (Decimal("94"), "优秀")


def test_petition_panel_records_the_petition_outcome(world, reviewing):
    sup = world.user("city_supervisor")
    sel = reviewing.selections.get(case=world.petition_case)
    panel = evaluations.open_petition_panel(sup, sel, world.petition)
    with pytest.raises(ValidationError):
        evaluations.decide_panel(
            sup, panel, grade="合格", score=Decimal("80"), reasoning="维持", petition_outcome=""
        )
    evaluations.decide_panel(
        sup, panel, grade="合格", score=Decimal("80"), reasoning="维持", petition_outcome="settled"
    )
    world.petition.refresh_from_db()
    assert world.petition.outcome == "settled" and world.petition.closed_at is not None


# --- 四类案件 and 一案双查 ----------------------------------------------------------------------


def test_four_types_tag_trail_and_sampling(world, make_campaign):
    sup = world.user("city_supervisor")
    case = world.court_cases[30]
    tag = casetags.tag_case(sup, case, "mass", "群体性纠纷")
    casetags.tag_trail(sup, tag, "progress_report", "院庭长要求报告进展")
    assert list(tag.trail.values_list("action", flat=True)) == ["tagged", "progress_report"]
    campaign = make_campaign(sample_rate=Decimal("0"))
    services.run_draw(sup, campaign, "t")
    assert _selection(campaign)[case.pk] == ["four_types"]
    casetags.tag_trail(sup, tag, "removed", "监管结束")
    tag.refresh_from_db()
    assert tag.removed_at is not None


def test_dual_check_two_tracks(world):
    sup = world.user("city_supervisor")
    check = casetags.open_dual_check(
        sup, world.court_cases[0], "信访举报", world.user("rev_a"), world.user("rev_b")
    )
    handling, discipline = check.parts.order_by("track")
    assert {handling.track, discipline.track} == {"handling", "discipline"}
    with pytest.raises(PermissionDenied):
        casetags.conclude_part(world.user("rev_a"), check.parts.get(reviewer__username="rev_b"), "x")
    casetags.conclude_part(world.user("rev_a"), check.parts.get(reviewer__username="rev_a"), "存在消极执行")
    with pytest.raises(ValidationError):
        casetags.open_dual_check(sup, world.court_cases[0], "x", world.user("rev_a"), world.user("rev_a"))


def test_campaign_status_is_checked_inside_the_transaction(world, make_campaign, monkeypatch):
    """Another supervisor froze the list between our read and our write: the redraw must see it
    (the status is re-read under a row lock inside the transaction), not act on what it read."""
    from casewatch.reviews.models import Campaign

    sup = world.user("city_supervisor")
    campaign = make_campaign()
    services.run_draw(sup, campaign, "seed-1")
    stale = Campaign.objects.get(pk=campaign.pk)  # read while sampling
    services.start_reviewing(sup, campaign)  # meanwhile: frozen
    assert stale.status == "sampling", stale.status
    monkeypatch.setattr(services, "get_scoped_or_404", lambda *args, **kwargs: stale)
    with pytest.raises(ValidationError) as refused:
        services.run_draw(sup, stale, "seed-2")
    from django.utils.translation import gettext

    expected = _status_message(Campaign.objects.get(pk=campaign.pk), gettext("drawn"))
    assert refused.value.messages == [str(expected)], refused.value.messages
    with pytest.raises(ValidationError):
        services.pick_case(sup, stale, world.court_cases[0], "late pick")
    assert Campaign.objects.get(pk=campaign.pk).seed == "seed-1"


def _status_message(campaign, verb):
    try:
        guards.check_status(campaign, (), verb)
    except ValidationError as exc:
        return exc.messages[0]

"""The daily tick under a travelling clock: overdue marks and notifications, escalation after the
grace period, order escalation one level at a time, accountability triggers, digests."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from casewatch.core import jobs
from casewatch.core.choices import JobStatus
from casewatch.problems import notifications, services_accountability, services_orders
from casewatch.problems.choices import (
    EmailMode,
    OrderLevel,
    OrderOrigin,
    Outcome,
    ProblemStatus,
    ReviewStatus,
    Severity,
)
from casewatch.problems.models import (
    AccountabilityReview,
    AccountabilityRule,
    Notification,
    Problem,
    SupervisionOrder,
)
from casewatch.problems.tasks import tick

from .conftest import UNIT_IN, make_problem

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def _day(n: int) -> dt.datetime:
    return START + dt.timedelta(days=n)


def test_overdue_escalation_and_order_escalation(world, settings):
    settings.PROBLEMS_ESCALATION_GRACE_DAYS = 7
    settings.PROBLEMS_ORDER_DAYS = 15
    handler, sup = world.user("handler"), world.user("haishu_sup")
    with time_machine.travel(START, tick=False):
        problem = make_problem(
            status=ProblemStatus.RECTIFYING, assignee=handler, deadline=dt.date(2026, 3, 10)
        )
        done = make_problem(status=ProblemStatus.VERIFIED, assignee=handler, deadline=dt.date(2026, 3, 10))
        assert tick()["marked_overdue"] == 0

    with time_machine.travel(_day(9), tick=False):  # 11 March: one day overdue
        result = tick()
        assert result["marked_overdue"] == 1 and result["escalated_problems"] == 0
        problem.refresh_from_db()
        assert problem.overdue_marked_at is not None
        assert Notification.objects.filter(recipient=handler, kind="overdue", problem=problem).count() == 1
        assert Notification.objects.filter(recipient=sup, kind="overdue", problem=problem).count() == 1
        assert not Notification.objects.filter(problem=done).exists()
        # Idempotent: a second run the same day marks and tells nobody again.
        assert tick()["marked_overdue"] == 0
        assert Notification.objects.filter(kind="overdue", problem=problem).count() == 2

    with time_machine.travel(_day(15), tick=False):  # 17 March: 7 days overdue, still within grace
        assert tick()["escalated_problems"] == 0

    with time_machine.travel(_day(16), tick=False):  # 18 March: 8 days overdue → supervision order
        assert tick()["escalated_problems"] == 1
        order = SupervisionOrder.objects.get(problem=problem)
        assert order.origin == OrderOrigin.ESCALATION and order.level == OrderLevel.DISTRICT
        assert order.deadline == dt.date(2026, 4, 2) and order.unit_id == UNIT_IN
        assert Notification.objects.filter(recipient=world.users["city_sup"], kind="escalated").exists()
        assert tick()["escalated_problems"] == 0

    with time_machine.travel(_day(32), tick=False):  # 3 April: the order is overdue → city level
        assert tick()["escalated_orders"] == 1
        order.refresh_from_db()
        assert order.level == OrderLevel.CITY and not order.listed and order.escalation_count == 1
        assert order.deadline == dt.date(2026, 4, 18)
        assert tick()["escalated_orders"] == 0

    with time_machine.travel(_day(48), tick=False):  # 19 April: overdue at city level → listed (挂牌)
        assert tick()["escalated_orders"] == 1
        order.refresh_from_db()
        assert order.listed and order.escalation_count == 2

    with time_machine.travel(_day(64), tick=False):  # 5 May: listed and overdue again: flagged once
        assert tick()["escalated_orders"] == 1
        assert tick()["escalated_orders"] == 0
        order.refresh_from_db()
        assert order.escalation_count == 3 and order.level == OrderLevel.CITY


def test_moving_the_deadline_clears_the_overdue_mark(world):
    from casewatch.problems import services

    with time_machine.travel(START, tick=False):
        problem = make_problem(deadline=dt.date(2026, 3, 1))
        tick()
        problem.refresh_from_db()
        assert problem.overdue_marked_at is not None
        services.change_deadline(world.user("haishu_sup"), problem.pk, dt.date(2026, 3, 20), "补充调查")
        problem.refresh_from_db()
        assert problem.overdue_marked_at is None


def test_accountability_triggers_open_reviews_and_people_decide(world):
    today = timezone.localdate()
    for _ in range(3):
        make_problem(severity=Severity.HIGH, created_at=timezone.now() - dt.timedelta(days=10))
    make_problem(severity=Severity.HIGH, unit="330212-CRT-MS1")  # another unit: one serious problem only
    opened = services_accountability.evaluate(today)
    count_rule = AccountabilityRule.objects.get(kind="count")
    reviews = [r for r in opened if r.rule_id == count_rule.pk]
    assert len(reviews) == 1 and reviews[0].unit_id == UNIT_IN and reviews[0].problems.count() == 3
    assert reviews[0].status == ReviewStatus.OPEN and reviews[0].outcome == ""  # never decided by the system
    assert Notification.objects.filter(recipient=world.users["haishu_sup"], kind="accountability").exists()
    # The same problems do not open another review.
    assert services_accountability.evaluate(today) == []
    # A supervisor records the outcome; a handler may not.
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services_accountability.decide(world.user("handler"), reviews[0].pk, Outcome.TALK_REMINDER, "x")
    with pytest.raises(ValidationError):
        services_accountability.decide(world.user("haishu_sup"), reviews[0].pk, Outcome.TALK_REMINDER, "")
    review = services_accountability.decide(
        world.user("haishu_sup"), reviews[0].pk, Outcome.TALK_REMINDER, "约谈庭长"
    )
    assert review.status == ReviewStatus.DECIDED and review.decided_by_id == world.users["haishu_sup"].pk
    with pytest.raises(ValidationError):
        services_accountability.decide(world.user("haishu_sup"), review.pk, Outcome.CRITICISM, "again")


def test_overdue_by_more_than_30_days_opens_a_review(world):
    today = timezone.localdate()
    late = make_problem(deadline=today - dt.timedelta(days=31))
    make_problem(deadline=today - dt.timedelta(days=29))
    opened = services_accountability.evaluate(today)
    overdue_rule = AccountabilityRule.objects.get(kind="overdue")
    (review,) = [r for r in opened if r.rule_id == overdue_rule.pk]
    assert list(review.problems.values_list("pk", flat=True)) == [late.pk]


def test_per_person_trigger(world):
    rule = AccountabilityRule.objects.create(
        name="2 problems of one person in 30 days",
        subject="person",
        kind="count",
        threshold=2,
        window_days=30,
    )
    make_problem(responsible=world.judge)
    make_problem(responsible=world.judge)
    opened = [r for r in services_accountability.evaluate() if r.rule_id == rule.pk]
    assert len(opened) == 1 and opened[0].person_id == world.judge.pk
    rows = services_accountability.stats(world.user("city_sup"), by="person")
    assert rows[0]["name"] == "陈法官" and rows[0]["total"] == 2 and rows[0]["open_reviews"] == 1


def test_immediate_mail_and_daily_digest(world, django_capture_on_commit_callbacks):
    from casewatch.problems import services

    handler = world.user("handler")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(world.user("haishu_sup"), make_problem().pk, handler)
    assert [m.to for m in mail.outbox] == [[handler.email]]
    notifications.set_email_mode(handler, EmailMode.DAILY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(world.user("haishu_sup"), make_problem().pk, handler)
        services.assign(world.user("haishu_sup"), make_problem().pk, handler)
    assert mail.outbox == []  # digest users get nothing immediately
    assert notifications.send_digests() == 1
    assert len(mail.outbox) == 1 and "2" in mail.outbox[0].subject
    assert notifications.send_digests() == 0  # once a day


def test_command_and_job(world, capsys):
    make_problem(deadline=timezone.localdate() - dt.timedelta(days=2))
    call_command("problems-tick", "--no-digest")
    assert '"marked_overdue": 1' in capsys.readouterr().out
    call_command("problems-tick", "--enqueue")
    jobs.run_pending()
    from casewatch.core.models import Job

    job = Job.objects.filter(kind="problems.tick").latest("id")
    assert job.status == JobStatus.SUCCEEDED and job.result["marked_overdue"] == 0


def test_supervision_order_lifecycle(world):
    from django.core.exceptions import PermissionDenied

    sup = world.user("haishu_sup")
    problem = make_problem()
    deadline = timezone.localdate() + dt.timedelta(days=10)
    with pytest.raises(PermissionDenied):  # a district/agency supervisor cannot issue city-level orders
        services_orders.issue_order(
            sup, title="督办", instructions="限期", deadline=deadline, problem=problem, level="city"
        )
    order = services_orders.issue_order(
        sup, title="督办", instructions="限期办结", deadline=deadline, problem=problem
    )
    assert order.level == OrderLevel.DISTRICT and order.unit_id == UNIT_IN
    assert Notification.objects.filter(recipient=world.users["haishu_legal"], kind="order_issued").exists()
    lead = services_orders.issue_order(
        world.user("city_sup"),
        title="虚假诉讼线索",
        instructions="核查",
        deadline=deadline,
        unit="330203-CRT",
        lead_ref="FL-22",
        listed=True,
    )
    assert lead.level == OrderLevel.CITY and lead.listed and lead.lead_ref == "FL-22"
    services_orders.file_report(world.user("haishu_legal"), order.pk, "已完成复核")
    assert Notification.objects.filter(recipient=sup, kind="order_report").exists()
    with pytest.raises(PermissionDenied):
        services_orders.close_order(world.user("handler"), order.pk, "done")
    with pytest.raises(PermissionDenied):  # city-level orders are closed at city level
        services_orders.close_order(sup, lead.pk, "done")
    services_orders.close_order(sup, order.pk, "整改到位")
    order.refresh_from_db()
    assert order.status == "closed"
    from django.http import Http404

    with pytest.raises(Http404):
        services_orders.file_report(world.user("yinzhou_handler"), lead.pk, "x")


def test_tick_is_quiet_without_problems(world):
    assert tick()["marked_overdue"] == 0
    assert Problem.objects.count() == 0
    assert AccountabilityReview.objects.count() == 0

"""One transition table for the problem workflow (issue 12, item 12): the page, the API and bulk
all dispatch through `services.move` / `services.TRANSITIONS`; bulk input is a Django form, so a
malformed selection is refused with a reason instead of being silently trimmed."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from casewatch.core.models import ApiToken
from casewatch.problems import services, views
from casewatch.problems.choices import ProblemStatus
from casewatch.problems.models import Problem
from casewatch.problems.tests.conftest import make_problem


def test_every_entry_point_uses_the_one_table(client, world, monkeypatch):
    assert set(views.PAGE_MOVES) == set(services.TRANSITIONS)
    assert services.BULK_MOVES <= set(services.TRANSITIONS)
    calls = []
    real = services.move

    def spy(user, pk, action, **inputs):
        calls.append(action)
        return real(user, pk, action, **inputs)

    monkeypatch.setattr(services, "move", spy)
    sup = world.user("haishu_sup")
    handler = world.users["handler"]
    # the page
    first = make_problem()
    client.force_login(sup)
    client.post(reverse("problems:problem_action", args=[first.pk, "assign"]), {"assignee": handler.pk})
    assert Problem.objects.get(pk=first.pk).status == ProblemStatus.ASSIGNED
    # the API
    second = make_problem()
    _t, raw = ApiToken.issue(sup, "t", timezone.now() + dt.timedelta(days=1))
    r = client.post(
        f"/api/v1/problems/{second.pk}/transitions",
        json.dumps({"action": "dismiss", "reason": "重复录入"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 200, r.content
    # bulk
    third = make_problem()
    client.post(reverse("problems:problem_bulk"), {"ids": [third.pk], "action": "dismiss", "reason": "重复"})
    assert Problem.objects.get(pk=third.pk).status == ProblemStatus.DISMISSED
    assert calls == ["assign", "dismiss", "dismiss"]


def test_unknown_move_is_refused_everywhere(client, world):
    sup = world.user("haishu_sup")
    problem = make_problem()
    _t, raw = ApiToken.issue(sup, "t", timezone.now() + dt.timedelta(days=1))
    r = client.post(
        f"/api/v1/problems/{problem.pk}/transitions",
        json.dumps({"action": "teleport"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 422
    client.force_login(sup)
    assert client.post(reverse("problems:problem_action", args=[problem.pk, "teleport"])).status_code == 404
    client.post(reverse("problems:problem_bulk"), {"ids": [problem.pk], "action": "start"})  # not a bulk move
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.OPEN


def test_bulk_refuses_a_malformed_selection_and_does_nothing(client, world):
    sup = world.user("haishu_sup")
    problem = make_problem()
    client.force_login(sup)
    response = client.post(
        reverse("problems:problem_bulk"),
        {"ids": [problem.pk, "1;DROP"], "action": "dismiss", "reason": "重复"},
        follow=True,
    )
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.OPEN  # nothing half-done
    text = response.content.decode()
    assert "不是记录编号列表" in text
    response = client.post(
        reverse("problems:problem_bulk"),
        {"ids": [problem.pk], "action": "deadline", "reason": "延期", "deadline": "2026-13-40"},
        follow=True,
    )
    assert Problem.objects.get(pk=problem.pk).deadline == problem.deadline
    assert "新期限" in response.content.decode()  # the field is named in the error

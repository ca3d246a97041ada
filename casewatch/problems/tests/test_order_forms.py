"""Reporting on and closing a supervision order go through Django forms (issue 12, item 12), and
so does the inbox's e-mail setting: malformed input is refused with the field's label and error
in Chinese and English, the order is unchanged (no report, still open, no change audited), and an
order outside the user's scope is 404 before any input is read.

With the hand parsing these replace a text of spaces reached the service (its own message, not
the field's), a 6,000-character report was stored whole, and an unknown e-mail mode was ignored
without a word."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog
from casewatch.problems import notifications
from casewatch.problems.models import ProgressReport, SupervisionOrder

from .conftest import UNIT_IN, make_problem

pytestmark = pytest.mark.django_db

CHANGES = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE, AuditAction.TRANSITION)


def post_in_both(user, url, data) -> tuple[str, str]:
    """POST as `user` in Chinese and in English; the error messages on the page it returns to."""
    out = []
    for lang in ("zh-hans", "en"):
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = lang
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, (url, data, response.status_code)
        out.append(" | ".join(re.findall(r'<li class="msg-error">(.*?)</li>', response.text, re.S)))
    return out[0], out[1]


@pytest.fixture
def order(world):
    problem = make_problem(title="督办问题", assignee=world.users["handler"])
    return SupervisionOrder.objects.create(
        title="督办问题",
        problem=problem,
        unit_id=UNIT_IN,
        instructions="限期整改",
        deadline=timezone.localdate(),
        issued_by=world.users["city_sup"],
    )


def _state(order):
    order.refresh_from_db()
    return (
        order.status,
        order.closing_note,
        ProgressReport.objects.filter(order=order).count(),
        AuditLog.objects.filter(action__in=CHANGES).count(),
    )


def test_report_and_close_refuse_malformed_input(world, order):
    before = _state(order)
    report = reverse("problems:order_action", args=[order.pk, "report"])
    close = reverse("problems:order_action", args=[order.pk, "close"])
    for data in ({}, {"text": "   "}):
        zh, en = post_in_both(world.users["handler"], report, data)
        assert zh == "进度: 这个字段是必填项。" and en == "Progress: This field is required.", data
    zh, en = post_in_both(world.users["handler"], report, {"text": "整" * 6000})
    assert "确保该变量包含不超过 5000 字符" in zh
    assert en == "Progress: Ensure this value has at most 5000 characters (it has 6000)."
    zh, en = post_in_both(world.users["city_sup"], close, {"note": " "})
    assert zh == "办结说明: 这个字段是必填项。" and en == "Closing note: This field is required."
    zh, en = post_in_both(world.users["city_sup"], close, {"note": "x" * 2001})
    assert en == "Closing note: Ensure this value has at most 2000 characters (it has 2001)."
    assert _state(order) == before
    outsider = Client()
    outsider.force_login(world.users["yinzhou_sup"])
    for url, data in ((report, {"text": "已整改"}), (close, {"note": "办结"}), (report, {})):
        assert outsider.post(url, data).status_code == 404
    assert _state(order) == before
    # well-formed input still works
    post_in_both(world.users["handler"], report, {"text": "已整改完毕"})
    assert ProgressReport.objects.filter(order=order).count() == 2


def test_inbox_email_mode(world):
    user = world.users["handler"]
    mode = notifications.email_mode(user)
    zh, en = post_in_both(user, reverse("problems:inbox"), {"email_mode": "hourly"})
    assert "hourly 不在可用的选项中" in zh
    assert en == "E-mail me: Select a valid choice. hourly is not one of the available choices."
    assert notifications.email_mode(user) == mode

"""Pages and API through one permission matrix (anonymous / role without the action / in scope /
out of scope), plus the workflow driven through the pages and the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from casewatch.core.choices import AuditAction
from casewatch.core.models import ApiToken, AuditLog
from casewatch.problems.choices import ProblemStatus
from casewatch.problems.models import AccountabilityReview, AccountabilityRule, SupervisionOrder

from .conftest import UNIT_IN, make_problem, pdf_bytes

S = ProblemStatus
MARKER = "标记问题甲"


@pytest.fixture
def items(world):
    problem = make_problem(title=MARKER, status=S.SUBMITTED, assignee=world.users["handler"])
    order = SupervisionOrder.objects.create(
        title=MARKER,
        problem=problem,
        unit_id=UNIT_IN,
        instructions="限期整改",
        deadline=timezone.localdate(),
        listed=True,
    )
    review = AccountabilityReview.objects.create(
        rule=AccountabilityRule.objects.first(), subject="unit", unit_id=UNIT_IN, summary=MARKER
    )
    return {"problem": problem, "order": order, "review": review}


def _get(client, user, url, api=False):
    client.logout()
    headers = {}
    if user is not None:
        if api:
            _t, raw = ApiToken.issue(user, "t", timezone.now() + dt.timedelta(days=1))
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        else:
            client.force_login(user)
    return client.get(url, **headers)


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(raw), ensure_ascii=False)
    if "spreadsheetml" in response.get("Content-Type", ""):
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(str(v) for row in book.active.iter_rows(values_only=True) for v in row)
    return raw.decode("utf-8", "replace")


#: name, url template, kind, api, {cell: expected status}; "list" answers 200 without the marker
#: out of scope, "detail" 404 (audited); roles without the action 403.
PROBES = [
    ("list", "/problems/", "list", False, {}),
    ("detail", "/problems/{problem}/", "detail", False, {}),
    ("export", "/problems/?export=xlsx", "list", False, {"denied": ("handler", 403)}),
    ("order-list", "/problems/orders/", "list", False, {}),
    ("order-detail", "/problems/orders/{order}/", "detail", False, {}),
    ("review", "/problems/accountability/reviews/{review}/", "detail", False, {}),
    ("accountability", "/problems/accountability/", "list", False, {}),
    ("board", "/problems/board/", "list", False, {}),
    ("weekly", "/problems/reports/weekly/", "list", False, {"denied": ("handler", 403), "marker": False}),
    ("notice", "/problems/board/notice/", "list", False, {"denied": ("haishu_legal", 403), "marker": False}),
    ("api-list", "/api/v1/problems/", "list", True, {}),
    ("api-detail", "/api/v1/problems/{problem}", "detail", True, {}),
    ("api-orders", "/api/v1/problems/orders", "list", True, {}),
    ("api-order", "/api/v1/problems/orders/{order}", "detail", True, {}),
    ("api-board", "/api/v1/problems/board", "list", True, {"marker": False}),
    ("api-reviews", "/api/v1/problems/accountability/reviews", "list", True, {}),
]

CELLS = ["anonymous", "in_scope", "out_of_scope", "denied"]


def _params():
    out = []
    for name, url, kind, api, extra in PROBES:
        for cell in CELLS:
            if cell == "denied" and "denied" not in extra:
                continue
            out.append(pytest.param(name, url, kind, api, extra, cell, id=f"{name}-{cell}"))
    return out


@pytest.mark.parametrize(("name", "url", "kind", "api", "extra", "cell"), _params())
def test_permission_matrix(world, client, items, name, url, kind, api, extra, cell):
    url = url.format(**{k: v.pk for k, v in items.items()})
    user = {
        "anonymous": None,
        "in_scope": world.user("haishu_sup"),
        "out_of_scope": world.user("yinzhou_sup"),
        "denied": world.user(extra["denied"][0]) if "denied" in extra else None,
    }[cell]
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = _get(client, user, url, api)
    status = response.status_code
    if cell == "anonymous":
        assert status == (401 if api else 302), name
        return
    if cell == "denied":
        assert status == extra["denied"][1], name
        return
    check_marker = extra.get("marker", True)
    if cell == "in_scope":
        assert status == 200, (name, status)
        if check_marker:
            assert MARKER in _body(response), name
        return
    # out of scope
    if kind == "list":
        assert status == 200
        if check_marker:
            assert MARKER not in _body(response), name
    else:
        assert status == 404, (name, status)
        assert MARKER not in _body(response)
        assert AuditLog.objects.filter(id__gt=last, action=AuditAction.ACCESS_DENIED).exists(), name


def test_board_api_out_of_scope_counts_nothing(world, client, items):
    response = _get(client, world.user("yinzhou_sup"), "/api/v1/problems/board", api=True)
    assert response.json()["totals"]["found"] == 0
    response = _get(client, world.user("haishu_sup"), "/api/v1/problems/board", api=True)
    assert response.json()["totals"]["found"] == 1


def test_pages_drive_the_workflow(world, client):
    handler = world.user("handler")
    sup = world.user("haishu_sup")
    problem = make_problem(status=S.OPEN)
    client.force_login(sup)
    url = lambda action: reverse("problems:problem_action", args=[problem.pk, action])  # noqa: E731
    assert client.post(url("assign"), {"assignee": handler.pk}).status_code == 302
    client.force_login(handler)
    page = client.get(reverse("problems:problem_detail", args=[problem.pk])).content.decode()
    assert 'data-testid="start"' in page
    client.post(url("start"))
    from casewatch.problems.evidence import as_upload

    client.post(url("evidence"), {"file": as_upload(pdf_bytes(), "r.pdf")})
    client.post(url("submit"), {"note": "已整改"})
    client.force_login(sup)
    response = client.post(url("return"), {"reason": ""}, follow=True)  # a reason is required
    problem.refresh_from_db()
    assert problem.status == S.SUBMITTED
    client.post(url("verify"), {"reason": ""})
    problem.refresh_from_db()
    assert problem.status == S.VERIFIED
    # A handler posting a supervisor's move is refused.
    client.force_login(handler)
    assert client.post(url("reopen"), {"reason": "x"}).status_code == 403
    assert response.status_code == 200


def test_api_workflow_and_errors(world, client):
    problem = make_problem(status=S.OPEN)
    sup = world.user("haishu_sup")
    _t, raw = ApiToken.issue(sup, "t", timezone.now() + dt.timedelta(days=1))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    post = lambda url, data: client.post(url, json.dumps(data), content_type="application/json", **auth)  # noqa: E731
    r = post(
        f"/api/v1/problems/{problem.pk}/transitions",
        {"action": "assign", "assignee": world.users["handler"].pk},
    )
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    r = post(f"/api/v1/problems/{problem.pk}/transitions", {"action": "verify"})
    assert r.status_code == 422 and r.json()["code"]
    r = post(f"/api/v1/problems/{problem.pk}/transitions", {"action": "start"})
    assert r.status_code == 403
    r = post(
        "/api/v1/problems/",
        {"unit": UNIT_IN, "severity": "high", "title": "人工录入", "source": "supervision"},
    )
    assert r.status_code == 201 and r.json()["deadline"]
    r = client.get("/api/v1/problems/?metric=open&severity=high", **auth)
    assert r.status_code == 200 and r.json()["count"] == 1
    out = make_problem(unit="330212-CRT-MS1")
    r = post(f"/api/v1/problems/{out.pk}/transitions", {"action": "dismiss", "reason": "x"})
    assert r.status_code == 404
    # Evidence through the API (multipart), as the handler.
    handler = world.user("handler")
    _t, hraw = ApiToken.issue(handler, "t", timezone.now() + dt.timedelta(days=1))
    hauth = {"HTTP_AUTHORIZATION": f"Bearer {hraw}"}
    client.post(
        f"/api/v1/problems/{problem.pk}/transitions",
        json.dumps({"action": "start"}),
        content_type="application/json",
        **hauth,
    )
    from casewatch.problems.evidence import as_upload

    r = client.post(
        f"/api/v1/problems/{problem.pk}/evidence", {"file": as_upload(pdf_bytes(), "r.pdf")}, **hauth
    )
    assert r.status_code == 201 and r.json()["kind"] == "pdf"
    r = client.post(
        f"/api/v1/problems/{problem.pk}/evidence",
        {"file": as_upload(b"MZ\x90\x00" + b"\x00" * 64, "r.pdf")},
        **hauth,
    )
    assert r.status_code == 422
    r = client.get("/api/v1/problems/notifications/unread", **hauth)
    assert r.json()["unread"] >= 1


def test_inbox_badge_and_reading(world, client, items):
    from casewatch.problems import services

    handler = world.user("handler")
    services.assign(world.user("haishu_sup"), make_problem().pk, handler)
    client.force_login(handler)
    badge = client.get(reverse("problems:inbox_badge")).content.decode()
    assert '<span class="count unread">1</span>' in badge
    page = client.get(reverse("problems:inbox")).content.decode()
    assert "#" in page
    from casewatch.problems.models import Notification

    n = Notification.objects.get(recipient=handler)
    assert client.get(reverse("problems:inbox_open", args=[n.pk])).status_code == 302
    assert '<span class="count">0</span>' in client.get(reverse("problems:inbox_badge")).content.decode()
    client.force_login(world.user("haishu_sup"))  # another person's notification is not found
    assert client.get(reverse("problems:inbox_open", args=[n.pk])).status_code == 404


def test_context_processor_is_lazy(world, rf, django_assert_num_queries):
    from casewatch.problems.context_processors import inbox

    request = rf.get("/")
    request.user = world.user("handler")
    with django_assert_num_queries(0):
        ctx = inbox(request)
    with django_assert_num_queries(1):
        assert ctx["inbox_unread"]() == 0
        assert ctx["inbox_unread"]() == 0


def test_entry_order_and_trigger_pages(world, client):
    from casewatch.problems.models import AccountabilityRule, Problem

    sup = world.user("haishu_sup")
    client.force_login(sup)
    assert client.get(reverse("problems:problem_create")).status_code == 200
    response = client.post(
        reverse("problems:problem_create"),
        {
            "source": "petition",
            "source_ref": "XF-77",
            "unit": UNIT_IN,
            "title": "信访反映久拖不决",
            "description": "当事人反映案件长期未结。",
            "severity": "high",
            "measure": "correct_error",
            "responsible_no": world.judge.staff_no,
        },
    )
    problem = Problem.objects.get(source="petition", source_ref="XF-77")
    assert response.status_code == 302 and problem.responsible_id == world.judge.pk
    page = client.get(reverse("problems:order_create") + f"?problem={problem.pk}")
    assert page.status_code == 200 and "信访反映久拖不决" in page.content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(
        reverse("problems:order_create"),
        {
            "title": "限期办结",
            "unit": UNIT_IN,
            "problem": problem.pk,
            "level": "district",
            "deadline": deadline,
            "instructions": "七日内报告",
        },
    )
    assert response.status_code == 302
    order = SupervisionOrder.objects.get(problem=problem)
    assert client.get(reverse("problems:order_detail", args=[order.pk])).status_code == 200
    client.post(reverse("problems:order_action", args=[order.pk, "list"]))
    order.refresh_from_db()
    assert order.listed
    # Only city-level supervisors configure triggers.
    data = {
        "name": "x",
        "subject": "unit",
        "kind": "count",
        "severity": "",
        "threshold": 5,
        "window_days": 30,
        "overdue_days": 30,
        "active": "on",
    }
    assert client.post(reverse("problems:rule_create"), data).status_code == 403
    client.force_login(world.user("city_sup"))
    assert client.post(reverse("problems:rule_create"), data).status_code == 302
    assert AccountabilityRule.objects.filter(name="x", threshold=5).exists()
    # The handler may not open problems by hand.
    client.force_login(world.user("handler"))
    assert client.get(reverse("problems:problem_create")).status_code == 403

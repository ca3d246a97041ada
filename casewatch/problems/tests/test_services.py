"""The workflow: every transition from every state, per role and scope; opening problems;
the screening hand-over; bulk actions; the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog
from casewatch.problems import services
from casewatch.problems.choices import ProblemAction, ProblemSource, ProblemStatus, Severity
from casewatch.problems.evidence import as_upload
from casewatch.problems.models import Notification, Problem, ProblemEvent

from .conftest import UNIT_IN, UNIT_OUT, make_problem, pdf_bytes

S = ProblemStatus
TOMORROW = timezone.localdate() + dt.timedelta(days=1)

#: action -> (states it is legal from, a user who may do it, how to call it)
MOVES = {
    "assign": (
        {S.OPEN, S.ASSIGNED, S.RECTIFYING},
        "haishu_sup",
        lambda u, p, w: services.assign(u, p.pk, w.users["handler"]),
    ),
    "start": ({S.ASSIGNED}, "handler", lambda u, p, w: services.start(u, p.pk)),
    "submit": ({S.RECTIFYING}, "handler", lambda u, p, w: services.submit(u, p.pk, "已补正签名")),
    "return": ({S.SUBMITTED}, "haishu_sup", lambda u, p, w: services.return_submission(u, p.pk, "材料不全")),
    "verify": ({S.SUBMITTED}, "haishu_sup", lambda u, p, w: services.verify(u, p.pk)),
    "dismiss": (
        {S.OPEN, S.ASSIGNED, S.RECTIFYING, S.SUBMITTED},
        "haishu_sup",
        lambda u, p, w: services.dismiss(u, p.pk, "非问题"),
    ),
    "reopen": (
        {S.VERIFIED, S.DISMISSED},
        "haishu_sup",
        lambda u, p, w: services.reopen(u, p.pk, "复查发现问题"),
    ),
    "deadline": (
        {S.OPEN, S.ASSIGNED, S.RECTIFYING, S.SUBMITTED},
        "haishu_sup",
        lambda u, p, w: services.change_deadline(u, p.pk, TOMORROW, "需要更多时间"),
    ),
}

#: Where a legal move ends.
RESULT = {
    "assign": {S.OPEN: S.ASSIGNED, S.ASSIGNED: S.ASSIGNED, S.RECTIFYING: S.RECTIFYING},
    "start": {S.ASSIGNED: S.RECTIFYING},
    "submit": {S.RECTIFYING: S.SUBMITTED},
    "return": {S.SUBMITTED: S.RECTIFYING},
    "verify": {S.SUBMITTED: S.VERIFIED},
    "dismiss": {s: S.DISMISSED for s in (S.OPEN, S.ASSIGNED, S.RECTIFYING, S.SUBMITTED)},
    "reopen": {S.VERIFIED: S.ASSIGNED, S.DISMISSED: S.ASSIGNED},
    "deadline": {s: s for s in (S.OPEN, S.ASSIGNED, S.RECTIFYING, S.SUBMITTED)},
}


def _problem(world, status):
    return make_problem(status=status, assignee=world.users["handler"], with_evidence=True)


@pytest.mark.parametrize("action", sorted(MOVES))
@pytest.mark.parametrize("status", list(S.values))
def test_every_move_from_every_state(world, action, status):
    legal, username, move = MOVES[action]
    problem = _problem(world, status)
    user = world.user(username)
    before = AuditLog.objects.count()
    if status in legal:
        move(user, problem, world)
        problem.refresh_from_db()
        assert problem.status == RESULT[action][status]
        entry = AuditLog.objects.filter(object_type="problems.problem", object_id=str(problem.pk)).latest(
            "id"
        )
        assert entry.action == AuditAction.TRANSITION and entry.user_id == user.pk
        assert entry.before is not None and entry.after is not None
        assert ProblemEvent.objects.filter(problem=problem).exists()
    else:
        with pytest.raises(ValidationError) as exc:
            move(user, problem, world)
        assert exc.value.code == "illegal_transition"
        problem.refresh_from_db()
        assert problem.status == status
        assert AuditLog.objects.count() == before


#: Who may make each move on a problem of 海曙 court's civil division 1 (assigned to `handler`).
#: "ok", 403 (role lacks the action, or not their own work) or 404 (outside their scope).
ROLE_MATRIX = {
    "assign": {
        "city_sup": "ok",
        "haishu_sup": "ok",
        "haishu_legal": "ok",
        "handler": 403,
        "reviewer": 403,
        "auditor": 403,
        "sysadmin": 403,
        "yinzhou_sup": 404,
        "yinzhou_handler": 404,
    },
    "start": {
        "handler": "ok",
        "haishu_legal": "ok",
        "handler2": 403,
        "haishu_sup": 403,
        "city_sup": 403,
        "auditor": 403,
        "reviewer": 403,
        "yinzhou_handler": 404,
    },
    "submit": {
        "handler": "ok",
        "haishu_legal": "ok",
        "handler2": 403,
        "haishu_sup": 403,
        "auditor": 403,
        "yinzhou_handler": 404,
    },
    "return": {
        "haishu_sup": "ok",
        "city_sup": "ok",
        "handler": 403,
        "haishu_legal": 403,
        "reviewer": 403,
        "auditor": 403,
        "yinzhou_sup": 404,
    },
    "verify": {
        "haishu_sup": "ok",
        "city_sup": "ok",
        "handler": 403,
        "haishu_legal": 403,
        "reviewer": 403,
        "auditor": 403,
        "sysadmin": 403,
        "yinzhou_sup": 404,
    },
    "dismiss": {
        "haishu_sup": "ok",
        "city_sup": "ok",
        "handler": 403,
        "haishu_legal": 403,
        "auditor": 403,
        "yinzhou_sup": 404,
    },
    "reopen": {
        "haishu_sup": "ok",
        "city_sup": "ok",
        "handler": 403,
        "haishu_legal": 403,
        "auditor": 403,
        "yinzhou_sup": 404,
    },
    "deadline": {
        "haishu_sup": "ok",
        "city_sup": "ok",
        "handler": 403,
        "haishu_legal": 403,
        "auditor": 403,
        "yinzhou_sup": 404,
    },
}


@pytest.mark.parametrize(
    ("action", "username", "expected"),
    [(a, u, e) for a, cells in ROLE_MATRIX.items() for u, e in cells.items()],
)
def test_roles_and_scope(world, action, username, expected):
    legal, _who, move = MOVES[action]
    status = sorted(legal)[0]
    problem = _problem(world, status)
    user = world.user(username)
    if expected == "ok":
        move(user, problem, world)
        problem.refresh_from_db()
        assert problem.status == RESULT[action][status]
    elif expected == 403:
        with pytest.raises(PermissionDenied):
            move(user, problem, world)
    else:
        with pytest.raises(Http404):
            move(user, problem, world)
        # The refused attempt is on the audit trail; the problem did not change.
        assert AuditLog.objects.filter(
            action=AuditAction.ACCESS_DENIED,
            object_type="problems.problem",
            object_id=str(problem.pk),
            user=user,
        ).exists()
    if expected != "ok":
        problem.refresh_from_db()
        assert problem.status == status


def test_submission_without_evidence_is_refused(world):
    problem = make_problem(status=S.RECTIFYING, assignee=world.users["handler"])
    with pytest.raises(ValidationError) as exc:
        services.submit(world.user("handler"), problem.pk, "已整改")
    assert exc.value.code == "evidence_required"
    services.add_evidence(world.user("handler"), problem.pk, as_upload(pdf_bytes(), "report.pdf"))
    with pytest.raises(ValidationError) as exc:
        services.submit(world.user("handler"), problem.pk, "  ")
    assert exc.value.code == "note_required"
    services.submit(world.user("handler"), problem.pk, "已整改")
    problem.refresh_from_db()
    assert problem.status == S.SUBMITTED and problem.rectification_note == "已整改"


@pytest.mark.parametrize("action", ["return", "dismiss", "reopen", "deadline"])
def test_reason_is_required(world, action):
    status = {"return": S.SUBMITTED, "dismiss": S.OPEN, "reopen": S.VERIFIED, "deadline": S.OPEN}[action]
    problem = _problem(world, status)
    sup = world.user("haishu_sup")
    call = {
        "return": lambda: services.return_submission(sup, problem.pk, " "),
        "dismiss": lambda: services.dismiss(sup, problem.pk, ""),
        "reopen": lambda: services.reopen(sup, problem.pk, ""),
        "deadline": lambda: services.change_deadline(sup, problem.pk, TOMORROW, ""),
    }[action]
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.code == "reason_required"


def test_assignee_must_work_in_the_unit(world):
    problem = make_problem()
    with pytest.raises(ValidationError):
        services.assign(world.user("haishu_sup"), problem.pk, world.users["yinzhou_handler"])
    with pytest.raises(ValidationError):  # a supervisor does not rectify
        services.assign(world.user("haishu_sup"), problem.pk, world.users["city_sup"])


def test_full_cycle_with_return_and_notifications(world):
    sup, handler = world.user("haishu_sup"), world.user("handler")
    problem = services.open_problem(
        world.user("haishu_legal"),
        ProblemSource.PETITION,
        unit=UNIT_IN,
        severity=Severity.HIGH,
        title="信访反映取证不规范",
        source_ref="XF-2026-001",
    )
    assert problem.deadline == timezone.localdate() + dt.timedelta(days=15)  # high: 15 days by default
    services.assign(sup, problem.pk, handler)
    assert Notification.objects.filter(recipient=handler, kind="assigned").count() == 1
    services.start(handler, problem.pk)
    services.add_evidence(handler, problem.pk, as_upload(pdf_bytes(), "整改报告.pdf"))
    services.submit(handler, problem.pk, "重新调取证据")
    assert Notification.objects.filter(recipient=sup, kind="submitted").exists()
    services.return_submission(sup, problem.pk, "缺少当事人签字")
    assert Notification.objects.filter(recipient=handler, kind="returned").exists()
    services.submit(handler, problem.pk, "补充签字")
    services.verify(sup, problem.pk)
    problem.refresh_from_db()
    assert problem.status == S.VERIFIED and problem.return_count == 1 and problem.verified_by_id == sup.pk
    actions = list(ProblemEvent.objects.filter(problem=problem).values_list("action", flat=True))
    assert actions == [
        ProblemAction.CREATE,
        ProblemAction.ASSIGN,
        ProblemAction.START,
        ProblemAction.EVIDENCE,
        ProblemAction.SUBMIT,
        ProblemAction.RETURN,
        ProblemAction.SUBMIT,
        ProblemAction.VERIFY,
    ]
    # Reopening a closed problem sends it back to its assignee with a fresh deadline.
    services.reopen(sup, problem.pk, "回访发现问题仍在")
    problem.refresh_from_db()
    assert problem.status == S.ASSIGNED and problem.verified_at is None and problem.reopen_count == 1


def test_open_problem_is_idempotent_per_source_reference(world):
    reviewer = world.user("reviewer")
    first = services.open_problem(
        reviewer, "review", unit=UNIT_IN, severity="low", title="扣分：文书瑕疵", source_ref="RV-9"
    )
    again = services.open_problem(
        reviewer, "review", unit=UNIT_IN, severity="low", title="扣分：文书瑕疵", source_ref="RV-9"
    )
    assert first.pk == again.pk
    assert Problem.objects.filter(source="review", source_ref="RV-9").count() == 1


def test_open_problem_respects_role_and_scope(world):
    with pytest.raises(PermissionDenied):
        services.open_problem(world.user("handler"), unit=UNIT_IN, severity="low", title="x")
    with pytest.raises(PermissionDenied):  # reviewers open only review problems
        services.open_problem(world.user("reviewer"), "manual", unit=UNIT_IN, severity="low", title="x")
    with pytest.raises(Http404):
        services.open_problem(world.user("haishu_sup"), unit=UNIT_OUT, severity="low", title="x")


def _finding(world, n=1, unit=UNIT_IN):
    from casewatch.cases.models import Case
    from casewatch.screening.models import Finding

    case = Case.objects.create(
        unit_id=unit,
        case_number=f"(2026)浙0203民初{9000 + n}号",
        case_type="civil",
        status="pending",
        filed_at=dt.date(2026, 1, 5),
        handler=world.judge,
    )
    return Finding.objects.create(
        key=f"R-TEST|{unit}|{case.case_number}|{n}",
        rule_id="R-TEST",
        rule_version=1,
        case=case,
        unit_id=unit,
        subject=str(n),
        area="civil",
        severity="high",
        evidence={},
    )


def test_confirmed_findings_become_problems_once(world):
    from casewatch.screening import services as screening

    findings = [_finding(world, n) for n in range(3)]
    sup = world.user("haishu_sup")
    assert screening.confirm(sup, [f.pk for f in findings]) == 3
    problems = Problem.objects.filter(finding__in=findings)
    assert problems.count() == 3
    p = problems.first()
    assert p.source == ProblemSource.SCREENING and p.severity == "high" and p.responsible_id == world.judge.pk
    assert p.case_id is not None and p.unit_id == UNIT_IN
    # Confirming again (or the hand-over running twice) opens nothing new.
    screening.confirm(sup, [f.pk for f in findings])
    services.open_from_findings(sup, screening.problem_specs(sup, [f.pk for f in findings]))
    assert Problem.objects.filter(finding__in=findings).count() == 3
    assert AuditLog.objects.filter(object_type="problems.problem", action=AuditAction.CREATE).count() >= 3


def test_bulk_actions_skip_what_is_not_allowed(world):
    sup = world.user("haishu_sup")
    ok = [make_problem(status=S.SUBMITTED, assignee=world.users["handler"]) for _ in range(3)]
    wrong_state = make_problem(status=S.OPEN)
    out_of_scope = make_problem(unit=UNIT_OUT, status=S.SUBMITTED)
    result = services.bulk(sup, "verify", [p.pk for p in ok] + [wrong_state.pk, out_of_scope.pk])
    assert sorted(result.done) == sorted(p.pk for p in ok)
    assert set(result.skipped) == {wrong_state.pk, out_of_scope.pk}
    assert Problem.objects.filter(pk__in=[p.pk for p in ok], status=S.VERIFIED).count() == 3
    with pytest.raises(PermissionDenied):
        services.bulk(world.user("haishu_legal"), "verify", [ok[0].pk])
    # Bulk assignment and deadlines.
    fresh = [make_problem() for _ in range(2)]
    result = services.bulk(sup, "assign", [p.pk for p in fresh], assignee=world.users["handler"].pk)
    assert len(result.done) == 2
    result = services.bulk(sup, "deadline", [p.pk for p in fresh], deadline=TOMORROW, reason="统一延期")
    assert Problem.objects.filter(pk__in=[p.pk for p in fresh], deadline=TOMORROW).count() == 2


def test_verification_closes_escalation_orders(world):
    from casewatch.problems.models import SupervisionOrder

    problem = make_problem(status=S.SUBMITTED, assignee=world.users["handler"])
    order = SupervisionOrder.objects.create(
        title="逾期整改",
        problem=problem,
        unit_id=UNIT_IN,
        origin="escalation",
        instructions="限期整改",
        deadline=TOMORROW,
    )
    services.verify(world.user("haishu_sup"), problem.pk)
    order.refresh_from_db()
    assert order.status == "closed"

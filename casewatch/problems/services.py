"""Problem workflow: opening problems and every state transition, as plain functions.

State machine (one function per move, each refusing illegal moves with a clear error)::

    open ──assign──▶ assigned ──start──▶ rectifying ──submit──▶ submitted ──verify──▶ verified
                                            ▲                      │
                                            └──────return──────────┘
    any open state ──dismiss──▶ dismissed          verified / dismissed ──reopen──▶ assigned | open

Each function takes the acting user first, checks role and scope (out of scope → 404, as if the
problem did not exist, and the attempt is audited; in scope but role lacking → 403), runs in one
transaction with the row locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises
writers with ``BEGIN IMMEDIATE``), writes a ProblemEvent and an audit TRANSITION record with
before/after, and writes notifications (e-mail leaves after commit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction, Role
from casewatch.core.models import AuditLog, Staff, Unit, User
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.problems import board, notifications
from casewatch.problems import evidence as evidence_files
from casewatch.problems.choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Measure,
    NotificationKind,
    OrderOrigin,
    OrderStatus,
    ProblemAction,
    ProblemSource,
    ProblemStatus,
    Severity,
)
from casewatch.problems.conf import default_deadline
from casewatch.problems.models import Evidence, Problem, ProblemEvent, SupervisionOrder

S = ProblemStatus
A = ProblemAction

#: Roles allowed to open problems from each source (besides supervisors and legal officers).
_OPENERS = {
    ProblemSource.REVIEW: (Action.SUPERVISE, Action.CHANGE, Action.REVIEW),
    # a custodian records damage, shortage or a swap at the counter and it goes on the list at once
    ProblemSource.PROPERTY: (Action.SUPERVISE, Action.CHANGE, Action.HANDLE),
}
_DEFAULT_OPENERS = (Action.SUPERVISE, Action.CHANGE)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def can(user, *actions: str) -> bool:
    return any(user_can(user, a) for a in actions)


def _require(user, *actions: str, message: str | None = None) -> None:
    if not can(user, *actions):
        raise PermissionDenied(message or _("Your role does not allow this."))


def problem_url(problem_id: int) -> str:
    return reverse("problems:problem_detail", args=[problem_id])


def visible_or_404(user, model, object_id: int) -> None:
    """404 when the object is missing or out of the user's scope, with the attempt audited.

    Called before a service opens its transaction, so that the audit record of a refused
    attempt is not rolled back with it.
    """
    get_scoped_or_404(user, model, Action.VIEW, pk=object_id)


def _lock(user, problem_id: int, *actions: str) -> Problem:
    """The problem, locked for the transaction, if the user sees it; then the role check."""
    qs = Problem.objects.restrict(user, Action.VIEW).select_related("unit", "assignee")
    if _pg():
        qs = qs.select_for_update(of=("self",))
    problem = qs.filter(pk=problem_id).first()
    if problem is None:  # gone since `visible_or_404` looked
        raise Http404(_("Not found."))
    if actions:
        _require(user, *actions)
    return problem


def _require_status(problem: Problem, allowed, verb: str) -> None:
    if problem.status not in allowed:
        raise ValidationError(
            _("A problem that is %(status)s cannot be %(verb)s.")
            % {"status": problem.get_status_display(), "verb": verb},
            code="illegal_transition",
        )


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to %(what)s.") % {"what": what}, code="reason_required")
    return reason


def _own_work(user, problem: Problem) -> None:
    """Case handlers act only on problems assigned to them; legal officers on any in scope."""
    if user.role == Role.HANDLER and not user.is_superuser and problem.assignee_id != user.pk:
        raise PermissionDenied(_("Only the person the problem is assigned to may do this."))


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _snapshot(problem: Problem, fields) -> dict:
    """Field values for the audit trail (foreign keys as ids)."""
    out = {}
    for name in fields:
        attname = Problem._meta.get_field(name).attname
        out[attname] = _plain(getattr(problem, attname))
    return out


def _record(
    user, problem: Problem, action: str, from_status: str, *, reason="", before=None, after=None, data=None
):
    ProblemEvent.objects.create(
        problem=problem,
        action=action,
        from_status=from_status,
        to_status=problem.status,
        actor=user,
        reason=reason,
        data=data or {},
    )
    audit.record(
        AuditAction.CREATE if action == A.CREATE else AuditAction.TRANSITION,
        problem,
        user=user,
        before=before,
        after=after,
        message=f"problem {action}: {from_status or '-'} → {problem.status}"
        + (f" ({reason})" if reason else ""),
    )


def _apply(user, problem: Problem, action: str, changes: dict, *, reason: str = "", data=None) -> Problem:
    """Set fields, save, record the event and the audit entry (before/after of what changed)."""
    fields = list(changes)
    before = _snapshot(problem, fields)
    from_status = problem.status
    for k, v in changes.items():
        setattr(problem, k, v)
    problem.save(update_fields=[*fields, "updated_at"])
    board.bump()
    _record(
        user,
        problem,
        action,
        from_status,
        reason=reason,
        before=before,
        after=_snapshot(problem, fields),
        data=data,
    )
    return problem


def _notice(problem: Problem, **extra) -> dict:
    return {
        "id": problem.pk,
        "title": problem.title,
        "deadline": problem.deadline.isoformat() if problem.deadline else "",
        **extra,
    }


# --- opening problems -----------------------------------------------------------------------


def _valid_assignee(problem_unit: Unit, assignee) -> User:
    if not isinstance(assignee, User):
        assignee = User.objects.filter(pk=assignee).select_related("scope").first()
    if assignee is None or not assignee.is_active:
        raise ValidationError(_("Choose an active account to assign the problem to."), code="assignee")
    if not user_can(assignee, Action.HANDLE):
        raise ValidationError(
            _("The problem can only be assigned to a handler or a legal officer."), code="assignee"
        )
    scope = assignee.scope.path if assignee.scope_id else None
    if not assignee.is_superuser and (scope is None or not problem_unit.path.startswith(scope)):
        raise ValidationError(
            _("The person must work in the problem's unit (their scope must include it)."), code="assignee"
        )
    return assignee


def open_problem(
    user,
    source: str = ProblemSource.MANUAL,
    *,
    unit,
    severity: str,
    title: str,
    description: str = "",
    case=None,
    area: str = "",
    deadline: dt.date | None = None,
    measure: str = Measure.REMEDY_DEFECT,
    measure_other: str = "",
    responsible: Staff | None = None,
    assignee=None,
    source_ref: str = "",
    finding=None,
) -> Problem:
    """Put a problem on the list. Other modules call this (reviews: ``source="review"``).

    Idempotent for a (source, source_ref) pair and for a finding: feeding the same item again
    returns the problem opened the first time.
    """
    if source not in ProblemSource.values:
        raise ValidationError(_("Unknown source."), code="source")
    if severity not in Severity.values:
        raise ValidationError(_("Unknown severity."), code="severity")
    if measure not in Measure.values:
        raise ValidationError(_("Unknown measure."), code="measure")
    _require(user, *_OPENERS.get(source, _DEFAULT_OPENERS), message=_("Your role may not open problems."))
    title = (title or "").strip()[:200]
    if not title:
        raise ValidationError(_("A title is required."), code="title")
    code = unit.code if isinstance(unit, Unit) else unit
    unit = get_scoped_or_404(user, Unit, Action.VIEW, code=code)
    if case is not None:
        from casewatch.cases.models import Case

        case_id = case.pk if hasattr(case, "pk") else case
        case = get_scoped_or_404(user, Case, Action.VIEW, pk=case_id)
    if responsible is not None and not isinstance(responsible, Staff):
        responsible = Staff.objects.filter(pk=responsible).first()
    source_ref = (source_ref or "").strip()[:120]
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."), code="deadline")
    with transaction.atomic():
        if source_ref:
            existing = Problem.objects.filter(source=source, source_ref=source_ref).first()
            if existing is not None:
                return existing
        if finding is not None:
            existing = Problem.objects.filter(finding=finding).first()
            if existing is not None:
                return existing
        if assignee is not None:
            assignee = _valid_assignee(unit, assignee)
        now = timezone.now()
        problem = Problem(
            source=source,
            source_ref=source_ref,
            finding=finding,
            case=case,
            unit=unit,
            area=(area or "").strip()[:40],
            severity=severity,
            title=title,
            description=(description or "").strip(),
            responsible=responsible,
            assignee=assignee,
            assigned_at=now if assignee else None,
            deadline=deadline or default_deadline(severity),
            measure=measure,
            measure_other=(measure_other or "").strip()[:200] if measure == Measure.OTHER else "",
            status=S.ASSIGNED if assignee else S.OPEN,
            created_by=user,
            created_at=now,
        )
        try:
            with transaction.atomic():
                problem.save()
        except IntegrityError:
            # Another request opened the same source item a moment ago.
            existing = (
                Problem.objects.filter(source=source, source_ref=source_ref).first() if source_ref else None
            )
            if existing is None and finding is not None:
                existing = Problem.objects.filter(finding=finding).first()
            if existing is None:
                raise
            return existing
        board.bump()
        _record(user, problem, A.CREATE, "", after=audit.snapshot(problem))
        if assignee:
            notifications.notify(
                [assignee],
                NotificationKind.ASSIGNED,
                params=_notice(problem),
                url=problem_url(problem.pk),
                problem=problem,
            )
    return problem


@dataclass(frozen=True)
class FindingSpec:
    """What a confirmed screening finding hands to the problem list (built by the screening app,
    which owns findings and their texts; the problem list never reads screening's tables)."""

    finding_id: int
    case: object
    unit: object
    area: str
    severity: str
    title: str
    description: str
    responsible: object | None = None


def open_from_findings(user, specs: list[FindingSpec]) -> list[Problem]:
    """Open one problem per confirmed finding that has none yet.

    Called by `screening.services.confirm` in the same transaction, after it locked the findings
    and checked their scope. Set-based: one bulk insert, bulk events and audit records. A finding
    that already has a problem is skipped, so handing the same findings over twice opens nothing new.
    """
    _require(user, *_DEFAULT_OPENERS, message=_("Your role may not open problems."))
    if not specs:
        return []
    with transaction.atomic():
        taken = set(
            Problem.objects.filter(finding_id__in=[s.finding_id for s in specs]).values_list(
                "finding_id", flat=True
            )
        )
        findings = [s for s in specs if s.finding_id not in taken]
        if not findings:
            return []
        now = timezone.now()
        new = []
        for f in findings:
            severity = f.severity if f.severity in Severity.values else Severity.MEDIUM
            new.append(
                Problem(
                    source=ProblemSource.SCREENING,
                    finding_id=f.finding_id,
                    case=f.case,
                    unit=f.unit,
                    area=f.area,
                    severity=severity,
                    title=f.title[:200],
                    description=f.description,
                    responsible=f.responsible,
                    deadline=default_deadline(severity),
                    measure=Measure.CORRECT_ERROR if severity == Severity.HIGH else Measure.REMEDY_DEFECT,
                    status=S.OPEN,
                    created_by=user,
                    created_at=now,
                )
            )
        Problem.objects.bulk_create(new, batch_size=1000)
        board.bump()
        created = [p for p in new if p.pk]
        if len(created) != len(new):  # backends that do not return keys
            created = list(
                Problem.objects.filter(finding_id__in=[f.finding_id for f in findings]).select_related("unit")
            )
        ProblemEvent.objects.bulk_create(
            [
                ProblemEvent(
                    problem=p,
                    action=A.CREATE,
                    to_status=p.status,
                    actor=user,
                    at=now,
                    data={"finding": p.finding_id},
                )
                for p in created
            ],
            batch_size=1000,
        )
        ctx = audit.current()
        AuditLog.objects.bulk_create(
            [
                AuditLog(
                    user=user,
                    username=user.username,
                    unit_path=p.unit.path,
                    request_id=ctx.request_id,
                    client_ip=ctx.client_ip,
                    action=AuditAction.CREATE,
                    object_type="problems.problem",
                    object_id=str(p.pk),
                    object_repr=str(p)[:300],
                    after={"source": p.source, "finding": p.finding_id, "status": p.status},
                    message="problem opened from a confirmed finding",
                )
                for p in created
            ],
            batch_size=1000,
        )
    return created


# --- transitions ----------------------------------------------------------------------------


def assign(user, problem_id: int, assignee, *, note: str = "") -> Problem:
    """Give a problem to the person who rectifies it (open → assigned; re-assigning keeps the state)."""
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.SUPERVISE, Action.CHANGE)
        _require_status(problem, (S.OPEN, S.ASSIGNED, S.RECTIFYING), _("assigned"))
        person = _valid_assignee(problem.unit, assignee)
        changes = {"assignee": person, "assigned_at": timezone.now()}
        if problem.status == S.OPEN:
            changes["status"] = S.ASSIGNED
        _apply(user, problem, A.ASSIGN, changes, reason=note, data={"assignee": person.username})
        notifications.notify(
            [person],
            NotificationKind.ASSIGNED,
            params=_notice(problem),
            url=problem_url(problem.pk),
            problem=problem,
        )
    return problem


def start(user, problem_id: int) -> Problem:
    """The assignee starts rectifying (assigned → rectifying)."""
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.HANDLE)
        _own_work(user, problem)
        _require_status(problem, (S.ASSIGNED,), _("started"))
        return _apply(user, problem, A.START, {"status": S.RECTIFYING})


def add_evidence(user, problem_id: int, upload, *, note: str = "") -> Evidence:
    """Attach an evidence file (checked by content and size; stored by its hash)."""
    visible_or_404(user, Problem, problem_id)
    kind, sha256, size = evidence_files.inspect(upload)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.HANDLE)
        _own_work(user, problem)
        _require_status(problem, (S.ASSIGNED, S.RECTIFYING), _("given evidence"))
        existing = Evidence.objects.filter(problem=problem, sha256=sha256).first()
        if existing is not None:
            return existing
        name = evidence_files.store(upload, kind, sha256)
        item = Evidence.objects.create(
            problem=problem,
            file=name,
            original_name=(upload.name or "evidence")[:255],
            kind=kind,
            content_type=evidence_files.KINDS[kind][0],
            size=size,
            sha256=sha256,
            note=(note or "").strip()[:300],
            uploaded_by=user,
        )
        ProblemEvent.objects.create(
            problem=problem,
            action=A.EVIDENCE,
            from_status=problem.status,
            to_status=problem.status,
            actor=user,
            data={"evidence": item.pk, "name": item.original_name, "sha256": sha256},
        )
        audit.record(
            AuditAction.CREATE,
            item,
            user=user,
            after={
                "problem": problem.pk,
                "name": item.original_name,
                "kind": kind,
                "size": size,
                "sha256": sha256,
            },
            message="evidence attached",
            unit_path=problem.unit.path,
        )
    return item


def submit(user, problem_id: int, note: str) -> Problem:
    """Submit the rectification for verification (rectifying → submitted). Needs evidence and a note."""
    note = (note or "").strip()
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.HANDLE)
        _own_work(user, problem)
        _require_status(problem, (S.RECTIFYING,), _("submitted"))
        if not note:
            raise ValidationError(_("Describe what was done before submitting."), code="note_required")
        if not Evidence.objects.filter(problem=problem).exists():
            raise ValidationError(
                _("Attach at least one evidence file before submitting."), code="evidence_required"
            )
        _apply(
            user,
            problem,
            A.SUBMIT,
            {"status": S.SUBMITTED, "submitted_at": timezone.now(), "rectification_note": note},
        )
        notifications.notify(
            notifications.unit_supervisors(problem.unit),
            NotificationKind.SUBMITTED,
            params=_notice(problem),
            url=problem_url(problem.pk),
            problem=problem,
        )
    return problem


def return_submission(user, problem_id: int, reason: str) -> Problem:
    """A supervisor sends a submission back with a reason (submitted → rectifying)."""
    reason = _require_reason(reason, _("return a submission"))
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.SUPERVISE)
        _require_status(problem, (S.SUBMITTED,), _("returned"))
        _apply(
            user,
            problem,
            A.RETURN,
            {"status": S.RECTIFYING, "return_reason": reason, "return_count": problem.return_count + 1},
            reason=reason,
        )
        notifications.notify(
            notifications.problem_owner(problem),
            NotificationKind.RETURNED,
            params=_notice(problem, reason=reason),
            url=problem_url(problem.pk),
            problem=problem,
        )
    return problem


def _close_escalation_orders(user, problem: Problem, note: str) -> None:
    now = timezone.now()
    for order in SupervisionOrder.objects.filter(
        problem=problem, origin=OrderOrigin.ESCALATION, status=OrderStatus.OPEN
    ):
        SupervisionOrder.objects.filter(pk=order.pk).update(
            status=OrderStatus.CLOSED, closed_at=now, closed_by=user, closing_note=note
        )
        audit.record(
            AuditAction.TRANSITION,
            order,
            user=user,
            before={"status": OrderStatus.OPEN},
            after={"status": OrderStatus.CLOSED},
            message=f"supervision order closed with its problem: {note}",
        )


def verify(user, problem_id: int, note: str = "") -> Problem:
    """A supervisor accepts the rectification (submitted → verified, closed)."""
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.SUPERVISE)
        _require_status(problem, (S.SUBMITTED,), _("verified"))
        now = timezone.now()
        _apply(
            user,
            problem,
            A.VERIFY,
            {"status": S.VERIFIED, "verified_at": now, "verified_by": user, "closed_at": now},
            reason=(note or "").strip(),
        )
        _close_escalation_orders(user, problem, "problem verified")
        notifications.notify(
            notifications.problem_owner(problem),
            NotificationKind.VERIFIED,
            params=_notice(problem),
            url=problem_url(problem.pk),
            problem=problem,
        )
    return problem


def dismiss(user, problem_id: int, reason: str) -> Problem:
    """A supervisor takes a problem off the list with a reason (any open state → dismissed)."""
    reason = _require_reason(reason, _("dismiss a problem"))
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.SUPERVISE)
        _require_status(problem, OPEN_STATUSES, _("dismissed"))
        _apply(
            user,
            problem,
            A.DISMISS,
            {"status": S.DISMISSED, "dismissed_reason": reason, "closed_at": timezone.now()},
            reason=reason,
        )
        _close_escalation_orders(user, problem, "problem dismissed")
        notifications.notify(
            notifications.problem_owner(problem),
            NotificationKind.DISMISSED,
            params=_notice(problem, reason=reason),
            url=problem_url(problem.pk),
            problem=problem,
        )
    return problem


def reopen(user, problem_id: int, reason: str, deadline: dt.date | None = None) -> Problem:
    """A supervisor reopens a closed problem (verified or dismissed → assigned, or open without assignee).

    The deadline is the one given, or a fresh default by severity when the old one has passed.
    """
    reason = _require_reason(reason, _("reopen a problem"))
    today = timezone.localdate()
    if deadline is not None and deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."), code="deadline")
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.SUPERVISE)
        _require_status(problem, CLOSED_STATUSES, _("reopened"))
        new_deadline = deadline or (
            problem.deadline if problem.deadline >= today else default_deadline(problem.severity)
        )
        _apply(
            user,
            problem,
            A.REOPEN,
            {
                "status": S.ASSIGNED if problem.assignee_id else S.OPEN,
                "deadline": new_deadline,
                "verified_at": None,
                "verified_by": None,
                "closed_at": None,
                "submitted_at": None,
                "overdue_marked_at": None,
                "escalated_at": None,
                "reopen_count": problem.reopen_count + 1,
            },
            reason=reason,
        )
        notifications.notify(
            notifications.problem_owner(problem),
            NotificationKind.REOPENED,
            params=_notice(problem, reason=reason),
            url=problem_url(problem.pk),
            problem=problem,
        )
    return problem


def change_deadline(user, problem_id: int, deadline: dt.date, reason: str) -> Problem:
    """A supervisor moves the deadline of an open problem (with a reason)."""
    reason = _require_reason(reason, _("change a deadline"))
    if deadline is None:
        raise ValidationError(_("Give the new deadline."), code="deadline")
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.SUPERVISE)
        _require_status(problem, OPEN_STATUSES, _("given a new deadline"))
        changes = {"deadline": deadline}
        if deadline >= timezone.localdate():
            changes["overdue_marked_at"] = None
        return _apply(user, problem, A.DEADLINE, changes, reason=reason)


EDITABLE = ("title", "description", "area", "severity", "measure", "measure_other", "responsible")


def update_details(user, problem_id: int, **fields) -> Problem:
    """Supervisors and legal officers correct a problem's details (not its state or deadline)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if "severity" in fields and fields["severity"] not in Severity.values:
        raise ValidationError(_("Unknown severity."), code="severity")
    if "measure" in fields and fields["measure"] not in Measure.values:
        raise ValidationError(_("Unknown measure."), code="measure")
    visible_or_404(user, Problem, problem_id)
    with transaction.atomic():
        problem = _lock(user, problem_id, Action.SUPERVISE, Action.CHANGE)
        _require_status(problem, OPEN_STATUSES, _("edited"))
        changes = {k: v for k, v in fields.items() if getattr(problem, k) != v}
        if not changes:
            return problem
        return _apply(user, problem, A.EDIT, changes)


# --- the transition table -------------------------------------------------------------------


@dataclass(frozen=True)
class MoveInput:
    """What a workflow move may carry; each move reads the fields it needs."""

    assignee: object = None  # a User or a user id
    note: str = ""
    reason: str = ""
    deadline: dt.date | None = None


#: Every workflow move of a problem, in one place: the page, the API and bulk all dispatch here
#: (each service checks role, scope, state and reason, locks the row and audits).
TRANSITIONS = {
    "assign": lambda u, pk, a: assign(u, pk, a.assignee or 0, note=a.note),
    "start": lambda u, pk, a: start(u, pk),
    "submit": lambda u, pk, a: submit(u, pk, a.note),
    "return": lambda u, pk, a: return_submission(u, pk, a.reason),
    "verify": lambda u, pk, a: verify(u, pk, a.note),
    "dismiss": lambda u, pk, a: dismiss(u, pk, a.reason),
    "reopen": lambda u, pk, a: reopen(u, pk, a.reason, a.deadline),
    "deadline": lambda u, pk, a: change_deadline(u, pk, a.deadline, a.reason),
}
#: the moves supervisors may apply to many problems at once
BULK_MOVES = frozenset({"assign", "verify", "return", "dismiss", "reopen", "deadline"})


def move(user, problem_id: int, action: str, **inputs) -> Problem:
    """Apply one workflow move (see `TRANSITIONS`); an unknown move is a validation error."""
    fn = TRANSITIONS.get(action)
    if fn is None:
        raise ValidationError(_("Unknown action."), code="action")
    return fn(user, problem_id, MoveInput(**inputs))


# --- bulk -----------------------------------------------------------------------------------


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def bulk(user, action: str, problem_ids, **inputs) -> BulkResult:
    """Apply one transition to many problems (supervisors only); illegal items are skipped with
    the reason, the rest are applied — each one checked, locked and audited like a single move."""
    if action not in BULK_MOVES:
        raise ValidationError(_("Unknown action."), code="action")
    _require(user, Action.SUPERVISE, message=_("Only supervisors may act on many problems at once."))
    result = BulkResult()
    for pk in dict.fromkeys(int(i) for i in problem_ids):
        try:
            visible_or_404(user, Problem, pk)
            with transaction.atomic():
                move(user, pk, action, **inputs)
            result.done.append(pk)
        except ValidationError as exc:
            result.skipped[pk] = " ".join(exc.messages)
        except (PermissionDenied, Http404) as exc:
            result.skipped[pk] = str(exc) or _("Not found.")
    return result

"""Problems API (/api/v1/problems/): the list with the page's filters, workflow transitions,
evidence, the board's figures, supervision orders, accountability and the caller's inbox.

Everything passes `restrict(user, action)`; out-of-scope objects answer 404 like missing ones.
Refused workflow moves answer 422 with the reason; a role that may not act answers 403.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from casewatch.core.choices import Action
from casewatch.core.models import Unit
from casewatch.core.services import get_scoped_or_404
from casewatch.problems import board, notifications, services
from casewatch.problems import evidence as evidence_files
from casewatch.problems import services_accountability as accountability
from casewatch.problems import services_orders as orders
from casewatch.problems.choices import Measure, ProblemSource
from casewatch.problems.filtersets import OrderFilterForm, ProblemFilterForm
from casewatch.problems.models import (
    AccountabilityReview,
    Evidence,
    Notification,
    Problem,
    ProblemEvent,
    SupervisionOrder,
)

router = Router(tags=["problems"])


def _invalid(exc: ValidationError):
    raise HttpError(422, " ".join(exc.messages)) from None


class EvidenceOut(Schema):
    id: int
    original_name: str
    kind: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    note: str


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    reason: str

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor_id else None


class ProblemOut(Schema):
    id: int
    source: str
    source_ref: str
    finding_id: int | None
    case_id: int | None
    unit_code: str
    unit_name: str
    area: str
    severity: str
    title: str
    description: str
    status: str
    measure: str
    measure_other: str
    responsible_id: int | None
    assignee: str | None
    deadline: dt.date
    overdue: bool
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None
    return_count: int
    rectification_note: str

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_assignee(obj):
        return obj.assignee.username if obj.assignee_id else None

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue()


class ProblemIn(Schema):
    source: str = ProblemSource.MANUAL
    source_ref: str = ""
    unit: str
    severity: str
    title: str
    description: str = ""
    case_id: int | None = None
    area: str = ""
    deadline: dt.date | None = None
    measure: str = Measure.REMEDY_DEFECT
    measure_other: str = ""


class TransitionIn(Schema):
    action: str
    assignee: int | None = None
    note: str = ""
    reason: str = ""
    deadline: dt.date | None = None


class BulkIn(Schema):
    action: str
    ids: list[int]
    assignee: int | None = None
    reason: str = ""
    deadline: dt.date | None = None


class BulkOut(Schema):
    done: list[int]
    skipped: dict[int, str]


@router.get("", response=list[ProblemOut])
@paginate(LimitOffsetPagination)
def list_problems(
    request,
    q: str = "",
    metric: str = "",
    status: str = "",
    severity: str = "",
    source: str = "",
    measure: str = "",
    district: str = "",
    unit: str = "",
    unit_exact: str = "",
    since: str = "",
    until: str = "",
    mine: bool = False,
):
    """Problems in scope, with the same filters as the list page (``metric`` as on the board)."""
    params = {k: v for k, v in locals().items() if k != "request"}
    form = ProblemFilterForm.for_api(params)  # the page's form: same rows, same bilingual refusal
    qs = form.apply(Problem.objects.restrict(request.auth, Action.VIEW), request.auth)
    return qs.select_related("unit", "assignee").order_by("id")


@router.post("", response={201: ProblemOut})
def create_problem(request, payload: ProblemIn):
    try:
        problem = services.open_problem(
            request.auth,
            payload.source,
            unit=payload.unit,
            severity=payload.severity,
            title=payload.title,
            description=payload.description,
            case=payload.case_id,
            area=payload.area,
            deadline=payload.deadline,
            measure=payload.measure,
            measure_other=payload.measure_other,
            source_ref=payload.source_ref,
        )
    except ValidationError as exc:
        _invalid(exc)
    return Status(201, problem)


def _detail(user, problem_id: int):
    problem = get_scoped_or_404(
        user, Problem.objects.select_related("unit", "assignee"), Action.VIEW, pk=problem_id
    )
    problem.evidence_list = list(Evidence.objects.filter(problem=problem))
    problem.events_list = list(ProblemEvent.objects.filter(problem=problem).select_related("actor"))
    return problem


class ProblemDetailOut(ProblemOut):
    evidence: list[EvidenceOut]
    events: list[EventOut]

    @staticmethod
    def resolve_evidence(obj):
        return obj.evidence_list

    @staticmethod
    def resolve_events(obj):
        return obj.events_list


@router.get("/{int:problem_id}", response=ProblemDetailOut)
def get_problem(request, problem_id: int):
    return _detail(request.auth, problem_id)


@router.post("/{int:problem_id}/transitions", response=ProblemDetailOut)
def transition(request, problem_id: int, payload: TransitionIn):
    """assign (assignee), start, submit (note), return (reason), verify (note), dismiss (reason),
    reopen (reason, deadline), deadline (deadline, reason)."""
    user = request.auth
    try:
        services.move(
            user,
            problem_id,
            payload.action,
            assignee=payload.assignee,
            note=payload.note,
            reason=payload.reason,
            deadline=payload.deadline,
        )
    except ValidationError as exc:
        _invalid(exc)
    return _detail(user, problem_id)


@router.post("/{int:problem_id}/evidence", response={201: EvidenceOut})
def upload_evidence(request, problem_id: int, file: File[UploadedFile], note: Form[str] = ""):
    try:
        item = services.add_evidence(request.auth, problem_id, file, note=note)
    except ValidationError as exc:
        _invalid(exc)
    return Status(201, item)


@router.get("/evidence/{int:evidence_id}")
def download_evidence(request, evidence_id: int):
    item = get_scoped_or_404(
        request.auth, Evidence.objects.select_related("problem"), Action.VIEW, pk=evidence_id
    )
    return evidence_files.download_response(item)


@router.post("/bulk", response=BulkOut)
def bulk(request, payload: BulkIn):
    kwargs = {"reason": payload.reason, "note": payload.reason, "deadline": payload.deadline}
    if payload.action == "assign":
        kwargs["assignee"] = payload.assignee or 0
    try:
        result = services.bulk(request.auth, payload.action, payload.ids, **kwargs)
    except ValidationError as exc:
        _invalid(exc)
    return {"done": result.done, "skipped": result.skipped}


@router.get("/board")
def board_figures(
    request, since: dt.date | None = None, until: dt.date | None = None, root: str | None = None
):
    """The board's figures: totals, rows (with drill-down links), districts, map, trend, listed orders."""
    return board.figures(request.auth, since=since, until=until, root=root)


# --- supervision orders ---------------------------------------------------------------------


class OrderOut(Schema):
    id: int
    title: str
    unit_code: str
    level: str
    listed: bool
    origin: str
    status: str
    problem_id: int | None
    case_id: int | None
    lead_ref: str
    instructions: str
    deadline: dt.date
    overdue: bool
    escalation_count: int
    created_at: dt.datetime
    closed_at: dt.datetime | None
    warning: str = ""

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit_id

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue()

    @staticmethod
    def resolve_warning(obj):
        if hasattr(obj, "warning"):
            return obj.warning
        if obj.status == "open" and not orders.receivers(obj.unit):
            return orders.unreached_warning(obj.unit)
        return ""


class OrderIn(Schema):
    title: str
    instructions: str
    deadline: dt.date
    unit: str | None = None
    level: str | None = None
    listed: bool = False
    problem_id: int | None = None
    case_id: int | None = None
    lead_ref: str = ""


class TextIn(Schema):
    text: str


@router.get("/orders", response=list[OrderOut])
@paginate(LimitOffsetPagination)
def list_orders(request, status: str = "", level: str = "", listed: bool = False, overdue: bool = False):
    """Orders in scope with the order list page's filters (problems.filtersets.OrderFilterForm;
    a malformed value is a 422 with the page's message in Chinese and English)."""
    form = OrderFilterForm.for_api({"status": status, "level": level, "listed": listed, "overdue": overdue})
    return form.apply(SupervisionOrder.objects.restrict(request.auth, Action.VIEW)).order_by("id")


@router.post("/orders", response={201: OrderOut})
def create_order(request, payload: OrderIn):
    unit = None
    if payload.unit:
        unit = get_scoped_or_404(request.auth, Unit, Action.VIEW, code=payload.unit)
    try:
        order = orders.issue_order(
            request.auth,
            title=payload.title,
            instructions=payload.instructions,
            deadline=payload.deadline,
            unit=unit,
            level=payload.level,
            listed=payload.listed,
            problem=payload.problem_id,
            case=payload.case_id,
            lead_ref=payload.lead_ref,
        )
    except ValidationError as exc:
        _invalid(exc)
    return Status(201, order)


@router.get("/orders/{int:order_id}", response=OrderOut)
def get_order(request, order_id: int):
    return get_scoped_or_404(request.auth, SupervisionOrder, Action.VIEW, pk=order_id)


@router.post("/orders/{int:order_id}/reports", response={201: dict})
def file_report(request, order_id: int, payload: TextIn):
    try:
        report = orders.file_report(request.auth, order_id, payload.text)
    except ValidationError as exc:
        _invalid(exc)
    return Status(201, {"id": report.pk, "order": order_id})


@router.post("/orders/{int:order_id}/close", response=OrderOut)
def close_order(request, order_id: int, payload: TextIn):
    try:
        return orders.close_order(request.auth, order_id, payload.text)
    except ValidationError as exc:
        _invalid(exc)


# --- accountability -------------------------------------------------------------------------


class ReviewOut(Schema):
    id: int
    rule_id: int
    subject: str
    unit_code: str
    person_id: int | None
    summary: str
    status: str
    outcome: str
    outcome_note: str
    opened_at: dt.datetime
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit_id


class DecisionIn(Schema):
    outcome: str
    note: str


@router.get("/accountability")
def accountability_stats(
    request, by: str = "unit", since: dt.date | None = None, until: dt.date | None = None
):
    """Problems per unit (or ``by=person``) over a period, by severity, with overdue and open reviews."""
    return accountability.stats(
        request.auth, by="person" if by == "person" else "unit", since=since, until=until
    )


@router.get("/accountability/reviews", response=list[ReviewOut])
@paginate(LimitOffsetPagination)
def list_reviews(request, status: str = ""):
    qs = AccountabilityReview.objects.restrict(request.auth, Action.VIEW)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("id")


@router.post("/accountability/reviews/{int:review_id}/decision", response=ReviewOut)
def decide(request, review_id: int, payload: DecisionIn):
    try:
        return accountability.decide(request.auth, review_id, payload.outcome, payload.note)
    except ValidationError as exc:
        _invalid(exc)


# --- inbox ----------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_text(obj):
        return notifications.render(obj)


class ReadIn(Schema):
    ids: list[int] | None = None


@router.get("/notifications", response=list[NotificationOut])
@paginate(LimitOffsetPagination)
def list_notifications(request, unread: bool = False):
    """The caller's own notifications (newest first); the unread count is at /notifications/unread."""
    qs = Notification.objects.filter(recipient=request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs


@router.get("/notifications/unread")
def unread(request):
    return {"unread": notifications.unread_count(request.auth), "as_of": timezone.now()}


@router.post("/notifications/read")
def mark_read(request, payload: ReadIn):
    return {"marked": notifications.mark_read(request.auth, payload.ids)}

"""Problem pages: the list (filters, bulk actions, XLSX export), entry, the problem page with its
workflow actions, and evidence upload and download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casewatch.core.choices import Action, Role
from casewatch.core.models import Staff, Unit, User
from casewatch.core.pagination import paginate
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.core.tables import xlsx
from casewatch.problems import evidence as evidence_files
from casewatch.problems import notifications, services
from casewatch.problems.choices import CLOSED_STATUSES, OPEN_STATUSES, ProblemStatus
from casewatch.problems.filtersets import ProblemFilterForm
from casewatch.problems.forms import (
    HANDLING_ROLES,
    AssignForm,
    BulkForm,
    DeadlineForm,
    EvidenceForm,
    MoveInputForm,
    ProblemForm,
    ReasonForm,
    ReopenForm,
    SubmitForm,
)
from casewatch.problems.models import Evidence, Problem, ProblemEvent
from casewatch.problems.services import can
from casewatch.problems.tables import evidence_table, history_table, problem_table

S = ProblemStatus


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def export_header() -> list[str]:
    return problem_table([], timezone.localdate(), export=True).header()


@login_required
def problem_list(request):
    """The problem list; every board figure links here with the same filter."""
    user = request.user
    today = timezone.localdate()
    form = ProblemFilterForm(request.GET or None)
    qs = form.apply(Problem.objects.restrict(user, Action.VIEW), user, today)
    # a malformed filter exports nothing: the page says what is wrong instead
    if request.GET.get("export") == "xlsx" and not (form.is_bound and form.errors):
        if not can(user, Action.EXPORT):
            raise PermissionDenied(_("Your role may not export."))
        qs = qs.select_related("unit", "unit__parent", "case", "responsible", "assignee").order_by("id")
        count = qs.count()
        record_export(user, "problems.problem", count, "xlsx")
        return xlsx(
            problem_table(qs.iterator(chunk_size=2000), today, export=True), "problems.xlsx", "problems"
        )
    by_status = {r["status"]: r["n"] for r in qs.order_by().values("status").annotate(n=Count("id"))}
    page = paginate(
        request, qs.select_related("unit", "unit__parent", "assignee", "case").order_by("deadline", "id")
    )
    supervisor = can(user, Action.SUPERVISE)
    people = (
        User.objects.restrict(user, Action.VIEW)
        .filter(role__in=HANDLING_ROLES, is_active=True)
        .order_by("username")
        if supervisor
        else User.objects.none()
    )
    return render(
        request,
        "problems/problem_list.html",
        {
            "form": form,
            "page": page,
            "table": problem_table(page, today, select=supervisor),
            "total": page.paginator.count,
            "by_status": [(value, label, by_status.get(value, 0)) for value, label in S.choices],
            "today": today,
            "can_bulk": supervisor,
            "can_create": can(user, Action.SUPERVISE, Action.CHANGE),
            "can_export": can(user, Action.EXPORT),
            "people": people,
        },
    )


@login_required
def problem_create(request):
    user = request.user
    if not can(user, Action.SUPERVISE, Action.CHANGE):
        raise PermissionDenied(_("Your role may not open problems."))
    units = Unit.objects.restrict(user, Action.VIEW)
    form = ProblemForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = None
        if d["case_number"]:
            from casewatch.cases.models import Case

            case = (
                Case.objects.restrict(user, Action.VIEW).filter(case_number=d["case_number"].strip()).first()
            )
            if case is None:
                form.add_error("case_number", _("No case with this number in your scope."))
        responsible = None
        if d["responsible_no"]:
            responsible = (
                Staff.objects.restrict(user, Action.VIEW).filter(staff_no=d["responsible_no"].strip()).first()
            )
            if responsible is None:
                form.add_error("responsible_no", _("No member of staff with this number in your scope."))
        if not form.errors:
            try:
                problem = services.open_problem(
                    user,
                    d["source"],
                    unit=d["unit"],
                    severity=d["severity"],
                    title=d["title"],
                    description=d["description"],
                    case=case,
                    area=d["area"],
                    deadline=d["deadline"],
                    measure=d["measure"],
                    measure_other=d["measure_other"],
                    responsible=responsible,
                    source_ref=d["source_ref"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Problem #%(id)s is on the list.") % {"id": problem.pk})
                return redirect("problems:problem_detail", pk=problem.pk)
    return render(request, "problems/problem_form.html", {"form": form})


def _assign_people(problem):
    return notifications.covering_users(problem.unit, HANDLING_ROLES).select_related("scope")


@login_required
def problem_detail(request, pk):
    user = request.user
    problem = get_scoped_or_404(
        user,
        Problem.objects.select_related(
            "unit", "unit__parent", "case", "responsible", "assignee", "verified_by", "finding"
        ),
        Action.VIEW,
        pk=pk,
    )
    own = not (user.role == Role.HANDLER and problem.assignee_id != user.pk) or user.is_superuser
    handle = can(user, Action.HANDLE) and own
    supervise = can(user, Action.SUPERVISE)
    status = problem.status
    context = {
        "problem": problem,
        "today": timezone.localdate(),
        "evidence": list(problem.evidence.select_related("uploaded_by")),
        "events": list(ProblemEvent.objects.filter(problem=problem).select_related("actor")),
        "orders": list(problem.orders.all()),
        "can_assign": status in (S.OPEN, S.ASSIGNED, S.RECTIFYING)
        and can(user, Action.SUPERVISE, Action.CHANGE),
        "can_start": status == S.ASSIGNED and handle,
        "can_evidence": status in (S.ASSIGNED, S.RECTIFYING) and handle,
        "can_submit": status == S.RECTIFYING and handle,
        "can_verify": status == S.SUBMITTED and supervise,
        "can_dismiss": status in OPEN_STATUSES and supervise,
        "can_reopen": status in CLOSED_STATUSES and supervise,
        "can_deadline": status in OPEN_STATUSES and supervise,
        "can_order": supervise,
    }
    context["evidence_table"] = evidence_table(context["evidence"])
    context["history_table"] = history_table(context["events"])
    if context["can_assign"]:
        context["assign_form"] = AssignForm(
            people=_assign_people(problem), initial={"assignee": problem.assignee_id}
        )
    context.update(
        evidence_form=EvidenceForm(),
        submit_form=SubmitForm(initial={"note": problem.rectification_note}),
        reason_form=ReasonForm(),
        deadline_form=DeadlineForm(initial={"deadline": problem.deadline}),
        reopen_form=ReopenForm(),
    )
    return render(request, "problems/problem_detail.html", context)


#: The page's moves: which form reads the POST, how its data becomes the move's inputs, what the
#: page says when it worked. The moves themselves are `services.TRANSITIONS` (shared with the API
#: and bulk); evidence is an upload, not a move, and has its own branch.
PAGE_MOVES = {
    "assign": (
        lambda d: {"assignee": d["assignee"], "note": d["note"]},
        gettext_lazy("The problem was assigned."),
    ),
    "start": (lambda d: {}, gettext_lazy("Rectification started.")),
    "submit": (lambda d: {"note": d["note"]}, gettext_lazy("Submitted for verification.")),
    "return": (lambda d: {"reason": d["reason"]}, gettext_lazy("The submission was returned.")),
    "verify": (
        lambda d: {"note": d["reason"]},
        gettext_lazy("The rectification was verified; the problem is closed."),
    ),
    "dismiss": (lambda d: {"reason": d["reason"]}, gettext_lazy("The problem was dismissed.")),
    "reopen": (
        lambda d: {"reason": d["reason"], "deadline": d["deadline"]},
        gettext_lazy("The problem was reopened."),
    ),
    "deadline": (
        lambda d: {"deadline": d["deadline"], "reason": d["reason"]},
        gettext_lazy("The deadline was changed."),
    ),
}
ACTIONS = {*PAGE_MOVES, "evidence"}


def _form_errors(form) -> ValidationError:
    return ValidationError(
        "; ".join(
            f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".lstrip(": ")
            for k, v in form.errors.items()
        )
    )


@login_required
@require_POST
def problem_action(request, pk, action):
    """One workflow step from the problem page (a plain form POST; the service decides)."""
    if action not in ACTIONS:
        raise Http404
    user = request.user
    try:
        if action == "evidence":
            form = EvidenceForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("Choose a file to upload."))
            item = services.add_evidence(user, pk, form.cleaned_data["file"], note=form.cleaned_data["note"])
            messages.success(request, _("Evidence attached: %(name)s") % {"name": item.original_name})
            return redirect("problems:problem_detail", pk=pk)
        if action == "assign":
            problem = get_scoped_or_404(user, Problem.objects.select_related("unit"), Action.VIEW, pk=pk)
            form = AssignForm(request.POST, people=_assign_people(problem))
            if not form.is_valid():
                raise ValidationError(_("Choose a person from the list."))
        else:
            form = MoveInputForm(request.POST)
            if not form.is_valid():
                raise _form_errors(form)
        inputs, done = PAGE_MOVES[action]
        services.move(user, pk, action, **inputs(form.cleaned_data))
        messages.success(request, done)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("problems:problem_detail", pk=pk)


@login_required
@require_POST
def problem_bulk(request):
    """Bulk actions of supervisors on the selected problems."""
    user = request.user
    if not can(user, Action.SUPERVISE):
        raise PermissionDenied(_("Only supervisors may act on many problems at once."))
    form = BulkForm(request.POST, actions=services.BULK_MOVES)
    if not form.is_valid():
        _errors(request, _form_errors(form))
    elif not form.cleaned_data["ids"]:
        messages.error(request, _("Select at least one problem."))
    else:
        try:
            result = services.bulk(
                user, form.cleaned_data["action"], form.cleaned_data["ids"], **form.inputs()
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("%(n)d problem(s) done.") % {"n": len(result.done)})
            for pk, why in list(result.skipped.items())[:20]:
                messages.error(request, _("#%(id)s skipped: %(why)s") % {"id": pk, "why": why})
    nxt = request.POST.get("next") or ""
    return redirect(nxt if nxt.startswith("/problems/") else "problems:problem_list")


@login_required
def evidence_download(request, pk):
    """Evidence is only ever a download: fixed content type, nosniff, sandboxed."""
    item = get_scoped_or_404(request.user, Evidence.objects.select_related("problem"), Action.VIEW, pk=pk)
    return evidence_files.download_response(item)

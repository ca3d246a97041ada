"""The home page's to-do list: what waits for this user, counted in their scope, each with a link.

Each to-do is a small function of the user returning a `Todo` or None (nothing to show for the
role, or the app is not installed). The apps' own to-dos live here, behind `apps.is_installed`
and lazy imports, so the home page never breaks when an app is absent; new apps add theirs with
`register_todo`. Counts are single aggregate queries over the scoped querysets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.core.choices import Action, JobStatus, Role
from casewatch.core.permissions import user_can


@dataclass(frozen=True)
class Todo:
    """One line of the to-do list: a label, how many, where to go, and whether it is urgent."""

    key: str
    label: object
    count: int
    url: str
    urgent: bool = False


TODOS: list[Callable] = []


def register_todo(fn: Callable) -> Callable:
    """Decorator: add a to-do function (user → Todo | None) to every home page."""
    if fn not in TODOS:
        TODOS.append(fn)
    return fn


def _url(name: str, **query) -> str:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    return url + ("?" + urlencode(query) if query else "")


def _supervisor(user) -> bool:
    return user_can(user, Action.SUPERVISE)


@register_todo
def problems_assigned(user):
    """Problems assigned to me that are not closed (handlers, legal officers, anyone assigned)."""
    if not apps.is_installed("casewatch.problems"):
        return None
    from casewatch.problems.choices import OPEN_STATUSES
    from casewatch.problems.models import Problem

    if not user_can(user, Action.HANDLE) and not user_can(user, Action.CHANGE):
        return None
    qs = Problem.objects.restrict(user, Action.VIEW).filter(assignee=user, status__in=OPEN_STATUSES)
    overdue = qs.filter(deadline__lt=timezone.localdate()).exists()
    return Todo(
        "problems_assigned",
        _("Problems assigned to me"),
        qs.count(),
        _url("problems:problem_list", mine="on"),
        overdue,
    )


@register_todo
def problems_to_assign(user):
    """Problems on the list nobody has been given yet (legal officers and supervisors assign)."""
    if not apps.is_installed("casewatch.problems"):
        return None
    from casewatch.problems.choices import ProblemStatus
    from casewatch.problems.models import Problem

    if not (user_can(user, Action.CHANGE) or _supervisor(user)) or user.role == Role.ENFORCEMENT_OFFICER:
        return None
    n = Problem.objects.restrict(user, Action.VIEW).filter(status=ProblemStatus.OPEN).count()
    return Todo(
        "problems_to_assign", _("Problems to assign"), n, _url("problems:problem_list", status="open")
    )


@register_todo
def problems_to_verify(user):
    """Rectifications submitted and waiting for a supervisor's verification."""
    if not apps.is_installed("casewatch.problems") or not _supervisor(user):
        return None
    from casewatch.problems.choices import ProblemStatus
    from casewatch.problems.models import Problem

    n = Problem.objects.restrict(user, Action.VIEW).filter(status=ProblemStatus.SUBMITTED).count()
    return Todo(
        "problems_to_verify",
        _("Rectifications to verify"),
        n,
        _url("problems:problem_list", status="submitted"),
    )


@register_todo
def orders_due(user):
    """Open supervision orders in scope due within a week or overdue (receivers and supervisors)."""
    if not apps.is_installed("casewatch.problems"):
        return None
    if user.role not in (Role.LEGAL_OFFICER, Role.AGENCY_SUPERVISOR, Role.COMMITTEE_SUPERVISOR):
        return None
    from casewatch.problems.choices import OrderStatus
    from casewatch.problems.models import SupervisionOrder

    today = timezone.localdate()
    qs = SupervisionOrder.objects.restrict(user, Action.VIEW).filter(
        status=OrderStatus.OPEN, deadline__lte=today + dt.timedelta(days=7)
    )
    overdue = qs.filter(deadline__lt=today).count()
    return Todo(
        "orders_due",
        _("Supervision orders due within 7 days or overdue"),
        qs.count(),
        _url("problems:order_list", status="open"),
        overdue > 0,
    )


@register_todo
def red_lights(user):
    """Red lights: on my own cases for a handler, in scope for everyone who supervises deadlines."""
    if not apps.is_installed("casewatch.deadlines"):
        return None
    if user.role not in (
        Role.HANDLER,
        Role.LEGAL_OFFICER,
        Role.AGENCY_SUPERVISOR,
        Role.COMMITTEE_SUPERVISOR,
    ):
        return None
    from casewatch.deadlines.models import CaseDeadline

    qs = CaseDeadline.objects.restrict(user, Action.VIEW).filter(light="red")
    if user.role == Role.HANDLER:
        staff_no = getattr(getattr(user, "staff", None), "staff_no", None)
        if not staff_no:
            return None
        qs = qs.filter(handler_staff_no=staff_no)
        label = _("Red lights on my cases")
    else:
        label = _("Red lights in my scope")
    n = qs.count()
    return Todo("red_lights", label, n, _url("deadlines:deadline_list", light="red"), n > 0)


@register_todo
def escalations_waiting(user):
    """Cases past their legal time limit whose escalation waits for a supervisor's confirmation."""
    if not apps.is_installed("casewatch.deadlines") or not _supervisor(user):
        return None
    from casewatch.deadlines.services import pending_escalations

    n = pending_escalations(user).count()
    return Todo("escalations", _("Escalations to confirm"), n, _url("deadlines:escalations"), n > 0)


@register_todo
def findings_to_triage(user):
    """New screening findings waiting to be confirmed or dismissed."""
    if not apps.is_installed("casewatch.screening"):
        return None
    if not (_supervisor(user) or user.role == Role.LEGAL_OFFICER):
        return None
    from casewatch.screening.models import Finding

    n = Finding.objects.restrict(user, Action.VIEW).filter(status="new").count()
    return Todo("findings", _("Findings to triage"), n, _url("screening:finding_list", status="new"))


@register_todo
def reviews_to_do(user):
    """My case reviews not yet submitted (reviewers)."""
    if not apps.is_installed("casewatch.reviews") or not user_can(user, Action.REVIEW):
        return None
    from casewatch.reviews.models import Review

    n = Review.objects.restrict(user).filter(reviewer=user, status="draft").count()
    return Todo("reviews", _("Reviews to do"), n, _url("reviews:queue"), n > 0)


@register_todo
def leads_to_triage(user):
    """New false-litigation leads (supervisors)."""
    if not apps.is_installed("casewatch.falselit") or not _supervisor(user):
        return None
    from casewatch.falselit.models import Lead

    n = Lead.objects.restrict(user, Action.VIEW).filter(status="new").count()
    return Todo("leads", _("False-litigation leads to triage"), n, _url("falselit:lead_list", status="new"))


@register_todo
def accountability_open(user):
    """Accountability reviews awaiting a decision (supervisors)."""
    if not apps.is_installed("casewatch.problems") or not _supervisor(user):
        return None
    from casewatch.problems.models import AccountabilityReview

    n = AccountabilityReview.objects.restrict(user, Action.VIEW).filter(status="open").count()
    return Todo("accountability", _("Accountability reviews to decide"), n, _url("problems:accountability"))


@register_todo
def failed_jobs(user):
    """Failed background jobs in scope (administrators)."""
    if user.role != Role.SYSADMIN and not user.is_superuser:
        return None
    from casewatch.core.models import Job

    n = Job.objects.restrict(user, Action.VIEW).filter(status=JobStatus.FAILED).count()
    return Todo("failed_jobs", _("Failed jobs"), n, _url("core:job_list"), n > 0)


@register_todo
def reveals_today(user):
    """Personal data revealed today in scope (auditors look at these)."""
    if not user_can(user, Action.AUDIT):
        return None
    from casewatch.core.choices import AuditAction
    from casewatch.core.models import AuditLog

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    n = (
        AuditLog.objects.restrict(user, Action.AUDIT)
        .filter(action=AuditAction.REVEAL, timestamp__gte=start)
        .count()
    )
    return Todo("reveals", _("Personal data revealed today"), n, _url("core:audit_list", action="reveal"))


@register_todo
def property_alerts(user):
    """Seized-property items past (or close to) their hand-over, custody or disposal deadline."""
    if user.role != Role.PROPERTY_CUSTODIAN or not apps.is_installed("casewatch.property"):
        return None
    from casewatch.property.choices import AlertState
    from casewatch.property.models import Alert

    qs = Alert.objects.restrict(user, Action.VIEW)
    counts = dict(qs.order_by().values_list("state").annotate(n=Count("id")))
    n = sum(counts.values())
    return Todo(
        "property_alerts",
        _("Property deadlines due or overdue"),
        n,
        _url("property:dashboard"),
        bool(counts.get(AlertState.OVERDUE)),
    )


@register_todo
def credit_repairs(user):
    """Credit repairs that still need a step (applied, verified, shielded)."""
    if user.role != Role.ENFORCEMENT_OFFICER or not apps.is_installed("casewatch.enforcement"):
        return None
    from casewatch.enforcement.models import CreditRepair

    n = (
        CreditRepair.objects.restrict(user, Action.VIEW)
        .filter(status__in=("applied", "verified", "shielded"))
        .count()
    )
    return Todo("credit_repairs", _("Credit repairs to take forward"), n, _url("enforcement:repairs"))


@register_todo
def notary_items_due(user):
    """Notarisation matters still open whose time limit ends within three days (or has ended)."""
    if user.role != Role.NOTARY or not apps.is_installed("casewatch.notary"):
        return None
    from casewatch.notary.choices import OPEN_STATUSES
    from casewatch.notary.models import Item

    today = timezone.localdate()
    qs = Item.objects.restrict(user, Action.VIEW).filter(
        status__in=OPEN_STATUSES, due_on__lte=today + dt.timedelta(days=3)
    )
    return Todo(
        "notary_due",
        _("Notarisations due within three days"),
        qs.count(),
        _url("notary:queue"),
        qs.filter(due_on__lt=today).exists(),
    )


#: readable names of job kinds (the kind itself is a code)
JOB_LABELS = {
    "core.selftest": _("Self-test"),
    "deadlines.refresh": _("Recompute deadlines and lights"),
    "deadlines.measures": _("Build the deadline measures"),
    "problems.tick": _("Daily tick of the problem list"),
    "screening.analyze": _("Screening run"),
    "surveys.export": _("Survey export"),
    "cases.import": _("Import"),
    "falselit.scan": _("False-litigation scan"),
    "property.refresh": _("Seized-property alerts"),
    "warehouse.sync": _("Analytics store sync"),
    "scheduler.falselit_scan": _("False-litigation scan"),
    "scheduler.report_snapshot": _("Campaign report snapshot"),
    "scheduler.backup": _("Nightly backup"),
}

#: readable names of the shipped schedules (core/scheduler.py DEFAULT_SCHEDULES)
SCHEDULE_LABELS = {
    "deadlines-daily": _("Deadlines and lights, daily"),
    "problems-tick": _("Problem list, daily tick"),
    "screening-after-imports": _("Screening after new imports"),
    "warehouse-sync": _("Analytics store sync"),
    "falselit-scan": _("False-litigation scan, nightly"),
    "report-snapshot": _("Campaign report snapshot, nightly"),
    "backup-nightly": _("Nightly backup"),
}


def schedule_label(name: str) -> str:
    """A schedule as people read it (its name when it has no label)."""
    return str(SCHEDULE_LABELS.get(name, name))


def job_label(kind: str) -> str:
    """A job kind as people read it (the kind when it has no name yet)."""
    return str(JOB_LABELS.get(kind, kind))


def todos_for(user) -> list[Todo]:
    """The user's to-dos, urgent first; every function that applies to the role contributes."""
    items = [t for fn in TODOS if (t := fn(user)) is not None]
    return sorted(items, key=lambda t: (not t.urgent, -t.count > 0, str(t.label)))

"""Pages for supervision orders, accountability and the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casewatch.core import tables
from casewatch.core.choices import Action
from casewatch.core.exports import xlsx_response
from casewatch.core.models import Unit
from casewatch.core.pagination import paginate
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.problems import notifications
from casewatch.problems import services_accountability as accountability
from casewatch.problems import services_orders as orders
from casewatch.problems.choices import EmailMode, OrderLevel, ReviewStatus
from casewatch.problems.filtersets import OrderFilterForm
from casewatch.problems.forms import (
    CloseOrderForm,
    DecisionForm,
    InboxForm,
    OrderForm,
    PeriodForm,
    ReportForm,
    RuleForm,
)
from casewatch.problems.models import (
    AccountabilityReview,
    AccountabilityRule,
    Notification,
    Problem,
    SupervisionOrder,
)
from casewatch.problems.services import can

# --- supervision orders ---------------------------------------------------------------------


@login_required
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    # apply(): a malformed filter lists no order (and says why), never every order
    qs = form.apply(SupervisionOrder.objects.restrict(request.user, Action.VIEW)).select_related(
        "unit", "problem"
    )
    qs = qs.order_by("status", "deadline", "id")
    if request.GET.get("export") == "xlsx" and not form.errors:  # a malformed filter: the page says why
        if not can(request.user, Action.EXPORT):
            raise PermissionDenied(_("Your role may not export."))
        record_export(request.user, "problems.supervisionorder", qs.count(), "xlsx")
        return xlsx_response(
            _("supervision-orders") + ".xlsx", _("Supervision orders"), order_header(), order_rows(qs)
        )
    page = paginate(request, qs)
    return render(
        request,
        "problems/order_list.html",
        {
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "can_issue": can(request.user, Action.SUPERVISE),
            "can_export": can(request.user, Action.EXPORT),
        },
    )


def order_header() -> list[str]:
    """Column headings of the orders export, in the reader's language."""
    return [
        _("Number"),
        _("Title"),
        _("Receiving unit"),
        _("Level"),
        _("Listed"),
        _("Origin"),
        _("Status"),
        _("Deadline"),
        _("Issued"),
        _("Times escalated"),
    ]


def order_rows(qs):
    """Orders as people read them: labels, unit names, local times (streamed)."""
    for o in qs.iterator(chunk_size=2000):
        yield [
            o.pk,
            o.title,
            o.unit.name,
            o.get_level_display(),
            _("yes") if o.listed else _("no"),
            o.get_origin_display(),
            o.get_status_display(),
            o.deadline,
            o.created_at,
            o.escalation_count,
        ]


@login_required
def order_create(request):
    user = request.user
    if not can(user, Action.SUPERVISE):
        raise PermissionDenied(_("Only supervisors may issue supervision orders."))
    units = Unit.objects.restrict(user, Action.VIEW)
    initial = {
        "level": OrderLevel.CITY if orders.user_is_city_level(user) else OrderLevel.DISTRICT,
        "problem": request.GET.get("problem") or None,
        "case": request.GET.get("case") or None,
        "lead_ref": request.GET.get("lead", ""),
    }
    problem = None
    if initial["problem"] and str(initial["problem"]).isdigit():
        problem = get_scoped_or_404(
            user, Problem.objects.select_related("unit"), Action.VIEW, pk=initial["problem"]
        )
        initial.update(title=problem.title, unit=problem.unit_id)
    form = OrderForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = orders.issue_order(
                user,
                title=d["title"],
                instructions=d["instructions"],
                deadline=d["deadline"],
                unit=d["unit"],
                level=d["level"],
                listed=d["listed"],
                problem=d["problem"],
                case=d["case"],
                lead_ref=d["lead_ref"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Supervision order #%(id)s issued.") % {"id": order.pk})
            if order.warning:
                messages.warning(request, order.warning)
            return redirect("problems:order_detail", pk=order.pk)
    return render(request, "problems/order_form.html", {"form": form, "problem": problem})


@login_required
def order_detail(request, pk):
    user = request.user
    order = get_scoped_or_404(
        user,
        SupervisionOrder.objects.select_related(
            "unit", "problem", "case", "issued_by", "issuer_unit", "closed_by"
        ),
        Action.VIEW,
        pk=pk,
    )
    return render(
        request,
        "problems/order_detail.html",
        {
            "order": order,
            "reports": list(order.reports.select_related("author")),
            "today": timezone.localdate(),
            "can_report": order.status == "open" and orders.can_report(user),
            "can_close": order.status == "open" and can(user, Action.SUPERVISE),
            "report_form": ReportForm(),
            "close_form": CloseOrderForm(),
            "unreached": orders.unreached_warning(order.unit)
            if order.status == "open" and not orders.receivers(order.unit)
            else "",
        },
    )


@login_required
@require_POST
def order_action(request, pk, action):
    user = request.user
    get_scoped_or_404(user, SupervisionOrder, Action.VIEW, pk=pk)  # out of scope: 404 before anything
    try:
        if action in ("report", "close"):
            form = (ReportForm if action == "report" else CloseOrderForm)(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
                )
            if action == "report":
                orders.file_report(user, pk, form.cleaned_data["text"])
                messages.success(request, _("Progress report filed."))
            else:
                orders.close_order(user, pk, form.cleaned_data["note"])
                messages.success(request, _("The order was closed."))
        elif action in ("list", "unlist"):
            orders.set_listed(user, pk, action == "list")
            messages.success(request, _("Saved."))
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("problems:order_detail", pk=pk)


# --- accountability -------------------------------------------------------------------------


@login_required
def accountability_page(request):
    user = request.user
    form = PeriodForm(request.GET or None)
    since = until = None
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    by = "person" if request.GET.get("by") == "person" else "unit"
    rows = accountability.stats(user, by=by, since=since, until=until)
    if request.GET.get("export") == "xlsx":
        if not can(user, Action.EXPORT):
            raise PermissionDenied(_("Your role may not export."))
        record_export(user, "problems.accountability", len(rows), "xlsx")
        return tables.xlsx(
            accountability_table(by, rows, since, until, period=True),
            _("accountability") + ".xlsx",
            _("Accountability"),
        )
    reviews = AccountabilityReview.objects.restrict(user, Action.VIEW).select_related(
        "unit", "person", "rule"
    )
    return render(
        request,
        "problems/accountability.html",
        {
            "form": form,
            "by": by,
            "stats": accountability_table(by, rows[:200], since, until),
            "open_reviews": list(reviews.filter(status=ReviewStatus.OPEN)[:100]),
            "decided_reviews": list(reviews.filter(status=ReviewStatus.DECIDED)[:50]),
            "rules": list(AccountabilityRule.objects.all()),
            "can_configure": can(user, Action.SUPERVISE) and orders.user_is_city_level(user),
            "can_evaluate": can(user, Action.SUPERVISE),
            "rule_form": RuleForm(),
            "can_export": can(user, Action.EXPORT),
        },
    )


def accountability_table(by: str, rows, since, until, *, period: bool = False) -> tables.Table:
    """The statistics as the page shows them and the export writes them (the export adds the
    period's bounds to every row)."""
    C = tables.Column  # noqa: N806 - short constructor keeps the columns readable
    columns = [
        C(gettext_lazy("Person") if by == "person" else gettext_lazy("Unit"), lambda r: r["name"]),
        C(gettext_lazy("Unit") if by == "person" else gettext_lazy("Part of"), lambda r: r["parent"]),
        C(gettext_lazy("Serious"), lambda r: r["high"], num=True),
        C(gettext_lazy("Moderate"), lambda r: r["medium"], num=True),
        C(gettext_lazy("Minor"), lambda r: r["low"], num=True),
        C(gettext_lazy("Total"), lambda r: r["total"], num=True),
        C(gettext_lazy("Overdue"), lambda r: r["overdue"], num=True),
        C(gettext_lazy("Rectified"), lambda r: r["rectified"], num=True),
        C(gettext_lazy("Open reviews"), lambda r: r["open_reviews"], num=True),
    ]
    if period:
        columns += [C(gettext_lazy("From"), lambda r: since), C(gettext_lazy("To"), lambda r: until)]
    return tables.Table(
        columns, rows, empty=gettext_lazy("No problems in this period."), testid="accountability-stats"
    )


@login_required
@require_POST
def accountability_evaluate(request):
    if not can(request.user, Action.SUPERVISE):
        raise PermissionDenied(_("Only supervisors may run the triggers."))
    opened = accountability.evaluate()
    messages.success(request, _("%(n)d accountability review(s) opened.") % {"n": len(opened)})
    return redirect("problems:accountability")


@login_required
@require_POST
def rule_save(request, pk=None):
    """City-level supervisors configure the triggers (create, change, switch off)."""
    if not (can(request.user, Action.SUPERVISE) and orders.user_is_city_level(request.user)):
        raise PermissionDenied(_("Only city-level supervisors may configure triggers."))
    instance = AccountabilityRule.objects.filter(pk=pk).first() if pk else None
    form = RuleForm(request.POST, instance=instance)
    if form.is_valid():
        from casewatch.core import audit
        from casewatch.core.choices import AuditAction

        before = audit.snapshot(instance) if instance else None
        rule = form.save()
        audit.record(
            AuditAction.UPDATE if instance else AuditAction.CREATE,
            rule,
            user=request.user,
            before=before,
            after=audit.snapshot(rule),
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("The trigger is not valid."))
    return redirect("problems:accountability")


@login_required
def review_detail(request, pk):
    user = request.user
    review = get_scoped_or_404(
        user,
        AccountabilityReview.objects.select_related("unit", "person", "rule", "decided_by"),
        Action.VIEW,
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                accountability.decide(user, pk, form.cleaned_data["outcome"], form.cleaned_data["note"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The decision was recorded."))
            return redirect("problems:review_detail", pk=pk)
    problems = review.problems.restrict(user, Action.VIEW).select_related("unit")
    return render(
        request,
        "problems/review_detail.html",
        {
            "review": review,
            "problems": problems,
            "form": form,
            "can_decide": review.status == ReviewStatus.OPEN and can(user, Action.SUPERVISE),
            "today": timezone.localdate(),
        },
    )


# --- inbox ----------------------------------------------------------------------------------


@login_required
def inbox(request):
    user = request.user
    if request.method == "POST":
        form = InboxForm(request.POST)
        if not form.is_valid():  # was: an unknown e-mail mode was ignored without a word
            messages.error(
                request, "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
            )
        elif form.cleaned_data["email_mode"]:
            notifications.set_email_mode(user, form.cleaned_data["email_mode"])
            messages.success(request, _("Saved."))
        elif form.cleaned_data["mark"] == "all":
            notifications.mark_read(user)
        return redirect("problems:inbox")
    qs = Notification.objects.filter(recipient=user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for n in page:
        n.text = notifications.render(n)
    return render(
        request,
        "problems/inbox.html",
        {
            "page": page,
            "email_mode": notifications.email_mode(user),
            "modes": EmailMode.choices,
            "has_email": bool(user.email),
        },
    )


@login_required
def inbox_open(request, pk):
    """Open one notification: mark it read and go to what it is about."""
    n = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if n is None:
        raise Http404(_("Not found."))
    notifications.mark_read(request.user, [n.pk])
    target = (
        n.url
        if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()})
        else None
    )
    return redirect(target or "problems:inbox")


@login_required
def inbox_badge(request):
    """The unread count as a small fragment (htmx polls it; the top bar can include it)."""
    return render(
        request, "problems/_inbox_badge.html", {"inbox_unread": notifications.unread_count(request.user)}
    )

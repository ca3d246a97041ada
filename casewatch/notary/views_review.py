"""Standards-review pages (draw a sample, review against the checklist) and the measures page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.exports import xlsx_response
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.notary import measures, services, standards, tables
from casewatch.notary.catalogue import CHECK_LABEL, CHECKLIST
from casewatch.notary.filtersets import MeasuresPeriodForm
from casewatch.notary.forms import ReviewForm, SampleForm
from casewatch.notary.models import Review, ReviewSample


def _can_review(user) -> bool:
    return any(user_can(user, a) for a in standards.REVIEWERS)


@login_required
def review_list(request):
    form = SampleForm(request.POST or None)
    if request.method == "POST":
        services.require(request.user, *standards.REVIEWERS)
        if form.is_valid():
            d = form.cleaned_data
            try:
                sample = standards.run_sample(
                    request.user, d["office"], d["period_from"], d["period_to"], d["rate"], d["seed"]
                )
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for m in msgs:
                        form.add_error(field if field in form.fields else None, m)
            else:
                messages.success(
                    request,
                    _("Sample drawn: %(n)s of %(c)s items (seed %(seed)s).")
                    % {"n": len(sample.selected), "c": sample.candidates, "seed": sample.seed},
                )
                return redirect("notary:review_list")
    reviews = Review.objects.restrict(request.user).select_related(
        "item__application", "item__matter", "reviewer"
    )
    samples = ReviewSample.objects.restrict(request.user).select_related("office")[:20]
    return render(
        request,
        "notary/review_list.html",
        {
            "reviews": tables.review_table(reviews[:300]),
            "samples": tables.sample_table(samples),
            "form": form,
            "can_review": _can_review(request.user),
            "offices": services.offices(),
        },
    )


@login_required
def review_detail(request, pk):
    review = get_scoped_or_404(request.user, Review, Action.VIEW, pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        services.require(request.user, *standards.REVIEWERS)
        if form.is_valid():
            try:
                standards.submit_review(request.user, review, form.results(), form.cleaned_data["note"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("Review recorded."))
                return redirect("notary:review_list")
    results = [(CHECK_LABEL[c], review.results.get(c, "")) for c, _l, _s in CHECKLIST]
    return render(
        request,
        "notary/review_detail.html",
        {
            "review": review,
            "form": form,
            "results": results,
            "results_table": tables.result_table(results),
            "can_review": _can_review(request.user),
        },
    )


@login_required
def measures_view(request):
    today = timezone.localdate()
    form = MeasuresPeriodForm(
        request.GET or None, initial={"since": today.replace(month=1, day=1), "until": today}
    )
    period = form.period()
    if period is None:  # a malformed or reversed period is said, not replaced by the default
        return render(
            request,
            "notary/measures.html",
            {"form": form, "data": None, "can_export": user_can(request.user, Action.EXPORT)},
        )
    since, until = period
    data = measures.figures(request.user, since, until)
    offices = tables.office_table(data["offices"])
    if request.GET.get("format") == "xlsx":
        services.require(request.user, Action.EXPORT)
        rows = list(offices.values())
        audit.record(
            AuditAction.EXPORT,
            user=request.user,
            object_type="notary.measures",
            message=f"notary measures {since}..{until}, {len(rows)} offices",
        )
        return xlsx_response(
            f"notary-measures-{since}-{until}.xlsx", _("Notarisation"), offices.header(), rows
        )
    checks = [(CHECK_LABEL[c], data["reviews"]["by_check"][c]) for c, _l, _s in CHECKLIST]
    return render(
        request,
        "notary/measures.html",
        {
            "form": form,
            "data": data,
            "offices": offices,
            "matters": tables.matter_table(data["matters"]),
            "checks": tables.check_table(checks),
            "totals_online": tables.pct(data["totals"]["online_share"]),
            "totals_on_time": tables.pct(data["totals"]["on_time_rate"]),
            "can_export": user_can(request.user, Action.EXPORT),
        },
    )

"""Standards-review pages (draw a sample, review against the checklist) and the measures page."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

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
from casewatch.notary import measures, services, standards
from casewatch.notary.catalogue import CHECK_LABEL, CHECKLIST
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
            "reviews": reviews[:300],
            "samples": samples,
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
            "can_review": _can_review(request.user),
        },
    )


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        since = dt.date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = today.replace(month=1, day=1)
    try:
        until = dt.date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        until = today
    return since, until


def _pct(v) -> str:
    """A rate as a percentage rounded half up to 2 decimals (docs/indicators.md)."""
    if v is None:
        return "—"
    return f"{(Decimal(str(v)) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _days(v) -> str:
    return "—" if v is None else str(Decimal(str(v)).quantize(Decimal("0.1"), ROUND_HALF_UP))


@login_required
def measures_view(request):
    since, until = _period(request)
    data = measures.figures(request.user, since, until)
    if request.GET.get("format") == "xlsx":
        services.require(request.user, Action.EXPORT)
        header = [
            _("Office code"),
            _("Office"),
            _("Online"),
            _("Window"),
            _("Imported"),
            _("Total"),
            _("Share done online"),
            _("Issued"),
            _("On time"),
            _("On-time rate"),
        ]
        rows = [
            [
                r["office"],
                r["name"],
                r["online"],
                r["window"],
                r["import"],
                r["total"],
                _pct(r["online_share"]),
                r["issued"],
                r["on_time"],
                _pct(r["on_time_rate"]),
            ]
            for r in data["offices"]
        ]
        audit.record(
            AuditAction.EXPORT,
            user=request.user,
            object_type="notary.measures",
            message=f"notary measures {since}..{until}, {len(rows)} offices",
        )
        return xlsx_response(f"notary-measures-{since}-{until}.xlsx", _("Notarisation"), header, rows)
    offices = [
        {**r, "online_pct": _pct(r["online_share"]), "on_time_pct": _pct(r["on_time_rate"])}
        for r in data["offices"]
    ]
    matters = [
        {
            **m,
            "avg": _days(m["avg_days"]),
            "on_time_pct": _pct(measures.rate(m["on_time"], m["n"])),
        }
        for m in data["matters"]
    ]
    checks = [(CHECK_LABEL[c], data["reviews"]["by_check"][c]) for c, _l, _s in CHECKLIST]
    return render(
        request,
        "notary/measures.html",
        {
            "data": data,
            "offices": offices,
            "matters": matters,
            "checks": checks,
            "totals_online": _pct(data["totals"]["online_share"]),
            "totals_on_time": _pct(data["totals"]["on_time_rate"]),
            "can_export": user_can(request.user, Action.EXPORT),
        },
    )

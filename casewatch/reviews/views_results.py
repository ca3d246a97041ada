"""Result pages: per-case report downloads, the campaign summary and the data export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from casewatch.cases.choices import label
from casewatch.core.choices import Action
from casewatch.core.exports import xlsx_response
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.reviews import evaluations, reports, services
from casewatch.reviews.models import Campaign, Review, Selection

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def review_report(request, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    review = services.own_review(request.user, pk)
    data = reports.review_docx(review) if fmt == "docx" else reports.review_pdf(review)
    record_export(request.user, "reviews.review", 1, fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="review-{review.pk}.{fmt}"'
    return response


@login_required
def summary(request, pk):
    campaign = get_scoped_or_404(request.user, Campaign, Action.VIEW, pk=pk)
    return render(
        request,
        "reviews/campaign_summary.html",
        {"campaign": campaign, "s": reports.summary(request.user, campaign)},
    )


@login_required
def export(request, pk):
    campaign = get_scoped_or_404(request.user, Campaign, Action.VIEW, pk=pk)
    if not user_can(request.user, Action.EXPORT):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    selections = (
        Selection.objects.restrict(request.user)
        .filter(campaign=campaign)
        .select_related("case__unit", "case__handler")
    )
    reviews = {}
    for r in Review.objects.filter(selection__in=selections).select_related("reviewer"):
        reviews.setdefault(r.selection_id, {})[r.kind] = r

    def rows():
        for sel in selections:
            score, grade = evaluations.final_result(sel)
            main = reviews.get(sel.pk, {}).get("review")
            yield [
                sel.case.case_number,
                sel.case.unit.name,
                label("case_type", sel.case.case_type),
                sel.case.handler.name if sel.case.handler_id else "",
                "; ".join(f"{r['code']}:{r.get('detail', '')}" for r in sel.reasons),
                main.reviewer.username if main else "",
                main.status if main else "",
                score,
                grade,
            ]

    header = [
        _("Case number"),
        _("Unit"),
        _("Case type"),
        _("Handler"),
        _("Why selected"),
        _("Reviewer"),
        _("Review status"),
        _("Score"),
        _("Grade"),
    ]
    record_export(request.user, "reviews.selection", selections.count(), "xlsx")
    return xlsx_response(f"campaign-{campaign.pk}.xlsx", "cases", header, rows())

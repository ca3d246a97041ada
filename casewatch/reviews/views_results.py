"""Result pages: per-case report downloads, the campaign summary and the data export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from casewatch.core import tables
from casewatch.core.choices import Action
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.reviews import reports, services
from casewatch.reviews.models import Campaign, Selection
from casewatch.reviews.tables import selections_table, summary_tables

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
    figures = reports.summary(request.user, campaign)
    return render(
        request,
        "reviews/campaign_summary.html",
        {"campaign": campaign, "s": figures, "tables": summary_tables(figures)},
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
        .prefetch_related("reviews__reviewer", "panels")
    )
    table = selections_table(selections)  # the campaign page's table, column for column
    record_export(request.user, "reviews.selection", selections.count(), "xlsx")
    return tables.xlsx(table, f"campaign-{campaign.pk}.xlsx", str(_("Selected cases")))

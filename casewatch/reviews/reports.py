"""Results: the per-case review report (DOCX, PDF) and the campaign summary (grade distribution
by unit and case type, frequent deduction items, reviewer agreement, problems raised)."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from pathlib import Path

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from casewatch.cases.choices import label
from casewatch.reviews import evaluations
from casewatch.reviews.choices import THREE_WAY, ReviewStatus
from casewatch.reviews.models import ItemScore, PanelDecision, Selection


def summary(user, campaign) -> dict:
    """Figures of one campaign, limited to the selections the user may see."""
    selections = list(
        Selection.objects.restrict(user)
        .filter(campaign=campaign)
        .select_related("case__unit")
        .prefetch_related("reviews", "panels")  # final result and agreement without a query per case
    )
    by_unit: dict = defaultdict(Counter)
    by_type: dict = defaultdict(Counter)
    grades: Counter = Counter()
    for sel in selections:
        _score, grade = evaluations.final_result(sel)
        grade = grade or _("not yet graded")
        grades[grade] += 1
        by_unit[sel.case.unit.name][grade] += 1
        by_type[label("case_type", sel.case.case_type)][grade] += 1
    ids = [s.pk for s in selections]
    frequent = list(
        ItemScore.objects.filter(
            review__selection_id__in=ids,
            review__status=ReviewStatus.SUBMITTED,
            item__positive=False,
            points__gt=0,
        )
        .values("item__code", "item__text")
        .annotate(n=Count("id"), points=Sum("points"))
        .order_by("-n", "item__code")[:15]
    )
    agree = total = 0
    for sel in selections:
        evals = [r for r in sel.reviews.all() if r.kind in THREE_WAY and r.status == ReviewStatus.SUBMITTED]
        if len(evals) == len(THREE_WAY):
            total += 1
            agree += len({r.grade for r in evals}) == 1
    from casewatch.problems.choices import ProblemStatus

    problem_status_labels = dict(ProblemStatus.choices)
    problems = Counter(
        ItemScore.objects.filter(review__selection_id__in=ids, problem__isnull=False).values_list(
            "problem__status", flat=True
        )
    )
    return {
        "selected": len(selections),
        "grades": dict(grades),
        "all_grades": sorted(grades),
        "by_unit": {k: dict(v) for k, v in sorted(by_unit.items())},
        "by_type": {k: dict(v) for k, v in sorted(by_type.items())},
        "frequent": frequent,
        "agreement": {"evaluated": total, "agreed": agree, "rate": (agree / total) if total else None},
        "panels": PanelDecision.objects.filter(selection_id__in=ids).count(),
        "problems": {str(problem_status_labels.get(k, k)): v for k, v in problems.items()},
        "problems_total": sum(problems.values()),
    }


def _report_lines(review) -> tuple[list[str], list[list[str]]]:
    case = review.case
    head = [
        _("Campaign: %(c)s") % {"c": review.selection.campaign.name},
        _("Case: %(n)s (%(u)s, %(t)s)")
        % {"n": case.case_number, "u": case.unit.name, "t": case.type_label()},
        _("Rubric: %(r)s") % {"r": review.rubric},
        _("Review: %(k)s by %(u)s, %(s)s")
        % {"k": review.get_kind_display(), "u": review.reviewer.username, "s": review.get_status_display()},
        _("Score: %(s)s   Grade: %(g)s")
        % {"s": review.score if review.score is not None else "—", "g": review.grade or "—"},
    ]
    rows = [
        [
            s.item.code,
            s.item.text,
            ("+" if s.item.positive else "−") + str(s.points),
            s.reason,
            f"#{s.problem_id}" if s.problem_id else "",
        ]
        for s in review.scores.select_related("item").order_by("item__section__order", "item__order")
        if s.points
    ]
    return head, rows


def _header():
    return [_("Item"), _("Description"), _("Points"), _("Reason"), _("Problem")]


def review_docx(review) -> bytes:
    from docx import Document

    from casewatch.core.exports import a4

    head, rows = _report_lines(review)
    doc = a4(Document())
    doc.add_heading(_("Case review report"), level=1)
    for line in head:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, _header(), strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    if review.comments:
        doc.add_heading(_("Comments"), level=2)
        doc.add_paragraph(review.comments)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def review_pdf(review) -> bytes:
    from fpdf import FPDF

    from casewatch.core.documents import cjk_font

    head, rows = _report_lines(review)
    spec = cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    family = "helvetica"
    if spec:
        pdf.add_font("cjk", fname=spec[0], collection_font_number=spec[1])
        bold = spec[0].replace("-Regular", "-Bold")
        bold_spec = (bold, spec[1]) if bold != spec[0] and Path(bold).is_file() else spec
        pdf.add_font("cjk", style="B", fname=bold_spec[0], collection_font_number=bold_spec[1])
        family = "cjk"
    pdf.add_page()
    pdf.set_title(_("Case review report"))
    pdf.set_font(family, size=16)
    pdf.multi_cell(0, 10, _("Case review report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    for line in head:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(col_widths=(18, 60, 18, 70, 18)) as table:
        table.row(_header())
        for row in rows:
            table.row([str(v) for v in row])
    if review.comments:
        pdf.ln(3)
        pdf.multi_cell(0, 6, review.comments, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

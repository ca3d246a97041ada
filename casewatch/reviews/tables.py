"""The review pages' tables (core.tables): campaigns, the reviewer's queue, rubrics, 四类案件 tags
and their trail, and a campaign's selected cases — the last one is also the campaign's Excel
export, so the page and the file show the same columns with the same headings and values.

Tables that stay hand-written, and why: the review sheet (inputs in every row), the three-way
evaluation (a matrix of kinds against reviewers with assignment forms), the dual checks (a
conclusion form inside a cell) and the rubric's sections (items nested under their section).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.core.tables import Column, Table
from casewatch.reviews.choices import SelectionReason
from casewatch.reviews.evaluations import final_result


def _date(value):
    return value.isoformat() if value else None


def campaigns_table(campaigns) -> Table:
    return Table(
        [
            Column(
                _("Name"), lambda c: c.name, link=lambda c: reverse("reviews:campaign_detail", args=[c.pk])
            ),
            Column(_("Organising unit"), lambda c: c.unit.name if c.unit_id else None),
            Column(_("Status"), lambda c: c.get_status_display()),
            Column(_("Closing period"), lambda c: f"{_date(c.closed_from)} – {_date(c.closed_to)}"),
            Column(_("Review due"), lambda c: _date(c.due_on)),
        ],
        campaigns,
        empty=_("No campaigns."),
        testid="campaigns",
    )


def queue_table(reviews) -> Table:
    return Table(
        [
            Column(
                _("Case number"),
                lambda r: r.case.case_number,
                link=lambda r: reverse("reviews:review_detail", args=[r.pk]),
            ),
            Column(_("Campaign"), lambda r: r.selection.campaign.name),
            Column(_("Kind"), lambda r: r.get_kind_display()),
            Column(_("Status"), lambda r: r.get_status_display()),
            Column(_("Review due"), lambda r: _date(r.selection.campaign.due_on)),
            Column(_("Score"), lambda r: r.score, num=True),
            Column(_("Grade"), lambda r: r.grade or None),
        ],
        reviews,
        empty=_("Nothing to review."),
        testid="queue",
    )


def rubrics_table(rubrics) -> Table:
    return Table(
        [
            Column(
                _("Title"), lambda r: r.title, link=lambda r: reverse("reviews:rubric_detail", args=[r.pk])
            ),
            Column(_("Code"), lambda r: r.code),
            Column(_("Version"), lambda r: r.version, num=True),
            Column(_("Case type"), lambda r: r.case_type),
            Column(_("Grades"), lambda r: " ".join(f"{b['grade']} ≥{b['min']}" for b in r.grade_bands)),
        ],
        rubrics,
        empty="—",
        testid="rubrics",
    )


def tags_table(tags) -> Table:
    return Table(
        [
            Column(
                _("Case number"),
                lambda t: t.case.case_number,
                link=lambda t: reverse("reviews:tag_detail", args=[t.pk]),
            ),
            Column(_("Kind"), lambda t: t.get_kind_display()),
            Column(
                _("Tagged"),
                lambda t: f"{_date(timezone.localtime(t.tagged_at).date())} {t.tagged_by.username}",
            ),
            Column(_("Status"), lambda t: _("removed") if t.removed_at else _("active")),
        ],
        tags,
        empty="—",
        testid="tags",
    )


def trail_table(entries) -> Table:
    return Table(
        [
            Column(_("Time"), lambda e: e.at),
            Column(_("supervision step"), lambda e: e.get_action_display()),
            Column(_("By"), lambda e: e.by.username),
            Column(_("note"), lambda e: e.note),
        ],
        entries,
        empty="—",
        testid="trail",
    )


def _reasons(selection) -> str:
    names = dict(SelectionReason.choices)
    return "; ".join(
        f"{names.get(r['code'], r['code'])}" + (f": {r['detail']}" if r.get("detail") else "")
        for r in selection.reasons
    )


def _reviews(selection) -> str:
    return "; ".join(
        f"{r.get_kind_display()}: {r.reviewer.username} ({r.get_status_display()}"
        + (f", {r.grade}" if r.grade else "")
        + ")"
        for r in selection.reviews.all()
    )


def selections_table(selections) -> Table:
    """A campaign's selected cases with why each was selected, its reviews and its result (a
    decided panel, else the quality review, else the expert's). The selections should come with
    ``reviews__reviewer`` and ``panels`` prefetched: the result is then read without a query."""
    results: dict[int, tuple] = {}

    def result(sel):
        if sel.pk not in results:
            results[sel.pk] = final_result(sel)
        return results[sel.pk]

    return Table(
        [
            Column(
                _("Case number"),
                lambda s: s.case.case_number,
                link=lambda s: reverse("reviews:selection_detail", args=[s.pk]),
            ),
            Column(_("Unit"), lambda s: s.case.unit.name),
            Column(_("Case type"), lambda s: s.case.type_label()),
            Column(_("Handler"), lambda s: s.case.handler.name if s.case.handler_id else None),
            Column(_("Why selected"), _reasons),
            Column(_("Reviews"), lambda s: _reviews(s) or None),
            Column(_("Score"), lambda s: result(s)[0], num=True),
            Column(_("Grade"), lambda s: result(s)[1] or None),
        ],
        selections,
        empty=_("No cases drawn yet."),
        testid="selections",
    )


def summary_tables(s: dict) -> dict[str, Table]:
    """The campaign summary's lists (`reports.summary`): grades, grades by unit and by case type,
    the most frequent deductions."""

    def grades_text(counts: dict) -> str:
        return "; ".join(f"{grade} {n}" for grade, n in counts.items())

    return {
        "grades": Table(
            [Column(_("Grade"), lambda r: r[0]), Column(_("Cases"), lambda r: r[1], num=True)],
            list(s["grades"].items()),
            empty="—",
            testid="grades",
        ),
        "by_unit": Table(
            [Column(_("Unit"), lambda r: r[0]), Column(_("Grades"), lambda r: grades_text(r[1]))],
            list(s["by_unit"].items()),
            empty="—",
            testid="by-unit",
        ),
        "by_type": Table(
            [Column(_("Case type"), lambda r: r[0]), Column(_("Grades"), lambda r: grades_text(r[1]))],
            list(s["by_type"].items()),
            empty="—",
            testid="by-type",
        ),
        "frequent": Table(
            [
                Column(_("Code"), lambda f: f["item__code"]),
                Column(_("Item"), lambda f: f["item__text"]),
                Column(_("Times deducted"), lambda f: f["n"], num=True),
                Column(_("Points deducted"), lambda f: f["points"], num=True),
            ],
            s["frequent"],
            empty="—",
            testid="frequent",
        ),
    }

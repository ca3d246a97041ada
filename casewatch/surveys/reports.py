"""The staged evaluation report (阶段性测评报告) of a wave, for all districts or one, as DOCX and PDF.

One `Report` is assembled from `results.compute` (this wave, and every wave of the same organising
unit for the trend), the wave's forums and the tags on free-text answers; `to_docx` and `to_pdf`
lay the same content out with python-docx and fpdf2. Charts are PNGs from `charts.py`. The PDF
embeds the CJK font found by `core.documents.cjk_font()` (Noto Sans CJK SC on Debian), subset by fpdf2.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core.choices import Action
from casewatch.surveys import charts, results
from casewatch.surveys.models import Forum, ForumAttendance, ForumIssue, ForumRating, TextReview, Wave
from casewatch.surveys.stats import wilson


def pct(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def interval(low, high, *, percent: bool) -> str:
    if low is None or high is None:
        return "—"
    return f"{pct(low, 1)}–{pct(high, 1)}" if percent else f"{low:.1f}–{high:.1f}"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Report:
    title: str
    subtitle: str
    summary: list[str]
    tables: list[Table]
    charts: list[tuple[str, bytes]]
    method: list[str]
    generated: dt.date
    results: results.Results


def _metric_rows(rows: list[results.Row]) -> list[list[str]]:
    out = []
    for r in rows:
        m = r.metrics
        out.append(
            [
                str(r.label),
                str(m.n),
                str(m.n_na),
                pct(m.rate),
                interval(*m.rate_ci, percent=True),
                num(m.index),
                interval(*m.index_ci, percent=False),
            ]
        )
    return out


def _metric_header(first: str) -> list[str]:
    return [
        first,
        _("valid answers"),
        _("don't know / N/A"),
        _("satisfaction rate"),
        # xgettext:no-python-format
        _("95% interval"),
        _("index (0–100)"),
        _("95% interval"),
    ]


def build(user, wave: Wave, *, district: str = "") -> Report:
    """Assemble the report's content for the user's scope."""
    names = results.district_names()
    res = results.compute(user, [wave], district=district)
    series = list(
        Wave.objects.restrict(user, Action.VIEW).filter(unit=wave.unit).order_by("period_start", "pk")
    )
    if wave not in series:
        series.append(wave)
    trend = results.compute(user, series, district=district, top_box=wave.top_box, weights=wave.weights)
    place = names.get(district, district) if district else wave.unit.name
    m = res.overall
    title = _("%(place)s perceived-fairness evaluation: staged report") % {"place": place}
    subtitle = _("%(wave)s · %(start)s to %(end)s") % {
        "wave": wave.name,
        "start": wave.period_start.isoformat(),
        "end": wave.period_end.isoformat(),
    }
    summary = [
        _(
            "%(n)s questionnaires were returned, with %(valid)s valid ratings (%(na)s answers “don't know / not applicable” "
            "are counted separately)."
        )
        % {"n": res.respondents["total"], "valid": m.n, "na": m.n_na},
        _(
            "Overall satisfaction rate %(rate)s (95%% interval %(ci)s, satisfied = top %(k)s boxes); index %(index)s "
            "(95%% interval %(ici)s)."
        )
        % {
            "rate": pct(m.rate),
            "ci": interval(*m.rate_ci, percent=True),
            "k": res.top_box,
            "index": num(m.index),
            "ici": interval(*m.index_ci, percent=False),
        },
    ]
    weakest = sorted((r for r in res.by_item if r.metrics.n >= 10), key=lambda r: r.metrics.index or 0)[:3]
    if weakest:
        summary.append(
            _("Lowest-rated items: %(items)s.")
            % {"items": "; ".join(f"{r.label} ({num(r.metrics.index)})" for r in weakest)}
        )

    tables = []
    groups = res.respondents["groups"]
    if groups:
        tables.append(
            Table(
                _("Responses by respondent group"),
                [
                    _("group"),
                    _("responses"),
                    _("sample size"),
                    _("achieved"),
                    _("invitations"),
                    _("used"),
                    _("response rate"),
                ],
                [
                    [
                        str(g["label"]),
                        str(g["responses"]),
                        str(g["target"]),
                        pct(g["achieved"], 1),
                        str(g["issued"]),
                        str(g["used"]),
                        pct(g["response_rate"], 1),
                    ]
                    for g in groups
                ],
            )
        )
    tables.append(Table(_("By agency"), _metric_header(_("agency")), _metric_rows(res.by_agency)))
    tables.append(Table(_("By dimension"), _metric_header(_("dimension")), _metric_rows(res.by_dimension)))
    matrix = res.agency_dimension
    if matrix["rows"]:
        tables.append(
            Table(
                _("Index by agency and dimension"),
                [_("agency")] + [str(label) for _k, label in matrix["dimensions"]],
                [
                    [str(r["label"])] + [num(c.index) if c else "—" for c in r["cells"]]
                    for r in matrix["rows"]
                ],
            )
        )
    if not district and len(res.by_district) > 1:
        tables.append(Table(_("By district"), _metric_header(_("district")), _metric_rows(res.by_district)))
    if len(trend.by_wave) > 1:
        tables.append(Table(_("Trend between waves"), _metric_header(_("wave")), _metric_rows(trend.by_wave)))
        tables.append(
            Table(
                _("Change between consecutive waves"),
                [_("waves"), _("change in rate"), _("95% interval"), _("change in index"), _("95% interval")],
                [
                    [
                        c.label,
                        pct(c.rate_delta),
                        interval(c.rate_low, c.rate_high, percent=True),
                        num(c.index_delta),
                        interval(c.index_low, c.index_high, percent=False),
                    ]
                    for c in trend.changes
                ],
            )
        )
    tables.append(Table(_("By item"), _metric_header(_("item")), _metric_rows(res.by_item)))
    for entry in res.choices[:6]:
        tables.append(
            Table(
                f"{entry['label']}",
                [_("option"), _("count"), _("share of respondents")],
                [[str(o["label"]), str(o["n"]), pct(o["share"], 1)] for o in entry["options"]],
            )
        )

    forums = Forum.objects.restrict(user, Action.VIEW).filter(wave=wave)
    if district:
        forums = forums.filter(unit__division_code=district)
    if forums.exists():
        attendees = ForumAttendance.objects.filter(forum__in=forums).aggregate(n=Sum("count"))["n"] or 0
        issues = ForumIssue.objects.filter(forum__in=forums).select_related("forum")
        summary.append(
            _("%(n)s forums were held with %(people)s attendees; %(issues)s issues were raised.")
            % {"n": forums.count(), "people": attendees, "issues": issues.count()}
        )
        tables.append(
            Table(
                _("Forums"),
                [_("date"), _("place"), _("organiser"), _("attendees"), _("issues")],
                [
                    [
                        f.held_on.isoformat(),
                        f.place,
                        f.organiser,
                        str(sum(a.count for a in f.attendance.all())),
                        str(f.issues.count()),
                    ]
                    for f in forums.order_by("held_on")
                ],
            )
        )
        ratings = ForumRating.objects.filter(forum__in=forums)
        if ratings.exists():
            rated = sum(r.rated for r in ratings)
            satisfied = sum(r.satisfied for r in ratings)
            lo, hi = wilson(satisfied, rated)
            summary.append(
                _("Ratings taken at forums: %(s)s of %(n)s satisfied (%(rate)s, 95%% interval %(ci)s).")
                % {
                    "s": satisfied,
                    "n": rated,
                    "rate": pct(satisfied / rated if rated else None),
                    "ci": interval(lo, hi, percent=True),
                }
            )
        tables.append(
            Table(
                _("Issues raised at forums"),
                [_("forum"), _("agency"), _("issue"), _("problem")],
                [
                    [i.forum.title, i.get_agency_display(), i.description, i.problem_ref or "—"]
                    for i in issues[:50]
                ],
            )
        )
    tags = Counter()
    reviews = TextReview.objects.restrict(user, Action.VIEW).filter(answer__response__wave=wave)
    if district:
        reviews = reviews.filter(answer__response__district_code=district)
    for review_tags in reviews.values_list("tags", flat=True):
        tags.update(review_tags or [])
    if tags:
        tables.append(
            Table(
                _("Themes of free-text comments (tags)"),
                [_("tag"), _("comments")],
                [[t, str(n)] for t, n in tags.most_common(20)],
            )
        )

    chart_list = [
        (
            _("Satisfaction rate by agency"),
            charts.bar_chart(
                [
                    (str(r.label), _p(r.metrics.rate), _p(r.metrics.rate_ci[0]), _p(r.metrics.rate_ci[1]))
                    for r in res.by_agency
                ],
                _("Satisfaction rate by agency (%)"),
            ),
        ),
        (
            _("Index by dimension"),
            charts.bar_chart(
                [(str(r.label), r.metrics.index, *r.metrics.index_ci) for r in res.by_dimension],
                _("Index by dimension (0–100)"),
                suffix="",
            ),
        ),
    ]
    if len(trend.by_wave) > 1:
        chart_list.append(
            (
                _("Index over waves"),
                charts.line_chart(
                    [(r.label, r.metrics.index) for r in trend.by_wave], _("Index over waves (0–100)")
                ),
            )
        )
    method = list(res.formula_texts().values()) + [
        _(
            "Responses are anonymous: the response store keeps the case's unit and type, the respondent group and "
            "the date only; it cannot be linked to an invitation or a person."
        ),
    ]
    return Report(title, subtitle, summary, tables, chart_list, method, timezone.localdate(), res)


def _p(value):
    return None if value is None else value * 100


# --- DOCX -------------------------------------------------------------------------------------


def to_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        try:
            style = doc.styles[style_name]
        except KeyError:
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "宋体")
    doc.styles["Normal"].font.size = Pt(10.5)
    heading = doc.add_heading(report.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(report.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        _("Generated on %(date)s") % {"date": report.generated.isoformat()}
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(_("Summary"), level=1)
    for line in report.summary:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading(_("Charts"), level=1)
    for caption, png in report.charts:
        doc.add_picture(io.BytesIO(png), width=Cm(16))
        doc.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(_("Tables"), level=1)
    for table in report.tables:
        doc.add_heading(table.title, level=2)
        grid = doc.add_table(rows=1, cols=len(table.header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        for row in table.rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = str(text)
        if table.note:
            doc.add_paragraph(table.note)
    doc.add_heading(_("Method"), level=1)
    for line in report.method:
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------


def to_pdf(report: Report) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font = charts.cjk_font()
    if font is None:
        raise RuntimeError(
            "No CJK font found for the PDF report; set SURVEYS_REPORT_FONT to a .ttf/.otf/.ttc file."
        )
    bold = charts.bold_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("cjk", "", font[0], collection_font_number=font[1])
    pdf.add_font("cjk", "B", bold[0], collection_font_number=bold[1])
    pdf.set_title(report.title)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("cjk", "B", 16)
    pdf.multi_cell(width, 9, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 10)
    pdf.multi_cell(width, 6, report.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        width,
        6,
        _("Generated on %(date)s") % {"date": report.generated.isoformat()},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )

    def heading(text, size=13):
        pdf.ln(3)
        pdf.set_font("cjk", "B", size)
        pdf.multi_cell(width, 8, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", "", 9)

    heading(_("Summary"))
    pdf.set_font("cjk", "", 10)
    for line in report.summary:
        pdf.multi_cell(width, 6, "• " + line, new_x="LMARGIN", new_y="NEXT")
    heading(_("Charts"))
    for caption, png in report.charts:
        pdf.image(io.BytesIO(png), w=width)
        pdf.set_font("cjk", "", 9)
        pdf.multi_cell(width, 5, caption, align="C", new_x="LMARGIN", new_y="NEXT")
    heading(_("Tables"))
    for table in report.tables:
        heading(table.title, 11)
        pdf.set_font("cjk", "", 8)
        first = 0.3 if len(table.header) > 3 else 0.4
        rest = (1 - first) / max(1, len(table.header) - 1)
        widths = [first] + [rest] * (len(table.header) - 1)
        with pdf.table(
            col_widths=tuple(widths),
            text_align="LEFT",
            line_height=5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(226, 232, 242)),
        ) as grid:
            row = grid.row()
            for text in table.header:
                row.cell(str(text))
            for values in table.rows:
                row = grid.row()
                for text in values:
                    row.cell(str(text))
        if table.note:
            pdf.multi_cell(width, 5, table.note, new_x="LMARGIN", new_y="NEXT")
    heading(_("Method"))
    pdf.set_font("cjk", "", 9)
    for line in report.method:
        pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

"""Documents for leadership: the progress notice (晾晒通报, DOCX) and the weekly progress report
(DOCX and PDF), built from the same figures as the board (`board.figures`).

Chinese text in PDFs needs a CJK font, found by `core.documents.cjk_font` (``CASEWATCH_CJK_FONT``,
then Debian's Noto Sans CJK from fonts-noto-cjk). Charts are
drawn with fpdf2's primitives in the PDF and rendered to PNG with Pillow (a dependency of fpdf2)
for Word.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core.choices import Action
from casewatch.core.documents import cjk_font, docx_table, new_docx
from casewatch.problems import board
from casewatch.problems.models import Problem
from casewatch.problems.querysets import metric_q


def percent(rate) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def _period_text(since, until) -> str:
    if since and until:
        return _("%(since)s to %(until)s") % {"since": since.isoformat(), "until": until.isoformat()}
    if since:
        return _("since %(since)s") % {"since": since.isoformat()}
    if until:
        return _("up to %(until)s") % {"until": until.isoformat()}
    return _("all time")


def _light_label(value: str) -> str:
    return {"green": _("green"), "yellow": _("yellow"), "red": _("red")}.get(value, "—")


def ranked_rows(rows: list[dict], ranked: bool) -> list[dict]:
    """Rows for a notice: by rate (high first; ties: fewer overdue, more found) or in unit order."""
    rows = [r for r in rows if r["found"]]
    if not ranked:
        return rows
    return sorted(rows, key=lambda r: (-(r["rate"] or 0), r["overdue"], -r["found"], r["code"]))


def progress_notice_docx(user, *, since=None, until=None, ranked: bool = True, today=None) -> bytes:
    """The progress notice (晾晒通报) for a period as a Word document; ranked or in unit order."""
    figures = board.figures(user, since=since, until=until, today=today)
    doc = new_docx()
    doc.add_heading(_("Progress notice on problem rectification"), level=1)
    root = figures["root"]["name"] if figures["root"] else ""
    t = figures["totals"]
    doc.add_paragraph(
        _("Scope: %(root)s. Period: %(period)s. Figures as of %(today)s.")
        % {"root": root, "period": _period_text(since, until), "today": figures["today"]}
    )
    doc.add_paragraph(
        _(
            "%(found)d problems were found; %(rectified)d have been rectified and verified (%(rate)s); "
            "%(open)d are being rectified, of which %(overdue)d are overdue."
        )
        % {
            "found": t["found"],
            "rectified": t["rectified"],
            "rate": percent(t["rate"]),
            "open": t["open"],
            "overdue": t["overdue"],
        }
    )
    rows = ranked_rows(figures["rows"], ranked)
    doc.add_heading(_("Ranking by rectification rate") if ranked else _("Results by unit"), level=2)
    header = ([_("Rank")] if ranked else []) + [
        _("District"),
        _("Unit"),
        _("Found"),
        _("Rectified"),
        _("Overdue"),
        _("Rectification rate"),
        _("Light"),
    ]
    body = []
    for i, r in enumerate(rows, start=1):
        values = [
            r["district"],
            r["name"],
            r["found"],
            r["rectified"],
            r["overdue"],
            percent(r["rate"]),
            _light_label(r["light"]),
        ]
        body.append(([i] if ranked else []) + values)
    docx_table(doc, header, body)
    if figures["listed_orders"]:
        doc.add_heading(_("Listed supervision orders"), level=2)
        for o in figures["listed_orders"]:
            doc.add_paragraph(
                _("#%(id)s %(title)s — %(unit)s, deadline %(deadline)s") % o, style="List Bullet"
            )
    red = [r for r in rows if r["light"] == "red"]
    if red:
        doc.add_heading(_("Units to be named"), level=2)
        doc.add_paragraph(
            _("Units with a red light: %(units)s.")
            % {"units": "、".join(f"{r['district']}{r['name']}" for r in red)}
        )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def week_bounds(week_ending: dt.date | None) -> tuple[dt.date, dt.date]:
    end = week_ending or timezone.localdate()
    return end - dt.timedelta(days=6), end


def weekly_data(user, week_ending: dt.date | None = None, today=None) -> dict:
    """Figures of the weekly report: the week's new and verified problems and the standing totals."""
    start, end = week_bounds(week_ending)
    overall = board.figures(user, today=today or end)
    week = board.figures(user, since=start, until=end, today=today or end)
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    verified = Problem.objects.restrict(user, Action.VIEW).aggregate(
        n=Count("id", filter=Q(verified_at__gte=lo, verified_at__lt=hi) & metric_q("rectified"))
    )["n"]
    return {"start": start, "end": end, "overall": overall, "week": week, "verified_in_week": verified}


def _summary_lines(data: dict) -> list[str]:
    t = data["overall"]["totals"]
    w = data["week"]["totals"]
    return [
        _("Week of %(start)s to %(end)s.")
        % {"start": data["start"].isoformat(), "end": data["end"].isoformat()},
        _("This week: %(found)d new problems found, %(verified)d rectifications verified.")
        % {"found": w["found"], "verified": data["verified_in_week"]},
        _(
            "Overall: %(found)d problems found, %(rectified)d rectified (%(rate)s), %(open)d open, %(overdue)d overdue."
        )
        % {
            "found": t["found"],
            "rectified": t["rectified"],
            "rate": percent(t["rate"]),
            "open": t["open"],
            "overdue": t["overdue"],
        },
    ]


def _district_rows(data: dict) -> list[dict]:
    return [d for d in data["overall"]["districts"] if d["found"]]


def chart_png(rows: list[dict], width: int = 1000) -> bytes:
    """A horizontal bar chart of rectification rate per district, as PNG (for Word)."""
    from PIL import Image, ImageDraw, ImageFont

    font_spec = cjk_font()
    bar_h, gap, left, top = 28, 12, 170, 50
    height = top + max(len(rows), 1) * (bar_h + gap) + 30
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    if font_spec:
        font = ImageFont.truetype(font_spec[0], 20, index=font_spec[1])
    else:
        font = ImageFont.load_default()
    draw.text((10, 10), _("Rectification rate by district"), fill="black", font=font)
    span = width - left - 110
    for i, r in enumerate(rows):
        y = top + i * (bar_h + gap)
        rate = r["rate"] or 0
        draw.text((10, y + 2), r["name"], fill="black", font=font)
        colour = {"green": "#116329", "yellow": "#c58a00", "red": "#b3261e"}.get(r["light"], "#0b3d91")
        draw.rectangle([left, y, left + max(int(span * rate), 1), y + bar_h], fill=colour)
        draw.text((left + int(span * rate) + 8, y + 2), percent(r["rate"]), fill="black", font=font)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def weekly_docx(user, week_ending: dt.date | None = None, today=None) -> bytes:
    from docx.shared import Cm

    data = weekly_data(user, week_ending, today)
    doc = new_docx()
    doc.add_heading(_("Weekly rectification progress report"), level=1)
    root = data["overall"]["root"]
    if root:
        doc.add_paragraph(_("Scope: %(root)s.") % {"root": root["name"]})
    for line in _summary_lines(data):
        doc.add_paragraph(line)
    rows = _district_rows(data)
    if rows:
        doc.add_picture(io.BytesIO(chart_png(rows)), width=Cm(16))
    doc.add_heading(_("Progress by district"), level=2)
    docx_table(
        doc,
        [_("District"), _("Found"), _("Rectified"), _("Open"), _("Overdue"), _("Rectification rate")],
        [[r["name"], r["found"], r["rectified"], r["open"], r["overdue"], percent(r["rate"])] for r in rows],
    )
    orders = data["overall"]["listed_orders"]
    if orders:
        doc.add_heading(_("Listed supervision orders"), level=2)
        for o in orders:
            doc.add_paragraph(
                _("#%(id)s %(title)s — %(unit)s, deadline %(deadline)s") % o, style="List Bullet"
            )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def weekly_pdf(user, week_ending: dt.date | None = None, today=None) -> bytes:
    """The weekly report as PDF (A4), Chinese set in Noto Sans CJK, the chart drawn as vectors."""
    from fpdf import FPDF

    data = weekly_data(user, week_ending, today)
    font_spec = cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    if font_spec:
        pdf.add_font("cjk", fname=font_spec[0], collection_font_number=font_spec[1])
        bold = font_spec[0].replace("-Regular", "-Bold")
        bold_spec = (bold, font_spec[1]) if bold != font_spec[0] and Path(bold).is_file() else font_spec
        pdf.add_font("cjk", style="B", fname=bold_spec[0], collection_font_number=bold_spec[1])
        family = "cjk"
    else:  # without a CJK font the PDF can carry Latin text only
        family = "helvetica"
    pdf.add_page()
    pdf.set_title(_("Weekly rectification progress report"))
    pdf.set_font(family, size=16)
    pdf.multi_cell(0, 10, _("Weekly rectification progress report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=11)
    root = data["overall"]["root"]
    if root:
        pdf.multi_cell(0, 7, _("Scope: %(root)s.") % {"root": root["name"]}, new_x="LMARGIN", new_y="NEXT")
    for line in _summary_lines(data):
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    rows = _district_rows(data)
    pdf.ln(4)
    pdf.set_font(family, size=12)
    pdf.cell(0, 8, _("Rectification rate by district"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    left, span, bar_h = 45, 120, 6
    for r in rows:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(left - pdf.l_margin, bar_h, r["name"])
        colour = {"green": (17, 99, 41), "yellow": (197, 138, 0), "red": (179, 38, 30)}.get(
            r["light"], (11, 61, 145)
        )
        pdf.set_fill_color(*colour)
        pdf.rect(left, y + 0.5, max(span * (r["rate"] or 0), 0.5), bar_h - 1, style="F")
        pdf.set_xy(left + span * (r["rate"] or 0) + 2, y)
        pdf.cell(20, bar_h, percent(r["rate"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, size=12)
    pdf.cell(0, 8, _("Progress by district"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    header = [_("District"), _("Found"), _("Rectified"), _("Open"), _("Overdue"), _("Rectification rate")]
    with pdf.table(col_widths=(40, 25, 25, 25, 25, 35), text_align="CENTER") as table:
        table.row(header)
        for r in rows:
            table.row(
                [
                    r["name"],
                    str(r["found"]),
                    str(r["rectified"]),
                    str(r["open"]),
                    str(r["overdue"]),
                    percent(r["rate"]),
                ]
            )
    orders = data["overall"]["listed_orders"]
    if orders:
        pdf.ln(4)
        pdf.set_font(family, size=12)
        pdf.cell(0, 8, _("Listed supervision orders"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=10)
        for o in orders:
            pdf.multi_cell(
                0,
                6,
                _("#%(id)s %(title)s — %(unit)s, deadline %(deadline)s") % o,
                new_x="LMARGIN",
                new_y="NEXT",
            )
    return bytes(pdf.output())

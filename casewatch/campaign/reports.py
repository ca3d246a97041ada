"""The campaign report as DOCX and PDF (A4), rendered from a frozen `ReportSnapshot`.

Both documents are rendered only from the snapshot's payload, so the same snapshot always gives
the same figures; the document's creation time is the snapshot's, which makes two renderings of
one snapshot byte-identical apart from the library's own timestamps.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casewatch.core.documents import cjk_font, docx_table, new_docx

#: rates published with one decimal place (the article's 5.9 %)
ONE_PLACE = frozenset({"admin_loss_rate"})


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def value_text(f: dict) -> str:
    """A figure's value as printed: 97.33%, 3,636 份, — when there is nothing to compute."""
    v = f.get("value")
    if v is None:
        return "—"
    if f.get("unit") == "%":
        return f"{v:.1f}%" if f["key"] in ONE_PLACE else f"{v:.2f}%"
    if isinstance(v, float):
        return f"{v:,.2f} {f.get('unit', '')}".strip()
    return f"{v:,} {f.get('unit', '')}".strip()


def detail_text(f: dict) -> str:
    """Numerator/denominator and the figure's extras in one line."""
    parts = []
    if f.get("num") is not None and f.get("den") is not None:
        parts.append(f"{f['num']:,} / {f['den']:,}")
    extra = f.get("extra") or {}
    if extra.get("coverage") is not None:
        parts.append(_("coverage %(rate)s%%") % {"rate": extra["coverage"]})
    if extra.get("change_pp") is not None:
        parts.append(
            _("a year earlier %(rate)s%%, %(pp)s percentage points")
            % {"rate": extra.get("prior_rate"), "pp": f"{extra['change_pp']:+}"}
        )
    for name, n in sorted((extra.get("by_district") or {}).items(), key=lambda x: -x[1])[:3]:
        parts.append(f"{name} {n:,}")
    if extra.get("period_end"):
        parts.append(_("period to %(day)s") % {"day": extra["period_end"]})
    if extra.get("run_as_of"):
        parts.append(_("screening run as of %(day)s") % {"day": extra["run_as_of"]})
    for proc, t in (extra.get("tracks") or {}).items():
        parts.append(
            _("%(track)s: %(n)s cases, %(days)s days on average")
            % {"track": _procedure(proc), "n": f"{t['n']:,}", "days": t["mean_days"]}
        )
    return "; ".join(parts)


def _procedure(code: str) -> str:
    """A procedure's name (普通程序 …) in the user's language."""
    from casewatch.analytics.schema import PROCEDURES

    zh, en = PROCEDURES.get(code, (code or "—", code or "—"))
    return zh if _zh() else en


def _label(f: dict) -> str:
    return f["label_zh"] if _zh() else f["label_en"]


def _definition(f: dict) -> str:
    return f["definition_zh"] if _zh() else f["definition_en"]


def title(snap) -> str:
    return _("Campaign report of %(unit)s, %(start)s to %(end)s") % {
        "unit": snap.payload["unit_name"],
        "start": snap.payload["start"],
        "end": snap.payload["end"],
    }


def report_docx(snap, figures: list[dict]) -> bytes:
    """The report as a Word document on A4."""
    doc = new_docx()
    doc.core_properties.created = snap.created_at.replace(microsecond=0, tzinfo=None)
    doc.core_properties.modified = snap.created_at.replace(microsecond=0, tzinfo=None)
    doc.core_properties.title = title(snap)
    doc.add_heading(title(snap), level=1)
    doc.add_paragraph(
        _("Computed from the platform's records on %(day)s; snapshot %(digest)s.")
        % {"day": snap.created_at.date().isoformat(), "digest": snap.digest[:16]}
    )
    header = [_("Figure"), _("Value"), _("Detail"), _("Change since the last report")]
    rows = [
        [_label(f), value_text(f), detail_text(f), "" if f.get("delta") is None else f"{f['delta']:+}"]
        for f in figures
    ]
    docx_table(doc, header, rows)
    doc.add_heading(_("Definitions"), level=2)
    for f in figures:
        p = doc.add_paragraph()
        p.add_run(_label(f) + "：").bold = True
        p.add_run(_definition(f))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def report_pdf(snap, figures: list[dict]) -> bytes:
    """The report as PDF (A4) with Noto Sans CJK embedded and a bar chart of the rates."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(snap.created_at)
    pdf.set_auto_page_break(auto=True, margin=15)
    spec = cjk_font()
    family = "helvetica"
    if spec:
        pdf.add_font("cjk", fname=spec[0], collection_font_number=spec[1])
        bold = spec[0].replace("-Regular", "-Bold")
        bspec = (bold, spec[1]) if bold != spec[0] and Path(bold).is_file() else spec
        pdf.add_font("cjk", style="B", fname=bspec[0], collection_font_number=bspec[1])
        family = "cjk"
    pdf.add_page()
    pdf.set_title(title(snap))
    pdf.set_font(family, "B", size=15)
    pdf.multi_cell(0, 9, title(snap), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    pdf.multi_cell(
        0,
        6,
        _("Computed from the platform's records on %(day)s; snapshot %(digest)s.")
        % {"day": snap.created_at.date().isoformat(), "digest": snap.digest[:16]},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font(family, size=9)
    with pdf.table(col_widths=(52, 30, 78, 20), text_align="LEFT") as table:
        table.row([_("Figure"), _("Value"), _("Detail"), _("Change")])
        for f in figures:
            table.row(
                [
                    _label(f),
                    value_text(f),
                    detail_text(f),
                    "" if f.get("delta") is None else f"{f['delta']:+}",
                ]
            )
    rates = [
        f
        for f in figures
        if f.get("unit") == "%" and isinstance(f.get("value"), int | float) and f["value"] >= 0
    ]
    if rates:
        pdf.ln(4)
        pdf.set_font(family, "B", size=11)
        pdf.cell(0, 8, _("Rates"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=9)
        left, span, h = 75, 100, 6
        for f in rates:
            y = pdf.get_y()
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(left - pdf.l_margin, h, _label(f)[:22])
            pdf.set_fill_color(11, 61, 145)
            pdf.rect(left, y + 0.5, max(span * min(f["value"], 100) / 100, 0.5), h - 1, style="F")
            pdf.set_xy(left + span * min(f["value"], 100) / 100 + 2, y)
            pdf.cell(20, h, value_text(f), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "B", size=11)
    pdf.cell(0, 8, _("Definitions"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=8)
    for f in figures:
        pdf.multi_cell(0, 5, f"{_label(f)}：{_definition(f)}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

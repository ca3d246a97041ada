"""Rubric data: the sample rubrics shipped as JSON (``rubrics/*.json``, one per case type), and
XLSX import/export (one row per item: section, section maximum, code, item, points, positive, basis;
grade bands and metadata on a second sheet)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casewatch.reviews.models import Rubric, RubricItem, RubricSection

DATA_DIR = Path(__file__).parent / "rubrics"
ITEM_HEADER = ["section", "section_max", "code", "item", "max_points", "positive", "basis"]


def load(data: dict) -> Rubric:
    """Create a rubric version from a dict (idempotent: an existing code+version is returned)."""
    existing = Rubric.objects.filter(code=data["code"], version=data.get("version", 1)).first()
    if existing:
        return existing
    bands = data.get("grade_bands") or []
    if not bands:
        raise ValidationError(_("A rubric needs grade bands."), code="bands")
    with transaction.atomic():
        rubric = Rubric.objects.create(
            code=data["code"],
            version=data.get("version", 1),
            case_type=data["case_type"],
            title=data["title"],
            grade_bands=bands,
            basis=data.get("basis", ""),
        )
        for s_order, sec in enumerate(data["sections"], start=1):
            section = RubricSection.objects.create(
                rubric=rubric, order=s_order, title=sec["title"], max_points=Decimal(str(sec["max_points"]))
            )
            RubricItem.objects.bulk_create(
                RubricItem(
                    section=section,
                    order=i,
                    code=it["code"],
                    text=it["text"],
                    max_points=Decimal(str(it["max_points"])),
                    positive=bool(it.get("positive", sec.get("positive", False))),
                    basis=it.get("basis", ""),
                )
                for i, it in enumerate(sec["items"], start=1)
            )
        total = sum(Decimal(str(s["max_points"])) for s in data["sections"] if not s.get("positive"))
        if total != 100:
            raise ValidationError(
                _("Deduction sections must add up to 100 points (they add up to %(n)s).") % {"n": total}
            )
    return rubric


def load_builtin() -> list[Rubric]:
    """The sample rubrics (rules-cn §2), one per case type."""
    return [load(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(DATA_DIR.glob("*.json"))]


def to_dict(rubric: Rubric) -> dict:
    return {
        "code": rubric.code,
        "version": rubric.version,
        "case_type": rubric.case_type,
        "title": rubric.title,
        "grade_bands": rubric.grade_bands,
        "basis": rubric.basis,
        "sections": [
            {
                "title": s.title,
                "max_points": str(s.max_points),
                "positive": bool(s.items.exists() and all(i.positive for i in s.items.all())),
                "items": [
                    {
                        "code": i.code,
                        "text": i.text,
                        "max_points": str(i.max_points),
                        "positive": i.positive,
                        "basis": i.basis,
                    }
                    for i in s.items.all()
                ],
            }
            for s in rubric.sections.prefetch_related("items")
        ],
    }


def export_xlsx(rubric: Rubric) -> bytes:
    import openpyxl

    data = to_dict(rubric)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "items"
    ws.append(ITEM_HEADER)
    for s in data["sections"]:
        for i in s["items"]:
            ws.append(
                [
                    s["title"],
                    float(s["max_points"]),
                    i["code"],
                    i["text"],
                    float(i["max_points"]),
                    "yes" if i["positive"] else "",
                    i["basis"],
                ]
            )
    meta = book.create_sheet("rubric")
    for key in ("code", "version", "case_type", "title", "basis"):
        meta.append([key, data[key]])
    for band in data["grade_bands"]:
        meta.append(["band", band["grade"], band["min"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_xlsx(raw: bytes, *, new_version: bool = True) -> Rubric:
    """Read a workbook in the export's layout; by default stored as the next version of its code."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        items, meta = book["items"], book["rubric"]
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's error
        raise ValidationError(_("Not a rubric workbook: %(err)s") % {"err": exc}) from None
    data: dict = {"grade_bands": []}
    for row in meta.iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        if row[0] == "band":
            data["grade_bands"].append({"grade": str(row[1]), "min": float(row[2])})
        else:
            data[row[0]] = row[1]
    sections: dict[str, dict] = {}
    for n, row in enumerate(items.iter_rows(values_only=True)):
        if n == 0 or not row or row[0] is None:
            continue
        title, smax, code, text, points, positive, basis = (list(row) + [None] * 7)[:7]
        sec = sections.setdefault(
            str(title),
            {"title": str(title), "max_points": smax or 0, "items": [], "positive": bool(positive)},
        )
        sec["items"].append(
            {
                "code": str(code),
                "text": str(text),
                "max_points": points or 0,
                "positive": bool(positive),
                "basis": basis or "",
            }
        )
    data["sections"] = list(sections.values())
    missing = [k for k in ("code", "case_type", "title") if not data.get(k)]
    if missing or not data["sections"]:
        raise ValidationError(_("The workbook lacks %(what)s.") % {"what": ", ".join(missing) or "items"})
    if new_version:
        latest = Rubric.objects.filter(code=data["code"]).order_by("-version").first()
        data["version"] = (latest.version + 1) if latest else 1
    else:
        data["version"] = int(data.get("version") or 1)
    return load(data)

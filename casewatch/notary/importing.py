"""Import of applications taken in by other systems (CSV in UTF-8/GB18030, or XLSX).

Every row is checked first (office, matters, identity, date, duplicate reference); any error
and nothing is written — the report names the row, the column and why, in the page language.
Valid files are written with two bulk inserts (applications, then their matters). Imported
matters arrive without files: their materials are checked at the office.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Unit
from casewatch.notary.choices import Channel
from casewatch.notary.codes import applicant_key, check_identity
from casewatch.notary.models import Application, Item, MatterType
from casewatch.notary.services import OFFICE_SUFFIX, next_numbers, require

COLUMNS = ["external_ref", "office", "applicant_name", "id_number", "phone", "matters", "submitted_on"]
MAX_ROWS = 20000


def read_rows(upload) -> list[dict]:
    """Rows as dicts of strings; raises ValueError with a bilingual message for unreadable files."""
    raw = upload.read()
    name = (getattr(upload, "name", "") or "").lower()
    if raw[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for broken packages
            raise ValueError(_("The Excel file cannot be read.")) from exc
        sheet = book.worksheets[0]
        values = [
            ["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    else:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_("The file is neither UTF-8 nor GB18030 text."))
        values = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    if not values:
        raise ValueError(_("The file is empty."))
    header = [h.strip().lower() for h in values[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)})
    rows = [dict(zip(header, r + [""] * (len(header) - len(r)), strict=False)) for r in values[1:] if any(r)]
    if len(rows) > MAX_ROWS:
        raise ValueError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    return rows


def validate(user, rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(clean rows, errors [{row, column, message}]); row numbers count the header as row 1."""
    scope = set(
        Unit.objects.restrict(user, Action.HANDLE)
        .filter(code__endswith=OFFICE_SUFFIX)
        .values_list("code", flat=True)
    )
    matters = {m.code: m for m in MatterType.objects.filter(active=True)}
    refs = [r.get("external_ref", "") for r in rows]
    taken = set(
        Application.objects.filter(channel=Channel.IMPORT, external_ref__in=refs).values_list(
            "external_ref", flat=True
        )
    )
    seen: set[str] = set()
    clean, errors = [], []
    for n, r in enumerate(rows, start=2):

        def err(col, msg, n=n):
            errors.append({"row": n, "column": col, "message": str(msg)})

        ref = r.get("external_ref", "")
        if not ref:
            err("external_ref", _("A reference in the source system is required."))
        elif ref in taken or ref in seen:
            err("external_ref", _("This reference was already imported."))
        seen.add(ref)
        if r.get("office") not in scope:
            err("office", _("Not a notary office within your scope."))
        for col, msg in check_identity(
            r.get("applicant_name", ""), r.get("id_number", "").upper(), r.get("phone", "")
        ).items():
            err(col, msg)
        codes = [c.strip() for c in r.get("matters", "").replace("；", ";").split(";") if c.strip()]
        if not codes:
            err("matters", _("Choose at least one matter."))
        for c in codes:
            m = matters.get(c)
            if m is None:
                err("matters", _("Unknown matter: %(codes)s.") % {"codes": c})
            elif not m.allowed_at(r.get("office", "")):
                err(
                    "matters",
                    _("%(matter)s is handled only at a designated office, not at %(office)s.")
                    % {"matter": m.display_name, "office": r.get("office", "")},
                )
        try:
            day = dt.date.fromisoformat(r.get("submitted_on", "")[:10])
        except ValueError:
            err("submitted_on", _("Enter the date as YYYY-MM-DD."))
            day = None
        if day and day > timezone.localdate():
            err("submitted_on", _("The date is in the future."))
        clean.append({**r, "codes": list(dict.fromkeys(codes)), "day": day})
    return clean, errors


def import_file(user, upload) -> dict:
    """Validate and import; returns {"ok", "created", "errors"}."""
    require(user, Action.HANDLE)
    try:
        rows = read_rows(upload)
    except ValueError as exc:
        return {"ok": False, "created": 0, "errors": [{"row": 1, "column": "", "message": str(exc)}]}
    clean, errors = validate(user, rows)
    if errors:
        return {"ok": False, "created": 0, "errors": errors}
    created = bulk_insert(user, clean, Channel.IMPORT)
    audit.record(
        AuditAction.IMPORT,
        user=user,
        object_type="notary.application",
        message=f"imported {created} applications",
    )
    return {"ok": True, "created": created, "errors": []}


def bulk_insert(user, clean: list[dict], channel: str) -> int:
    """Insert validated rows: numbers per office and year, then applications and items in bulk."""
    tz = timezone.get_current_timezone()
    matters = {m.code: m.pk for m in MatterType.objects.all()}
    with transaction.atomic():
        by_office: dict[tuple[str, int], list[dict]] = {}
        for r in clean:
            by_office.setdefault((r["office"], r["day"].year), []).append(r)
        apps = []
        for (code, year), group in sorted(by_office.items()):
            office = Unit.objects.get(code=code)
            for r, number in zip(group, next_numbers(office, year, len(group)), strict=True):
                ident = r["id_number"].upper()
                apps.append(
                    Application(
                        number=number,
                        office_id=code,
                        channel=channel,
                        applicant_name=r["applicant_name"],
                        id_number=ident,
                        phone=r["phone"],
                        applicant_key=applicant_key(ident),
                        external_ref=r["external_ref"],
                        submitted_at=dt.datetime.combine(r["day"], dt.time(9), tz),
                        created_by=user,
                    )
                )
                r["_number"] = number
        Application.objects.bulk_create(apps, batch_size=1000)
        ids = dict(
            Application.objects.filter(number__in=[a.number for a in apps]).values_list("number", "id")
        )
        Item.objects.bulk_create(
            [Item(application_id=ids[r["_number"]], matter_id=matters[c]) for r in clean for c in r["codes"]],
            batch_size=2000,
        )
    return len(apps)

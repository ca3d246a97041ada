"""Bulk import of survey responses collected on paper or on another platform.

Accepted files: CSV (UTF-8/GBK, comma, semicolon or tab), XLSX, and the XLSForm-shaped exports
of KoboToolbox and ODK Central (one row per submission, one column per question named as in the
XLSForm; group paths ``grp/q1`` or ``grp-q1`` are understood; a column may also be headed by the
question's Chinese or English label). Platform metadata (``_id``, ``_uuid``, ``_submission_time``,
``meta/instanceID``, ``KEY``, ``SubmissionDate`` …) and the one-column-per-option 0/1 columns of a
multiple choice are ignored and never stored.

Validation is the mobile form's (:func:`casewatch.surveys.submission.clean_answers`: options,
required questions, skip logic, constraints), plus: a rating outside the item's scale is refused
(``out_of_scale``), a date must be a date inside the wave's period. Problems are reported like the
case importer's (file, row, column, field, value, code, reason in Chinese and English; CSV and XLSX
reports via `casewatch.cases.importing.issues`). All or nothing by default; ``skip_invalid`` stores
the valid rows and reports the rest.

Anonymity holds as for the mobile form: a stored response keeps only wave, instrument, unit (and
its district and agency kind), case type, respondent group, channel and the **date**; no token,
case, party, platform id or time of day. Rows are inserted in random order with random UUIDs, so
storage order says nothing about file order. The idempotency key is a hash of the file's SHA-256
and the row number, so importing the same file twice stores nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.surveys.choices import Channel, ItemKind
from casewatch.surveys.models import Answer, Instrument, Response, Wave, WaveTarget

MAX_ROWS = 200_000
MAX_BYTES = 100 * 1024 * 1024
#: platform metadata columns (KoboToolbox, ODK Central, Enketo), compared case-insensitively
META_COLUMNS = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
    "_parent_index",
    "_validation_status",
    "_status",
    "_submitted_by",
    "__version__",
    "_version_",
    "_tags",
    "_notes",
    "_xform_id_string",
    "_attachments",
    "_geolocation",
    "instanceid",
    "meta/instanceid",
    "meta-instanceid",
    "meta/instancename",
    "meta-instancename",
    "meta/deprecatedid",
    "key",
    "submissiondate",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "edits",
    "formversion",
}
DATE_COLUMNS = ("submitted_on", "date", "填写日期", "日期")
PLATFORM_DATE_COLUMNS = ("_submission_time", "submissiondate", "today")
CASE_TYPE_COLUMNS = ("case_type", "案件类型")

MESSAGES = {
    "empty_file": ("文件为空", "the file is empty"),
    "no_rows": ("文件只有表头，没有数据行", "the file has a header but no data rows"),
    "too_large": (
        "文件过大（超过 100 MB 或 20 万行）",
        "the file is too large (over 100 MB or 200,000 rows)",
    ),
    "unreadable": ("文件无法读取：{}", "the file cannot be read: {}"),
    "unsupported_type": (
        "不支持的文件类型：{}（可用 CSV、XLSX）",
        "unsupported file type: {} (use CSV or XLSX)",
    ),
    "no_question_columns": (
        "表头中没有本问卷的题目（列名应为 XLSForm 的 name 或题目文字）",
        "no column of the header is a question of this instrument (use the XLSForm names or the labels)",
    ),
    "unknown_column": ("未知列，已忽略", "unknown column; ignored"),
    "duplicate_column": (
        "列重复：与第 {} 列指向同一题目",
        "duplicate column: the same question as column {}",
    ),
    "out_of_scale": ("评分不在量表 {} 之内", "the rating is outside the scale {}"),
    "not_an_option": ("不是该题的选项：{}", "not an option of this question: {}"),
    "invalid_answer": ("{}", "{}"),
    "bad_date": ("不是日期（YYYY-MM-DD）", "not a date (YYYY-MM-DD)"),
    "date_outside_wave": ("日期不在本轮测评期间 {} 之内", "the date is outside the wave's period {}"),
    "bad_case_type": ("未知案件类型", "unknown case type"),
    "already_imported": (
        "该行已导入过（同一文件同一行）",
        "this row was imported before (same file, same row)",
    ),
    "empty_row": ("空行，已跳过", "empty row; skipped"),
}


@dataclass
class Issue:
    severity: str
    file: str
    row: int | None
    column: str
    field: str
    value: str
    code: str
    reason_zh: str
    reason_en: str

    def as_row(self) -> list:
        return [self.severity, self.file, "", self.row, self.column, self.field, self.value, self.code,
                self.reason_zh, self.reason_en]  # fmt: skip


@dataclass
class ImportResult:
    """What an import did: rows read, stored, refused, and every problem found."""

    file: str
    rows: int = 0
    stored: int = 0
    skipped: int = 0
    issues: list[Issue] = field(default_factory=list)
    committed: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "rows": self.rows,
            "stored": self.stored,
            "skipped": self.skipped,
            "committed": self.committed,
            "errors": len(self.errors),
            "issues": [dict(zip(COLUMNS, i.as_row(), strict=True)) for i in self.issues[:500]],
        }


COLUMNS = ("severity", "file", "sheet", "row", "column", "field", "value", "code", "reason_zh", "reason_en")


def _issue(severity, file, row, column, fld, value, code, *args) -> Issue:
    zh, en = MESSAGES[code]
    text = "" if value is None else str(value)
    return Issue(severity, file, row, column, fld, text[:100], code, zh.format(*args), en.format(*args))


# --- reading ----------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows (as text) of a CSV or XLSX file; raises ValueError(code, detail)."""
    if not data:
        raise ValueError("empty_file", "")
    if len(data) > MAX_BYTES:
        raise ValueError("too_large", "")
    suffix = Path(filename).suffix.lower()
    if data[:4] == b"PK\x03\x04" or suffix == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any reader failure is "unreadable"
            raise ValueError("unreadable", f"{type(exc).__name__}: {exc}"[:200]) from None
        sheets = [ws for ws in book.worksheets if ws.title.lower() not in ("choices", "settings", "survey")]
        ws = sheets[0] if sheets else book.worksheets[0]
        rows = [[_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
    elif suffix in (".csv", ".txt", "") or not data.startswith(b"PK"):
        if suffix not in (".csv", ".txt", ""):
            raise ValueError("unsupported_type", suffix)
        from casewatch.cases.importing.readers import decode

        try:
            text, _enc = decode(data)
        except Exception as exc:  # noqa: BLE001
            raise ValueError("unreadable", str(exc)[:200]) from None
        first = text.split("\n", 1)[0]
        sep = max((";", ",", "\t"), key=first.count)
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter=sep)]
    else:
        raise ValueError("unsupported_type", suffix)
    rows = [r for r in rows if any(c for c in r)] if rows else rows
    if not rows:
        raise ValueError("empty_file", "")
    if len(rows) - 1 > MAX_ROWS:
        raise ValueError("too_large", "")
    header = rows[0]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    if not body:
        raise ValueError("no_rows", "")
    return header, body


def _column_map(header: list[str], items, file: str) -> tuple[dict[int, str], dict[str, int], list[Issue]]:
    """Which column holds which question (by name, group path or label); meta columns ignored."""
    by_name = {i.name.lower(): i.name for i in items}
    by_label = {}
    for i in items:
        for lab in (i.label_zh, i.label_en):
            if lab:
                by_label.setdefault(lab.strip().lower(), i.name)
    groups = {i.group_name.lower() for i in items if i.group_name}
    multi = {i.name.lower() for i in items if i.kind == ItemKind.SELECT_MULTIPLE}
    cols: dict[int, str] = {}
    special: dict[str, int] = {}
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for idx, raw in enumerate(header):
        h = raw.strip()
        low = h.lower()
        if not h:
            continue
        if low in DATE_COLUMNS:
            special["date"] = idx
            continue
        if low in PLATFORM_DATE_COLUMNS:
            special.setdefault("platform_date", idx)
            continue
        if low in CASE_TYPE_COLUMNS:
            special["case_type"] = idx
            continue
        if low in META_COLUMNS or low.startswith(("_", "meta/", "meta-")):
            continue
        name = by_name.get(low)
        if name is None and "/" in low:
            parts = low.split("/")
            if len(parts) >= 2 and parts[-2] in multi:
                continue  # the 0/1 column of one option of a multiple choice
            name = by_name.get(parts[-1])
        if name is None and "-" in low:
            prefix, _sep, rest = low.partition("-")
            if prefix in groups or prefix == "meta":
                name = by_name.get(rest)
        if name is None:
            name = by_label.get(low)
        if name is None:
            issues.append(_issue("warning", file, 1, h, "", h, "unknown_column"))
            continue
        if name in seen:
            issues.append(_issue("error", file, 1, h, name, h, "duplicate_column", _letter(seen[name])))
            continue
        seen[name] = idx
        cols[idx] = name
    return cols, special, issues


def _letter(idx: int) -> str:
    out = ""
    idx += 1
    while idx:
        idx, rem = divmod(idx - 1, 26)
        out = chr(65 + rem) + out
    return out


def _scale_text(item) -> str:
    scores = sorted(int(s) for s in item.choices.values() if s is not None)
    return f"{scores[0]}–{scores[-1]}" if scores else "—"


def _localised_errors(form, raw: dict) -> dict[str, tuple[str, str]]:
    from casewatch.surveys.submission import clean_answers

    with translation.override("zh-hans"):
        _rows, zh = clean_answers(form, raw)
    with translation.override("en"):
        _rows, en = clean_answers(form, raw)
    return {k: (zh[k], en.get(k, zh[k])) for k in zh}


# --- importing --------------------------------------------------------------------------------


def import_responses(
    user,
    wave: Wave,
    instrument: Instrument,
    unit,
    data: bytes,
    filename: str,
    *,
    skip_invalid: bool = False,
    channel: str = Channel.PAPER,
    today: dt.date | None = None,
) -> ImportResult:
    """Validate a file of responses for ``wave``/``instrument`` counted for ``unit``; store them in
    one transaction (none when any row is invalid, unless ``skip_invalid``)."""
    from django.utils import timezone

    from casewatch.surveys.services import compiled
    from casewatch.surveys.submission import clean_answers

    require_import(user, wave, unit)
    target = WaveTarget.objects.filter(wave=wave, instrument=instrument).first()
    if target is None:
        raise ValidationError(_("This instrument is not used in this wave."))
    if channel not in (Channel.PAPER, Channel.IMPORT):
        raise ValidationError(_("Imported responses come from paper or another platform."))
    today = today or timezone.localdate()
    name = Path(filename).name or "upload"
    result = ImportResult(name)
    try:
        header, body = read_table(data, name)
    except ValueError as exc:
        code, detail = exc.args
        result.issues.append(_issue("error", name, None, "", "", "", code, detail))
        return result
    result.rows = len(body)
    form = compiled(instrument)
    items = list(instrument.items.all())
    cols, special, issues = _column_map(header, items, name)
    result.issues.extend(issues)
    if not cols:
        result.issues.append(_issue("error", name, 1, "", "", "", "no_question_columns"))
        return result
    by_name = {i.name: i for i in form.items}
    col_of = {n: idx for idx, n in cols.items()}
    file_hash = hashlib.sha256(data).hexdigest()
    from casewatch.analytics.schema import CASE_TYPES

    period = f"{wave.period_start.isoformat()}–{wave.period_end.isoformat()}"
    ready: list[tuple[str, dt.date, str, list[dict]]] = []
    keys = {}
    for n, row in enumerate(body, start=2):
        raw = {name_: row[idx] for idx, name_ in cols.items() if row[idx] != ""}
        if not raw:
            result.issues.append(_issue("warning", name, n, "", "", "", "empty_row"))
            result.skipped += 1
            continue
        bad = False
        for qname, value in raw.items():
            item = by_name[qname]
            if item.kind == ItemKind.LIKERT and value not in item.choices:
                result.issues.append(
                    _issue(
                        "error",
                        name,
                        n,
                        header[col_of[qname]],
                        qname,
                        value,
                        "out_of_scale",
                        _scale_text(item),
                    )
                )
                bad = True
            elif item.kind == ItemKind.SELECT_ONE and value not in item.choices:
                result.issues.append(
                    _issue("error", name, n, header[col_of[qname]], qname, value, "not_an_option", value)
                )
                bad = True
        answers, errors = clean_answers(form, raw)
        if errors and not bad:
            for qname, (zh, en) in _localised_errors(form, raw).items():
                column = header[col_of[qname]] if qname in col_of else ""
                issue = _issue("error", name, n, column, qname, raw.get(qname, ""), "invalid_answer", "")
                issue.reason_zh, issue.reason_en = zh, en
                result.issues.append(issue)
            bad = True
        day = today
        date_idx = special.get("date", special.get("platform_date"))
        if date_idx is not None and row[date_idx]:
            text = row[date_idx][:10]
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                result.issues.append(
                    _issue("error", name, n, header[date_idx], "submitted_on", row[date_idx], "bad_date")
                )
                bad = True
            else:
                if not wave.period_start <= day <= wave.period_end:
                    result.issues.append(
                        _issue(
                            "error",
                            name,
                            n,
                            header[date_idx],
                            "submitted_on",
                            text,
                            "date_outside_wave",
                            period,
                        )
                    )
                    bad = True
        case_type = ""
        if "case_type" in special and row[special["case_type"]]:
            case_type = row[special["case_type"]]
            if case_type not in CASE_TYPES:
                result.issues.append(
                    _issue(
                        "error",
                        name,
                        n,
                        header[special["case_type"]],
                        "case_type",
                        case_type,
                        "bad_case_type",
                    )
                )
                bad = True
        if bad:
            result.skipped += 1
            continue
        key = hashlib.sha256(f"{file_hash}:{n}".encode()).hexdigest()[:64]
        keys[key] = n
        ready.append((key, day, case_type, answers))
    if keys:
        for key in Response.objects.filter(client_key__in=list(keys)).values_list("client_key", flat=True):
            result.issues.append(_issue("error", name, keys[key], "", "", "", "already_imported"))
        done = {i.row for i in result.issues if i.code == "already_imported"}
        if done:
            ready = [r for r in ready if keys[r[0]] not in done]
            result.skipped += len(done)
    if result.errors and not skip_invalid:
        result.stored = 0
        return result
    random.Random(secrets.randbits(64)).shuffle(ready)
    district, agency_kind = unit.division_code or "", unit.agency_kind or ""
    with transaction.atomic():
        responses, answer_rows = [], []
        for key, day, case_type, answers in ready:
            response = Response(
                client_key=key,
                wave=wave,
                instrument=instrument,
                unit=unit,
                district_code=district[:6],
                agency_kind=agency_kind,
                case_type=case_type,
                respondent_group=target.respondent_group,
                channel=channel,
                language="",
                submitted_on=day,
            )
            responses.append(response)
            answer_rows.extend(Answer(response_id=response.pk, **a) for a in answers)
        Response.objects.bulk_create(responses, batch_size=2000)
        Answer.objects.bulk_create(answer_rows, batch_size=5000)
        transaction.on_commit(refresh_statistics)
        audit.record(
            AuditAction.IMPORT,
            wave,
            user=user,
            message=f"{len(responses)} survey responses imported from {name} ({result.skipped} rows refused)",
        )
    result.stored = len(ready)
    result.committed = True
    return result


def refresh_statistics() -> None:
    """``ANALYZE`` the response and answer tables after a bulk load (PostgreSQL only).

    Autovacuum gets to a loaded table eventually, or never where it is off; until then the
    planner keeps the statistics from before the load (an empty table) and plans the results'
    joins as if there were a handful of responses (the pilot wave's page took 2–4 s that way)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE surveys_response, surveys_answer")


def report_csv(result: ImportResult) -> str:
    """The problems as CSV text (every cell neutralised against spreadsheet formulas)."""
    from casewatch.core.exports import neutralise

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for i in result.issues:
        writer.writerow([neutralise(v) for v in i.as_row()])
    return buf.getvalue()


def report_xlsx(result: ImportResult) -> bytes:
    from casewatch.core.exports import xlsx_bytes

    data, _n = xlsx_bytes("errors", COLUMNS, (i.as_row() for i in result.issues))
    return data


def require_import(user, wave: Wave, unit) -> None:
    """Staff who may change surveys, for a unit inside their scope and inside the wave's unit."""
    from casewatch.surveys.services import require, require_in_scope  # re-exported from authoring

    require(user, Action.CHANGE)
    require_in_scope(user, wave.unit)
    require_in_scope(user, unit)
    if not unit.path.startswith(wave.unit.path):
        raise PermissionDenied(_("That unit is outside the wave's unit."))

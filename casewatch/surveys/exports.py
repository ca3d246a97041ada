"""Raw data export: every response of a selection, as CSV or XLSX, with codes or labels.

Written by a background job (`tasks.export_job`) into a file under ``VAR_DIR/exports/surveys/``
and then served as a streamed download. There is no row cap and no time limit: responses are read
in chunks from one streamed query (ordered by their random id) with their answers fetched per
chunk, so memory stays flat whatever the size, and each chunk reports progress. An XLSX sheet holds at most
1,048,575 data rows; larger exports continue on further sheets.

Two shapes:

* **wide** (one instrument): one row per response, one column per question; a multiple choice has
  a column with all chosen values and a 0/1 column per option (KoboToolbox's ``multiple_select=both``);
* **long** (any number of instruments): one row per answer.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.utils import translation

from casewatch.core.choices import Action
from casewatch.core.exports import neutralise
from casewatch.surveys.choices import Channel, ItemKind, RespondentGroup
from casewatch.surveys.models import Answer, Choice, Instrument, Item, Response

CHUNK = 2000
XLSX_MAX_ROWS = 1_048_575
_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")


def _cell(value):
    """`core.exports.neutralise`, with a fast path for the plain strings and numbers that make up
    almost every cell (it runs once per cell of a possibly huge export)."""
    kind = type(value)
    if kind is str:
        return "'" + value if value and value[0] in _FORMULA_START else value
    if kind is int or kind is float or kind is bool:
        return value
    return neutralise(value)


BASE_COLUMNS = [
    ("response", "response id", "答卷编号"),
    ("wave", "wave", "测评轮次"),
    ("instrument", "instrument", "测评表"),
    ("district", "district code", "区县代码"),
    ("district_name", "district", "区县"),
    ("unit", "unit code", "单位代码"),
    ("unit_name", "unit", "单位"),
    ("agency_kind", "agency of the case", "案件所属机关"),
    ("case_type", "case type", "案件类型"),
    ("group", "respondent group", "调查对象"),
    ("channel", "channel", "渠道"),
    ("language", "language", "语言"),
    ("date", "date", "日期"),
]


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports" / "surveys"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _responses(user, wave_ids, instrument_id=None, district=""):
    qs = Response.objects.restrict(user, Action.EXPORT).filter(wave_id__in=wave_ids)
    if instrument_id:
        qs = qs.filter(instrument_id=instrument_id)
    if district:
        qs = qs.filter(district_code=district)
    return qs


def _chunks(qs) -> Iterator[list[tuple]]:
    """Responses ordered by id, CHUNK at a time, from one streamed query.

    ``iterator()`` reads with a server-side cursor on PostgreSQL and incrementally on SQLite, so
    the database sorts once and nothing is held beyond the current chunk. (Keyset pages would
    re-sort on every page on SQLite, whose planner prefers the wave index to the primary key.)
    """
    fields = (
        "id",
        "wave__name",
        "instrument__code",
        "instrument__version",
        "district_code",
        "unit__code",
        "unit__name",
        "agency_kind",
        "case_type",
        "respondent_group",
        "channel",
        "language",
        "submitted_on",
    )
    chunk: list[tuple] = []
    for row in qs.order_by("id").values_list(*fields).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _answers_for(ids) -> dict:
    found = defaultdict(list)
    for row in Answer.objects.filter(response_id__in=ids).values_list(
        "response_id", "item_id", "value", "number", "text"
    ):
        found[row[0]].append(row[1:])
    return found


class _Labels:
    def __init__(self, zh: bool, labels: bool):
        from casewatch.surveys.results import district_names

        self.zh, self.labels = zh, labels
        self.districts = district_names()
        self.groups = dict(RespondentGroup.choices)
        self.channels = dict(Channel.choices)

    def base(self, row) -> list:
        (
            rid,
            wave,
            code,
            version,
            district,
            unit_code,
            unit_name,
            agency,
            case_type,
            group,
            channel,
            lang,
            day,
        ) = row
        if self.labels:
            group, channel = str(self.groups.get(group, group)), str(self.channels.get(channel, channel))
            from casewatch.cases.choices import label

            case_type = label("case_type", case_type) if case_type else ""
        return [
            str(rid),
            wave,
            f"{code} v{version}",
            district,
            self.districts.get(district, district),
            unit_code,
            unit_name,
            agency,
            case_type,
            group,
            channel,
            lang,
            day,
        ]


def _header_base(zh: bool, labels: bool) -> list[str]:
    if labels:
        return [zh_name if zh else en for _key, en, zh_name in BASE_COLUMNS]
    return [key for key, _en, _zh in BASE_COLUMNS]


def _wide(user, qs, instrument: Instrument, zh: bool, labels: bool):
    items = [i for i in instrument.items.order_by("position") if i.kind != ItemKind.NOTE]
    options: dict[str, list[Choice]] = defaultdict(list)
    for c in instrument.choices.order_by("position"):
        options[c.list_name].append(c)
    choice_label = {(c.list_name, c.name): c.label for cs in options.values() for c in cs}
    header = _header_base(zh, labels)
    for item in items:
        header.append(item.label if labels else item.name)
        if item.kind == ItemKind.SELECT_MULTIPLE:
            for c in options[item.list_name]:
                header.append(f"{item.label if labels else item.name}/{c.label if labels else c.name}")
    lab = _Labels(zh, labels)

    def rows(chunk):
        answers = _answers_for([r[0] for r in chunk])
        for r in chunk:
            by_item = defaultdict(list)
            for item_id, value, number, text in answers.get(r[0], ()):
                by_item[item_id].append((value, number, text))
            out = lab.base(r)
            for item in items:
                got = by_item.get(item.pk, [])
                if item.kind == ItemKind.TEXT:
                    out.append(got[0][2] if got else "")
                elif item.kind in (ItemKind.INTEGER, ItemKind.DECIMAL):
                    number = got[0][1] if got else None
                    out.append(
                        "" if number is None else (int(number) if item.kind == ItemKind.INTEGER else number)
                    )
                elif item.kind == ItemKind.SELECT_MULTIPLE:
                    chosen = {g[0] for g in got}
                    ordered = [c.name for c in options[item.list_name] if c.name in chosen]
                    if labels:
                        out.append("; ".join(choice_label.get((item.list_name, v), v) for v in ordered))
                    else:
                        out.append(" ".join(ordered))
                    out.extend((1 if c.name in chosen else 0) if got else "" for c in options[item.list_name])
                else:
                    value = got[0][0] if got else ""
                    out.append(
                        choice_label.get((item.list_name, value), value) if labels and value else value
                    )
            yield out

    return header, rows


def _long(user, qs, zh: bool, labels: bool):
    header = _header_base(zh, labels) + (
        ["题目", "回答", "分值", "不了解", "数值", "文字"]
        if labels and zh
        else ["item", "value", "score", "not applicable", "number", "text"]
    )
    lab = _Labels(zh, labels)
    item_cache: dict[int, Item] = {}
    choice_label: dict[tuple, str] = {}

    def item_of(pk):
        if pk not in item_cache:
            item = Item.objects.get(pk=pk)
            item_cache[pk] = item
            for c in Choice.objects.filter(instrument_id=item.instrument_id):
                choice_label[(c.instrument_id, c.list_name, c.name)] = c.label
        return item_cache[pk]

    def rows(chunk):
        ids = [r[0] for r in chunk]
        found = defaultdict(list)
        for row in Answer.objects.filter(response_id__in=ids).values_list(
            "response_id", "item_id", "value", "score", "na", "number", "text"
        ):
            found[row[0]].append(row[1:])
        for r in chunk:
            base = lab.base(r)
            for item_id, value, score, na, number, text in found.get(r[0], ()):
                item = item_of(item_id)
                if labels and value:
                    value = choice_label.get((item.instrument_id, item.list_name, value), value)
                yield base + [item.label if labels else item.name, value, score, 1 if na else 0, number, text]

    return header, rows


def write_export(
    user,
    wave_ids: list[int],
    path: Path,
    *,
    fmt: str = "csv",
    instrument_id: int | None = None,
    district: str = "",
    labels: bool = False,
    language: str = "zh-hans",
    progress: Callable[[float, str], None] | None = None,
) -> int:
    """Write the export file; returns the number of data rows written."""
    zh = not language.startswith("en")
    with translation.override(language):
        qs = _responses(user, wave_ids, instrument_id, district)
        total = qs.count()
        if instrument_id:
            instrument = Instrument.objects.get(pk=instrument_id)
            header, make_rows = _wide(user, qs, instrument, zh, labels)
        else:
            header, make_rows = _long(user, qs, zh, labels)
        done = written = 0
        if fmt == "xlsx":
            import xlsxwriter

            book = xlsxwriter.Workbook(
                str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
            )
            bold = book.add_format({"bold": True})
            sheet_no, sheet, row_no = 0, None, XLSX_MAX_ROWS + 1
            for chunk in _chunks(qs):
                for row in make_rows(chunk):
                    if row_no > XLSX_MAX_ROWS:
                        sheet_no += 1
                        sheet = book.add_worksheet(f"data_{sheet_no}" if sheet_no > 1 else "data")
                        sheet.write_row(0, 0, header, bold)
                        row_no = 1
                    sheet.write_row(row_no, 0, [_cell(v) for v in row])
                    row_no += 1
                    written += 1
                done += len(chunk)
                if progress:
                    progress(100.0 * done / max(total, 1), f"{done}/{total}")
            if sheet is None:
                book.add_worksheet("data").write_row(0, 0, header, bold)
            book.close()
        else:
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                for chunk in _chunks(qs):
                    for row in make_rows(chunk):
                        writer.writerow([_cell(v) for v in row])
                        written += 1
                    done += len(chunk)
                    if progress:
                        progress(100.0 * done / max(total, 1), f"{done}/{total}")
    return written

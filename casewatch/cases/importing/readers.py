"""Reading import files: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK), XLSX, JSON Lines, Parquet.

Why this shape: agencies export from many systems. Court and police systems on Windows write
GBK CSV, newer ones UTF-8 with a BOM, spreadsheets come with a title row and merged header
cells, data platforms hand over Parquet. Every reader returns the same thing — a Polars frame
of raw values with the row number the user sees (``__row``) and the header cells as written —
so validation does not care where a row came from.

Encodings are tried in a fixed order (BOM, strict UTF-8, strict GB18030, which contains GBK and
GB2312); a file that is valid in none is refused with the offset of the first bad byte, never
decoded "leniently" into mojibake that would then be stored.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from casewatch.cases.importing import issues
from casewatch.cases.importing.tables import header_lookup, normalise_header, table_for_name

SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
SUFFIXES |= {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
ENCODINGS = ("utf-8", "gb18030")
#: Files that travel with exports but hold no registry rows (the demo city writes the first two).
IGNORED_STEMS = {"ground_truth", "manifest", "readme", "说明"}
HEADER_SCAN_ROWS = 30
XLSX_CHUNK = 50_000


class ReadError(Exception):
    """A file-level problem: code and message arguments for `issues.MESSAGES`."""

    def __init__(self, code: str, *args):
        super().__init__(code, *args)
        self.code = code
        self.args_ = args


@dataclass
class Source:
    """One table's worth of rows in one file (a CSV, or one sheet of a workbook)."""

    path: Path
    display: str  # the file name as shown in reports
    kind: str  # csv, xlsx, jsonl, parquet; "frame" for rows parsed from judgment documents
    table: str | None
    sheet: str = ""
    frame: pl.DataFrame | None = None  # kind "frame": the rows, columns c0, c1, … and __row, __file
    headers: list[str] = field(default_factory=list)  # kind "frame": canonical column names


@dataclass
class RawFrame:
    """Raw rows as read: ``frame`` has one column per header cell (named ``c0``, ``c1``, …) plus
    ``__row``; ``headers`` are the header cells as written."""

    source: Source
    frame: pl.DataFrame | pl.LazyFrame
    headers: list[str]
    encoding: str = ""
    warnings: list[pl.DataFrame] = field(default_factory=list)


def sniff_kind(path: Path) -> str:
    """The file kind from its first bytes (content check, independent of the extension)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                if "xl/workbook.xml" in zf.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            return "unknown"
        return "zip"
    with path.open("rb") as fh:
        sample = fh.read(4096)
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    stripped = sample.lstrip(codecs.BOM_UTF8).lstrip()
    if stripped.startswith(b"{"):
        return "jsonl"
    return "text"


def content_matches(kind: str, sniffed: str) -> bool:
    if kind == "csv":
        return sniffed in ("text", "jsonl") or sniffed == "empty"
    if kind == "jsonl":
        return sniffed in ("jsonl", "text")
    return kind == sniffed


def discover(paths: list[str | Path], table: str | None = None) -> tuple[list[Source], list[pl.DataFrame]]:
    """Expand files and folders into sources; problems for unsupported or unnamed files."""
    sources: list[Source] = []
    problems: list[pl.DataFrame] = []
    files: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith((".", "~$")):
                    continue
                display = str(child.relative_to(path))
                if child.stem.lower() in IGNORED_STEMS or child.suffix.lower() not in SUFFIXES:
                    # Inside a folder, a note or a manifest is skipped (and said so), not an error.
                    problems.append(issues.file_issue("ignored_file", display, severity="warning"))
                    continue
                files.append((child, display))
        else:
            files.append((path, path.name))
    for path, display in files:
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            problems.append(issues.file_issue("unsupported_type", display, path.suffix or path.name))
            continue
        if not path.exists():
            problems.append(issues.file_issue("unreadable", display, "file not found"))
            continue
        if path.stat().st_size and not content_matches(kind, sniff_kind(path)):
            problems.append(issues.file_issue("content_mismatch", display, kind))
            continue
        if kind == "xlsx" and table is None:
            try:
                names = _sheet_names(path)
            except Exception as exc:  # a corrupt workbook is a file problem, not a crash
                problems.append(issues.file_issue("unreadable", display, str(exc)[:200]))
                continue
            mapped = [(n, table_for_name(n)) for n in names]
            if any(t for _n, t in mapped):
                for n, t in mapped:
                    if t:
                        sources.append(Source(path, display, kind, t, n))
                    else:
                        problems.append(
                            issues.file_issue("ignored_sheet", display, sheet=n, severity="warning")
                        )
                continue
            sources.append(Source(path, display, kind, table_for_name(path.stem), names[0] if names else ""))
            continue
        sources.append(Source(path, display, kind, table or table_for_name(path.stem)))
    return sources, problems


# ---------------------------------------------------------------------------------------------
# Text decoding
# ---------------------------------------------------------------------------------------------


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes strictly; returns (text, encoding name). Raises ReadError('encoding')."""
    if declared:
        name = codecs.lookup(declared).name
        if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            name = "utf-8-sig"
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            raise ReadError(
                "encoding", f"not valid {declared} (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ReadError(
                "encoding",
                f"starts with a UTF-8 BOM but is not UTF-8 (byte 0x{data[exc.start + 3]:02x} "
                f"at offset {exc.start + 3})",
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadError("encoding", f"not valid UTF-16 (offset {exc.start})") from None
    first_error = None
    for name in ENCODINGS:
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    offset = first_error.start if first_error else 0
    raise ReadError(
        "encoding",
        f"neither UTF-8 nor GB18030/GBK (byte 0x{data[offset]:02x} at offset {offset}); "
        "save the file as UTF-8 or GBK",
    )


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(source: Source, encoding: str | None = None) -> RawFrame:
    data = source.path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ReadError("empty_file")
    text, used = decode(data, encoding)
    del data
    if not text.strip():
        raise ReadError("empty_file")
    sep = _separator(text.split("\n", 1)[0])
    payload = text.encode("utf-8")
    del text
    try:
        frame = pl.read_csv(
            io.BytesIO(payload),
            has_header=False,
            infer_schema=False,
            separator=sep,
            quote_char='"',
            raise_if_empty=False,
        )
    except Exception as exc:  # polars names the line of a malformed CSV
        raise ReadError("unreadable", _short(exc)) from None
    if frame.height == 0:
        raise ReadError("empty_file")
    headers = [str(v or "") for v in frame.row(0)]
    frame = frame.slice(1)
    frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("__row"))
    return RawFrame(source, frame, headers, used)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


# ---------------------------------------------------------------------------------------------
# JSON Lines and Parquet
# ---------------------------------------------------------------------------------------------


def _scalar(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        raise TypeError
    return str(value)


def read_jsonl(source: Source, encoding: str | None = None) -> RawFrame:
    data = source.path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ReadError("empty_file")
    text, used = decode(data, encoding)
    headers: dict[str, int] = {}
    columns: dict[str, list] = {}
    rows: list[int] = []
    nested: list[tuple[int, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReadError("bad_json", f"line {lineno}: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise ReadError("bad_json", f"line {lineno}: not an object")
        n = len(rows)
        rows.append(lineno)
        for key, value in obj.items():
            if key not in headers:
                headers[key] = len(headers)
                columns[key] = [None] * n
            try:
                columns[key].append(_scalar(value))
            except TypeError:
                columns[key].append(None)
                nested.append((lineno, key))
        for values in columns.values():
            if len(values) < n + 1:
                values.append(None)
    if not rows:
        raise ReadError("empty_file")
    frame = pl.DataFrame(
        {f"c{i}": pl.Series(columns[k], dtype=pl.String) for i, k in enumerate(headers)}
        | {"__row": pl.Series(rows, dtype=pl.Int64)}
    )
    raw = RawFrame(source, frame, list(headers), used)
    for lineno, key in nested:
        raw.warnings.append(
            issues.file_issue("nested_value", source.display, row=lineno, column=key, severity="error")
        )
    return raw


def read_parquet(source: Source) -> RawFrame:
    """A lazy scan: large Parquet files are read slice by slice during validation."""
    try:
        headers = list(pl.read_parquet_schema(source.path))
    except Exception as exc:
        raise ReadError("unreadable", _short(exc)) from None
    frame = (
        pl.scan_parquet(source.path)
        .rename({c: f"c{i}" for i, c in enumerate(headers)})
        .with_row_index("__row", offset=1)
        .with_columns(pl.col("__row").cast(pl.Int64))
    )
    return RawFrame(source, frame, headers, "")


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------


def _sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def _cell(value) -> str | None:
    """A spreadsheet cell as text, the way a clerk reads it (1234.0 → "1234", dates in ISO)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _header_score(cells: list[str | None], lookup: dict[str, str]) -> int:
    return sum(1 for c in cells if c and normalise_header(c) in lookup)


def read_xlsx(source: Source) -> RawFrame:
    """Read one sheet: forward-fill merged ranges, find the header row, keep the sheet row numbers."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(source.path))
        sheet = book.get_sheet_by_name(source.sheet) if source.sheet else book.get_sheet_by_index(0)
    except Exception as exc:
        raise ReadError("unreadable", _short(exc)) from None
    merged = list(sheet.merged_cell_ranges or [])
    fills: dict[int, list[tuple[int, int, int, int]]] = {}
    for (r0, c0), (r1, c1) in merged:
        for r in range(r0, r1 + 1):
            fills.setdefault(r, []).append((r0, c0, c1, r1))
    anchors: dict[tuple[int, int], str | None] = {}

    # iter_rows() yields rows from the top of the sheet but columns from the first used one.
    lead = [None] * ((sheet.start or (0, 0))[1] or 0)

    def rows() -> Iterator[tuple[int, list[str | None]]]:
        for r, raw_row in enumerate(sheet.iter_rows()):
            cells = lead + [_cell(v) for v in raw_row]
            for r0, c0, c1, _r1 in fills.get(r, ()):
                if r == r0:
                    anchors[(r0, c0)] = cells[c0] if c0 < len(cells) else None
                value = anchors.get((r0, c0))
                for c in range(c0, c1 + 1):
                    if c >= len(cells):
                        cells.extend([None] * (c + 1 - len(cells)))
                    cells[c] = value
            yield r, cells

    iterator = rows()
    lookup = header_lookup(source.table) if source.table else {}
    scanned: list[tuple[int, list[str | None]]] = []
    for item in iterator:
        scanned.append(item)
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    if not any(any(c for c in cells) for _r, cells in scanned):
        raise ReadError("empty_file")
    # The header is the row that names the most known columns (at least two, and at least half
    # of its filled cells): a title row above it names none, a group row of a two-level header
    # names fewer than the row below it once merged cells are filled in.
    best, best_score = None, 0
    for i, (_r, cells) in enumerate(scanned):
        filled = sum(1 for c in cells if c)
        score = _header_score(cells, lookup)
        if score >= 2 and score * 2 >= filled and score > best_score:
            best, best_score = i, score
    if best is None:
        raise ReadError("no_header")
    header_cells = scanned[best][1]
    width = max(i + 1 for i, c in enumerate(header_cells) if c) if any(header_cells) else 0
    headers = [header_cells[i] or "" for i in range(width)]

    chunks: list[pl.DataFrame] = []
    buffer: list[tuple[int, list[str | None]]] = []

    def flush():
        if not buffer:
            return
        data = {f"c{i}": [row[i] if i < len(row) else None for _r, row in buffer] for i in range(width)}
        data["__row"] = [r + 1 for r, _row in buffer]
        chunk = pl.DataFrame(data, schema={f"c{i}": pl.String for i in range(width)} | {"__row": pl.Int64})
        chunks.append(chunk)
        buffer.clear()

    def keep(row: list[str | None]) -> bool:
        return any(c is not None and str(c).strip() for c in row[:width])

    for r, cells in scanned[best + 1 :]:
        if keep(cells):
            buffer.append((r, cells))
    for r, cells in iterator:
        if keep(cells):
            buffer.append((r, cells))
            if len(buffer) >= XLSX_CHUNK:
                flush()
    flush()
    if chunks:
        frame = pl.concat(chunks)
    else:
        frame = pl.DataFrame(schema={f"c{i}": pl.String for i in range(width)} | {"__row": pl.Int64})
    return RawFrame(source, frame, headers, "")


def read(source: Source, encoding: str | None = None) -> RawFrame:
    """Read a source with the reader for its kind. Raises ReadError for file-level problems."""
    if source.kind == "frame":
        return RawFrame(source, source.frame, list(source.headers), "utf-8")
    if source.kind == "csv":
        return read_csv(source, encoding)
    if source.kind == "xlsx":
        return read_xlsx(source)
    if source.kind == "jsonl":
        return read_jsonl(source, encoding)
    if source.kind == "parquet":
        return read_parquet(source)
    raise ReadError("unsupported_type", source.kind)

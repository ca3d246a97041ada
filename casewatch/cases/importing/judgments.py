"""Judgment documents in an import: find them, parse them in worker processes, hand rows on.

Why here and not a reader: a judgment is not one table's rows but a case with its parties,
representatives, events and the document itself. So the documents of an import (loose files,
folders, zip archives; .txt/.docx/.html/.htm/.pdf) are parsed first, by
`casewatch.analytics.judgments` (Django-free, in worker processes), and their rows become one
in-memory source per canonical table. From there the import is the ordinary one: the same
typing, validation (case numbers, courts, units, scope, references), all-or-nothing or
``--skip-invalid``, and the same set-based upserts. A document that cannot be parsed is a
file-level error naming the file and the line; with ``--skip-invalid`` the other documents load.

A ``.txt`` file is a judgment unless its name is a table's (cases.txt) or its first line looks
like a delimited header. Several documents of one case (a judgment and a later ruling) give one
case row: earliest filing date, latest decision, the latest document's outcome.

The provenance of every field (span, line, text, confidence) is kept per document in
`casewatch.cases.models.JudgmentDocument`, written in the import's transaction.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from casewatch.analytics.judgments import batch, text
from casewatch.analytics.schema import TABLES
from casewatch.cases import casenumber
from casewatch.cases.importing import issues, readers

DOC_SUFFIXES = {".docx", ".html", ".htm", ".pdf"}
TABLES_OUT = ("cases", "parties", "case_parties", "events", "documents")
ZIP_MAX_BYTES = 2 * 1024**3
ZIP_MAX_MEMBERS = 200_000


def looks_like_judgment(path: Path) -> bool:
    """A document file, or a .txt whose first line is not a delimited header (a table saved as
    .txt, cases.txt, has one; a judgment's first line is the court's name)."""
    suffix = path.suffix.lower()
    if suffix in DOC_SUFFIXES:
        return True
    if suffix not in (".txt", ".text"):
        return False
    with path.open("rb") as fh:
        head = fh.read(2048)
    try:
        first = text.decode(head).lstrip("\ufeff").split("\n", 1)[0]
    except (text.TextError, UnicodeDecodeError):
        first = head.decode("gb18030", errors="ignore").split("\n", 1)[0]
    return max(first.count(sep) for sep in (",", "\t", ";", "|")) < 2


@dataclass
class Bundle:
    """The judgment side of one import: table paths left for the readers, parsed documents."""

    paths: list
    documents: list[tuple[str, str]] = field(default_factory=list)  # (path, display)
    results: list[dict] = field(default_factory=list)
    problems: list[pl.DataFrame] = field(default_factory=list)
    provenance: list[dict] = field(default_factory=list)
    parse_seconds: float = 0.0
    _tmp: list[str] = field(default_factory=list)

    def cleanup(self) -> None:
        for folder in self._tmp:
            shutil.rmtree(folder, ignore_errors=True)


def _unzip(path: Path, bundle: Bundle) -> Path | None:
    """Extract an archive safely (no absolute or ``..`` paths, bounded size) to a temporary folder."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            if len(members) > ZIP_MAX_MEMBERS or sum(m.file_size for m in members) > ZIP_MAX_BYTES:
                bundle.problems.append(issues.file_issue("zip_too_large", path.name))
                return None
            out = Path(tempfile.mkdtemp(prefix="cw-zip-"))
            bundle._tmp.append(str(out))
            for m in members:
                name = m.filename.replace("\\", "/")
                if name.startswith("/") or ".." in name.split("/"):
                    bundle.problems.append(
                        issues.file_issue("zip_unsafe_member", path.name, name, severity="warning")
                    )
                    continue
                target = out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(m) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
            return out
    except zipfile.BadZipFile as exc:
        bundle.problems.append(issues.file_issue("unreadable", path.name, str(exc)[:200]))
        return None


def _walk(folder: Path, prefix: str, bundle: Bundle) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    docs = {p for p in files if p.suffix.lower() != ".zip" and looks_like_judgment(p)}
    if not docs and not any(p.suffix.lower() == ".zip" for p in files):
        bundle.paths.append(folder)
        return
    for p in files:
        display = prefix + str(p.relative_to(folder))
        if p.suffix.lower() == ".zip":
            inner = _unzip(p, bundle)
            if inner is not None:
                _walk(inner, display + "/", bundle)
        elif p in docs:
            bundle.documents.append((str(p), display))
        elif p.suffix.lower() in readers.SUFFIXES and p.stem.lower() not in readers.IGNORED_STEMS:
            bundle.paths.append(p)
        else:
            bundle.problems.append(issues.file_issue("ignored_file", display, severity="warning"))


def prepare(paths, units: pl.DataFrame, workers: int | None = None) -> Bundle:
    """Split the import's paths into table files and judgment documents, and parse the documents."""
    bundle = Bundle(paths=[])
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(path, "", bundle)
        elif path.suffix.lower() == ".zip" and path.is_file():
            inner = _unzip(path, bundle)
            if inner is not None:
                _walk(inner, path.name + "/", bundle)
        elif path.is_file() and looks_like_judgment(path):
            bundle.documents.append((str(path), path.name))
        else:
            bundle.paths.append(raw)
    if bundle.documents:
        t = time.perf_counter()
        bundle.results = batch.parse_many(bundle.documents, courts_of(units), workers)
        bundle.parse_seconds = time.perf_counter() - t
    return bundle


def courts_of(units: pl.DataFrame) -> batch.Courts:
    """Court units by division code and by name, from the organisation tree."""
    from casewatch.core.models import Unit

    courts = units.filter(pl.col("agency_kind") == "court")
    by_division = {}
    for code, division in courts.select("code", "division_code").iter_rows():
        if division and (division not in by_division or len(code) < len(by_division[division])):
            by_division[division] = code  # the court itself, not one of its divisions
    names = Unit.objects.filter(code__in=list(by_division.values())).values_list("name", "code")
    return batch.Courts(by_division, {batch.court_name_key(n): c for n, c in names})


def attach(bundle: Bundle, found) -> None:
    """Add the documents' problems, file list and one in-memory source per table to `found`."""
    found.problems.extend(bundle.problems)
    rows: dict[str, list[dict]] = {t: [] for t in TABLES_OUT}
    for result in bundle.results:
        display = result["display"]
        for code, line, detail in result.get("warnings", ()):
            found.problems.append(
                issues.file_issue(code, display, detail, row=line or None, severity="warning")
            )
        error = result.get("error")
        if error is None and result["rows"]["cases"][0]["filed_at"] is None:
            error = ("no_filing_date", result["rows"]["cases"][0]["__line"], "")
        if error is not None:
            found.problems.append(_error(display, *error))
            found.files.append({"file": display, "sheet": "", "table": "judgment", "rows": 0, "encoding": ""})
            continue
        found.files.append({"file": display, "sheet": "", "table": "judgment", "rows": 1, "encoding": ""})
        for table in TABLES_OUT:
            for row in result["rows"][table]:
                rows[table].append(row | {"__file": display})
        bundle.provenance.extend(result["rows"]["provenance"])
    for table, frame in frames(rows).items():
        display = f"judgments:{table}"
        headers = [c for c in frame.columns if not c.startswith("__")]
        renamed = frame.rename({c: f"c{i}" for i, c in enumerate(headers)})
        src = readers.Source(Path(display), display, "frame", table)
        src.frame, src.headers = renamed, headers
        found.files.append(
            {"file": display, "sheet": "", "table": table, "rows": frame.height, "encoding": ""}
        )
        found.by_table.setdefault(table, []).append(src)


def _error(display: str, code: str, line: int, detail: str) -> pl.DataFrame:
    """A document-level error; a case number of unknown shape says which part was not understood."""
    if code == "bad_case_number":
        found = casenumber.problem(detail) or ("shape", *casenumber.PROBLEMS["shape"])
        issue = issues.file_issue("doc_bad_case_number", display, row=line or None, value=detail)
        zh, en = issues.MESSAGES["doc_bad_case_number"]
        return issue.with_columns(
            pl.lit(zh.format(found[1])).alias("reason_zh"), pl.lit(en.format(found[2])).alias("reason_en")
        )
    return issues.file_issue(code, display, detail, row=line or None)


def frames(rows: dict[str, list[dict]]) -> dict[str, pl.DataFrame]:
    """One String frame per table; documents of one case merged, events numbered per case."""
    out = {}
    for table, items in rows.items():
        if not items:
            continue
        cols = [c for c in TABLES[table].names if any(c in r for r in items[:50])]
        frame = pl.DataFrame(
            [{c: r.get(c) for c in cols} | {"__file": r["__file"], "__row": r["__line"]} for r in items],
            schema={**dict.fromkeys(cols, pl.String), "__file": pl.String, "__row": pl.Int64},
        )
        out[table] = frame
    key = ["unit_code", "case_number"]
    if "cases" in out:
        cases = out["cases"].sort("closed_at", nulls_last=True)
        out["cases"] = (
            cases.group_by(key, maintain_order=True)
            .agg(
                pl.col("filed_at").min(),
                pl.col("closed_at").max(),
                pl.col("outcome").last(),
                pl.all().exclude("filed_at", "closed_at", "outcome", *key).drop_nulls().first(),
            )
            .select(out["cases"].columns)
        )
    if "parties" in out:
        out["parties"] = out["parties"].unique("party_id", keep="first", maintain_order=True)
    if "case_parties" in out:
        cp = out["case_parties"]
        cp_key = [c for c in TABLES["case_parties"].key if c in cp.columns]  # the table's natural key
        out["case_parties"] = cp.unique(cp_key, keep="first", maintain_order=True)
    if "documents" in out:
        out["documents"] = out["documents"].unique([*key, "doc_no"], keep="first", maintain_order=True)
    if "events" in out:
        events = out["events"].unique([*key, "kind", "occurred_at"], keep="first", maintain_order=True)
        events = events.sort([*key, "occurred_at"]).with_columns(
            pl.int_range(1, pl.len() + 1).over(key).cast(pl.String).alias("seq")
        )
        out["events"] = events
    return out


PROVENANCE_COLUMNS = ("sha1", "file", "unit_code", "case_number", "doc_no", "kind", "title")
PROVENANCE_JSON = ("fields", "parties", "articles", "warnings")


def store(bundle: Bundle, loaded: pl.DataFrame | None, db) -> int:
    """Write the provenance of the documents whose case was loaded: staged in bulk (COPY on
    PostgreSQL), then one ``INSERT … SELECT … ON CONFLICT (sha1) DO UPDATE`` that finds each
    document's case by its natural key."""
    if not bundle.provenance or loaded is None or loaded.is_empty():
        return 0
    frame = pl.DataFrame(
        {
            **{c: [p[c] for p in bundle.provenance] for c in PROVENANCE_COLUMNS},
            **{c: [json.dumps(p[c], ensure_ascii=False) for p in bundle.provenance] for c in PROVENANCE_JSON},
            "text": [p["text"] for p in bundle.provenance],
        }
    )
    frame = frame.join(loaded.select("unit_code", "case_number").unique(), on=["unit_code", "case_number"])
    frame = frame.unique("sha1", keep="last")
    stage = "cw_stage_judgments"
    cols = [*PROVENANCE_COLUMNS, *PROVENANCE_JSON, "text"]
    db.create_temp(stage, [(c, "TEXT") for c in cols])
    db.fill(stage, frame.select(cols))
    as_json = (lambda c: f"s.{c}::jsonb") if db.pg else (lambda c: f"s.{c}")
    updates = ", ".join(
        f"{c} = excluded.{c}"
        for c in ("file", "case_id", "doc_no", "kind", "title", *PROVENANCE_JSON, "text", "imported_at")
    )
    db.execute(
        "INSERT INTO cases_judgmentdocument (sha1, file, case_id, doc_no, kind, title, fields, parties, "  # noqa: S608 - our names
        "articles, warnings, text, imported_at) "
        f"SELECT s.sha1, s.file, c.id, s.doc_no, s.kind, s.title, {', '.join(as_json(c) for c in PROVENANCE_JSON)}, "
        f"s.text, CURRENT_TIMESTAMP FROM {stage} s JOIN cases_case c "
        "ON c.unit_code = s.unit_code AND c.case_number = s.case_number WHERE 1 = 1 "
        f"ON CONFLICT (sha1) DO UPDATE SET {updates}"
    )
    db.drop_temp(stage)
    return frame.height

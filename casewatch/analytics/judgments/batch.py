"""Parse many judgment files at once: worker processes, each returning plain rows.

Why processes: parsing is pure Python string work (regular expressions over a few kilobytes per
document), so threads would serialise on the interpreter lock. Files are handed out in chunks to a
pool whose workers import this Django-free package only; each result is the document's rows (or
its error) as plain dicts, which the importer turns into one Polars frame per table.

This module never imports Django.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from casewatch.analytics.judgments import parse, records, text

_UNITS: dict = {}


@dataclass
class Courts:
    """How a court is found among the units: by division code, then by name."""

    by_division: dict[str, str] = field(default_factory=dict)  # division code -> court unit code
    by_name: dict[str, str] = field(default_factory=dict)  # normalised court name -> unit code


def court_name_key(name: str) -> str:
    """浙江省宁波市鄞州区人民法院 and 宁波市鄞州区人民法院 compare equal."""
    name = re.sub(r"\s", "", name or "")
    return re.sub(r"^[^省]{2,3}省", "", name)


def _init(courts: Courts) -> None:
    _UNITS["courts"] = courts


def parse_one(path: str, display: str, courts: Courts | None = None) -> dict:
    """One file → {"display", "rows"} or {"display", "error": (code, line, detail)}; "warnings"."""
    courts = courts or _UNITS.get("courts") or Courts()
    try:
        data = Path(path).read_bytes()
        lines = text.extract(data, path)
        j = parse.parse(lines)
    except text.TextError as exc:
        return {"display": display, "error": (exc.code, 0, exc.detail), "warnings": []}
    except parse.JudgmentError as exc:
        return {"display": display, "error": (exc.code, exc.line, exc.detail), "warnings": []}
    warnings = list(j.warnings)
    unit = courts.by_division.get(j.number.division_code) if j.number.division_code else None
    named = courts.by_name.get(court_name_key(j.value("court_name", "")))
    if unit is None:
        unit = named
    elif named is not None and named != unit:
        warnings.append(("court_name_mismatch", j.fields["court_name"].line, f"{j.value('court_name')}"))
    if unit is None:
        f = j.fields["case_number"]
        detail = f"{j.value('case_number')} {j.value('court_name', '')}".strip()
        return {"display": display, "error": ("unknown_court_doc", f.line, detail), "warnings": warnings}
    doc_hash = records.digest(j.text)
    rows = records.to_rows(j, display, doc_hash, unit)
    return {"display": display, "rows": rows, "warnings": warnings}


def _chunk(items: list[tuple[str, str]]) -> list[dict]:
    return [parse_one(p, d) for p, d in items]


def parse_many(items: list[tuple[str, str]], courts: Courts, workers: int | None = None) -> list[dict]:
    """Parse (path, display) pairs, in worker processes when there are many; order is kept."""
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(items) < 200:
        return [parse_one(p, d, courts) for p, d in items]
    size = max(50, len(items) // (workers * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=_init, initargs=(courts,)
    ) as pool:
        out: list[dict] = []
        for part in pool.map(_chunk, chunks):
            out.extend(part)
    return out

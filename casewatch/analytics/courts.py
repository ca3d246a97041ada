"""Court codes and their aliases: which of today's divisions a court code in a case number means.

Why: a new-style case number spells its court as a division code (浙0212 → 330212), but codes
change. A district that merges into another (江东 330204 → 鄞州 330212) or a county-level city
that becomes a district (奉化市 330283 → 奉化区 330213) leaves real case numbers under a code that
is no longer in today's table, and some courts never had a county code at all (maritime,
railway, development-zone courts: 浙72, 浙8601, 浙0291). Checking such a number against its unit's
division code rejected real cases as ``court_mismatch``.

Two sources, merged:

* the historical GB/T 2260 tables (``gb2260-<source>-<revision>.tsv`` in the reference-data folder
  the user names with ``CASEWATCH_DIVISIONS_DIR`` or ``--divisions``; never copied into the
  repository). A code present in one revision and gone in the next is followed to the code of the
  same name stem (奉化市 → 奉化区) under the same city (else the same province, when the
  stem is unique there) in the later revision;
* a small curated table in the repository (``data/court_codes.tsv``): merges that names cannot
  reveal and courts whose code is not a county code.

The curated table wins. This module never imports Django.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from casewatch.analytics import ningbo

CURATED = Path(__file__).with_name("data") / "court_codes.tsv"
_STEM = re.compile(r"(自治县|自治旗|特区|林区|新区|区|县|市|旗)$")


@dataclass(frozen=True)
class Alias:
    """One court code that is not simply today's division code."""

    code: str  # the six-digit code as the case number spells it
    accepted_as: str  # today's division code of the unit the case is filed under
    name: str
    kind: str  # merged, recoded, dev_zone, maritime, railway, intermediate_railway, gb2260
    note: str = ""


@dataclass
class CourtCodes:
    """The alias table: ``resolve(code)`` gives today's division code for any court code."""

    aliases: dict[str, Alias] = field(default_factory=dict)
    #: division code -> name, over every revision read (for court names in documents)
    names: dict[str, str] = field(default_factory=dict)
    revisions: list[str] = field(default_factory=list)

    def resolve(self, code: str) -> str:
        """Today's division code for a court code; the code itself when no alias is known."""
        seen = set()
        while code in self.aliases and code not in seen:
            seen.add(code)
            nxt = self.aliases[code].accepted_as
            if nxt == code:
                break
            code = nxt
        return code

    def mapping(self) -> dict[str, str]:
        """Every aliased code -> its resolved division (for vectorised replacement)."""
        return {code: self.resolve(code) for code in self.aliases}


def _read_curated(path: Path = CURATED) -> list[Alias]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        rows.append(Alias(row["court_code"], row["accepted_as"], row["name"], row["kind"], row["note"]))
    return rows


def read_gb2260(folder: Path) -> dict[str, dict[str, str]]:
    """revision -> {code: name} of every ``gb2260-*.tsv`` in `folder` (oldest revision first)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("gb2260-*.tsv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                out.setdefault(row["Revision"], {})[row["Code"]] = row["Name"]
    return dict(sorted(out.items()))


def history_aliases(revisions: dict[str, dict[str, str]]) -> list[Alias]:
    """Codes that disappear between consecutive revisions, followed by name stem within their city."""
    found = []
    items = list(revisions.items())
    for (_old_rev, old), (new_rev, new) in zip(items, items[1:], strict=False):
        by_stem: dict[tuple[str, str], list[str]] = {}
        for code, name in new.items():
            if code.endswith("00"):
                continue
            stem = _STEM.sub("", name)
            by_stem.setdefault((code[:4], stem), []).append(code)
            by_stem.setdefault((code[:2], stem), []).append(code)
        for code, name in old.items():
            if code in new or code.endswith("00"):
                continue
            stem = _STEM.sub("", name)
            # the same city first (奉化市 → 奉化区); then the province (北京 县 → 区 changed the city part)
            candidates = by_stem.get((code[:4], stem)) or by_stem.get((code[:2], stem), [])
            if len(candidates) == 1:
                found.append(Alias(code, candidates[0], name, "gb2260", f"renamed by revision {new_rev}"))
    return found


def divisions_dir(explicit: str | Path | None = None) -> Path | None:
    """The reference-data folder: the argument, else ``CASEWATCH_DIVISIONS_DIR``; None when unset."""
    value = explicit or os.environ.get("CASEWATCH_DIVISIONS_DIR", "")
    return Path(value) if value else None


@lru_cache(maxsize=8)
def _load(folder: str) -> CourtCodes:
    table = CourtCodes()
    for code, (name, new) in ningbo.HISTORIC_DIVISIONS.items():
        table.aliases[code] = Alias(code, new, name, "ningbo")
    for code, (name, _abbr) in ningbo.DISTRICTS.items():
        table.names[code] = name
    if folder:
        revisions = read_gb2260(Path(folder))
        table.revisions = list(revisions)
        for names in revisions.values():
            table.names.update(names)
        for alias in history_aliases(revisions):
            table.aliases.setdefault(alias.code, alias)
    for alias in _read_curated():
        table.aliases[alias.code] = alias  # the curated table wins
        table.names.setdefault(alias.code, alias.name)
    return table


def load(folder: str | Path | None = None) -> CourtCodes:
    """The alias table from the curated file and the GB/T 2260 revisions in `folder` (or the
    folder ``CASEWATCH_DIVISIONS_DIR`` names); cached per folder."""
    d = divisions_dir(folder)
    return _load(str(d) if d and d.is_dir() else "")

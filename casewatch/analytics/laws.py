"""Statute texts: find the article a rule cites so a page can show it next to the finding.

The texts are Markdown files, one per law or interpretation, named after the law with its
version date (``刑事诉讼法(2018-10-26).md``, ``最高人民法院关于适用《民事诉讼法》的解释(2022-04-01).md``).
Every article starts a line with ``第X条`` in Chinese numerals (sometimes ``第X 条`` or ``第X条之一``);
its text runs until the next article. The folder is given by the caller — reference data is read
where it lives, never copied into the project.

Names are matched leniently because citations are written by people: ``中华人民共和国`` inside the
name, book-title brackets, a version date in half- or full-width brackets, and a few common
abbreviations (刑诉法, 民诉解释 …) all resolve to the same file. When several versions exist, the
latest is used unless the citation names a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "零〇一二两三四五六七八九十百千"

_HEADING = re.compile(rf"^第([{_NUMERAL}]+)\s*条(?:之([{_NUMERAL}]+))?[\s\u3000]*(.*)$")
_CITATION = re.compile(rf"^第?\s*([0-9]+|[{_NUMERAL}]+)\s*条?(?:之([0-9]+|[{_NUMERAL}]+))?$")
_VERSION = re.compile(r"[（(]\s*(\d{4}-\d{2}-\d{2})\s*[)）]")

#: abbreviations used in citations -> normalised law name
ABBREVIATIONS = {
    "刑诉法": "刑事诉讼法",
    "民诉法": "民事诉讼法",
    "行诉法": "行政诉讼法",
    "刑诉解释": "最高人民法院关于适用刑事诉讼法的解释",
    "民诉解释": "最高人民法院关于适用民事诉讼法的解释",
    "行诉解释": "最高人民法院关于适用行政诉讼法的解释",
    "检察规则": "人民检察院刑事诉讼规则",
    "公安规定": "公安机关办理刑事案件程序规定",
    "公安行政规定": "公安机关办理行政案件程序规定",
}


def chinese_number(text: str) -> int:
    """Value of a Chinese numeral as used in article numbers (一百零五 -> 105, 十二 -> 12)."""
    total = current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


def _number(text: str) -> int:
    return int(text) if text.isdigit() else chinese_number(text)


def parse_article(article: int | str) -> tuple[int, int]:
    """(number, sub-number) of an article reference: 91, "91", "第91条", "第九十一条", "第307条之一"."""
    if isinstance(article, int):
        return article, 0
    match = _CITATION.match(article.strip())
    if not match:
        raise ValueError(f"not an article reference: {article!r}")
    return _number(match.group(1)), _number(match.group(2)) if match.group(2) else 0


def normalise_law_name(name: str) -> tuple[str, str | None]:
    """(normalised name, version date or None) of a law name or file name."""
    name = name.strip()
    if name.endswith(".md"):
        name = name[:-3]
    version_match = _VERSION.search(name)
    version = version_match.group(1) if version_match else None
    name = _VERSION.sub("", name)
    for ch in "《》〈〉\"'“”「」 \u3000":
        name = name.replace(ch, "")
    name = name.replace("中华人民共和国", "")
    return ABBREVIATIONS.get(name, name), version


@dataclass(frozen=True)
class Article:
    """One article of a law text."""

    law: str
    number: int
    sub: int
    text: str
    file: str

    @property
    def label(self) -> str:
        return f"第{self.number}条" + (f"之{'一二三四五六七八九'[self.sub - 1]}" if 0 < self.sub < 10 else "")


def parse_articles(text: str) -> dict[tuple[int, int], str]:
    """Articles of one law text, keyed by (number, sub-number), text with paragraphs joined.

    A line counts as a new article only when its number increases: a paragraph that happens to
    start with a back-reference ("第一百五十二条规定的…") cannot split the current article.
    """
    articles: dict[tuple[int, int], list[str]] = {}
    current: tuple[int, int] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        match = _HEADING.match(line)
        if match:
            key = (chinese_number(match.group(1)), chinese_number(match.group(2)) if match.group(2) else 0)
            if current is None or key > current:
                current = key
                articles[key] = [match.group(3)] if match.group(3) else []
                continue
        if current is None or not line or line.startswith("#") or line.startswith("<!--"):
            continue
        articles[current].append(line)
    return {key: "\n".join(lines) for key, lines in articles.items()}


class LawLibrary:
    """The law texts of one folder, parsed lazily and cached per file."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise FileNotFoundError(f"law folder not found: {self.folder}")
        self._files: dict[str, list[tuple[str | None, Path]]] = {}
        for path in sorted(self.folder.glob("*.md")):
            name, version = normalise_law_name(path.name)
            self._files.setdefault(name, []).append((version, path))
        self._parsed: dict[Path, dict[tuple[int, int], str]] = {}

    def laws(self) -> list[str]:
        """Normalised names of the laws in the folder."""
        return sorted(self._files)

    def resolve(self, law: str) -> Path | None:
        """The file holding ``law`` (latest version unless the name carries a date), or None."""
        name, version = normalise_law_name(law)
        candidates = self._files.get(name)
        if not candidates:
            return None
        if version:
            for candidate_version, path in candidates:
                if candidate_version == version:
                    return path
            return None
        return max(candidates, key=lambda c: c[0] or "")[1]

    def _articles(self, path: Path) -> dict[tuple[int, int], str]:
        if path not in self._parsed:
            self._parsed[path] = parse_articles(path.read_text(encoding="utf-8"))
        return self._parsed[path]

    def article(self, law: str, article: int | str) -> Article | None:
        """The article, or None when the law or the article is not in the folder."""
        path = self.resolve(law)
        if path is None:
            return None
        number, sub = parse_article(article)
        text = self._articles(path).get((number, sub))
        if text is None:
            return None
        return Article(
            law=normalise_law_name(path.name)[0], number=number, sub=sub, text=text, file=path.name
        )

    def article_text(self, law: str, article: int | str) -> str | None:
        """Just the text of the article, for pages that show it beside a finding."""
        found = self.article(law, article)
        return found.text if found else None


@lru_cache(maxsize=8)
def library(folder: str | Path) -> LawLibrary:
    """The (cached) library of a folder: texts are parsed once per process, on first use."""
    return LawLibrary(folder)


def article_text(folder: str | Path | None, law: str, article: int | str | None) -> str | None:
    """Text of ``law`` ``article`` from the texts in ``folder``, for a page beside a finding.

    None when the folder, the law or the article is missing: a page shows the citation without
    its text rather than failing.
    """
    if not folder or not law or article is None:
        return None
    try:
        return library(str(folder)).article_text(law, article)
    except (FileNotFoundError, ValueError):
        return None

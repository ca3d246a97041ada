"""One table definition for a page and its export.

A `Table` is its columns (heading, how to read the cell from a row, numeric or not, an optional
link, an optional sort key) and its rows. The page renders it with the shared partial
``templates/table.html`` (``{% include "table.html" with table=… %}``); the export writes the
same headings and values (`xlsx`), so the two can never disagree on what a column is called or
holds.

What the partial does for every table: numbers right-aligned (``num``), the empty text in one
row spanning the columns, ``—`` for a missing value, links, ``data-testid`` on the table (and on
cells, ``Column.testid``), attributes per row (``row_attrs``: ``data-key``…), a first column of
check boxes for bulk actions (``select``), and sortable headings when the view sorts
(``Column.sort`` names the view's sort key; ``Table.sort`` is the current one, ``-key`` for
descending; the links keep the other query parameters and drop the page number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.html import format_html

from casewatch.core.exports import xlsx_response


@dataclass(frozen=True)
class Column:
    """One column. `value` reads the cell (page and export); `show`, when given, is what the page
    shows instead (safe HTML such as a status badge), the export keeping `value`. `page=False`
    columns are only exported, `export=False` ones only shown."""

    label: object  # a (lazy) translation
    value: Callable[[Any], Any]
    num: bool = False
    link: Callable[[Any], str] | None = None
    sort: str = ""
    show: Callable[[Any], Any] | None = None
    testid: Callable[[Any], str] | None = None
    css: str = ""
    page: bool = True
    export: bool = True


@dataclass(frozen=True)
class Cell:
    value: Any
    url: str = ""
    num: bool = False
    testid: str = ""
    css: str = ""


@dataclass(frozen=True)
class Heading:
    label: object
    num: bool = False
    url: str = ""  # a sort link, when the column sorts
    order: str = ""  # "ascending"/"descending" when the table is sorted by it (aria-sort)
    css: str = ""


def _shown(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass
class Table:
    columns: Sequence[Column]
    rows: Iterable[Any]
    empty: object = ""
    testid: str = ""
    #: the current sort key ("key" or "-key") and the request's query (for the sort links)
    sort: str = ""
    query: Any = None
    #: extra attributes of each row's <tr> (a dict: {"data-key": …})
    row_attrs: Callable[[Any], dict] | None = None
    #: the value of each row's check box (name "ids"), and the box's accessible name
    select: Callable[[Any], Any] | None = None
    select_label: object = ""
    css: str = ""
    _rows: list = field(default=None, init=False, repr=False)

    def _all(self) -> list:
        if self._rows is None:
            self._rows = list(self.rows)
        return self._rows

    @property
    def shown_columns(self) -> list[Column]:
        return [c for c in self.columns if c.page]

    @property
    def exported_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export]

    @property
    def selectable(self) -> bool:
        """Whether rows have a check box (templates cannot test `select`: it is a callable)."""
        return self.select is not None

    @property
    def width(self) -> int:
        return len(self.shown_columns) + (1 if self.select else 0)

    def header(self) -> list[str]:
        """Headings of the export."""
        return [str(c.label) for c in self.exported_columns]

    def values(self):
        """Rows of cell values, for an export (streamed: rows that are an iterator are read once,
        not held in memory)."""
        columns = self.exported_columns
        for row in self._rows if self._rows is not None else self.rows:
            yield [c.value(row) for c in columns]

    def headings(self) -> list[Heading]:
        out = []
        current = self.sort.lstrip("-")
        for c in self.shown_columns:
            url = order = ""
            if c.sort and self.query is not None:
                query = self.query.copy()
                query.pop("page", None)
                descending = self.sort == c.sort and not self.sort.startswith("-")
                query["sort"] = f"-{c.sort}" if descending else c.sort
                url = "?" + query.urlencode()
                if current == c.sort:
                    order = "descending" if self.sort.startswith("-") else "ascending"
            out.append(Heading(c.label, c.num, url, order, c.css))
        return out

    def cells(self) -> list[list[Cell]]:
        """Rows of cells, for the page."""
        columns = self.shown_columns
        return [
            [
                Cell(
                    _shown(c.show(row) if c.show else c.value(row)),
                    c.link(row) if c.link else "",
                    c.num,
                    c.testid(row) if c.testid else "",
                    c.css,
                )
                for c in columns
            ]
            for row in self._all()
        ]

    def body(self) -> list[tuple[str, Any, list[Cell]]]:
        """(row attributes as HTML, check-box value, cells) for every row."""
        out = []
        cells = self.cells()
        for row, row_cells in zip(self._all(), cells, strict=True):
            attrs = ""
            if self.row_attrs:
                attrs = "".join(format_html(' {}="{}"', k, v) for k, v in self.row_attrs(row).items())
            out.append((_safe(attrs), self.select(row) if self.select else None, row_cells))
        return out


def _safe(html: str):
    from django.utils.safestring import mark_safe

    return mark_safe(html)  # noqa: S308 - built from format_html parts above


def xlsx(table: Table, filename: str, sheet: str):
    """The table as an XLSX download (neutralised, local times; see core.exports)."""
    return xlsx_response(filename, sheet, table.header(), table.values())

"""One table definition for a page and its export.

A `Table` is its columns (heading, how to read the cell from a row, numeric or not, an optional
link) and its rows. The page renders it with the shared partial ``templates/table.html``
(``{% include "table.html" with table=… %}``); the export writes the same headings and values
(`xlsx`), so the two can never disagree on what a column is called or holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from casewatch.core.exports import xlsx_response


@dataclass(frozen=True)
class Column:
    label: object  # a (lazy) translation
    value: Callable[[Any], Any]
    num: bool = False
    link: Callable[[Any], str] | None = None


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
    _rows: list = field(default=None, init=False, repr=False)

    def _all(self) -> list:
        if self._rows is None:
            self._rows = list(self.rows)
        return self._rows

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def values(self):
        """Rows of cell values, for an export."""
        for row in self._all():
            yield [c.value(row) for c in self.columns]

    def cells(self) -> list[list[tuple]]:
        """Rows of (shown value, link, numeric), for the page."""
        return [
            [(_shown(c.value(row)), c.link(row) if c.link else "", c.num) for c in self.columns]
            for row in self._all()
        ]


def xlsx(table: Table, filename: str, sheet: str):
    """The table as an XLSX download (neutralised, local times; see core.exports)."""
    return xlsx_response(filename, sheet, table.header(), table.values())

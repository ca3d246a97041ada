"""Tiny hand-written canonical tables for rule tests.

    lake = Lake()
    case = lake.case("police_criminal")
    case.event("detained", "2024-03-01 10:00", person_party_id="P1")
    tables = lake.tables()          # dict of pyarrow Tables in the canonical schema

Every column not given is null, except the required ones, which get plain defaults. Dates and
timestamps may be written as ISO strings. Case numbers are unique per lake, so scenarios can be
combined into one data set.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pyarrow as pa

from casewatch.analytics import ningbo, schema

DEFAULT_UNITS = {
    "police_criminal": "330212-PSB-XJ",
    "police_public_order": "330212-PSB-ZA",
    "prosecution_review": "330212-PRO-J1",
    "criminal": "330212-CRT-XS",
    "civil": "330212-CRT-MS1",
    "administrative": "330212-CRT-XZ",
    "enforcement": "330212-CRT-ZX",
    "petition": "330212-CMT-JD",
}


def _coerce(column: schema.Column, value):
    """ISO strings -> date / datetime for date and timestamp columns."""
    if isinstance(value, str) and column.type == "date":
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and column.type == "timestamp":
        return dt.datetime.fromisoformat(value)
    return value


class Case:
    """A case in a :class:`Lake`; adds its events, parties and property items."""

    def __init__(self, lake: Lake, unit_code: str, case_number: str):
        self.lake = lake
        self.unit_code = unit_code
        self.case_number = case_number
        self._seq = itertools.count(1)

    @property
    def key(self) -> str:
        return f"{self.unit_code}/{self.case_number}"

    def event(self, kind: str, occurred_at: str, **columns) -> str:
        """Add an event; returns its seq as the string a finding's subject carries."""
        seq = next(self._seq)
        self.lake.add(
            "events",
            unit_code=self.unit_code,
            case_number=self.case_number,
            seq=seq,
            kind=kind,
            occurred_at=occurred_at,
            **columns,
        )
        return str(seq)

    def party(self, party_id: str, role: str, **columns) -> None:
        self.lake.add(
            "case_parties",
            unit_code=self.unit_code,
            case_number=self.case_number,
            party_id=party_id,
            role=role,
            **columns,
        )

    def item(self, seized_at: str, **columns) -> str:
        """Add a seized property item; returns its item id."""
        item_id = columns.pop("item_id", f"ITEM-{next(self.lake.counter):05d}")
        self.lake.add(
            "property_items",
            item_id=item_id,
            unit_code=self.unit_code,
            case_number=self.case_number,
            kind=columns.pop("kind", "phone"),
            seized_at=seized_at,
            **columns,
        )
        return item_id


class Lake:
    """Rows of every canonical table, filled by tests; ``units`` holds the Ningbo tree."""

    def __init__(self):
        self.rows: dict[str, list[dict]] = {name: [] for name in schema.TABLES}
        self.rows["units"] = list(ningbo.units())
        self.counter = itertools.count(1)
        self.cases: list[Case] = []

    def add(self, table: str, **values) -> None:
        columns = {c.name: c for c in schema.TABLES[table].columns}
        unknown = set(values) - set(columns)
        if unknown:
            raise KeyError(f"{table} has no columns {sorted(unknown)}")
        self.rows[table].append({name: _coerce(columns[name], value) for name, value in values.items()})

    def case(self, case_type: str, **columns) -> Case:
        """Add a case (pending, filed 2024-03-01 unless given); returns it to add events to."""
        number = columns.pop("case_number", f"（2024）测{next(self.counter):05d}号")
        unit_code = columns.pop("unit_code", DEFAULT_UNITS[case_type])
        columns.setdefault("status", "pending")
        columns.setdefault("filed_at", "2024-03-01")
        self.add("cases", unit_code=unit_code, case_number=number, case_type=case_type, **columns)
        case = Case(self, unit_code, number)
        self.cases.append(case)
        return case

    def tables(self) -> dict[str, pa.Table]:
        """The canonical tables as Arrow (nullable columns, canonical types)."""
        out = {}
        for name, rows in self.rows.items():
            target = schema.arrow_schema(name)
            relaxed = pa.schema([f.with_nullable(True) for f in target])
            out[name] = pa.Table.from_pylist(
                [{f.name: row.get(f.name) for f in target} for row in rows], schema=relaxed
            )
        return out

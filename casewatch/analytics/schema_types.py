"""The building blocks of the canonical schema: logical types, columns, tables and the columns
every table shares. ``casewatch.analytics.schema`` re-exports them; this module never imports Django."""

from __future__ import annotations

from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Columns and tables
# ---------------------------------------------------------------------------------------------

#: logical types -> (Arrow type name, DuckDB type, Spark type)
TYPES = {
    "string": ("string", "VARCHAR", "string"),
    "int": ("int64", "BIGINT", "bigint"),
    "decimal": ("decimal128(18, 2)", "DECIMAL(18,2)", "decimal(18,2)"),
    "date": ("date32", "DATE", "date"),
    "timestamp": ("timestamp[s]", "TIMESTAMP", "timestamp"),
    "bool": ("bool", "BOOLEAN", "boolean"),
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    type: str
    zh: str
    en: str
    required: bool = False
    enum: str | None = None
    example: str = ""
    doc: str = ""
    #: extra accepted header names in import files (Chinese headers are always accepted)
    aliases: tuple[str, ...] = ()
    #: derived by the importer, never read from input
    derived: bool = False
    #: personal data, masked on display unless the role may reveal it
    personal: bool = False


@dataclass(frozen=True)
class Table:
    """One canonical table: its natural key and its columns."""

    name: str
    zh: str
    en: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    doc: str = ""
    #: other tables this one references: (columns, table, their columns)
    references: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = field(default=())

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def C(name, type_, zh, en, **kw) -> Column:  # noqa: N802 - short constructor keeps the table readable
    return Column(name, type_, zh, en, **kw)


CASE_REF = (
    C("unit_code", "string", "承办单位代码", "Unit code", required=True, example="330212-CRT"),
    C("case_number", "string", "案号", "Case number", required=True, example="（2021）浙0212民初1234号"),
    C("case_key", "string", "案件键", "Case key", derived=True, doc="unit_code + '/' + case_number"),
)

SOURCE = (
    C("source", "string", "数据来源", "Source", doc="Import file or system the row came from."),
    C(
        "updated_at",
        "timestamp",
        "更新时间",
        "Updated at",
        doc="When the row last changed (for incremental analysis).",
    ),
)

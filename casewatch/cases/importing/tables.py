"""Which canonical tables can be imported, how their headers are recognised, where they land.

Why one place: the canonical schema (casewatch/analytics/schema.py) says what a column means;
the Django models say where it is stored and how long it may be. This module joins the two so
that reading, validation and loading never hard-code a column list, and a column added to the
schema and the model is imported without touching the importer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from casewatch.analytics.schema import ENUMS, TABLES, Column, Table

#: Enforcement tables (casewatch/enforcement), loaded after the cases they belong to.
ENFORCEMENT_TABLES = (
    "performance_deadlines",
    "debtor_payments",
    "enforcement_filings",
    "dishonest_listings",
    "enforcement_restrictions",
    "asset_searches",
    "enforcement_rulings",
    "enforcement_settlements",
    "case_fund_movements",
    "credit_repairs",
)

#: Tables in load order: everything a row references is loaded before it.
IMPORT_ORDER = (
    "staff",
    "matters",
    "parties",
    "cases",
    "case_parties",
    "events",
    "documents",
    "property_items",
    "custody_events",
    "transfers",
    "petitions",
    *ENFORCEMENT_TABLES,
)

#: Canonical table -> Django model (app_label.ModelName).
MODELS = {
    "staff": "core.Staff",
    "matters": "cases.Matter",
    "parties": "cases.Party",
    "cases": "cases.Case",
    "case_parties": "cases.CaseParty",
    "events": "cases.Event",
    "documents": "cases.Document",
    "property_items": "cases.PropertyItem",
    "custody_events": "cases.CustodyEvent",
    "transfers": "cases.Transfer",
    "petitions": "cases.Petition",
    "performance_deadlines": "enforcement.PerformanceDeadline",
    "debtor_payments": "enforcement.DebtorPayment",
    "enforcement_filings": "enforcement.EnforcementFiling",
    "dishonest_listings": "enforcement.DishonestListing",
    "enforcement_restrictions": "enforcement.EnforcementRestriction",
    "asset_searches": "enforcement.AssetSearch",
    "enforcement_rulings": "enforcement.EnforcementRuling",
    "enforcement_settlements": "enforcement.EnforcementSettlement",
    "case_fund_movements": "enforcement.CaseFundMovement",
    "credit_repairs": "enforcement.CreditRepair",
}


@dataclass(frozen=True)
class Join:
    """A database column filled by looking a natural key up in another table at load time."""

    target: str  # column of the target table, e.g. "case_id"
    ref_table: str  # canonical table or "units"
    stage_cols: tuple[str, ...]  # columns of the staged row, e.g. ("unit_code", "case_number")
    required: bool  # a row whose key does not resolve is an error (else the column stays NULL)


_CASE = ("unit_code", "case_number")

#: Database columns that are not a canonical column of the same name.
JOINS: dict[str, tuple[Join, ...]] = {
    "staff": (Join("unit_id", "units", ("unit_code",), True),),
    "case_parties": (Join("case_id", "cases", _CASE, True),),
    "events": (Join("case_id", "cases", _CASE, True),),
    "documents": (Join("case_id", "cases", _CASE, True),),
    "property_items": (Join("case_id", "cases", _CASE, True),),
    "transfers": (
        Join("from_case_id", "cases", ("from_unit_code", "from_case_number"), True),
        Join("to_case_id", "cases", ("to_unit_code", "to_case_number"), False),
    ),
    # A petition may mention a case of another unit or one not yet registered: link when found.
    "petitions": (Join("case_id", "cases", _CASE, False),),
    **{t: (Join("case_id", "cases", _CASE, True),) for t in ENFORCEMENT_TABLES},
}

#: Natural key as database columns (the unique constraint ON CONFLICT names).
CONFLICT: dict[str, tuple[str, ...]] = {
    "staff": ("staff_no",),
    "matters": ("matter_id",),
    "parties": ("party_id",),
    "cases": ("unit_code", "case_number"),
    "case_parties": ("case_id", "party_id", "role", "represents_party_id"),
    "events": ("case_id", "seq"),
    "documents": ("case_id", "doc_no"),
    "property_items": ("item_id",),
    "custody_events": ("item_id", "seq"),
    "transfers": ("transfer_id",),
    "petitions": ("petition_id",),
    "performance_deadlines": ("unit_code", "case_number", "debtor_party_id"),
    "debtor_payments": ("payment_id",),
    "enforcement_filings": ("unit_code", "case_number"),
    "dishonest_listings": ("listing_id",),
    "enforcement_restrictions": ("restriction_id",),
    "asset_searches": ("search_id",),
    "enforcement_rulings": ("ruling_id",),
    "enforcement_settlements": ("settlement_id",),
    "case_fund_movements": ("movement_id",),
    "credit_repairs": ("repair_id",),
}

#: Columns whose unit must lie inside the importing user's scope.
SCOPE_COLUMN = {
    "staff": "unit_code",
    "cases": "unit_code",
    "case_parties": "unit_code",
    "events": "unit_code",
    "documents": "unit_code",
    "property_items": "unit_code",
    "transfers": "from_unit_code",
    "petitions": "unit_code",
    **dict.fromkeys(ENFORCEMENT_TABLES, "unit_code"),
}

#: Derived columns the importer computes and stores (others, like case_key, are not stored).
STORED_DERIVED = {"cases": ("year", "court_division_code")}


@dataclass
class TableSpec:
    """Everything the importer needs about one table."""

    name: str
    schema: Table
    db_table: str
    #: canonical column -> database column, for columns copied as they are
    direct: dict[str, str]
    joins: tuple[Join, ...]
    conflict: tuple[str, ...]
    #: canonical column -> maximum length in characters (strings only)
    max_length: dict[str, int]
    #: canonical column -> database type of its target column (for staging)
    db_types: dict[str, str]
    #: canonical columns that must be non-negative integers (PositiveIntegerField)
    positive: frozenset[str]
    #: NOT NULL database columns with no canonical source, and their defaults
    defaults: dict[str, object] = field(default_factory=dict)
    #: columns stored as '' rather than NULL when empty (CharField without null=True)
    blank_as_empty: frozenset[str] = frozenset()
    #: bookkeeping columns the model has (core.Staff has neither)
    bookkeeping: tuple[str, ...] = ("source", "updated_at")

    @property
    def input_columns(self) -> list[Column]:
        """Columns read from files (derived ones are accepted and ignored)."""
        return [c for c in self.schema.columns if not c.derived]


@cache
def spec(table: str) -> TableSpec:
    """The import spec of a canonical table (built from the schema and the Django model)."""
    from django.apps import apps
    from django.db import connection, models

    model = apps.get_model(MODELS[table])
    schema = TABLES[table]
    by_column = {f.column: f for f in model._meta.concrete_fields}
    joins = JOINS.get(table, ())
    join_targets = {j.target for j in joins}
    direct, max_length, db_types, positive, blank = {}, {}, {}, set(), set()
    stored = [c for c in schema.columns if not c.derived or c.name in STORED_DERIVED.get(table, ())]
    for col in stored:
        f = by_column.get(col.name)
        if f is None or col.name in ("updated_at", "source"):
            continue
        direct[col.name] = f.column
        db_types[col.name] = f.db_type(connection)
        limit = getattr(f, "max_length", None) or getattr(
            getattr(f, "target_field", None), "max_length", None
        )
        if limit and col.type == "string":
            max_length[col.name] = limit
        if isinstance(f, models.PositiveIntegerField | models.PositiveSmallIntegerField):
            positive.add(col.name)
        if isinstance(f, models.CharField) and not f.null:
            blank.add(col.name)
    # Natural-key columns resolved through joins still have a length limit: the referenced field's.
    for join in joins:
        for col in join.stage_cols:
            if col not in max_length:
                max_length[col] = 80 if "case_number" in col else 40
    covered = set(direct.values()) | join_targets | {"id", "source", "updated_at"}
    defaults = {}
    for f in model._meta.concrete_fields:
        if f.column in covered or f.null:
            continue
        if f.has_default():
            defaults[f.column] = f.get_default()
    return TableSpec(
        name=table,
        schema=schema,
        db_table=model._meta.db_table,
        direct=direct,
        joins=joins,
        conflict=CONFLICT[table],
        max_length=max_length,
        db_types=db_types,
        positive=frozenset(positive),
        defaults=defaults,
        blank_as_empty=frozenset(blank),
        bookkeeping=tuple(c for c in ("source", "updated_at") if c in by_column),
    )


# ---------------------------------------------------------------------------------------------
# Header and file names
# ---------------------------------------------------------------------------------------------

_REQUIRED_MARKS = re.compile(r"(\(必填\)|\(required\)|\*|＊)$")


def normalise_header(text) -> str:
    """A header cell as a lookup key: NFKC (full-width → ASCII), no spaces, lower case,
    without a trailing required-marker such as ``*`` or ``(必填)``."""
    value = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    value = re.sub(r"\s+", "", value).lower()
    return _REQUIRED_MARKS.sub("", value)


@cache
def header_lookup(table: str) -> dict[str, str]:
    """Normalised header -> canonical column name, for one table (English, Chinese, aliases)."""
    lookup: dict[str, str] = {}
    for col in TABLES[table].columns:
        for name in (col.name, col.zh, col.en, *col.aliases):
            lookup.setdefault(normalise_header(name), col.name)
    return lookup


def _table_names(table: Table) -> list[str]:
    return [normalise_header(n) for n in (table.name, table.zh, table.en.replace(" ", "_"), table.en)]


def table_for_name(name: str) -> str | None:
    """The canonical table a file or sheet name stands for (``cases.csv``, ``案件.xlsx``,
    ``events_2021.parquet``, ``案件当事人-鄞州``), or None."""
    stem = normalise_header(name).replace("-", "_")
    candidates = []
    for t in TABLES.values():
        for n in _table_names(t):
            candidates.append((n, t.name))
    candidates.sort(key=lambda c: len(c[0]), reverse=True)
    for n, t in candidates:
        if stem == n:
            return t
    for n, t in candidates:
        if not stem.startswith(n):
            continue
        rest = stem[len(n) :]
        if n.isascii() and not re.match(r"^[_.0-9(\[]", rest):
            continue  # "casesx" is not "cases"; "cases_2021" is
        return t
    return None


def enum_lookup(enum: str) -> dict[str, str]:
    """Accepted spellings of an enumeration (value, Chinese label, English label) -> value."""
    out: dict[str, str] = {}
    for key, (zh, en) in ENUMS[enum].items():
        out[key] = key
        out.setdefault(zh, key)
        out.setdefault(en, key)
        out.setdefault(en.lower(), key)
    return out

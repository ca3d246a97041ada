"""Validation of typed rows: content rules per table, duplicates, and references across tables.

Why the order: per-table rules first (identifiers, dates in order, case numbers, units and
scope), then duplicates of the natural key, then references in load order, resolved only
against rows that are still valid. A case rejected for a bad date therefore takes its events,
parties and documents with it ("refers to a rejected row"), which is what ``--skip-invalid``
needs: nothing is loaded that points at a row that was not.

Every rule is a vectorised Polars filter over the whole table. Keys that are not in the import
are looked up in the database in one temporary-table join per reference, never row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from casewatch.analytics import courts
from casewatch.cases import casenumber, identifiers
from casewatch.cases.importing import issues
from casewatch.cases.importing.issues import row_issues
from casewatch.cases.importing.tables import ENFORCEMENT_TABLES, SCOPE_COLUMN, spec

#: DE-02 (docs/rule-catalogue.md): kinds that may precede the filing date or follow the closing date.
BEFORE_FILING_OK = ("received", "detained", "questioning_start", "questioning_end")
AFTER_CLOSING_OK = (
    "appealed",
    "remanded",
    "reversed",
    "closed",
    "funds_released",
    "delisted",
    "released",
    "listed_dishonest",
    "performed",
)

#: (table, later column, earlier column): the later date must not precede the earlier one.
DATE_ORDER = (
    ("cases", "closed_at", "filed_at"),
    ("transfers", "received_at", "sent_at"),
    ("petitions", "closed_at", "received_at"),
    ("property_items", "released_at", "seized_at"),
)


@dataclass
class Context:
    """What validation needs from outside the files: units, the user's scope, the database."""

    units: pl.DataFrame  # code, path, agency_kind, division_code
    scope_path: str | None  # None: no restriction (the command line without --user)
    db: object  # load.Database (lookups of keys that are not in the import)
    #: table -> __rid of valid rows left unchanged (shared rows outside the user's scope)
    untouched: dict = field(default_factory=dict)


def table_rules(table: str, frame: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Rules inside one table. Returns the frame (cases gain derived columns) and problems."""
    found: list[pl.DataFrame] = []
    cols = set(frame.columns)
    units = ctx.units.select(
        pl.col("code"),
        pl.col("path").alias("__unit_path"),
        pl.col("agency_kind").alias("__agency_kind"),
        pl.col("division_code").alias("__unit_division"),
    )
    # Unit codes exist; the user's scope covers the row's unit. Decided per distinct code.
    known_codes = ctx.units.get_column("code")
    outside_codes = (
        ctx.units.filter(~pl.col("path").str.starts_with(ctx.scope_path)).get_column("code")
        if ctx.scope_path
        else None
    )
    for col in sorted(c for c in cols if c.endswith("unit_code")):
        codes = frame.get_column(col).drop_nulls().unique()
        unknown = codes.filter(~codes.is_in(known_codes.implode()))
        if len(unknown):
            found.append(row_issues(frame, pl.col(col).is_in(unknown.implode()), "unknown_unit", col))
        if outside_codes is not None and SCOPE_COLUMN.get(table) == col:
            outside = codes.filter(codes.is_in(outside_codes.implode()))
            if len(outside):
                found.append(row_issues(frame, pl.col(col).is_in(outside.implode()), "out_of_scope", col))
    for t, later, earlier in DATE_ORDER:
        if t == table and later in cols and earlier in cols:
            found.append(
                row_issues(
                    frame,
                    pl.col(later) < pl.col(earlier),
                    "date_order",
                    later,
                    value=pl.col(later).cast(pl.String),
                    args=(pl.lit(later), pl.lit(earlier)),
                )
            )
    if table == "cases":
        frame, more = _case_numbers(frame, units)
        found += more
    if table == "parties":
        found += _party_identifiers(frame)
    return frame, found


def _case_numbers(frame: pl.DataFrame, units: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Court numbers must parse and name the unit's court; derive year and court division code."""
    found = []
    kinds = dict(units.select("code", "__agency_kind").iter_rows())
    divisions = dict(units.select("code", "__unit_division").iter_rows())
    unit = pl.col("unit_code")
    # the regex runs once: its groups are a column the parse then reads (no re-evaluation)
    groups = frame.select(casenumber.polars_groups(pl.col("case_number")).alias("__groups"))
    parsed = frame.with_columns(
        unit.replace_strict(kinds, default=None, return_dtype=pl.String).alias("__agency_kind"),
        unit.replace_strict(divisions, default=None, return_dtype=pl.String).alias("__unit_division"),
        casenumber.polars_year_hint(pl.col("case_number")).alias("__year_hint"),
        groups.get_column("__groups"),
    )
    parsed = parsed.with_columns(casenumber.polars_parse_groups(pl.col("__groups")).alias("__parsed")).drop(
        "__groups"
    )
    court = pl.col("__agency_kind") == "court"
    division = pl.col("__parsed").struct.field("division_code")
    bad = court & pl.col("case_number").is_not_null() & division.is_null()
    # Which part of the shape was not understood, per distinct failing number.
    failing = parsed.filter(bad.fill_null(False)).get_column("case_number").unique()
    why = {n: casenumber.problem(n) or ("shape", "", "") for n in failing}
    why_zh = {n: p[1] for n, p in why.items()}
    why_en = {n: p[2] for n, p in why.items()}
    number = pl.col("case_number")
    found.append(
        row_issues(
            parsed,
            bad,
            "bad_case_number",
            "case_number",
            args=(number.replace_strict(why_zh, default="", return_dtype=pl.String),),
            args_en=(number.replace_strict(why_en, default="", return_dtype=pl.String),),
        )
    )
    court_abbr = pl.col("__parsed").struct.field("court_abbr")
    found.append(
        row_issues(parsed, court & (division == ""), "unknown_court", "case_number", args=(court_abbr,))
    )
    aliases = courts.load().mapping()
    unit_division = pl.col("__unit_division").replace(aliases)
    mismatch = court & division.is_not_null() & (division != "") & (division != unit_division)
    found.append(
        row_issues(
            parsed, mismatch, "court_mismatch", "case_number", args=(division, pl.col("__unit_division"))
        )
    )
    derived = parsed.select(
        pl.when(court)
        .then(pl.col("__parsed").struct.field("year"))
        .otherwise(pl.col("__year_hint"))
        .alias("year"),
        pl.when(court).then(division).otherwise(pl.lit("")).fill_null("").alias("court_division_code"),
    )
    frame = frame.with_columns(derived.get_column("year"), derived.get_column("court_division_code"))
    return frame, found


def _party_identifiers(frame: pl.DataFrame) -> list[pl.DataFrame]:
    found = []
    cols = set(frame.columns)
    if "id_number" in cols:
        problem = identifiers.polars_id_number_problem(pl.col("id_number"))
        probed = frame.with_columns(problem.alias("__p"))
        for p, code in (
            ("format", "id_format"),
            ("birth_date", "id_birth_date"),
            ("check_digit", "id_check_digit"),
        ):
            found.append(row_issues(probed, pl.col("__p") == p, code, "id_number"))
        if "birth_date" in cols:
            born = identifiers.polars_id_birth_date(pl.col("id_number"))
            probed = probed.with_columns(born.alias("__born"))
            mismatch = (
                pl.col("__p").is_null()
                & pl.col("birth_date").is_not_null()
                & (pl.col("birth_date") != pl.col("__born"))
            )
            found.append(
                row_issues(
                    probed,
                    mismatch,
                    "birth_mismatch",
                    "birth_date",
                    value=pl.col("birth_date").cast(pl.String),
                    args=(pl.col("__born").cast(pl.String),),
                )
            )
    if "credit_code" in cols:
        probed = frame.with_columns(
            identifiers.polars_credit_code_problem(pl.col("credit_code")).alias("__p")
        )
        found.append(row_issues(probed, pl.col("__p") == "format", "credit_format", "credit_code"))
        found.append(row_issues(probed, pl.col("__p") == "check_digit", "credit_check_digit", "credit_code"))
    if "phone" in cols:
        ok = identifiers.polars_phone_valid(pl.col("phone"))
        found.append(row_issues(frame, pl.col("phone").is_not_null() & ~ok, "bad_phone", "phone"))
    return found


def duplicates(table: str, frame: pl.DataFrame, sources: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every row whose natural key occurs more than once (in any file of the import).

    `frame` may carry only ``__rid``, ``__row`` and the key (a million-row table's keys are
    all that is held): `sources` (``start``, ``__file``, ``__sheet``: the first ``__rid`` of
    each file) then names the file of the few duplicate rows.
    """
    sp = spec(table)
    # a key column stored as '' when blank (case_parties.represents_party_id) may be absent or null
    blank = [c for c in sp.schema.key if c in sp.blank_as_empty]
    if blank and not frame.is_empty():
        frame = frame.with_columns(
            [pl.col(c).fill_null("") if c in frame.columns else pl.lit("").alias(c) for c in blank]
        ).rechunk()
    key = [c for c in sp.schema.key if c in frame.columns]
    if len(key) < len(sp.schema.key) or frame.is_empty():
        return issues.empty()
    keyed = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    keyed = keyed.filter(pl.len().over(key) > 1).sort("__rid")
    if keyed.is_empty():
        return issues.empty()
    if "__file" not in keyed.columns:
        keyed = keyed.join_asof(sources.sort("start"), left_on="__rid", right_on="start").drop("start")
    label = pl.format("{}:{}", pl.col("__file"), pl.col("__row").cast(pl.String))
    keyed = keyed.with_columns(
        pl.len().over(key).alias("__n"),
        label.first().over(key).alias("__first"),
        label.get(1).over(key).alias("__second"),
        (pl.col("__rid") == pl.col("__rid").min().over(key)).alias("__is_first"),
    )
    other = pl.when(pl.col("__is_first")).then(pl.col("__second")).otherwise(pl.col("__first"))
    field = key[-1]
    value = pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ")
    return row_issues(keyed, pl.col("__n") > 1, "duplicate", field, value=value, args=(other,))


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    table: str
    cols: tuple[str, ...]  # columns of the referring table
    target: str  # referenced table
    target_cols: tuple[str, ...]
    code: str  # issue code when not found
    required: bool = True  # False: only checked when the columns are filled


REFS = (
    Ref("cases", ("matter_id",), "matters", ("matter_id",), "unknown_matter"),
    Ref("cases", ("handler_staff_no",), "staff", ("staff_no",), "unknown_staff"),
    Ref("case_parties", ("unit_code", "case_number"), "cases", ("unit_code", "case_number"), "unknown_case"),
    Ref("case_parties", ("party_id",), "parties", ("party_id",), "unknown_party"),
    Ref("events", ("unit_code", "case_number"), "cases", ("unit_code", "case_number"), "unknown_case"),
    Ref("documents", ("unit_code", "case_number"), "cases", ("unit_code", "case_number"), "unknown_case"),
    Ref("property_items", ("unit_code", "case_number"), "cases", ("unit_code", "case_number"), "unknown_case"),
    Ref("custody_events", ("item_id",), "property_items", ("item_id",), "unknown_item"),
    Ref("transfers", ("matter_id",), "matters", ("matter_id",), "unknown_matter"),
    Ref("transfers", ("from_unit_code", "from_case_number"), "cases", ("unit_code", "case_number"), "unknown_case"),
    Ref("transfers", ("to_unit_code", "to_case_number"), "cases", ("unit_code", "case_number"), "unknown_case", False),
)  # fmt: skip

#: Every enforcement table (casewatch/enforcement) belongs to a case.
REFS += tuple(
    Ref(t, ("unit_code", "case_number"), "cases", ("unit_code", "case_number"), "unknown_case")
    for t in ENFORCEMENT_TABLES
)

#: canonical table -> (database table, key columns in the database) for lookups
DB_KEYS = {
    "matters": ("cases_matter", {"matter_id": "matter_id"}),
    "staff": ("core_staff", {"staff_no": "staff_no"}),
    "parties": ("cases_party", {"party_id": "party_id"}),
    "cases": ("cases_case", {"unit_code": "unit_code", "case_number": "case_number"}),
    "property_items": ("cases_propertyitem", {"item_id": "item_id"}),
}


def resolve(
    ref: Ref,
    frame: pl.DataFrame,
    valid: dict[str, pl.DataFrame],
    rejected: dict[str, pl.DataFrame],
    ctx: Context,
    extra: dict[str, pl.DataType] | None = None,
    carry: tuple[str, ...] = (),
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Check one reference against the import's valid rows and the database.

    Works on the distinct keys, not on every row: only rows whose key is missing are touched.
    A key that only a rejected row of the import carries is reported as "refers to a rejected
    row" rather than "not found". With `extra`, also returns the referring rows (their meta
    columns, the key and `carry`) joined to those columns of the referenced row — the dates of
    the case an event belongs to.
    """
    extra = extra or {}
    if not all(c in frame.columns for c in ref.cols):
        return issues.empty(), None
    cols = list(ref.cols)
    rename = dict(zip(ref.target_cols, ref.cols, strict=True))
    schema = {c: pl.String for c in ref.cols} | extra
    if ref.target in valid:
        target = valid[ref.target]
        absent = [pl.lit(None, dtype=t).alias(c) for c, t in extra.items() if c not in target.columns]
        known = target.with_columns(absent).select(*ref.target_cols, *extra).rename(rename).cast(schema)
    else:
        known = pl.DataFrame(schema=schema)
    wanted = frame.select(cols).drop_nulls().unique()
    missing = wanted.join(known.select(cols), on=cols, how="anti")
    if not missing.is_empty():
        db_table, _mapping = DB_KEYS[ref.target]
        found_db = ctx.db.lookup(
            db_table, ref.target_cols, missing.rename({v: k for k, v in rename.items()}), tuple(extra)
        ).rename(rename)
        if not found_db.is_empty():
            fixes = [
                as_date(pl.col(c)).alias(c) if t == pl.Date else pl.col(c).cast(t) for c, t in extra.items()
            ]
            found_db = found_db.select(*[pl.col(c).cast(pl.String) for c in ref.cols], *fixes)
            known = pl.concat([known, found_db], how="vertical")
            missing = missing.join(found_db.select(cols), on=cols, how="anti")
    found = issues.empty()
    if not missing.is_empty():
        bad = frame.join(missing, on=cols, how="semi")
        rej = rejected.get(ref.target)
        if rej is not None and not rej.is_empty() and all(c in rej.columns for c in ref.target_cols):
            rej_keys = rej.select(
                pl.col(c).cast(pl.String).alias(rename[c]) for c in ref.target_cols
            ).unique()
            bad = bad.join(rej_keys.with_columns(pl.lit(True).alias("__rejected")), on=cols, how="left")
        else:
            bad = bad.with_columns(pl.lit(None, dtype=pl.Boolean).alias("__rejected"))
        found = issues.concat(
            [
                row_issues(
                    bad,
                    pl.col("__rejected").fill_null(False),
                    "rejected_parent",
                    ref.cols[-1],
                    args=(pl.lit(ref.target),),
                ),
                row_issues(bad, pl.col("__rejected").is_null(), ref.code, ref.cols[-1]),
            ]
        )
    joined = None
    if extra:
        narrow = frame.select(
            "__rid", "__file", "__sheet", "__row", *cols, *[c for c in carry if c in frame.columns]
        )
        known = known.unique(subset=cols, keep="first")
        joined = narrow.join(known, on=cols, how="left")
    return found, joined


def event_dates(events: pl.DataFrame) -> list[pl.DataFrame]:
    """DE-02: events inside the case's life (events joined to filed_at / closed_at as __filed, __closed)."""
    day = pl.col("occurred_at").dt.date()
    before = (day < pl.col("__filed")) & ~pl.col("kind").is_in(BEFORE_FILING_OK)
    after = (day > pl.col("__closed")) & ~pl.col("kind").is_in(AFTER_CLOSING_OK)
    return [
        row_issues(
            events,
            before,
            "event_before_filing",
            "occurred_at",
            value=pl.col("occurred_at").cast(pl.String),
            args=(pl.col("__filed").cast(pl.String),),
        ),
        row_issues(
            events,
            after,
            "event_after_closing",
            "occurred_at",
            value=pl.col("occurred_at").cast(pl.String),
            args=(pl.col("__closed").cast(pl.String),),
        ),
    ]


def as_date(expr: pl.Expr) -> pl.Expr:
    """Dates read back from the database (SQLite gives text) as Polars dates."""
    return expr.cast(pl.String).str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False)


#: Shared records (no unit of their own) and how to find the units that use them.
SHARED = {
    "parties": (
        "party_id",
        "SELECT DISTINCT cp.party_id FROM cases_caseparty cp JOIN cw_keys k ON k.party_id = cp.party_id "
        "JOIN cases_case c ON c.id = cp.case_id JOIN core_unit u ON u.code = c.unit_code "
        "WHERE u.path NOT LIKE %s",
    ),
    "matters": (
        "matter_id",
        "SELECT DISTINCT c.matter_id FROM cases_case c JOIN cw_keys k ON k.matter_id = c.matter_id "
        "JOIN core_unit u ON u.code = c.unit_code WHERE u.path NOT LIKE %s",
    ),
}


def shared_outside_scope(table: str, frame: pl.DataFrame, ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parties and matters have no unit: a scoped user may create them, but one already linked to
    a case outside the user's scope is not changed by that user's import (another unit's data).

    Returns the rows to leave alone and a warning for each.
    """
    if not ctx.scope_path or table not in SHARED or frame.is_empty():
        return frame.clear(), issues.empty()
    key, sql = SHARED[table]
    rows = ctx.db.keys_query(frame.select(key), sql, [ctx.scope_path + "%"])
    shared = pl.DataFrame({key: [r[0] for r in rows]}, schema={key: pl.String})
    hit = frame.join(shared, on=key, how="semi")
    found = row_issues(hit, pl.lit(True), "scope_shared", key)
    return hit, found.with_columns(pl.lit("warning").alias("severity"))

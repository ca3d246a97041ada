"""Turn the generator's integer surrogates into canonical tables and write them.

Case ids become (unit_code, case_number) with real-format case numbers, party ids become ID numbers
and credit codes, day numbers and seconds become Arrow dates and timestamps, and every table is
cast to exactly ``arrow_schema(table)``. Large tables are written in fixed-size chunks so memory
stays flat and the output is byte-identical for a given seed.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from casewatch.analytics import ningbo
from casewatch.analytics.schema import TABLES, arrow_schema
from casewatch.demo.context import DAY, Ctx, conform
from casewatch.demo.parties import names

CHUNK = 500_000  # rows per write (and Parquet row group): bounds the transient copies
SOURCE = "demo-city"
COURT_TYPES = ("民初", "民终", "刑初", "行初", "执")

#: staff titles by agency suffix and sub-unit suffix ("" = the agency itself)
POSITIONS = {
    "CRT": {"": "院长", "ZX": "执行员", "SG": "审判管理员", "*": "审判员"},
    "PRO": {"": "检察长", "AG": "案件管理员", "*": "检察官"},
    "PSB": {"": "局长", "XJ": "侦查员", "FZ": "法制员", "CW": "涉案财物保管员", "*": "民警"},
    "CMT": {"": "书记", "*": "科员"},
    "JUS": {"": "局长", "*": "科员"},
}

#: document kind produced by an event kind ("filed" depends on the case type: assemble._write_events)
DOC_FOR_EVENT = {
    "detained": "detention_warrant",
    "family_notified": "family_notice",
    "arrest_approved": "arrest_warrant",
    "transferred_for_prosecution": "recommendation_to_prosecute",
    "plea_statement_signed": "plea_statement",
    "indicted": "indictment",
    "complaint_served": "service_receipt",
    "hearing": "hearing_record",
    "judgment_pronounced": "judgment",
    "mediation_concluded": "mediation_document",
    "withdrawn": "ruling",
    "ruling": "ruling",
    "injury_appraisal": "appraisal_opinion",
    "appraisal_end": "appraisal_opinion",
    "penalty_decided": "penalty_decision",
    "enforcement_filed": "enforcement_notice",
    "questioning_end": "interrogation_record",
}


class TableWriter:
    """Writes one canonical table chunk by chunk in parquet, csv or jsonl."""

    def __init__(self, out_dir: Path, table: str, fmt: str):
        self.schema = arrow_schema(table)
        self.fmt = fmt
        self.path = out_dir / f"{table}.{fmt}"
        self.rows = 0
        self._header = fmt == "csv"  # still to write
        self._pq: pq.ParquetWriter | None = None
        self._fh = None
        if fmt == "parquet":
            self._pq = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        else:
            self._fh = self.path.open("wb")

    def write(self, df: pl.DataFrame) -> None:
        table = _to_arrow(df, self.schema)
        self.rows += table.num_rows
        if self._pq is not None:
            self._pq.write_table(table, row_group_size=CHUNK)
        elif self.fmt == "csv":
            pl.from_arrow(table).write_csv(
                self._fh, include_header=self._header, datetime_format="%Y-%m-%d %H:%M:%S"
            )
            self._header = False
        else:
            pl.from_arrow(table).write_ndjson(self._fh)

    def close(self) -> int:
        if self._pq is not None:
            self._pq.close()
        if self._fh is not None:
            self._fh.close()
        if self._header:  # no chunk at all: a header-only CSV
            self.path.write_text(",".join(self.schema.names) + "\n", encoding="utf-8")
        return self.rows


def _to_arrow(df: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """Cast internal columns (days, seconds, cents) to the canonical Arrow types."""
    exprs = []
    for f in schema:
        c = pl.col(f.name)
        if pa.types.is_date32(f.type):
            exprs.append(c.cast(pl.Int32).cast(pl.Date))
        elif pa.types.is_timestamp(f.type):
            exprs.append(pl.from_epoch(c.cast(pl.Int64), time_unit="s").alias(f.name))
        elif pa.types.is_decimal(f.type):
            exprs.append((c.cast(pl.Decimal(20, 2)) * pl.lit(0.01).cast(pl.Decimal(3, 2))).alias(f.name))
        else:
            exprs.append(c)
    arrow = df.select(exprs).to_arrow()
    cols = [arrow.column(i).cast(f.type) for i, f in enumerate(schema)]
    return pa.Table.from_arrays(cols, schema=schema)


def _agency(unit: pl.Expr) -> pl.Expr:
    return unit.str.slice(0, 10)  # "330212-CRT-MS1" -> "330212-CRT"


def build_units() -> pl.DataFrame:
    return pl.DataFrame(ningbo.units(), schema={k: pl.Utf8 for k in TABLES["units"].names})


def build_staff(ctx: Ctx, units: pl.DataFrame, cases: pl.DataFrame, n_items: pl.DataFrame) -> pl.DataFrame:
    """Staff per unit, sized by case load; property custodians in every PSB-CW unit."""
    load = cases.group_by("unit").agg(n=pl.len())
    u = units.filter(pl.col("kind").is_in(["agency", "unit"])).select("code", "kind", "division_code")
    u = u.join(load, left_on="code", right_on="unit", how="left", maintain_order="left").join(
        n_items, left_on="code", right_on="cw_unit", how="left", maintain_order="left"
    )
    u = u.with_columns(
        agency=_agency(pl.col("code")),
        suffix=pl.when(pl.col("kind") == "unit")
        .then(pl.col("code").str.split("-").list.last())
        .otherwise(pl.lit("")),
    )
    u = u.with_columns(
        n_staff=pl.when(pl.col("kind") == "agency")
        .then(2)
        .when(pl.col("suffix") == "CW")
        .then(4 + (pl.col("items").fill_null(0) / 3_000).ceil().cast(pl.Int64))
        .otherwise(pl.max_horizontal(pl.lit(3), (pl.col("n").fill_null(0) / 350).ceil().cast(pl.Int64)))
    )
    s = u.select("code", "agency", "division_code", "suffix", pl.int_ranges(0, "n_staff").alias("k")).explode(
        "k"
    )
    s = s.sort("agency", "code", "k").with_columns(serial=pl.int_range(1, pl.len() + 1).over("agency"))
    ag = pl.col("agency").str.split("-").list.last()
    pos = None
    for agency, table in POSITIONS.items():
        for suffix, title in table.items():
            cond = (ag == agency) & ((pl.col("suffix") == suffix) if suffix != "*" else pl.lit(True))
            pos = pl.when(cond).then(pl.lit(title)) if pos is None else pos.when(cond).then(pl.lit(title))
    s = s.with_columns(
        staff_no=pl.concat_str(
            ag, pl.col("division_code"), pl.lit("-"), pl.col("serial").cast(pl.Utf8).str.zfill(3)
        ),
        position=pos.otherwise(pl.lit("工作人员")),
        sex=pl.when(pl.lit(ctx.u(s)) < 0.6).then(pl.lit("M")).otherwise(pl.lit("F")),
    )
    s = names(ctx, s).with_columns(name=pl.concat_str("surname", "given"))
    return s.select("staff_no", "name", pl.col("code").alias("unit_code"), "position", "k")


def assign_handlers(ctx: Ctx, cases: pl.DataFrame, staff: pl.DataFrame) -> pl.DataFrame:
    """A handler from the case's own unit, uniformly among its staff."""
    per_unit = staff.group_by("unit_code", maintain_order=True).agg(n=pl.len())
    cases = cases.join(per_unit, left_on="unit", right_on="unit_code", how="left", maintain_order="left")
    cases = cases.with_columns(k=(pl.lit(ctx.u(cases)) * pl.col("n")).floor().cast(pl.Int64))
    cases = cases.join(
        staff.select("unit_code", "k", pl.col("staff_no").alias("handler")),
        left_on=["unit", "k"],
        right_on=["unit_code", "k"],
        how="left",
        maintain_order="left",
    )
    return cases.drop("n", "k").sort("cid")


def _serial(group: pl.Expr, order: pl.Expr) -> pl.Expr:
    """1-based position of each row inside its (integer) group, ordered by an integer key < 2^40.

    Computed from two global ranks, which is much cheaper than sorting a million rows by strings.
    """
    return (
        (group * 2**40 + order).rank("ordinal").cast(pl.Int64)
        - (group * 2**40).rank("min").cast(pl.Int64)
        + 1
    )


def case_numbers(cases: pl.DataFrame) -> pl.DataFrame:
    """Case numbers in the official formats; serials run per agency, type and year in filing order."""
    agencies = sorted({u["code"] for u in ningbo.units() if u["kind"] == "agency"})
    numtypes = sorted(set(cases["numtype"].unique().to_list()))
    cases = cases.with_columns(
        agency=pl.col("unit").str.slice(0, 10),  # "330212-CRT"
        year=pl.col("filed").cast(pl.Int32).cast(pl.Date).dt.year().cast(pl.Int64),
        district=pl.col("unit").str.slice(0, 6),
    )
    group = (
        pl.col("agency").replace_strict({a: i for i, a in enumerate(agencies)}, return_dtype=pl.Int64)
        * 100_000
        + pl.col("numtype").replace_strict({t: i for i, t in enumerate(numtypes)}, return_dtype=pl.Int64)
        * 1_000
        + pl.col("year")
        - 2000
    )
    cases = cases.with_columns(serial=_serial(group, pl.col("filed") * 2**23 + pl.col("cid")))
    abbr = pl.col("district").replace_strict(
        {**{k: v[1] for k, v in ningbo.DISTRICTS.items()}, ningbo.CITY_CODE: ""}, return_dtype=pl.Utf8
    )
    court = pl.concat_str(
        pl.lit(ningbo.PROVINCE_ABBR),
        pl.when(pl.col("district") == ningbo.CITY_CODE)
        .then(pl.lit("02"))
        .otherwise(pl.col("district").str.slice(2, 4)),
    )
    y, ser = pl.col("year").cast(pl.Utf8), pl.col("serial").cast(pl.Utf8)
    nt = pl.col("numtype")
    number = (
        pl.when(nt.is_in(list(COURT_TYPES)))
        .then(pl.concat_str(pl.lit("（"), y, pl.lit("）"), court, nt, ser, pl.lit("号")))
        .when(nt == "刑立")
        .then(
            pl.concat_str(
                pl.lit(ningbo.CITY_ABBR),
                abbr,
                pl.lit("公(刑)立字〔"),
                y,
                pl.lit("〕"),
                ser.str.zfill(5),
                pl.lit("号"),
            )
        )
        .when(nt == "治受")
        .then(
            pl.concat_str(
                pl.lit(ningbo.CITY_ABBR),
                abbr,
                pl.lit("公(治)行受字〔"),
                y,
                pl.lit("〕"),
                ser.str.zfill(5),
                pl.lit("号"),
            )
        )
        .otherwise(
            pl.concat_str(
                pl.lit(ningbo.CITY_ABBR), abbr, pl.lit("检刑诉〔"), y, pl.lit("〕"), ser, pl.lit("号")
            )
        )
    )
    cases = cases.with_columns(case_number=number)
    # court_division_code is derived from the number itself, as the importer does.
    digits = pl.col("case_number").str.extract(r"^（\d{4}）浙(\d{2,4})", 1)
    return cases.with_columns(
        case_key=pl.concat_str("unit", pl.lit("/"), "case_number"),
        court_division_code=pl.when(digits.str.len_chars() == 4)
        .then(pl.concat_str(pl.lit("33"), digits))
        .when(digits.str.len_chars() == 2)
        .then(pl.concat_str(pl.lit("33"), digits, pl.lit("00"))),
    )


def matter_titles(matters: pl.DataFrame, parties: pl.DataFrame) -> pl.DataFrame:
    """matter_id and a title in the usual style (张某盗窃案 / 李某与王某民间借贷纠纷)."""
    lookup = parties.select(
        "pid",
        pl.when(pl.col("kind") == "person")
        .then(pl.concat_str(pl.col("name").str.slice(0, 1), pl.lit("某")))
        .otherwise("name")
        .alias("short"),
    )
    m = matters.join(
        lookup.rename({"pid": "title_a", "short": "a"}), on="title_a", how="left", maintain_order="left"
    )
    m = m.join(
        lookup.rename({"pid": "title_b", "short": "b"}), on="title_b", how="left", maintain_order="left"
    )
    tpl = pl.col("title_tpl")
    title = (
        pl.when(tpl == "crim")
        .then(pl.concat_str("a", "title_text", pl.lit("案")))
        .when(tpl == "admin")
        .then(pl.concat_str("a", pl.lit("诉"), "b", "title_text"))
        .otherwise(pl.concat_str("a", pl.lit("与"), "b", "title_text"))
    )
    year = pl.col("opened").cast(pl.Int32).cast(pl.Date).dt.year()
    m = m.with_columns(title=title, year=year).sort("year", "opened", "matter")
    m = m.with_columns(serial=pl.int_range(1, pl.len() + 1).over("year"))
    m = m.with_columns(
        matter_id=pl.concat_str(
            pl.lit("M"),
            pl.col("year").cast(pl.Utf8),
            pl.lit("-"),
            pl.col("serial").cast(pl.Utf8).str.zfill(6),
        )
    )
    m = m.sort("matter")
    if not (m["matter"] == pl.int_range(m.height, eager=True, dtype=pl.Int64)).all():  # pragma: no cover
        raise AssertionError("matter ids must run densely from 0: cases look their matter up by position")
    return m


def write_simple(out: Path, fmt: str, table: str, df: pl.DataFrame, ctx: Ctx) -> int:
    """Write a small table in one go (adds source/updated_at and typed nulls for absent columns)."""
    w = TableWriter(out, table, fmt)
    for start in range(0, max(df.height, 1), CHUNK):
        chunk = df.slice(start, CHUNK)
        if chunk.height == 0 and start > 0:
            break
        w.write(with_source(chunk, table, ctx))
    return w.close()


def with_source(df: pl.DataFrame, table: str, ctx: Ctx) -> pl.DataFrame:
    names = TABLES[table].names
    extra = {}
    if "source" in names:
        extra["source"] = pl.lit(SOURCE)
    if "updated_at" in names:
        extra["updated_at"] = pl.lit(ctx.as_of * DAY + 20 * 3_600)
    df = df.with_columns(**extra)
    types = {c.name: c.type for c in TABLES[table].columns}
    mapping = {
        "string": pl.Utf8,
        "int": pl.Int64,
        "decimal": pl.Int64,
        "date": pl.Int64,
        "timestamp": pl.Int64,
        "bool": pl.Boolean,
    }
    return conform(df, {n: mapping[types[n]] for n in names})

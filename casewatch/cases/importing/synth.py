"""A small, fast, valid case population for benchmarks and tests (no randomness, no Django).

Why not only the demo city: `casewatch bench import` and the importer's tests need well-formed
files in every canonical table the importer reads, quickly and without depending on the demo
generator's calibration. `casewatch.demo.generator` is used by the benchmark when it exists;
this module is the fallback and the tests' source of clean rows that the malformed files are
derived from.

Everything is vectorised: a million cases with their parties and events take a few seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from casewatch.analytics import ningbo
from casewatch.cases.identifiers import ID_CHECK, ID_WEIGHTS

START = dt.date(2019, 1, 1)
#: (agency suffix, sub-unit suffix, case type, matter kind, type code for court numbers)
KINDS = (
    ("CRT", "MS1", "civil", "civil", "民初"),
    ("CRT", "XS", "criminal", "criminal", "刑初"),
    ("CRT", "ZX", "enforcement", "enforcement", "执"),
    ("PSB", "XJ", "police_criminal", "criminal", ""),
    ("PRO", "J1", "prosecution_review", "criminal", ""),
)
STAFF_PER_UNIT = 12


def _units() -> list[str]:
    return [ningbo.CITY_CODE, *ningbo.DISTRICTS]


def _id_numbers(seq: pl.Expr) -> pl.Expr:
    """Valid 18-character ID numbers for integers (distinct integers give distinct numbers)."""
    district = pl.lit("330212")
    birth = (pl.lit(dt.date(1960, 1, 1)) + pl.duration(days=seq % 15000)).dt.strftime("%Y%m%d")
    serial = (seq // 15000 % 1000).cast(pl.String).str.zfill(3)
    first17 = pl.concat_str([district, birth, serial])
    total = pl.sum_horizontal([first17.str.slice(i, 1).cast(pl.Int64) * w for i, w in enumerate(ID_WEIGHTS)])
    check = (total % 11).replace_strict(dict(enumerate(ID_CHECK)), return_dtype=pl.String)
    return pl.concat_str([first17, check])


def generate(n_cases: int, out_dir: str | Path, fmt: str = "parquet") -> dict[str, int]:
    """Write staff, matters, parties, cases, case_parties and events for `n_cases` cases."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    districts = _units()
    combos = [(d, k) for d in districts for k in KINDS]
    combo_frame = pl.DataFrame(
        {
            "combo": list(range(len(combos))),
            "district": [d for d, _k in combos],
            "agency": [k[0] for _d, k in combos],
            "unit_code": [f"{d}-{k[0]}-{k[1]}" for d, k in combos],
            "case_type": [k[2] for _d, k in combos],
            "matter_kind": [k[3] for _d, k in combos],
            "type_code": [k[4] for _d, k in combos],
        }
    )
    staff = (
        combo_frame.join(pl.DataFrame({"i": list(range(STAFF_PER_UNIT))}), how="cross")
        .select(
            pl.format("{}-{}", pl.col("unit_code"), pl.col("i").cast(pl.String).str.zfill(3)).alias(
                "staff_no"
            ),
            pl.format("办案人{}", pl.col("i")).alias("name"),
            pl.col("unit_code"),
            pl.lit("审判员").alias("position"),
        )
        .unique(subset="staff_no", maintain_order=True)
    )
    i = pl.int_range(0, n_cases, dtype=pl.Int64)
    base = pl.DataFrame({"i": pl.Series(range(n_cases), dtype=pl.Int64)}).with_columns(
        (pl.col("i") % len(combos)).alias("combo"),
        (pl.col("i") * 7919 % 1800).alias("day"),
        (pl.col("i") * 104729 % 100).alias("pct"),
    )
    cases = base.join(combo_frame, on="combo", how="left").with_columns(
        (pl.lit(START) + pl.duration(days=pl.col("day"))).alias("filed_at"),
    )
    serial = (pl.col("i") // len(combos) + 1).cast(pl.String)
    year = pl.col("filed_at").dt.year().cast(pl.String)
    court_code = (
        pl.when(pl.col("district") == ningbo.CITY_CODE)
        .then(pl.lit("浙02"))
        .otherwise(pl.concat_str([pl.lit("浙"), pl.col("district").str.slice(2, 4)]))
    )
    number = (
        pl.when(pl.col("agency") == "CRT")
        .then(pl.format("（{}）{}{}{}号", year, court_code, pl.col("type_code"), serial))
        .otherwise(pl.format("{}[{}]{}号", pl.col("unit_code"), year, serial))
    )
    closed = pl.col("pct") < 70
    cases = cases.with_columns(
        number.alias("case_number"),
        pl.format("M{}", (pl.col("i") // 2).cast(pl.String).str.zfill(8)).alias("matter_id"),
        pl.format(
            "{}-{}", pl.col("unit_code"), (pl.col("i") % STAFF_PER_UNIT).cast(pl.String).str.zfill(3)
        ).alias("handler_staff_no"),
        pl.when(closed).then(pl.lit("closed")).otherwise(pl.lit("pending")).alias("status"),
        pl.when(closed).then(pl.col("filed_at") + pl.duration(days=30 + pl.col("pct"))).alias("closed_at"),
        pl.when(closed).then(pl.lit("judgment")).alias("outcome"),
        (pl.col("filed_at") - pl.duration(days=3)).alias("received_at"),
        (pl.col("pct") * 1000).cast(pl.String).alias("claim_amount"),
    )
    # The matter of a case pair is opened on the earlier filing date of the two.
    matters = (
        cases.group_by("matter_id")
        .agg(pl.col("matter_kind").first().alias("kind"), pl.col("filed_at").min().alias("opened_at"))
        .sort("matter_id")
        .with_columns(pl.format("案事件{}", pl.col("matter_id")).alias("title"))
    )
    n_parties = max(1, n_cases * 3 // 2)
    parties = (
        pl.DataFrame({"p": pl.Series(range(n_parties), dtype=pl.Int64)})
        .with_columns(_id_numbers(pl.col("p")).alias("party_id"))
        .with_columns(
            pl.lit("person").alias("kind"),
            pl.format("当事人{}", pl.col("p")).alias("name"),
            pl.col("party_id").alias("id_number"),
            pl.col("party_id").str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d").alias("birth_date"),
            pl.format("138{}", (pl.col("p") % 100_000_000).cast(pl.String).str.zfill(8)).alias("phone"),
            pl.lit("浙江省宁波市鄞州区首南街道某路1号").alias("address"),
            pl.lit("330212").alias("division_code"),
        )
        .drop("p")
    )
    case_parties = pl.concat(
        [
            cases.select(
                "unit_code",
                "case_number",
                ((pl.col("i") * 3 // 2 + k) % n_parties).alias("p"),
                pl.lit(role).alias("role"),
            )
            for k, role in ((0, "plaintiff"), (1, "defendant"))
        ]
    )
    ids = parties.select(pl.col("party_id")).with_row_index("p").with_columns(pl.col("p").cast(pl.Int64))
    case_parties = (
        case_parties.join(ids, on="p", how="left")
        .drop("p")
        .unique(subset=["unit_code", "case_number", "party_id", "role"], maintain_order=True)
    )
    ts = pl.col("filed_at").cast(pl.Datetime("us")) + pl.duration(hours=9)
    events = pl.concat(
        [
            cases.select(
                "unit_code",
                "case_number",
                pl.lit(1).alias("seq"),
                pl.lit("filed").alias("kind"),
                ts.alias("occurred_at"),
            ),
            cases.select(
                "unit_code",
                "case_number",
                pl.lit(2).alias("seq"),
                pl.lit("hearing").alias("kind"),
                (ts + pl.duration(days=10)).alias("occurred_at"),
            ),
            cases.filter(closed).select(
                "unit_code",
                "case_number",
                pl.lit(3).alias("seq"),
                pl.lit("judgment_pronounced").alias("kind"),
                (pl.col("closed_at").cast(pl.Datetime("us")) + pl.duration(hours=10)).alias("occurred_at"),
            ),
            cases.filter(closed).select(
                "unit_code",
                "case_number",
                pl.lit(4).alias("seq"),
                pl.lit("closed").alias("kind"),
                (pl.col("closed_at").cast(pl.Datetime("us")) + pl.duration(hours=16)).alias("occurred_at"),
            ),
        ]
    ).with_columns(pl.col("seq").cast(pl.Int64))
    case_cols = [
        "unit_code", "case_number", "matter_id", "case_type", "status", "handler_staff_no",
        "received_at", "filed_at", "closed_at", "claim_amount", "outcome",
    ]  # fmt: skip
    tables = {
        "staff": staff,
        "matters": matters,
        "parties": parties,
        "cases": cases.select(case_cols),
        "case_parties": case_parties,
        "events": events,
    }
    for name, frame in tables.items():
        write(frame, out / f"{name}.{fmt}", fmt)
    del i
    return {name: frame.height for name, frame in tables.items()}


def write(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        frame.write_parquet(path)
    elif fmt == "csv":
        frame.write_csv(path)
    elif fmt == "jsonl":
        frame.write_ndjson(path)
    else:
        raise ValueError(fmt)

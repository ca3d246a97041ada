"""Synthetic people and organisations with valid-format identifiers.

Names, ID numbers, phone numbers and credit codes are random synthetic data. They pass the format
checks the importer and the entity-resolution module apply — an 18-digit resident ID with a correct
GB 11643 check digit and a birth date and sex that agree with ``birth_date`` and ``sex``; a GB 32100
unified social credit code whose embedded GB 11714 organisation code and final check character are
both correct — but they were never issued to anyone. The region part of an ID number is a real
county code (a Ningbo district, or elsewhere for people registered outside Ningbo) because
that is what the format demands; there is no way to pick an unissued sequence block, so the
guarantee is statistical, not absolute: the numbers are drawn at random.

Uniqueness is by construction rather than by retry: ID sequence numbers are ranked inside each
(region, birth date, sex) group, and credit codes, company names and phone numbers are bijections
of an ordinal, so no two parties ever collide unless a false-litigation ring asks them to share a
phone.
"""

from __future__ import annotations

import polars as pl

from casewatch.analytics import ningbo
from casewatch.demo import reference as ref
from casewatch.demo.context import Ctx

#: profile -> (min age, max age, skew power towards the young end, share male)
PROFILES: dict[str, tuple[float, float, float, float]] = {
    "adult": (20, 75, 1.2, 0.5),
    "suspect": (18, 60, 1.6, 0.86),
    "offender": (18, 65, 1.4, 0.8),
    "lawyer": (26, 62, 1.2, 0.58),
    "rep": (30, 66, 1.0, 0.74),
}

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def id_check_digit(first17: str) -> str:
    """GB 11643 check character for the first 17 digits (used by tests and by the importer)."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 9-character organisation code."""

    def val(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55

    c = 11 - sum(val(ch) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def _digits(x: pl.Series, width: int) -> list[pl.Series]:
    """The ``width`` decimal digits of an integer column, most significant first."""
    return [(x // 10 ** (width - 1 - i)) % 10 for i in range(width)]


def _take(values: list[str], idx: pl.Series) -> pl.Series:
    return pl.Series(values, dtype=pl.Utf8).gather(idx)


def _rank_within(key: pl.Series) -> pl.Series:
    """0-based position of each row among the rows with the same key, in row order.

    Two global integer ranks instead of a window over string keys: much faster at millions of rows.
    """
    n = key.len()
    order = pl.int_range(n, eager=True, dtype=pl.Int64)
    combined = key.rank("dense").cast(pl.Int64) * n + order  # unique; sorts by key, then row
    return combined.rank("ordinal").cast(pl.Int64) - key.rank("min").cast(pl.Int64)


def _addresses(ctx: Ctx, district: pl.Series, flat_share: float) -> pl.Series:
    """Addresses in the given districts: real township names, made-up roads and numbers."""
    streets = ctx.divisions.streets
    flat_list, offset, count = [], {}, {}
    for d in ref.DISTRICT_CODES:
        offset[d], count[d] = len(flat_list), len(streets[d])
        flat_list += streets[d]
    n = district.len()
    off = district.replace_strict(offset, return_dtype=pl.Int64)
    cnt = district.replace_strict(count, return_dtype=pl.Int64)
    street = _take(flat_list, off + (ctx.rng.uniform(n) * cnt).floor().cast(pl.Int64))
    dname = district.replace_strict({k: v[0] for k, v in ningbo.DISTRICTS.items()}, return_dtype=pl.Utf8)
    road = _take(ref.ROADS, ctx.rng.integers(n, 0, len(ref.ROADS) - 1))
    number = ctx.rng.integers(n, 1, 899).cast(pl.Utf8)
    building = ctx.rng.integers(n, 1, 30).cast(pl.Utf8)
    room = (ctx.rng.integers(n, 1, 18) * 100 + ctx.rng.integers(n, 1, 4)).cast(pl.Utf8)
    flat = ctx.rng.uniform(n) < flat_share
    frame = pl.DataFrame(
        {
            "dname": dname,
            "street": street,
            "road": road,
            "number": number,
            "b": building,
            "r": room,
            "flat": flat,
        }
    )
    return (
        frame.select(
            pl.concat_str(
                pl.lit("浙江省宁波市"),
                "dname",
                "street",
                "road",
                "number",
                pl.lit("号"),
                pl.when("flat")
                .then(pl.concat_str("b", pl.lit("幢"), "r", pl.lit("室")))
                .otherwise(pl.lit("")),
            )
        )
        .to_series()
        .alias("address")
    )


def names(ctx: Ctx, df: pl.DataFrame) -> pl.DataFrame:
    """Add ``surname`` and ``given`` (one or two characters chosen by ``sex``)."""
    n = df.height
    sw = [w for _, w in ref.SURNAMES]
    surname = _take([s for s, _ in ref.SURNAMES], ctx.rng.choice(n, sw))
    pool_m = ref.GIVEN_MALE + ref.GIVEN_ANY
    pool = pool_m + ref.GIVEN_FEMALE + ref.GIVEN_ANY
    n_f = len(pool) - len(pool_m)
    male = df["sex"] == "M"

    def char() -> pl.Series:
        u = ctx.rng.uniform(n)
        idx = pl.select(
            pl.when(pl.lit(male))
            .then((pl.lit(u) * len(pool_m)).floor())
            .otherwise(len(pool_m) + (pl.lit(u) * n_f).floor())
        ).to_series()
        return _take(pool, idx.cast(pl.Int64))

    first, second = char(), char()
    two = ctx.rng.uniform(n) < 0.78
    given = pl.select(
        pl.concat_str(pl.lit(first), pl.when(pl.lit(two)).then(pl.lit(second)).otherwise(pl.lit("")))
    ).to_series()
    return df.with_columns(surname=surname, given=given)


def build_persons(ctx: Ctx) -> pl.DataFrame:
    """All natural persons allocated so far, with names, ID numbers, phones and addresses."""
    rng = ctx.rng
    df = pl.concat(ctx.person_blocks)
    n = df.height
    params = {
        name: pl.Series([p[i] for p in PROFILES.values()])
        for i, name in enumerate(("lo", "hi", "pw", "male"))
    }
    prof_idx = df["profile"].replace_strict({k: i for i, k in enumerate(PROFILES)}, return_dtype=pl.Int64)
    lo, hi, pw, male_share = (params[k].gather(prof_idx) for k in ("lo", "hi", "pw", "male"))
    age_days = ((lo + rng.uniform(n).pow(pw) * (hi - lo)) * 365.25).floor().cast(pl.Int64)
    male = rng.uniform(n) < male_share
    birth = ctx.as_of - age_days - rng.integers(n, 0, 364)
    # Residence district; the ID region is mostly the same, some people were registered elsewhere.
    dw = [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES]
    district = _take(ref.DISTRICT_CODES, rng.choice(n, dw))
    region = district.cast(pl.Int64)
    others = ctx.divisions.other_regions
    if others:
        elsewhere = rng.uniform(n) < 0.28
        other = pl.Series([int(c) for c in others]).gather(rng.integers(n, 0, len(others) - 1))
        region = pl.select(
            pl.when(pl.lit(elsewhere)).then(pl.lit(other)).otherwise(pl.lit(region))
        ).to_series()
    bd = birth.cast(pl.Int32).cast(pl.Date)
    ymd = (
        bd.dt.year().cast(pl.Int64) * 10_000 + bd.dt.month().cast(pl.Int64) * 100 + bd.dt.day().cast(pl.Int64)
    )
    # Sequence number: unique inside (region, birth date, sex); odd for men, even for women.
    rank = _rank_within(region * 1_000_000_000 + ymd * 10 + male.cast(pl.Int64))
    if n and rank.max() > 70:  # pragma: no cover - needs tens of millions of people
        raise ValueError("too many synthetic people share a birth date and region")
    seq = (
        2 * (rank * 7 + rng.integers(n, 0, 6))
        + pl.select(pl.when(pl.lit(male)).then(1).otherwise(2)).to_series()
    )
    n17 = region * 10**11 + ymd * 1_000 + seq
    total = sum(
        (d * w for d, w in zip(_digits(n17, 17), ID_WEIGHTS, strict=True)), pl.Series([0] * n, dtype=pl.Int64)
    )
    id_number = pl.select(
        pl.concat_str(pl.lit(n17.cast(pl.Utf8).str.zfill(17)), pl.lit(_take(list(ID_CHECK), total % 11)))
    ).to_series()
    # Mobile numbers: 1[3-9]x + 9 digits from a bijection of the party ordinal (no collisions).
    second = _take(list("3456789"), rng.choice(n, [8, 2, 12, 3, 6, 22, 10]))
    tail = ((df["pid"] * 738_197_111 + 104_729) % 1_000_000_000).cast(pl.Utf8).str.zfill(9)
    phone = pl.select(pl.concat_str(pl.lit("1"), pl.lit(second), pl.lit(tail))).to_series()
    sex = pl.select(pl.when(pl.lit(male)).then(pl.lit("M")).otherwise(pl.lit("F"))).to_series()
    out = pl.DataFrame({"pid": df["pid"], "sex": sex})
    out = names(ctx, out)
    return out.select(
        "pid",
        pl.lit("person").alias("kind"),
        "surname",
        "given",
        id_number.alias("party_id"),
        id_number.alias("id_number"),
        pl.lit(None, dtype=pl.Utf8).alias("credit_code"),
        birth.alias("birth"),
        "sex",
        phone.alias("phone"),
        _addresses(ctx, district, 0.75),
        district.alias("division_code"),
        pl.lit(None, dtype=pl.Int64).alias("legal_rep"),
    )


def _uscc(prefix: str, region: pl.Series, ordinal: pl.Series) -> pl.Series:
    """GB 32100 codes: prefix (2) + region (6) + GB 11714 organisation code (9) + check."""
    n = ordinal.len()
    body = (ordinal * 48_271 + 10_000_019) % 100_000_000  # 8-digit bijection of the ordinal
    zero = pl.Series([0] * n, dtype=pl.Int64)
    org_sum = sum((d * w for d, w in zip(_digits(body, 8), ORG_WEIGHTS, strict=True)), zero)
    c9 = 11 - org_sum % 11  # 1..11; 10 -> X, 11 -> 0
    frame = pl.DataFrame({"c9": c9})
    c9_val = frame.select(
        pl.when(pl.col("c9") == 10)
        .then(USCC_CHARS.index("X"))
        .when(pl.col("c9") == 11)
        .then(0)
        .otherwise("c9")
    ).to_series()
    c9_chr = frame.select(
        pl.when(pl.col("c9") == 10)
        .then(pl.lit("X"))
        .when(pl.col("c9") == 11)
        .then(pl.lit("0"))
        .otherwise(pl.col("c9").cast(pl.Utf8))
    ).to_series()
    reg = region.cast(pl.Int64)
    vals = [zero + int(prefix[0]), zero + int(prefix[1]), *_digits(reg, 6), *_digits(body, 8), c9_val]
    total = sum((v * w for v, w in zip(vals, USCC_WEIGHTS, strict=True)), zero)
    check = _take(list(USCC_CHARS), (31 - total % 31) % 31)
    return pl.select(
        pl.concat_str(
            pl.lit(prefix),
            pl.lit(region),
            pl.lit(body.cast(pl.Utf8).str.zfill(8)),
            pl.lit(c9_chr),
            pl.lit(check),
        )
    ).to_series()


def build_orgs(ctx: Ctx) -> pl.DataFrame:
    """All organisations allocated so far; allocates (and returns the pids of) legal representatives."""
    df = pl.concat(ctx.org_blocks)
    n = df.height
    dw = [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES]
    df = df.with_columns(
        district=pl.col("district").fill_null(_take(ref.DISTRICT_CODES, ctx.rng.choice(n, dw)))
    )
    df = df.with_columns(ordinal=pl.int_range(pl.len(), dtype=pl.Int64).over("flavour"))
    df = df.with_columns(
        dname=pl.col("district").replace_strict(
            {k: v[0] for k, v in ningbo.DISTRICTS.items()}, return_dtype=pl.Utf8
        )
    )
    # Names: a bijection of the per-flavour ordinal onto (prefix, brand, brand, industry) keeps them unique.
    nb, ni = len(ref.BRAND_CHARS), len(ref.INDUSTRIES)
    code = (df["ordinal"] * 7_919 + 13) % (22 * nb * nb * ni)
    pre_k = code // (nb * nb * ni)  # 0..21
    df = df.with_columns(
        brand=pl.concat_str(
            pl.lit(_take(ref.BRAND_CHARS, code % nb)), pl.lit(_take(ref.BRAND_CHARS, (code // nb) % nb))
        ),
        ind=_take(ref.INDUSTRIES, (code // (nb * nb)) % ni),
        pre_k=pre_k,
    )
    short = pl.col("dname").str.slice(0, 2)
    prefix = (
        pl.when(pl.col("pre_k") == 0)
        .then(pl.lit("宁波"))
        .when(pl.col("pre_k") == 1)
        .then(pl.lit("浙江"))
        .when(pl.col("pre_k") < 12)
        .then(pl.concat_str(pl.lit("宁波市"), short))
        .otherwise(pl.concat_str(pl.lit("宁波"), short))
    )
    flavour, lit, brand = pl.col("flavour"), pl.lit, pl.col("brand")
    name = (
        pl.when(flavour == "gov")
        .then(pl.concat_str(lit("宁波市"), "dname", "body"))
        .when(flavour == "bank")
        .then(pl.concat_str(lit("宁波"), brand, lit("商业银行股份有限公司"), "dname", lit("支行")))
        .when(flavour == "card")
        .then(pl.concat_str(brand, lit("银行股份有限公司宁波信用卡中心")))
        .when(flavour == "leasing")
        .then(pl.concat_str(brand, lit("融资租赁（宁波）有限公司")))
        .when(flavour == "property")
        .then(pl.concat_str(lit("宁波"), brand, lit("物业服务有限公司")))
        .when(flavour == "smallloan")
        .then(pl.concat_str(lit("宁波市"), "dname", brand, lit("小额贷款股份有限公司")))
        .otherwise(pl.concat_str(prefix, brand, "ind", lit("有限公司")))
    )
    df = df.with_columns(name=name)
    ordinal = pl.int_range(n, eager=True, dtype=pl.Int64)
    gov = df["flavour"] == "gov"
    credit = pl.select(
        pl.when(pl.lit(gov))
        .then(pl.lit(_uscc("11", df["district"], ordinal)))
        .otherwise(pl.lit(_uscc("91", df["district"], ordinal)))
    ).to_series()
    phone = pl.select(
        pl.concat_str(
            pl.lit("0574-"),
            pl.lit(_take(list("8826"), ctx.rng.integers(n, 0, 3))),
            pl.lit(((ordinal * 1_299_709 + 7) % 10_000_000).cast(pl.Utf8).str.zfill(7)),
        )
    ).to_series()
    reps = ctx.new_persons(n, "rep")
    return df.select(
        "pid",
        pl.lit("organisation").alias("kind"),
        pl.lit(None, dtype=pl.Utf8).alias("surname"),
        pl.col("name").alias("given"),
        credit.alias("party_id"),
        pl.lit(None, dtype=pl.Utf8).alias("id_number"),
        credit.alias("credit_code"),
        pl.lit(None, dtype=pl.Int64).alias("birth"),
        pl.lit(None, dtype=pl.Utf8).alias("sex"),
        phone.alias("phone"),
        _addresses(ctx, df["district"], 0.0),
        pl.col("district").alias("division_code"),
        reps.alias("legal_rep"),
    )


def _copy_from(col: pl.Series, row_of: pl.Series, links: list[pl.DataFrame]) -> pl.Series:
    """``col`` with the value of each link's source party copied onto the linked party."""
    if not links:
        return col
    link = pl.concat(links).unique("pid", keep="first", maintain_order=True)
    rows, src = row_of.gather(link["pid"]), row_of.gather(link["src"])
    return col.clone().scatter(rows, col.gather(src))


def build_parties(ctx: Ctx) -> tuple[pl.DataFrame, pl.Series]:
    """Every party (persons then organisations) and the party id of every pid (index = pid).

    Organisations are built first because they allocate their legal representatives. Index
    scatters instead of sorts and joins keep the peak memory of a million-case city low.
    """
    orgs = build_orgs(ctx) if ctx.org_blocks else None
    persons = build_persons(ctx)
    ctx.person_blocks, ctx.org_blocks = [], []
    df = pl.concat([persons, orgs]) if orgs is not None else persons
    del persons, orgs
    n = df.height
    row_of = pl.Series([0] * n, dtype=pl.Int64).scatter(
        df["pid"], pl.int_range(n, eager=True, dtype=pl.Int64)
    )
    surname = _copy_from(df["surname"], row_of, ctx.surname_links)
    df = df.with_columns(
        name=pl.concat_str(pl.lit(surname).fill_null(""), "given"),
        phone=_copy_from(df["phone"], row_of, ctx.phone_links),
    ).drop("surname", "given")
    pid_to_id = df["party_id"].gather(row_of)
    df = df.with_columns(
        legal_rep_party_id=pl.when(pl.col("legal_rep").is_not_null()).then(
            pl.lit(pid_to_id).gather(pl.col("legal_rep").fill_null(0))
        )
    )
    return df, pid_to_id

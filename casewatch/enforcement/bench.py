"""``casewatch bench enforcement``: listing deadlines, eligibility, measures and reconciliation at scale.

Generates the inputs directly as Arrow and Parquet (never through the ORM): ``--cases``
enforcement cases (default 1,000,000) each with a judgment and its performance deadline, about
30 % listed, ``--payments`` debtor payments (default 5,000,000), rulings, asset searches,
settlements and case-fund movements; then a ``--lines``-line bank statement (default 100,000)
against a ledger of the same size. Each step prints seconds, rows/s and peak RSS beside a
baseline: a per-row Python loop (``add_working_days`` and dict lookups) on a sample, extrapolated
to the full size. The baseline covers only the core of each rule (the performed trigger and its
due date; cumulative payments against the debt), not every trigger, correction deadline,
wrongful-listing check or the "pending anywhere" join the SQL computes, and it starts from rows
already in Python lists, so it flatters the loop. Figures, never assertions.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from casewatch.analytics import enforcement as enf
from casewatch.analytics import schema
from casewatch.analytics.enforcement_recon import STATEMENT_SCHEMA, reconcile

AS_OF = dt.date(2026, 9, 30)
BASE = dt.date(2024, 1, 1)


def arguments(parser) -> None:
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=5_000_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows of the Python baseline loops")
    parser.add_argument("--out", default="", help="keep the generated Parquet lake here")


def _h(expr: pl.Expr, mod: int, salt: int = 0) -> pl.Expr:
    """A deterministic pseudo-random integer in [0, mod) from a row number."""
    return ((expr.cast(pl.UInt64) * 2654435761 + salt * 40503) % 4294967291 % mod).cast(pl.Int64)


def _cast(df: pl.DataFrame, table: str) -> pa.Table:
    sch = schema.arrow_schema(table)
    money = [f.name for f in sch if pa.types.is_decimal(f.type) and f.name in df.columns]
    arrow = df.with_columns([pl.col(c).cast(pl.Decimal(18, 2)) for c in money]).to_arrow()
    cols = []
    for f in sch:
        if f.name in arrow.column_names:
            col = arrow.column(f.name)
            cols.append(col.cast(f.type))
        else:
            cols.append(pa.nulls(len(df), f.type))
    return pa.Table.from_arrays(cols, schema=sch)


def generate(n: int, n_pay: int, out: Path) -> dict[str, int]:
    """Write the lake; amounts are whole yuan, dates spread over 2024-01-01 .. 2026-09-30."""
    span = (AS_OF - BASE).days
    i = pl.int_range(0, n, eager=True).alias("i")
    base = (
        pl.DataFrame(i)
        .with_columns(
            unit_code=pl.format("33{}-CRT", (pl.col("i") % 10 * 7 + 203).cast(pl.Utf8).str.zfill(4)),
            judgment=pl.format("（2025）浙民初{}号", pl.col("i")),
            case_number=pl.format("（2025）浙执{}号", pl.col("i")),
            debtor=pl.format("D{}", (_h(pl.col("i"), n // 2 + 1, 1))),
            closed=pl.lit(BASE) + pl.duration(days=_h(pl.col("i"), span - 60, 2)),
            amount=_h(pl.col("i"), 500_000, 3) + 1000,
        )
        .with_columns(perform_by=pl.col("closed") + pl.duration(days=25))
    )
    tables = {}
    tables["performance_deadlines"] = base.select(
        "unit_code",
        pl.col("judgment").alias("case_number"),
        pl.col("debtor").alias("debtor_party_id"),
        (pl.col("closed") + pl.duration(days=15)).alias("effective_on"),
        "perform_by",
        pl.col("amount").alias("amount_due"),
    )
    tables["cases"] = base.select(
        "unit_code",
        "case_number",
        pl.lit("enforcement").alias("case_type"),
        pl.when(_h(pl.col("i"), 10, 4) < 3)
        .then(pl.lit("pending"))
        .otherwise(pl.lit("closed"))
        .alias("status"),
        (pl.col("perform_by") + pl.duration(days=20)).alias("filed_at"),
        pl.when(_h(pl.col("i"), 10, 4) >= 3)
        .then(pl.col("perform_by") + pl.duration(days=120))
        .alias("closed_at"),
        pl.when(_h(pl.col("i"), 10, 4) >= 7)
        .then(pl.lit("performed"))
        .otherwise(pl.lit("round_terminated"))
        .alias("outcome"),
    )
    tables["case_parties"] = base.select(
        "unit_code", "case_number", pl.col("debtor").alias("party_id"), pl.lit("debtor").alias("role")
    )
    tables["parties"] = (
        base.select(pl.col("debtor").alias("party_id"))
        .unique()
        .sort("party_id")
        .with_columns(kind=pl.lit("organisation"), name=pl.col("party_id"))
    )
    enforced = base.filter(_h(pl.col("i"), 10, 5) < 4)
    tables["enforcement_filings"] = enforced.select(
        "unit_code",
        "case_number",
        pl.col("unit_code").alias("source_unit_code"),
        pl.col("judgment").alias("source_case_number"),
        pl.col("debtor").alias("debtor_party_id"),
        (pl.col("perform_by") + pl.duration(days=20)).alias("filed_on"),
        pl.col("amount").alias("amount_sought"),
    )
    listed = base.filter(_h(pl.col("i"), 10, 6) < 3)
    tables["dishonest_listings"] = listed.select(
        pl.format("SX{}", pl.col("i")).alias("listing_id"),
        "unit_code",
        "case_number",
        pl.col("debtor").alias("debtor_party_id"),
        (_h(pl.col("i"), 6, 7) + 1).cast(pl.Utf8).alias("ground"),
        (pl.col("perform_by") + pl.duration(days=40)).alias("decided_on"),
        pl.when(_h(pl.col("i"), 4, 8) == 0)
        .then(pl.col("perform_by") + pl.duration(days=130))
        .alias("deleted_on"),
    )
    tables["enforcement_rulings"] = base.filter(_h(pl.col("i"), 10, 4).is_between(3, 6)).select(
        pl.format("CD{}", pl.col("i")).alias("ruling_id"),
        "unit_code",
        "case_number",
        pl.lit("round_terminated").alias("kind"),
        (pl.col("perform_by") + pl.duration(days=120)).alias("ruled_on"),
    )
    s = base.filter(_h(pl.col("i"), 10, 4).is_between(3, 6))
    tables["asset_searches"] = pl.concat(
        [
            s.select(
                pl.format("CX{}a", pl.col("i")).alias("search_id"),
                "unit_code",
                "case_number",
                (pl.col("perform_by") + pl.duration(days=150)).alias("searched_on"),
            ),
            s.select(
                pl.format("CX{}b", pl.col("i")).alias("search_id"),
                "unit_code",
                "case_number",
                (pl.col("perform_by") + pl.duration(days=240)).alias("searched_on"),
            ),
        ]
    ).with_columns(online=pl.lit(True), result=pl.lit("nil"))
    j = pl.int_range(0, n_pay, eager=True).alias("j")
    pay = (
        pl.DataFrame(j)
        .with_columns(k=(pl.col("j") % n))
        .join(
            base.select(pl.col("i").alias("k"), "unit_code", "judgment", "debtor", "perform_by", "amount"),
            on="k",
        )
    )
    per = max(n_pay // n, 1)
    tables["debtor_payments"] = pay.select(
        pl.format("P{}", pl.col("j")).alias("payment_id"),
        "unit_code",
        pl.col("judgment").alias("case_number"),
        pl.col("debtor").alias("debtor_party_id"),
        (pl.col("perform_by") - pl.duration(days=_h(pl.col("j"), 12, 9) - 2)).alias("paid_on"),
        (pl.col("amount") // per + 1).alias("amount"),
        pl.lit("bank_transfer").alias("channel"),
    )
    tables["case_fund_movements"] = base.head(min(n, 200_000)).select(
        pl.format("AK{}", pl.col("i")).alias("movement_id"),
        "unit_code",
        "case_number",
        pl.lit("receipt").alias("kind"),
        (pl.col("perform_by") + pl.duration(days=60)).alias("occurred_on"),
        "amount",
    )
    out.mkdir(parents=True, exist_ok=True)
    rows = {}
    for name, df in tables.items():
        pq.write_table(_cast(df, name), out / f"{name}.parquet")
        rows[name] = df.height
    return rows


def _baseline_listings(lake: Path, k: int) -> float:
    """Per-row Python: trigger, 3-working-day due date and state for ``k`` listings (seconds)."""
    ls = pq.read_table(lake / "dishonest_listings.parquet").slice(0, k).to_pylist()
    raw = pq.read_table(lake / "cases.parquet").slice(0, k * 4).to_pylist()
    t = time.perf_counter()  # the lookups are built inside the timing, as the SQL builds its hash tables
    cases = {r["case_number"]: r for r in raw}
    for r in ls:
        c = cases.get(r["case_number"], {})
        trig = c.get("closed_at") if c.get("outcome") == "performed" else None
        if trig and enf.timelimits.in_coverage(trig + dt.timedelta(days=40)):
            due = enf.add_working_days(trig, 3)
            _state = "ok" if r["deleted_on"] and r["deleted_on"] <= due else "overdue"
    return time.perf_counter() - t


def _baseline_eligibility(lake: Path, k: int) -> float:
    d = pq.read_table(lake / "performance_deadlines.parquet").slice(0, k).to_pylist()
    raw = pq.read_table(lake / "debtor_payments.parquet").slice(0, k * 6).to_pylist()
    t = time.perf_counter()
    keys = {(r["case_number"], r["debtor_party_id"]) for r in d}
    pays: dict = {}
    for r in raw:
        if (r["case_number"], r["debtor_party_id"]) in keys:
            pays.setdefault((r["case_number"], r["debtor_party_id"]), []).append(r)
    for r in d:
        total, full_on = 0, None
        for p in sorted(pays.get((r["case_number"], r["debtor_party_id"]), []), key=lambda p: p["paid_on"]):
            total += p["amount"]
            if full_on is None and total >= r["amount_due"]:
                full_on = p["paid_on"]
        _ok = full_on is not None and full_on <= r["perform_by"]
    return time.perf_counter() - t


def _statement(n: int) -> tuple[pa.Table, pa.Table]:
    """A ledger and an n-line statement: 1 % duplicate lines, 2 % partial amounts, 0.5 % unknown
    accounts, a third of the lines without a bank reference (matched by account, amount and date)."""
    m = n - n // 100
    i = pl.int_range(0, m, eager=True).alias("i")
    led = pl.DataFrame(i).with_columns(
        movement_id=pl.format("AK{}", pl.col("i")),
        kind=pl.lit("receipt"),
        account_no=pl.lit("33050163330212"),
        occurred_on=pl.lit(BASE) + pl.duration(days=pl.col("i") % 900),
        amount=(pl.col("i") * 7919 % 999_983 + 100) * 100,
        bank_ref=pl.when(pl.col("i") % 3 == 0).then(None).otherwise(pl.format("NB{}", pl.col("i"))),
    )
    st = led.with_columns(
        line_no=pl.col("i") + 2,
        amount=pl.when(pl.col("i") % 50 == 7).then(pl.col("amount") - 100).otherwise("amount"),  # partial
        account_no=pl.when(pl.col("i") % 200 == 11)
        .then(pl.lit("6222999"))
        .otherwise("account_no"),  # unknown
    )
    dupes = st.head(n - m).with_columns(line_no=pl.col("line_no") + m)
    st = pl.concat([st, dupes])
    ledger = led.select(
        "movement_id",
        "kind",
        "account_no",
        "occurred_on",
        (pl.col("amount") / 100).cast(pl.Decimal(18, 2)).alias("amount"),
        "bank_ref",
    ).to_arrow()
    stmt = st.select(
        "line_no",
        "account_no",
        pl.col("occurred_on").alias("booked_on"),
        (pl.col("amount") / 100).cast(pl.Decimal(18, 2)).alias("amount"),
        "bank_ref",
    ).to_arrow()
    return stmt.cast(STATEMENT_SCHEMA), ledger


def run(opts: dict, write=None) -> dict:
    """Run the benchmark and print the figures (returned as a dict too)."""
    from casewatch.cases.management.commands.bench import PeakRss, _mb

    write = write or (lambda s: print(s, file=sys.stdout))
    n, n_pay, lines, k = opts["cases"], opts["payments"], opts["lines"], opts["sample"]
    tmp = tempfile.TemporaryDirectory(prefix="cw-bench-enf-") if not opts.get("out") else None
    lake = Path(opts.get("out") or tmp.name)
    res = {}
    t = time.perf_counter()
    rows = generate(n, n_pay, lake)
    write(
        f"generated {n:,} enforcement cases, {rows['debtor_payments']:,} payments, "
        f"{rows['dishonest_listings']:,} listings as Parquet in {time.perf_counter() - t:.1f} s"
    )
    t = time.perf_counter()
    enf.timelimits.calendar_table()  # the holiday calendar is built once per process (chinese-calendar)
    write(f"holiday calendar built in {time.perf_counter() - t:.2f} s")
    with PeakRss() as rss:
        t = time.perf_counter()
        con = enf.connect({name: str(lake / f"{name}.parquet") for name in rows})
        write(f"Parquet read into DuckDB in {time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        ls = enf.listing_state(con, AS_OF)
        t_list = time.perf_counter() - t
        t = time.perf_counter()
        el = enf.eligibility(con, AS_OF)
        t_elig = time.perf_counter() - t
        t = time.perf_counter()
        m = enf.measures(con, dt.date(2026, 1, 1), dt.date(2026, 7, 31), AS_OF)
        t_meas = time.perf_counter() - t
    b_list = _baseline_listings(lake, k) * ls.num_rows / max(k, 1)
    b_elig = _baseline_eligibility(lake, k) * el.num_rows / max(k, 1)
    write(
        f"listing deadlines (DuckDB): {ls.num_rows:,} listings in {t_list:.2f} s "
        f"({ls.num_rows / t_list:,.0f}/s); Python loop baseline ≈ {b_list:.2f} s (from {k:,})"
    )
    write(
        f"eligibility (DuckDB): {el.num_rows:,} judgments over {rows['debtor_payments']:,} payments in "
        f"{t_elig:.2f} s ({el.num_rows / t_elig:,.0f}/s); Python loop baseline ≈ {b_elig:.2f} s (from {k:,})"
    )
    write(f"state total: {t_list + t_elig:.2f} s; measures: {t_meas:.2f} s; peak RSS {_mb(rss.peak)}")
    stmt, ledger = _statement(lines)
    with PeakRss() as rss2:
        t = time.perf_counter()
        r = reconcile(stmt, ledger, ["33050163330212"])
        t_rec = time.perf_counter() - t
    kk = min(k, lines)
    led_rows, st_rows = ledger.slice(0, kk).to_pylist(), stmt.slice(0, kk).to_pylist()
    t = time.perf_counter()
    by_ref = {(x["bank_ref"], x["amount"]): x for x in led_rows if x["bank_ref"]}
    by_acct: dict = {}
    for x in led_rows:
        by_acct.setdefault((x["account_no"], x["amount"]), []).append(x)
    taken = set()
    for row in st_rows:  # per-line lookups: reference, then account + amount within 3 days
        hit = by_ref.get((row["bank_ref"], row["amount"]))
        if hit is None:
            hit = next(
                (
                    x
                    for x in by_acct.get((row["account_no"], row["amount"]), ())
                    if x["movement_id"] not in taken and abs((x["occurred_on"] - row["booked_on"]).days) <= 3
                ),
                None,
            )
        if hit is not None:
            taken.add(hit["movement_id"])
    b_rec = (time.perf_counter() - t) * lines / max(kk, 1)
    write(
        f"reconciliation (DuckDB): {stmt.num_rows:,} lines in {t_rec:.2f} s ({stmt.num_rows / t_rec:,.0f}/s) "
        f"{r['counts']}; peak RSS {_mb(rss2.peak)}; Python dict baseline ≈ {b_rec:.2f} s (greedy, no duplicates or partials)"
    )
    res.update(listings_s=t_list, eligibility_s=t_elig, measures_s=t_meas, recon_s=t_rec, measures=m)
    if tmp is not None:
        tmp.cleanup()
    return res


def handler(cmd, opts) -> None:
    run(opts, cmd.stdout.write)

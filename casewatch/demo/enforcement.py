"""Enforcement and credit records of the demo city (docs/demo-city.md, docs/enforcement.md).

Runs after the case tables are written and reads them back (cases, case parties, parties), so it
only adds files: performance deadlines and payments for civil judgments and mediations; filings,
payments, restrictions, asset searches, rulings, settlements and dishonest-debtor listings for the
enforcement cases; credit repairs; case-fund movements. Its random stream is separate from the
case generator's (seeded from the same seed), so the existing tables are unchanged and the same
seed gives the same bytes.

Calibration (the article's January–July figures): the period 2026-01-01..2026-07-31 is built to
give exactly :data:`TARGETS` at the default demo size of 50,000 cases — 666 credit repairs
completed, 2.98亿元 performed after repair, 410 organisations eligible for the incentive, 7,637
case-fund payments cleared in 宁海 (330226). Smaller cities get the targets scaled by
``n_cases / 50,000`` (rounded half-up), and any city gets at most what its cases can carry.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl

from casewatch.analytics import timelimits
from casewatch.demo import enforcement_funds
from casewatch.demo.output import CHUNK, SOURCE, TableWriter
from casewatch.demo.rng import Rng

PERIOD = (date(2026, 1, 1), date(2026, 7, 31))
BASE_CASES = 50_000
TARGETS = {
    "repairs_completed": 666,
    "performed_after_repair_cents": 298_000_000_00,
    "incentive_firms": 410,
    "ninghai_payments": 7_637,
}
NINGHAI = "330226"
_EPOCH = date(1970, 1, 1)


def _day(d: date) -> int:
    return (d - _EPOCH).days


P0, P1 = _day(PERIOD[0]), _day(PERIOD[1])


def scaled_targets(n_cases: int) -> dict[str, int]:
    """The calibration targets for a city of ``n_cases`` (scaled below 50,000, half-up)."""
    share = Decimal(min(n_cases, BASE_CASES)) / Decimal(BASE_CASES)
    return {
        k: int((Decimal(v) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for k, v in TARGETS.items()
    }


def _read(out: Path, table: str, fmt: str, cols: list[str]) -> pl.DataFrame:
    path = out / f"{table}.{fmt}"
    if fmt == "parquet":
        df = pl.read_parquet(path, columns=cols)
    elif fmt == "csv":
        df = pl.read_csv(path, columns=cols, infer_schema=False)
    else:
        df = pl.read_ndjson(path, infer_schema_length=None).select(cols)
    casts = []
    for c in cols:
        if c.endswith(("_at", "_date")) and df.schema[c] != pl.Date:
            casts.append(pl.col(c).cast(pl.Utf8).str.slice(0, 10).str.to_date(strict=False))
        elif c == "claim_amount":
            casts.append(pl.col(c).cast(pl.Float64))
    return df.with_columns(casts) if casts else df


def _days(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.Int32).cast(pl.Int64)


def _workday_table() -> pl.DataFrame:
    cal = pl.from_arrow(timelimits.calendar_table()).select(
        _days("day").alias("day"), pl.col("is_workday").cast(pl.Int64).cum_sum().alias("wd")
    )
    return cal


class _Gen:
    def __init__(self, out: Path, fmt: str, seed: int, as_of: date, n_cases: int):
        self.out, self.fmt, self.as_of, self.n = out, fmt, _day(as_of), n_cases
        self.rng = Rng(seed * 1_000_003 + 17)
        self.targets = scaled_targets(n_cases) if as_of > PERIOD[1] else dict.fromkeys(TARGETS, 0)
        self.cal = _workday_table()
        self.rows: dict[str, int] = {}
        self.achieved: dict[str, int] = {}

    def u(self, df: pl.DataFrame) -> pl.Series:
        return self.rng.uniform(df.height)

    def span(self, df: pl.DataFrame, lo: int, hi: int) -> pl.Series:
        return self.rng.integers(df.height, lo, hi)

    def add_workdays(self, df: pl.DataFrame, col: str, n: pl.Expr | int, alias: str) -> pl.DataFrame:
        """``alias`` = the n-th working day after ``col`` (set-based through the calendar)."""
        w = self.cal.filter(pl.col("wd").diff().fill_null(1) > 0).select("day", "wd")
        df = df.with_row_index("_r").join(
            self.cal.rename({"day": col, "wd": "_wd"}), on=col, how="left", maintain_order="left"
        )
        df = df.with_columns(_target=pl.col("_wd") + n)
        df = df.join(
            w.rename({"day": alias, "wd": "_target"}), on="_target", how="left", maintain_order="left"
        )
        return df.sort("_r").drop("_r", "_wd", "_target")

    def write(self, table: str, df: pl.DataFrame) -> None:
        from casewatch.analytics.schema import TABLES

        names = TABLES[table].names
        df = df.with_columns(
            source=pl.lit(SOURCE),
            updated_at=pl.lit(self.as_of * 86_400 + 20 * 3_600),
            case_key=pl.concat_str("unit_code", pl.lit("/"), "case_number"),
        )
        types = {c.name: c.type for c in TABLES[table].columns}
        mapping = {
            "string": pl.Utf8,
            "int": pl.Int64,
            "decimal": pl.Int64,
            "date": pl.Int64,
            "timestamp": pl.Int64,
            "bool": pl.Boolean,
        }
        df = df.select(
            [(pl.col(c) if c in df.columns else pl.lit(None)).cast(mapping[types[c]]).alias(c) for c in names]
        )
        w = TableWriter(self.out, table, self.fmt)
        for start in range(0, max(df.height, 1), CHUNK):
            chunk = df.slice(start, CHUNK)
            if chunk.height == 0 and start > 0:
                break
            w.write(chunk)
        self.rows[table] = w.close()

    # --- inputs ---------------------------------------------------------------------------------

    def load(self) -> None:
        c = _read(
            self.out,
            "cases",
            self.fmt,
            [
                "unit_code",
                "case_number",
                "matter_id",
                "case_type",
                "status",
                "filed_at",
                "closed_at",
                "claim_amount",
                "outcome",
            ],
        )
        self.cases = c.with_columns(
            filed=_days("filed_at"),
            closed=_days("closed_at"),
            cents=(pl.col("claim_amount").fill_null(20_000.0) * 100)
            .round(0)
            .cast(pl.Int64)
            .clip(lower_bound=100_00),
        ).drop("filed_at", "closed_at", "claim_amount")
        cp = _read(self.out, "case_parties", self.fmt, ["unit_code", "case_number", "party_id", "role"])
        first = lambda role: (  # noqa: E731 - first party of a role per case, by party id
            cp.filter(pl.col("role") == role)
            .group_by("unit_code", "case_number")
            .agg(pl.col("party_id").min().alias(role))
        )
        self.first = {r: first(r) for r in ("plaintiff", "defendant", "applicant", "debtor")}
        kinds = _read(self.out, "parties", self.fmt, ["party_id", "kind"])
        self.kind = kinds.rename({"party_id": "debtor_party_id", "kind": "debtor_kind"})
        e = self.cases.filter(pl.col("case_type") == "enforcement")
        self.pending_debtors = (
            e.filter(pl.col("status").is_in(["pending", "suspended"]) & (pl.col("filed") <= self.as_of))
            .join(cp.filter(pl.col("role") == "debtor"), on=["unit_code", "case_number"])
            .select(pl.col("party_id").alias("debtor_party_id"))
            .unique()
            .sort("debtor_party_id")
        )
        e = e.join(self.first["debtor"], on=["unit_code", "case_number"], how="left", maintain_order="left")
        e = e.join(
            self.first["applicant"], on=["unit_code", "case_number"], how="left", maintain_order="left"
        )
        self.enf = e.filter(pl.col("debtor").is_not_null()).sort("unit_code", "case_number")

    # --- judgments: performance deadlines and voluntary payments ----------------------------------

    def judgments(self) -> None:
        j = self.cases.filter(
            (pl.col("case_type") == "civil")
            & pl.col("outcome").is_in(["judgment", "default_judgment", "mediation"])
            & pl.col("closed").is_not_null()
        )
        j = j.join(
            self.first["defendant"], on=["unit_code", "case_number"], how="inner", maintain_order="left"
        )
        j = j.join(
            self.first["plaintiff"], on=["unit_code", "case_number"], how="left", maintain_order="left"
        )
        enforced = self.enf.select("matter_id").unique()
        j = (
            j.rename({"defendant": "debtor_party_id", "plaintiff": "creditor_party_id"})
            .with_columns(
                effective=pl.col("closed") + pl.when(pl.col("outcome") == "mediation").then(0).otherwise(15),
                enforced=pl.col("matter_id").is_in(enforced["matter_id"].implode()),
            )
            .with_columns(perform_by=pl.col("effective") + 10)
            .join(self.kind, on="debtor_party_id", how="left", maintain_order="left")
            .with_columns(
                pending=pl.col("debtor_party_id").is_in(self.pending_debtors["debtor_party_id"].implode())
            )
            .sort("unit_code", "case_number")
        )
        # behaviour: on time in full / late in full / partly; enforced judgments are only partly paid
        u = self.u(j)
        j = j.with_columns(
            behaviour=pl.when(pl.col("enforced"))
            .then(pl.lit("partial"))
            .when(pl.lit(u) < 0.78)
            .then(pl.lit("on_time"))
            .when(pl.lit(u) < 0.9)
            .then(pl.lit("late"))
            .otherwise(pl.lit("partial"))
        )
        # calibration: exactly `incentive_firms` organisations perform in time within the period
        cand = (
            (pl.col("debtor_kind") == "organisation")
            & ~pl.col("enforced")
            & ~pl.col("pending")
            & pl.col("perform_by").is_between(P0, P1)
        )
        orgs = j.filter(cand).select("debtor_party_id").unique().sort("debtor_party_id")
        orgs = orgs.with_columns(r=self.u(orgs)).sort("r")
        k = min(self.targets["incentive_firms"], orgs.height)
        chosen = orgs.head(k)["debtor_party_id"].implode()
        self.achieved["incentive_firms"] = k
        u2 = self.u(j)
        j = j.with_columns(
            behaviour=pl.when(cand & pl.col("debtor_party_id").is_in(chosen))
            .then(pl.lit("on_time"))
            .when(cand)
            .then(pl.when(pl.lit(u2) < 0.5).then(pl.lit("late")).otherwise(pl.lit("partial")))
            .otherwise("behaviour")
        )
        self.write(
            "performance_deadlines",
            j.select(
                "unit_code",
                "case_number",
                "debtor_party_id",
                "creditor_party_id",
                pl.col("effective").alias("effective_on"),
                "perform_by",
                pl.col("cents").alias("amount_due"),
            ),
        )
        # payment dates: an on-time payment never crosses into or out of the calibration period
        hi = pl.min_horizontal("perform_by", pl.lit(self.as_of))
        lo = (
            pl.when((pl.col("perform_by") > P1) & (pl.col("effective") <= P1))
            .then(P1 + 1)
            .when(pl.col("perform_by").is_between(P0, P1) & (pl.col("effective") < P0))
            .then(P0)
            .otherwise(pl.col("effective"))
        )
        lo = pl.min_horizontal(lo, hi)
        uu, two, late_by, part = self.u(j), self.u(j), self.span(j, 1, 40), self.u(j)
        j = j.with_columns(
            last=pl.when(pl.col("behaviour") == "late")
            .then(pl.min_horizontal(pl.col("perform_by") + pl.lit(late_by), pl.lit(self.as_of)))
            .otherwise(lo + ((hi - lo) * pl.lit(uu)).floor().cast(pl.Int64)),
            two=pl.lit(two) < 0.3,
            part=(pl.col("cents").cast(pl.Float64) * (0.3 + 0.6 * pl.lit(part))).floor().cast(pl.Int64),
        )
        late_ok = (pl.col("behaviour") != "late") | (pl.col("last") > pl.col("perform_by"))
        j = j.with_columns(behaviour=pl.when(late_ok).then("behaviour").otherwise(pl.lit("partial"))).filter(
            pl.col("last") <= self.as_of
        )
        full = j.filter(pl.col("behaviour") != "partial")
        one = full.filter(~pl.col("two")).select(
            "unit_code",
            "case_number",
            "debtor_party_id",
            pl.col("last").alias("paid_on"),
            pl.col("cents").alias("amount"),
        )
        t = full.filter(pl.col("two"))
        first_day = pl.min_horizontal(pl.col("last"), pl.max_horizontal(lo, pl.col("effective")))
        pays = pl.concat(
            [
                one,
                t.select(
                    "unit_code",
                    "case_number",
                    "debtor_party_id",
                    first_day.alias("paid_on"),
                    pl.col("part").alias("amount"),
                ),
                t.select(
                    "unit_code",
                    "case_number",
                    "debtor_party_id",
                    pl.col("last").alias("paid_on"),
                    (pl.col("cents") - pl.col("part")).alias("amount"),
                ),
                j.filter(pl.col("behaviour") == "partial").select(
                    "unit_code",
                    "case_number",
                    "debtor_party_id",
                    pl.min_horizontal("last", "perform_by").alias("paid_on"),
                    (pl.col("part") // 2).alias("amount"),
                ),
            ]
        ).filter(pl.col("paid_on") <= self.as_of)
        self.judgment_pays = pays.with_columns(channel=pl.lit("bank_transfer"))

    # --- enforcement cases ------------------------------------------------------------------------

    def enforcement(self) -> None:
        e = self.enf
        civil = (
            self.cases.filter(pl.col("case_type") == "civil")
            .sort("closed", "case_number", nulls_last=True)
            .group_by("matter_id")
            .agg(
                pl.col("unit_code").last().alias("source_unit_code"),
                pl.col("case_number").last().alias("source_case_number"),
            )
        )
        e = e.join(civil, on="matter_id", how="left", maintain_order="left")
        self.write(
            "enforcement_filings",
            e.select(
                "unit_code",
                "case_number",
                "source_unit_code",
                "source_case_number",
                pl.col("debtor").alias("debtor_party_id"),
                pl.col("applicant").alias("applicant_party_id"),
                pl.col("filed").alias("filed_on"),
                pl.col("cents").alias("amount_sought"),
            ),
        )
        end = pl.min_horizontal(pl.col("closed").fill_null(self.as_of), pl.lit(self.as_of))
        e = e.with_columns(end=end, u=self.u(e), u2=self.u(e), u3=self.u(e), u4=self.u(e))
        performed = pl.col("outcome") == "performed"
        rt = pl.col("outcome") == "round_terminated"
        # payments: performed cases in full (last on the closing day), others partly
        perf = e.filter(performed)
        two = perf.filter(pl.col("u") < 0.4)
        mid = pl.col("filed") + ((pl.col("end") - pl.col("filed")) * pl.col("u2")).floor().cast(pl.Int64)
        half = (pl.col("cents") * 2) // 5
        self.enf_pays = pl.concat(
            [
                perf.select(
                    "unit_code",
                    "case_number",
                    pl.col("debtor").alias("debtor_party_id"),
                    pl.col("end").alias("paid_on"),
                    pl.when(pl.col("u") < 0.4)
                    .then(pl.col("cents") - half)
                    .otherwise("cents")
                    .alias("amount"),
                    pl.lit("court_account").alias("channel"),
                ),
                two.select(
                    "unit_code",
                    "case_number",
                    pl.col("debtor").alias("debtor_party_id"),
                    mid.alias("paid_on"),
                    half.alias("amount"),
                    pl.lit("enforced").alias("channel"),
                ),
                e.filter(~performed & (pl.col("u3") < 0.35)).select(
                    "unit_code",
                    "case_number",
                    pl.col("debtor").alias("debtor_party_id"),
                    mid.alias("paid_on"),
                    (pl.col("cents") // 5).alias("amount"),
                    pl.lit("enforced").alias("channel"),
                ),
            ]
        )
        # restrictions
        self.write(
            "enforcement_restrictions",
            pl.concat(
                [
                    e.filter(pl.col("u4") < 0.35).select(
                        "unit_code",
                        "case_number",
                        pl.col("debtor").alias("debtor_party_id"),
                        pl.lit("consumption").alias("kind"),
                        (pl.col("filed") + 7).alias("ordered_on"),
                        pl.when(performed).then("closed").alias("lifted_on"),
                    ),
                    e.filter(pl.col("u4") < 0.03).select(
                        "unit_code",
                        "case_number",
                        pl.col("debtor").alias("debtor_party_id"),
                        pl.lit("exit").alias("kind"),
                        (pl.col("filed") + 20).alias("ordered_on"),
                        pl.when(performed).then("closed").alias("lifted_on"),
                    ),
                ]
            )
            .filter(pl.col("ordered_on") <= self.as_of)
            .with_row_index("i")
            .with_columns(restriction_id=pl.format("XZ{}", pl.col("i").cast(pl.Utf8).str.zfill(8))),
        )
        # settlements (6 %), 70 % of them performed
        st = (
            e.filter((pl.col("u2") < 0.06) & ~performed)
            .with_columns(
                agreed_on=pl.col("filed") + 15,
                due_on=pl.col("filed") + 75,
            )
            .with_columns(performed_on=pl.when(pl.col("u3") < 0.7).then(pl.col("due_on") - 5))
        )
        st = st.filter(pl.col("agreed_on") <= self.as_of).with_columns(
            performed_on=pl.when(pl.col("performed_on") <= self.as_of).then("performed_on")
        )
        self.settled = st.select("unit_code", "case_number", "performed_on")
        self.write(
            "enforcement_settlements",
            st.with_row_index("i").select(
                pl.format("HJ{}", pl.col("i").cast(pl.Utf8).str.zfill(8)).alias("settlement_id"),
                "unit_code",
                "case_number",
                "agreed_on",
                ((pl.col("cents") * 7) // 10).alias("amount"),
                "due_on",
                "performed_on",
            ),
        )
        self.enf = e
        self.rulings = e.filter(rt & pl.col("closed").is_not_null()).select(
            "unit_code",
            "case_number",
            pl.lit("round_terminated").alias("kind"),
            pl.col("closed").alias("ruled_on"),
        )

    # --- dishonest-debtor listings, credit repairs, asset searches --------------------------------

    def listings(self) -> None:
        e = self.enf
        p = (
            pl.when(pl.col("outcome") == "round_terminated")
            .then(0.55)
            .when(pl.col("outcome") == "performed")
            .then(0.08)
            .when(pl.col("closed").is_null())
            .then(0.25)
            .otherwise(0.10)
        )
        ls = e.with_columns(v=self.u(e)).filter(pl.col("v") < p)
        ls = ls.with_columns(
            decided_on=(
                pl.col("filed")
                + 1
                + ((pl.col("end") - pl.col("filed") - 1).clip(lower_bound=0) * self.u(ls))
                .floor()
                .cast(pl.Int64)
            ),
            ground=self.rng.choice(ls.height, [0.62, 0.03, 0.05, 0.14, 0.12, 0.04]).cast(pl.Int64) + 1,
            g=self.u(ls),
            s=self.u(ls),
        ).filter(pl.col("decided_on") <= self.as_of)
        ls = ls.with_columns(ground=pl.col("ground").cast(pl.Utf8)).with_columns(
            serious=pl.when(pl.col("ground") != "1").then(pl.col("s") < 0.1),
            extra_years=pl.when((pl.col("ground") != "1") & (pl.col("s") < 0.1)).then(
                (pl.col("s") * 30).floor().cast(pl.Int64) + 1
            ),
            grace_months=pl.when(pl.col("g") < 0.2).then((pl.col("g") * 15).floor().cast(pl.Int64) + 1),
            security_provided=pl.when(pl.col("ground") == "1").then(pl.col("s") > 0.992),
        )
        ls = ls.with_row_index("i").with_columns(
            listing_id=pl.format("SX{}", pl.col("i").cast(pl.Utf8).str.zfill(8)),
            debtor_party_id=pl.col("debtor"),
        )
        ls = ls.with_columns(
            published_on=pl.when(pl.col("grace_months").is_null())
            .then("decided_on")
            .otherwise(
                pl.col("decided_on")
                .cast(pl.Int32)
                .cast(pl.Date)
                .dt.offset_by(pl.format("{}mo", pl.col("grace_months")))
                .cast(pl.Int32)
                .cast(pl.Int64)
            )
        ).with_columns(published_on=pl.when(pl.col("published_on") <= self.as_of).then("published_on"))
        repairs = self._repairs(ls)
        done = repairs.filter(pl.col("status") == "completed")
        ls = ls.join(
            done.select("listing_id", "verified_on", pl.col("deleted_on").alias("r_deleted")),
            on="listing_id",
            how="left",
            maintain_order="left",
        )
        self._searches(ls, repairs)
        # triggers the analytics will find: performed, settlement performed, 终本 + two nil searches
        term_end = pl.when(pl.col("ground") != "1").then(
            pl.col("decided_on")
            .cast(pl.Int32)
            .cast(pl.Date)
            .dt.offset_by(pl.format("{}mo", 24 + 12 * pl.col("extra_years").fill_null(0)))
            .cast(pl.Int32)
            .cast(pl.Int64)
        )
        ls = ls.join(self.settled, on=["unit_code", "case_number"], how="left", maintain_order="left").join(
            self.second_nil, on=["unit_code", "case_number"], how="left", maintain_order="left"
        )
        cand = [
            pl.when((pl.col("outcome") == "performed") & (pl.col("closed") >= pl.col("decided_on"))).then(
                "closed"
            ),
            pl.when(pl.col("performed_on") >= pl.col("decided_on")).then("performed_on"),
            pl.when(pl.col("nil2") >= pl.col("decided_on")).then("nil2"),
            term_end,
        ]
        ls = ls.with_columns(trig=pl.min_horizontal(cand))
        ls = self.add_workdays(ls, "trig", 3, "due3")
        lateness = self.u(ls)
        ls = ls.with_columns(
            lag=pl.when(pl.lit(lateness) < 0.92)
            .then((pl.lit(lateness) * 3.2).floor().cast(pl.Int64) + 1)
            .when(pl.lit(lateness) < 0.97)
            .then(6)
            .otherwise(None),
        )
        ls = self.add_workdays(ls, "trig", pl.col("lag"), "del_calc")
        ls = ls.with_columns(
            deleted_on=pl.coalesce(
                pl.col("r_deleted"),
                pl.when(pl.col("verified_on").is_null() & (pl.col("del_calc") <= self.as_of)).then(
                    "del_calc"
                ),
            ),
            trigger=pl.when(pl.col("verified_on").is_not_null()).then(pl.lit("credit_repair")),
            trigger_on=pl.col("verified_on"),
        )
        # corrections: 3 % of listings
        c = self.u(ls)
        ls = (
            ls.with_columns(cu=pl.lit(c))
            .with_columns(
                correction_requested_on=pl.when(pl.col("cu") < 0.03).then(pl.col("decided_on") + 20),
            )
            .with_columns(
                correction_decided_on=pl.col("correction_requested_on")
                + pl.when(pl.col("cu") < 0.027).then(10).otherwise(21),
                correction_outcome=pl.when(pl.col("correction_requested_on").is_null())
                .then(None)
                .when(pl.col("cu") < 0.012)
                .then(pl.lit("corrected"))
                .otherwise(pl.lit("rejected")),
            )
        )
        ls = self.add_workdays(ls, "correction_decided_on", 2, "corr2")
        ls = ls.with_columns(
            corrected_on=pl.when(pl.col("correction_outcome") == "corrected").then("corr2"),
            reconsideration_requested_on=pl.when(
                (pl.col("correction_outcome") == "rejected") & (pl.col("cu") < 0.02)
            ).then(pl.col("correction_decided_on") + 7),
        ).with_columns(reconsideration_decided_on=pl.col("reconsideration_requested_on") + 12)
        for col in (
            "correction_requested_on",
            "correction_decided_on",
            "corrected_on",
            "reconsideration_requested_on",
            "reconsideration_decided_on",
        ):
            ls = ls.with_columns(pl.when(pl.col(col) <= self.as_of).then(pl.col(col)).alias(col))
        ls = ls.with_columns(
            correction_outcome=pl.when(pl.col("correction_decided_on").is_not_null()).then(
                "correction_outcome"
            )
        )
        self.write("dishonest_listings", ls)
        self.write("credit_repairs", repairs)

    def _repairs(self, ls: pl.DataFrame) -> pl.DataFrame:
        """Credit repairs: exactly the target completed in the period, plus ones in progress and revoked."""
        settled = self.settled.filter(pl.col("performed_on").is_not_null()).select("unit_code", "case_number")
        pool = (
            ls.filter(
                (pl.col("ground") == "1")
                & (pl.col("decided_on") <= _day(date(2026, 2, 1)))
                & (pl.col("outcome") != "performed")
                & ~pl.col("security_provided").fill_null(False)
            )
            .join(settled, on=["unit_code", "case_number"], how="anti")
            .sort("listing_id")
        )
        pool = pool.with_columns(r=self.u(pool)).sort("r")
        target = self.targets["repairs_completed"]
        m = min(pool.height, int(target * 2.5) + 80)
        c = pool.head(m)
        lo = pl.max_horizontal(pl.lit(P0 - 150), pl.col("decided_on") + 7)
        c = c.with_columns(
            applied_on=lo + ((pl.lit(P1 - 120) - lo).clip(lower_bound=0) * self.u(c)).floor().cast(pl.Int64),
        ).with_columns(verified_on=pl.col("applied_on") + self.span(c, 3, 15))
        c = self.add_workdays(c, "verified_on", self.span(c, 1, 3), "deleted_on")
        c = c.with_columns(completed_on=pl.col("deleted_on") + self.span(c, 30, 90))
        done = c.filter(pl.col("completed_on").is_between(P0, P1)).head(target)
        self.achieved["repairs_completed"] = done.height
        rest = pool.join(done.select("listing_id"), on="listing_id", how="anti").head(72)
        prog = rest.head(60)
        prog = prog.with_columns(applied_on=pl.lit(self.as_of) - self.span(prog, 10, 40)).with_columns(
            verified_on=pl.when(pl.col("applied_on") + 5 <= self.as_of).then(pl.col("applied_on") + 5)
        )
        prog = prog.with_columns(
            shielded_on="verified_on",
            status=pl.when(pl.col("verified_on").is_null())
            .then(pl.lit("applied"))
            .otherwise(pl.lit("shielded")),
        )
        rev = (
            rest.slice(60, 12)
            .with_columns(applied_on=pl.lit(P0 + 20))
            .with_columns(
                verified_on=pl.col("applied_on") + 6,
                shielded_on=pl.col("applied_on") + 6,
                status=pl.lit("revoked"),
            )
        )
        done = done.with_columns(shielded_on="verified_on", status=pl.lit("completed"))
        self.done_repairs = done.select("unit_code", "case_number", "debtor_party_id", "verified_on")
        # performed after repair: the target amount split over the completed repairs' payments
        total = (
            self.targets["performed_after_repair_cents"]
            if done.height == target
            else (self.targets["performed_after_repair_cents"] * done.height // max(target, 1))
        )
        w = self.rng.lognormal(done.height, 1.0, 0.8) if done.height else pl.Series([], dtype=pl.Float64)
        done = done.with_columns(w=pl.lit(w))
        done = done.with_columns(amt=(pl.col("w") / pl.col("w").sum() * total).floor().cast(pl.Int64))
        if done.height:
            fix = total - done["amt"].sum()
            done = done.with_columns(
                amt=pl.col("amt") + pl.when(pl.int_range(pl.len()) == 0).then(fix).otherwise(0)
            )
        self.achieved["performed_after_repair_cents"] = int(done["amt"].sum()) if done.height else 0
        two = done.with_columns(second=(pl.col("amt") * 3) // 5)
        hi = pl.min_horizontal(pl.col("completed_on") + 30, pl.lit(self.as_of))
        self.repair_pays = pl.concat(
            [
                two.select(
                    "unit_code",
                    "case_number",
                    "debtor_party_id",
                    (pl.col("verified_on") + 1).alias("paid_on"),
                    (pl.col("amt") - pl.col("second")).alias("amount"),
                ),
                two.select(
                    "unit_code",
                    "case_number",
                    "debtor_party_id",
                    hi.alias("paid_on"),
                    pl.col("second").alias("amount"),
                ),
            ]
        ).with_columns(channel=pl.lit("court_account"))
        done = done.with_columns(plan_amount="amt")
        out = pl.concat(
            [
                d.select(
                    "listing_id",
                    "unit_code",
                    "case_number",
                    "debtor_party_id",
                    "applied_on",
                    "verified_on",
                    "shielded_on",
                    *(x for x in ("deleted_on", "completed_on", "plan_amount") if x in d.columns),
                    "status",
                )
                for d in (done, prog, rev)
            ],
            how="diagonal_relaxed",
        )
        cond = self.rng.choice(out.height, [0.7, 0.15, 0.15]) if out.height else pl.Series([], dtype=pl.Int64)
        out = out.with_row_index("i").with_columns(
            repair_id=pl.format("XF{}", pl.col("i").cast(pl.Utf8).str.zfill(6)),
            pledge_on="applied_on",
            condition=(pl.lit(cond).cast(pl.Int64) + 1).cast(pl.Utf8),
        )
        return out

    def _searches(self, ls: pl.DataFrame, repairs: pl.DataFrame) -> None:
        e = self.enf
        in_repair = ls.join(repairs.select("listing_id"), on="listing_id").select("unit_code", "case_number")
        base = e.select(
            "unit_code",
            "case_number",
            (pl.col("filed") + 5).alias("searched_on"),
            pl.when(pl.col("u") < 0.5).then(pl.lit("found")).otherwise(pl.lit("nil")).alias("result"),
            pl.when(pl.col("u") < 0.5).then(pl.col("cents") // 3).alias("amount_found"),
        )
        rt = e.filter((pl.col("outcome") == "round_terminated") & pl.col("closed").is_not_null()).join(
            in_repair, on=["unit_code", "case_number"], how="anti"
        )
        rt = rt.filter(pl.col("u3") < 0.7)
        s1 = rt.select("unit_code", "case_number", (pl.col("closed") + 40).alias("searched_on"))
        s2 = rt.select("unit_code", "case_number", (pl.col("closed") + 130).alias("searched_on"))
        nil = (
            pl.concat([s1, s2])
            .filter(pl.col("searched_on") <= self.as_of)
            .with_columns(result=pl.lit("nil"), amount_found=pl.lit(None, pl.Int64))
        )
        self.second_nil = s2.filter(pl.col("searched_on") <= self.as_of).select(
            "unit_code", "case_number", pl.col("searched_on").alias("nil2")
        )
        s = (
            pl.concat([base, nil])
            .filter(pl.col("searched_on") <= self.as_of)
            .sort("unit_code", "case_number", "searched_on")
        )
        self.write(
            "asset_searches",
            s.with_row_index("i").with_columns(
                search_id=pl.format("CX{}", pl.col("i").cast(pl.Utf8).str.zfill(8)), online=pl.lit(True)
            ),
        )
        self.write(
            "enforcement_rulings",
            self.rulings.with_row_index("i").with_columns(
                ruling_id=pl.format("CD{}", pl.col("i").cast(pl.Utf8).str.zfill(8))
            ),
        )


def generate(out_dir: str | Path, fmt: str, seed: int, as_of: date, n_cases: int) -> tuple[dict, dict]:
    """Write the enforcement tables next to the case tables in ``out_dir``.

    Returns (rows per table, what the calibration achieved: the four January–July figures).
    """
    g = _Gen(Path(out_dir), fmt, seed, as_of, n_cases)
    g.load()
    g.judgments()
    g.enforcement()
    g.listings()
    enforcement_funds.funds(g)
    return g.rows, g.achieved

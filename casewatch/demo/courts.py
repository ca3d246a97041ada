"""Administrative trials (行初) and enforcement cases (执).

Administrative first instance: 6 months (ordinary) or 45 days (simplified) from filing
(行政诉讼法 第81/83条); a few ordinary cases get a high-court extension approved 20-35 days ahead.

Enforcement: 6 months from filing (2000 规定 第5条), suspension excluded. Debtors who do not pay are
listed as dishonest (失信); a listed debtor who later performs — often after the round was
terminated (终本) — is delisted within two days, except the EN-02 plants. Enforcement cases come
from the demo city's own civil judgments and mediations (same matter) and from outside titles
(arbitral awards, notarised debts, non-litigation administrative enforcement).
"""

from __future__ import annotations

import polars as pl

from casewatch.demo import calibration
from casewatch.demo import reference as ref
from casewatch.demo.context import DAY, HOUR, Ctx, add_months, choose_plants, ev, is_plant, span

OLD_ENOUGH = 300


def admin(ctx: Ctx, n: int) -> None:
    """Generate ``n`` administrative first-instance cases."""
    if n == 0:
        return
    rng = ctx.rng
    a = pl.DataFrame({"matter": ctx.new_matters(n), "cid": ctx.new_cids(n)})
    dw = [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES]
    causes = ref.ADMIN_CAUSES
    a = a.with_columns(
        district=pl.Series(ref.DISTRICT_CODES).gather(rng.choice(n, dw)),
        cause=rng.choice(n, [x[2] for x in causes]),
        body=rng.integers(n, 0, len(ref.GOV_BODIES) - 1),
        filed=rng.integers(n, ctx.start, ctx.as_of),
        procedure=pl.Series(["ordinary", "simplified"]).gather(rng.choice(n, [80, 20])),
    )
    a = calibration.allocate_filings(a, ctx.as_of, ctx.start)  # filings −12.9 % year on year
    f = pl.col("filed")
    ordinary = pl.col("procedure") == "ordinary"
    a = a.with_columns(
        unit=pl.concat_str("district", pl.lit("-CRT-XZ")),
        cause_code=pl.lit(pl.Series([x[0] for x in causes])).gather(pl.col("cause")),
        cause_name=pl.lit(pl.Series([x[1] for x in causes])).gather(pl.col("cause")),
        base=pl.when(ordinary).then(add_months(f, 6)).otherwise(f + 45),
        ext=ordinary & (pl.lit(ctx.u(a)) < 0.03),
        received=ctx.not_before_start(f - ctx.ri(a, 0, 5)),
    )
    a = choose_plants(ctx, a, [("AD-01", pl.lit(True), (f <= ctx.as_of - OLD_ENOUGH) & ~pl.col("ext"))])
    a = a.with_columns(ext_day=pl.when("ext").then(pl.col("base") - ctx.ri(a, 20, 35)))
    a = a.with_columns(new_due=pl.when("ext").then(add_months(pl.col("base"), 3)))
    u = ctx.u(a)
    a = a.with_columns(
        close=pl.when(is_plant("AD-01") & ordinary)
        .then(pl.col("base") + ctx.ri(a, 15, 60))
        .when(is_plant("AD-01"))
        .then(f + ctx.ri(a, 60, 80))
        .when("ext")
        .then(span(pl.max_horizontal(pl.col("base") - 2, pl.col("ext_day") + 1), pl.col("new_due") - 5, u))
        .when(ordinary)
        .then(span(f + 20, pl.col("base") - 5, u, 1.3))
        .otherwise(span(f + 10, pl.col("base") - 5, u)),
        outcome_p=pl.Series(["judgment", "withdrawal", "ruling"]).gather(rng.choice(n, [45, 35, 20])),
    )
    a = calibration.calibrate_losses(a, ctx.as_of)  # the organ's loss rate 5.9 %, −6.1 points
    done = pl.col("close") <= ctx.as_of
    a = a.with_columns(
        status=pl.when(done).then(pl.lit("closed")).otherwise(pl.lit("pending")),
        closed=pl.when(done).then("close"),
        outcome=pl.when(done).then("outcome_p"),
        plaintiff=pl.coalesce(
            ctx.fresh(a, pl.lit(ctx.u(a)) < 0.8), ctx.fresh(a, pl.lit(True), flavour="company")
        ),
        third=ctx.fresh(a, pl.lit(ctx.u(a)) < 0.1),
        p_agent=pl.when(pl.lit(ctx.u(a)) < 0.6).then(ctx.from_pool("lawyer", n, 1.5)),
    )
    gov = ctx.pools["gov"]  # one body per (district, function), in DISTRICT_CODES order
    a = a.with_columns(
        defendant=pl.lit(gov).gather(
            pl.col("district").replace_strict(
                {d: i for i, d in enumerate(ref.DISTRICT_CODES)}, return_dtype=pl.Int64
            )
            * len(ref.GOV_BODIES)
            + pl.col("body")
        )
    )
    ctx.add_cases(a.with_columns(type=pl.lit("administrative"), numtype=pl.lit("行初"), instance=pl.lit(1)))
    ctx.add_matters(
        a.select(
            "matter",
            pl.lit("administrative").alias("kind"),
            pl.col("received").alias("opened"),
            pl.col("plaintiff").alias("title_a"),
            pl.col("defendant").alias("title_b"),
            pl.col("cause_name").alias("title_text"),
            pl.lit("admin").alias("title_tpl"),
        )
    )
    ctx.add_gt(
        a.filter(is_plant("AD-01")).select(
            "cid",
            pl.lit("AD-01").alias("kind"),
            pl.lit("case").alias("subject"),
            pl.lit("closed 15+ days past the trial limit").alias("note"),
        )
    )
    oc = pl.col("outcome_p")
    closing = pl.col("close") * DAY + ctx.ri(a, 14 * HOUR, 17 * HOUR)
    ctx.add_events(
        ev(a, "filed", f * DAY + ctx.biz(a)),
        ev(a, "complaint_served", (f + ctx.ri(a, 0, 4)) * DAY + ctx.biz(a)),
        ev(
            a,
            "hearing",
            pl.when(oc != "withdrawal").then(
                span(pl.max_horizontal(f + 5, pl.col("close") - 20), pl.col("close"), ctx.u(a)) * DAY
                + 9 * HOUR
            ),
        ),
        ev(
            a,
            "trial_limit_extended",
            pl.col("ext_day") * DAY + 10 * HOUR,
            approver=pl.lit("high_court"),
            approved_ts=pl.col("ext_day") * DAY + 10 * HOUR,
            new_due=pl.col("new_due"),
        ),
        ev(a, "judgment_pronounced", pl.when(oc == "judgment").then(closing), result=pl.col("admin_result")),
        ev(a, "withdrawn", pl.when(oc == "withdrawal").then(closing)),
        ev(a, "ruling", pl.when(oc == "ruling").then(closing)),
        ev(a, "closed", pl.col("close") * DAY + 17 * HOUR + 1_800),
    )
    ctx.add_parties(
        a.select("cid", pl.col("plaintiff").alias("pid"), pl.lit("plaintiff").alias("role")),
        a.select("cid", pl.col("defendant").alias("pid"), pl.lit("defendant").alias("role")),
        a.select("cid", pl.col("third").alias("pid"), pl.lit("third_party").alias("role")),
        a.select(
            "cid",
            pl.col("p_agent").alias("pid"),
            pl.lit("agent").alias("role"),
            pl.col("plaintiff").alias("represents"),
        ),
    )


def enforcement_from_civil(ctx: Ctx, c: pl.DataFrame, share: float) -> pl.DataFrame:
    """Enforcement applications following civil judgments and mediations of the demo city."""
    e = c.filter(
        pl.col("outcome").is_in(["judgment", "mediation", "default_judgment"])
        & ~pl.col("appealed")
        & (pl.col("claim_cents") > 0)
    )
    e = e.filter(pl.lit(ctx.u(e)) < share)
    e = e.with_columns(filed=pl.col("close") + ctx.ri(e, 20, 240))
    e = e.filter(pl.col("filed") <= ctx.as_of)
    return e.select(
        "matter",
        "district",
        "cause_code",
        "cause_name",
        "filed",
        pl.col("plaintiff").alias("applicant"),
        pl.col("defendant").alias("debtor"),
        pl.when(pl.lit(ctx.u(e)) < 0.5).then(pl.col("defendant2")).alias("debtor2"),
        (pl.col("claim_cents").cast(pl.Float64) * (0.5 + 0.5 * pl.lit(ctx.u(e))))
        .round(0)
        .cast(pl.Int64)
        .alias("claim_cents"),
        pl.col("p_agent").alias("a_agent"),
    )


def enforcement_standalone(ctx: Ctx, n: int) -> pl.DataFrame:
    """Enforcement of titles from outside the demo city's courts (one new matter each)."""
    rng = ctx.rng
    e = pl.DataFrame({"matter": ctx.new_matters(n)})
    dw = [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES]
    src = ref.ENFORCEMENT_SOURCES
    e = e.with_columns(
        district=pl.Series(ref.DISTRICT_CODES).gather(rng.choice(n, dw)),
        source=rng.choice(n, [x[2] for x in src]),
        filed=rng.integers(n, ctx.start, ctx.as_of),
    )
    code = pl.lit(pl.Series([x[0] for x in src])).gather(pl.col("source"))
    bank = code == "ZX02"
    e = e.with_columns(
        cause_code=code,
        cause_name=pl.lit(pl.Series([x[1] for x in src])).gather(pl.col("source")),
        applicant=pl.coalesce(
            pl.when(bank).then(ctx.from_pool("bank", n, 2.0)),
            ctx.fresh(e, ~bank & (pl.lit(ctx.u(e)) < 0.55)),
            ctx.fresh(e, ~bank, flavour="company"),
        ),
    )
    e = e.with_columns(
        applicant=pl.coalesce("applicant", ctx.fresh(e, pl.col("applicant").is_null(), flavour="company"))
    )
    org_debtor = pl.lit(ctx.u(e)) < 0.25
    e = e.with_columns(
        debtor=pl.coalesce(ctx.fresh(e, ~org_debtor), ctx.fresh(e, org_debtor, flavour="company")),
        debtor2=pl.lit(None, dtype=pl.Int64),
        claim_cents=(rng.lognormal(n, 80_000, 1.1) / 100).round(0).cast(pl.Int64) * 10_000,
        a_agent=pl.when(pl.lit(ctx.u(e)) < 0.5).then(ctx.from_pool("lawyer", n, 1.5)),
    )
    ctx.add_matters(
        e.select(
            "matter",
            pl.lit("enforcement").alias("kind"),
            pl.col("filed").alias("opened"),
            pl.col("applicant").alias("title_a"),
            pl.col("debtor").alias("title_b"),
            pl.col("cause_name").alias("title_text"),
            pl.lit("civil").alias("title_tpl"),
        )
    )
    return e.select(
        "matter",
        "district",
        "cause_code",
        "cause_name",
        "filed",
        "applicant",
        "debtor",
        "debtor2",
        "claim_cents",
        "a_agent",
    )


def enforcement(ctx: Ctx, e: pl.DataFrame) -> None:
    """Timelines, events and parties of enforcement cases (EN-01 and EN-02 plants)."""
    if e.height == 0:
        return
    rng = ctx.rng
    e = e.with_columns(cid=ctx.new_cids(e.height), unit=pl.concat_str("district", pl.lit("-CRT-ZX")))
    f = pl.col("filed")
    n = e.height
    e = e.with_columns(
        base=add_months(f, 6),
        outcome_p=pl.Series(["performed", "settlement", "round_terminated", "ruling"]).gather(
            rng.choice(n, [35, 15, 40, 10])
        ),
        ext=pl.lit(ctx.u(e)) < 0.03,
    )
    e = e.with_columns(susp=~pl.col("ext") & (pl.lit(ctx.u(e)) < 0.04))
    oc = pl.col("outcome_p")
    dur = (
        pl.when(oc == "performed")
        .then(ctx.ri(e, 20, 150))
        .when(oc == "settlement")
        .then(ctx.ri(e, 30, 150))
        .when(oc == "round_terminated")
        .then(ctx.ri(e, 60, 170))
        .otherwise(ctx.ri(e, 30, 170))
    )
    e = e.with_columns(
        close=f + dur,
        s_s=pl.when("susp").then(f + ctx.ri(e, 10, 60)),
        ext_day=pl.when("ext").then(pl.col("base") - ctx.ri(e, 20, 35)),
        new_due=pl.when("ext").then(add_months(pl.col("base"), 3)),
    )
    e = e.with_columns(s_e=pl.col("s_s") + ctx.ri(e, 20, 60))
    u = ctx.u(e)
    excl_min = (pl.col("s_e") - pl.col("s_s") - 1).fill_null(0)
    e = e.with_columns(
        close=pl.when("ext")
        .then(span(pl.max_horizontal(pl.col("base") - 2, pl.col("ext_day") + 1), pl.col("new_due") - 5, u))
        .when("susp")
        .then(span(pl.max_horizontal(pl.col("close"), pl.col("s_e") + 3), pl.col("base") + excl_min - 5, u))
        .otherwise("close"),
    )
    # Listing as dishonest: only where the listing and any performance are settled well before as_of.
    listed_p = (
        pl.when(oc == "round_terminated")
        .then(0.45)
        .when(oc == "performed")
        .then(0.12)
        .when(oc == "ruling")
        .then(0.1)
        .otherwise(0.0)
    )
    e = e.with_columns(
        listed=(pl.lit(ctx.u(e)) < listed_p) & (pl.col("close") <= ctx.as_of - 10),
        late_pay=pl.lit(ctx.u(e)) < 0.2,
    )
    old = f <= ctx.as_of - OLD_ENOUGH
    rt_listed = pl.col("listed") & (oc == "round_terminated")
    e = choose_plants(
        ctx,
        e,
        [
            ("EN-01", pl.lit(True), old & ~pl.col("ext") & ~pl.col("susp")),
            ("EN-02", pl.col("listed"), old & rt_listed & (pl.col("close") <= ctx.as_of - 200)),
        ],
    )
    # EN-01 plants close late; they are old enough that a listed debtor's payment is still settled.
    e = e.with_columns(
        close=pl.when(is_plant("EN-01")).then(pl.col("base") + ctx.ri(e, 15, 90)).otherwise("close")
    )
    e = e.with_columns(
        list_day=pl.when("listed").then(span(f + 15, pl.min_horizontal(f + 50, pl.col("close")), ctx.u(e)))
    )
    # A later payment after a terminated round; delisting within two days (EN-02: late or never).
    late = is_plant("EN-02")
    e = e.with_columns(
        pay_day=pl.when(late)
        .then(pl.col("close") + ctx.ri(e, 30, 120))
        .when(rt_listed & pl.col("late_pay"))
        .then(pl.col("close") + ctx.ri(e, 30, 300))
        .when(pl.col("listed") & (oc.is_in(["performed", "settlement"])))
        .then(pl.col("close")),
    )
    e = e.with_columns(pay_day=pl.when(late | (pl.col("pay_day") <= ctx.as_of - 5)).then("pay_day"))
    e = e.with_columns(pay_ts=pl.col("pay_day") * DAY + ctx.ri(e, 10 * HOUR, 16 * HOUR))
    e = e.with_columns(
        delist_ts=pl.when(late & (pl.lit(ctx.u(e)) < 0.3))
        .then(None)
        .when(late)
        .then(pl.col("pay_ts") + ctx.ri(e, 10 * DAY, 40 * DAY))
        .when(pl.col("listed"))
        .then(pl.col("pay_ts") + ctx.ri(e, 2 * HOUR, 40 * HOUR)),
    )
    done = pl.col("close") <= ctx.as_of
    e = e.with_columns(
        status=pl.when(done).then(pl.lit("closed")).otherwise(pl.lit("pending")),
        closed=pl.when(done).then("close"),
        outcome=pl.when(~done).then(None).when(oc == "settlement").then(pl.lit("performed")).otherwise(oc),
        received=ctx.not_before_start(f - ctx.ri(e, 0, 3)),
    )
    ctx.add_cases(e.with_columns(type=pl.lit("enforcement"), numtype=pl.lit("执"), instance=pl.lit(1)))
    ctx.add_gt(
        e.filter(is_plant("EN-01")).select(
            "cid",
            pl.lit("EN-01").alias("kind"),
            pl.lit("case").alias("subject"),
            pl.lit("closed 15+ days past the 6-month enforcement limit").alias("note"),
        )
    )
    ctx.add_gt(
        e.filter(late).select(
            "cid",
            pl.lit("EN-02").alias("kind"),
            pl.lit("case").alias("subject"),
            pl.lit("debtor performed but was not delisted within 3 days").alias("note"),
        )
    )
    closing = pl.col("close") * DAY + ctx.ri(e, 14 * HOUR, 16 * HOUR)
    debtor = {"person": pl.col("debtor")}
    paid_in_case = oc.is_in(["performed", "settlement"])
    ctx.add_events(
        ev(e, "enforcement_filed", f * DAY + ctx.biz(e)),
        ev(
            e,
            "asset_frozen",
            pl.when(pl.lit(ctx.u(e)) < 0.6).then(
                span(f + 1, pl.min_horizontal(f + 10, pl.col("close")), ctx.u(e)) * DAY + ctx.biz(e)
            ),
        ),
        ev(
            e,
            "execution_objection",
            pl.when(pl.lit(ctx.u(e)) < 0.03).then(
                span(f + 10, pl.max_horizontal(f + 10, pl.col("close") - 10), ctx.u(e)) * DAY + ctx.biz(e)
            ),
        ),
        ev(e, "suspended", pl.col("s_s") * DAY + 10 * HOUR),
        ev(e, "resumed", pl.col("s_e") * DAY + 10 * HOUR),
        ev(
            e,
            "trial_limit_extended",
            pl.col("ext_day") * DAY + 10 * HOUR,
            approver=pl.lit("president"),
            approved_ts=pl.col("ext_day") * DAY + 10 * HOUR,
            new_due=pl.col("new_due"),
        ),
        ev(e, "listed_dishonest", pl.col("list_day") * DAY + ctx.biz(e), **debtor),
        ev(
            e,
            "enforcement_settlement",
            pl.when(oc == "settlement").then(
                span(pl.max_horizontal(f, pl.col("close") - 10), pl.col("close"), ctx.u(e)) * DAY + 9 * HOUR
            ),
        ),
        ev(
            e,
            "funds_received",
            pl.when(paid_in_case).then(
                span(pl.max_horizontal(f, pl.col("close") - 5), pl.col("close"), ctx.u(e)) * DAY
                + 9 * HOUR
                + 1_800
            ),
        ),
        ev(e, "performed", pl.when(paid_in_case & pl.col("pay_ts").is_null()).then(closing), **debtor),
        ev(e, "performed", pl.col("pay_ts"), **debtor),
        ev(e, "delisted", pl.col("delist_ts"), **debtor),
        ev(e, "round_terminated", pl.when(oc == "round_terminated").then(closing)),
        ev(e, "ruling", pl.when(oc == "ruling").then(closing)),
        ev(e, "closed", pl.col("close") * DAY + 17 * HOUR),
        ev(
            e,
            "funds_released",
            pl.when(paid_in_case).then((pl.col("close") + ctx.ri(e, 0, 20)) * DAY + ctx.biz(e)),
        ),
    )
    ctx.add_parties(
        e.select("cid", pl.col("applicant").alias("pid"), pl.lit("applicant").alias("role")),
        e.select("cid", pl.col("debtor").alias("pid"), pl.lit("debtor").alias("role")),
        e.select("cid", pl.col("debtor2").alias("pid"), pl.lit("debtor").alias("role")),
        e.select(
            "cid",
            pl.col("a_agent").alias("pid"),
            pl.lit("agent").alias("role"),
            pl.col("applicant").alias("represents"),
        ),
    )


def gov_pool(ctx: Ctx) -> pl.Series:
    """One government body per (district, function): the defendants of administrative cases."""
    districts = pl.Series([d for d in ref.DISTRICT_CODES for _ in ref.GOV_BODIES])
    bodies = pl.Series([b for _ in ref.DISTRICT_CODES for b in ref.GOV_BODIES])
    return ctx.new_orgs(len(districts), "gov", district=districts, body=bodies)

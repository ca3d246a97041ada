"""Police public-order cases (治安案件).

Each case has one or two offenders questioned one after another (so a ``questioning_start`` is always
followed by its own ``questioning_end``), an optional injury appraisal for fights, and a decision
within 30 days of filing — 60 with an approved extension — not counting the appraisal days.
A small share of fights whose appraisal finds a minor injury (轻伤) are correctly transferred to
criminal investigation (status ``transferred``); the PO-01 plants are the ones that were not.
"""

from __future__ import annotations

import polars as pl

from casewatch.demo import reference as ref
from casewatch.demo.context import DAY, HOUR, Ctx, choose_plants, ev, is_plant, span

OLD_ENOUGH = 150


def generate(ctx: Ctx, n: int) -> None:
    """Generate ``n`` public-order cases (one matter each)."""
    if n == 0:
        return
    rng = ctx.rng
    o = pl.DataFrame({"matter": ctx.new_matters(n), "cid": ctx.new_cids(n)})
    dw = [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES]
    causes = ref.PUBLIC_ORDER_CAUSES
    o = o.with_columns(
        district=pl.Series(ref.DISTRICT_CODES).gather(rng.choice(n, dw)),
        cause=rng.choice(n, [c[2] for c in causes]),
        filed=rng.integers(n, ctx.start, ctx.as_of),
        noff=pl.Series([1, 2]).gather(rng.choice(n, [80, 20])),
        sub=pl.Series(["ZA", "PS1", "PS2", "PS3"]).gather(rng.choice(n, [20, 30, 25, 25])),
    )
    injury = pl.lit(pl.Series([c[3] for c in causes])).gather(pl.col("cause"))
    o = o.with_columns(
        unit=pl.concat_str("district", pl.lit("-PSB-"), "sub"),
        cause_code=pl.lit(pl.Series([c[0] for c in causes])).gather(pl.col("cause")),
        cause_name=pl.lit(pl.Series([c[1] for c in causes])).gather(pl.col("cause")),
        has_victim=pl.lit(ctx.u(o)) < pl.when(injury).then(0.8).otherwise(0.2),
    )
    o = o.with_columns(appr=injury & pl.col("has_victim") & (pl.lit(ctx.u(o)) < 0.35))
    o = o.with_columns(
        to_crim=pl.col("appr") & (pl.lit(ctx.u(o)) < 0.04),
        ext=pl.lit(ctx.u(o)) < 0.06,
    )
    f = pl.col("filed")
    old = f <= ctx.as_of - OLD_ENOUGH
    o = choose_plants(
        ctx,
        o,
        [
            ("PO-01", pl.col("appr"), old & pl.col("appr") & ~pl.col("to_crim")),
            ("PO-02", pl.lit(True), old & ~pl.col("to_crim")),
            ("PO-03", pl.lit(True), old),
        ],
    )
    late = is_plant("PO-02")
    o = o.with_columns(
        ext=pl.when(late).then(pl.lit(ctx.u(o)) < 0.3).otherwise(pl.col("ext") & ~pl.col("to_crim"))
    )
    o = o.with_columns(ap_s=pl.when("appr").then(f + ctx.ri(o, 1, 4)))
    o = o.with_columns(ap_e=pl.col("ap_s") + ctx.ri(o, 5, 25))
    # Appraisal days excluded: at least (end - start - 1) under any counting convention.
    excl_min = pl.when("appr").then(pl.col("ap_e") - pl.col("ap_s") - 1).otherwise(0)
    excl_max = pl.when("appr").then(pl.col("ap_e") - pl.col("ap_s") + 1).otherwise(0)
    eff_lo = pl.when("appr").then(pl.col("ap_s") - f + 2).otherwise(1)
    eff = (
        pl.when(late & pl.col("ext"))
        .then(ctx.ri(o, 68, 90))
        .when(late)
        .then(ctx.ri(o, 38, 60))
        .when("ext")
        .then(span(pl.lit(26), pl.lit(55), ctx.u(o)))
        .otherwise(span(eff_lo, pl.lit(25), ctx.u(o), 1.4))
    )
    total = pl.when(late).then(eff + excl_max).otherwise(eff + excl_min)
    # A transfer to criminal investigation happens the day the appraisal finds a minor injury, so no
    # moment exists at which the case is pending with a minor-injury appraisal on file.
    o = o.with_columns(
        close=pl.when("to_crim").then(pl.col("ap_e")).otherwise(f + total),
        ext_ts=pl.when("ext").then((f + ctx.ri(o, 18, 24)) * DAY + 10 * HOUR),
    )
    # offenders questioned one after the other
    q = o.select("cid", "filed", "plant", pl.int_ranges(0, "noff").alias("k")).explode("k")
    q = q.with_columns(pid=ctx.new_persons(q.height, "offender"), dp=pl.lit(ctx.u(q)) < 0.1)
    long_q = is_plant("PO-03") & (pl.col("k") == 0)
    q = q.with_columns(dp=pl.when(long_q).then(pl.lit(ctx.u(q)) < 0.25).otherwise("dp"))
    q = q.with_columns(
        dur=pl.when(long_q & pl.col("dp"))
        .then(ctx.ri(q, 34 * HOUR, 44 * HOUR))
        .when(long_q)
        .then(ctx.ri(q, 18 * HOUR, 30 * HOUR))
        .when("dp")
        .then(ctx.ri(q, 6 * HOUR, 20 * HOUR))
        .otherwise(ctx.ri(q, 90 * 60, 6 * HOUR)),
        gap=ctx.ri(q, 30 * 60, 2 * HOUR),
        start0=pl.col("filed") * DAY + ctx.ri(q, 8 * HOUR, 20 * HOUR),
    )
    # start of offender k = start0 + sum of (dur + gap) of the offenders questioned before
    q = q.with_columns(
        q_start=pl.col("start0").first().over("cid")
        + (pl.col("dur") + pl.col("gap")).cum_sum().over("cid")
        - pl.col("dur")
        - pl.col("gap")
    )
    q = q.with_columns(q_end=pl.col("q_start") + pl.col("dur"))
    last_q = q.group_by("cid", maintain_order=True).agg(q_day=(pl.col("q_end").max() // DAY))
    o = o.join(last_q, on="cid", how="left", maintain_order="left").with_columns(
        close=pl.max_horizontal("close", pl.col("q_day") + 1)
    )
    done = pl.col("close") <= ctx.as_of
    o = o.with_columns(
        result=pl.when(is_plant("PO-01"))
        .then(pl.Series(["minor", "serious"]).gather(rng.choice(n, [70, 30])))
        .when("to_crim")
        .then(pl.lit("minor"))
        .when("appr")
        .then(pl.Series(["none", "slight"]).gather(rng.choice(n, [45, 55]))),
        outcome_p=pl.when("to_crim")
        .then(pl.lit("other"))
        .when(is_plant("PO-01"))
        .then(pl.lit("penalty"))
        .otherwise(pl.Series(["penalty", "no_penalty", "mediation"]).gather(rng.choice(n, [70, 12, 18]))),
    )
    o = o.with_columns(
        status=pl.when(~done)
        .then(pl.lit("pending"))
        .when("to_crim")
        .then(pl.lit("transferred"))
        .otherwise(pl.lit("closed")),
        closed=pl.when(done).then("close"),
        outcome=pl.when(done).then("outcome_p"),
    )
    ctx.add_cases(
        o.with_columns(
            type=pl.lit("police_public_order"),
            numtype=pl.lit("治受"),
            received=f,
            procedure=pl.lit("general"),
        )
    )
    ctx.add_gt(
        o.filter(late).select(
            "cid",
            pl.lit("PO-02").alias("kind"),
            pl.lit("case").alias("subject"),
            pl.lit("decided 8+ days past the 30/60-day limit (appraisal days excluded)").alias("note"),
        )
    )
    victims = o.filter("has_victim").select("cid", "matter", "ap_e", "result", "plant")
    victims = victims.with_columns(pid=ctx.new_persons(victims.height, "adult"))
    ctx.add_matters(
        o.join(
            q.filter(pl.col("k") == 0).select("cid", pl.col("pid").alias("title_a")),
            on="cid",
            how="left",
            maintain_order="left",
        ).select(
            "matter",
            pl.lit("public_order").alias("kind"),
            pl.col("filed").alias("opened"),
            "title_a",
            pl.col("cause_name").alias("title_text"),
            pl.lit("crim").alias("title_tpl"),
        )
    )
    oc = pl.col("outcome_p")
    ctx.add_events(
        ev(o, "filed", f * DAY + ctx.biz(o)),
        ev(
            q,
            "questioning_start",
            pl.col("q_start"),
            person=pl.col("pid"),
            reason=pl.when("dp").then(pl.lit("detention_possible")),
            gt=pl.when(long_q).then(pl.lit("PO-03")),
        ),
        ev(q, "questioning_end", pl.col("q_end"), person=pl.col("pid")),
        ev(o, "appraisal_start", pl.col("ap_s") * DAY + ctx.biz(o)),
        ev(o, "appraisal_end", pl.col("ap_e") * DAY + 9 * HOUR),
        ev(
            victims,
            "injury_appraisal",
            pl.col("ap_e") * DAY + 10 * HOUR + ctx.ri(victims, 0, 6 * HOUR),
            person=pl.col("pid"),
            result=pl.col("result"),
            gt=pl.when(is_plant("PO-01")).then(pl.lit("PO-01")),
        ),
        ev(
            o,
            "public_order_extended",
            pl.col("ext_ts"),
            approver=pl.lit("upper_police"),
            approved_ts=pl.col("ext_ts"),
        ),
        ev(
            o,
            "penalty_decided",
            pl.when(oc.is_in(["penalty", "no_penalty"])).then(
                pl.col("close") * DAY + ctx.ri(o, 9 * HOUR, 16 * HOUR)
            ),
            result=oc,
        ),
        ev(o, "closed", pl.when(oc != "other").then(pl.col("close") * DAY + 17 * HOUR)),
    )
    ctx.add_parties(
        q.select("cid", "pid", pl.lit("offender").alias("role")),
        victims.select("cid", "pid", pl.lit("victim").alias("role")),
    )

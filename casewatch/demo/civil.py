"""Civil first-instance cases (民初) and appeals to the intermediate court (民终).

The civil docket is the bulk of the demo city. Repeat institutional plaintiffs (banks, card centres,
leasing and small-loan companies, property managers) sue many people, as they do in real dockets;
the false-litigation module must tell them apart from the planted rings (``falselit.py``).

Time limits (民诉法 第152/164/165条): ordinary 6 months, simplified 3, small claims 2, from filing.
Compliant cases close at least 5 days before the limit, counting only the smallest reading of any
excluded period (public notice and appraisal, ordinary procedure only) and of an extension, which
is approved 20-35 days before the limit it extends. Hearing adjournments stay within the allowed
count (2 ordinary, 1 simplified/small claims).
"""

from __future__ import annotations

import polars as pl

from casewatch.analytics import ningbo
from casewatch.demo import falselit
from casewatch.demo import reference as ref
from casewatch.demo.context import DAY, HOUR, Ctx, add_months, choose_plants, ev, is_plant, span

INSTITUTIONS = ("bank", "card", "leasing", "property", "smallloan")
LOANS = ("民间借贷纠纷", "金融借款合同纠纷", "小额借款合同纠纷")
LABOUR = ("劳动争议", "追索劳动报酬纠纷")
COMPANY_DEFENDANT = ("买卖合同纠纷", "服务合同纠纷", "建设工程施工合同纠纷")

NOTES = {
    "CV-01": "filed 15-30 days after the complaint was received",
    "CV-02": "closed 15-90 days past the trial limit, no extension",
    "CV-04": "hearing adjourned more often than allowed",
    "CV-06": "complaint served 15-25 days after filing",
    "DE-04": "closed without an outcome",
    "DE-05": "pending, but a judgment is recorded",
}


def generate(ctx: Ctx, n: int) -> pl.DataFrame:
    """Generate ``n`` civil first-instance cases; returns them for appeals and enforcement."""
    rng = ctx.rng
    c = pl.DataFrame({"matter": ctx.new_matters(n), "cid": ctx.new_cids(n)})
    dw = [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES]
    causes = ref.CIVIL_CAUSES
    c = c.with_columns(
        district=pl.Series(ref.DISTRICT_CODES).gather(rng.choice(n, dw)),
        cause=rng.choice(n, [x[2] for x in causes]),
        filed=rng.integers(n, ctx.start, ctx.as_of),
    )
    c = _set_cause(c)
    c = _parties(ctx, c)
    f = pl.col("filed")
    claim = pl.col("claim_cents")
    u = ctx.u(c)
    c = c.with_columns(
        procedure=pl.when((pl.col("cause_name") != "离婚纠纷") & (claim <= 4_000_000) & (pl.lit(u) < 0.55))
        .then(pl.lit("small_claims"))
        .when(((claim >= 50_000_000) & (pl.lit(ctx.u(c)) < 0.7)) | (pl.lit(ctx.u(c)) < 0.12))
        .then(pl.lit("ordinary"))
        .otherwise(pl.lit("simplified")),
        received=ctx.not_before_start(f - ctx.ri(c, 0, 2)),
        served=f + ctx.ri(c, 0, 3),
    )
    proc = pl.col("procedure")
    ordinary = proc == "ordinary"
    months = pl.when(ordinary).then(6).when(proc == "simplified").then(3).otherwise(2)
    u1, u2 = ctx.u(c), ctx.u(c)
    c = c.with_columns(
        base=add_months(f, months),
        excl=pl.when(ordinary & (pl.lit(u1) < 0.08))
        .then(pl.lit("notice"))
        .when(ordinary & (pl.lit(u1) < 0.14))
        .then(pl.lit("appraisal")),
    )
    c = c.with_columns(
        ext=pl.col("excl").is_null()
        & (pl.lit(u2) < pl.when(ordinary).then(0.05).when(proc == "simplified").then(0.03).otherwise(0.02)),
        outcome_p=pl.when((pl.col("excl") == "notice") & (pl.lit(ctx.u(c)) < 0.8))
        .then(pl.lit("default_judgment"))
        .otherwise(
            pl.Series(["mediation", "withdrawal", "judgment", "default_judgment"]).gather(
                rng.choice(n, [34, 26, 31, 9])
            )
        ),
    )
    # Provisional close of the compliant timeline (needed to find plant candidates).
    c = _close(ctx, c.with_columns(plant=pl.lit(None, dtype=pl.Utf8)), draw=True)
    old150, old300 = f <= ctx.as_of - 150, f <= ctx.as_of - 300
    plain = pl.col("excl").is_null() & ~pl.col("ext")
    heard = pl.col("outcome_p").is_in(["judgment", "mediation", "default_judgment"])
    simple = proc.is_in(["simplified", "small_claims"])
    done = pl.col("close") <= ctx.as_of
    every = pl.lit(True)
    c = choose_plants(
        ctx,
        c,
        [
            ("CV-01", every, old150 & (f >= ctx.start + 31)),
            ("CV-02", every, old300 & plain),
            ("CV-03", every, old300 & pl.col("excl").is_null()),
            ("CV-04", every, old150 & heard & (pl.col("close") - pl.col("served") >= 20)),
            ("CV-05", simple, old150 & simple & plain),
            ("CV-06", every, old150),
            ("DE-04", done, old150 & done),
            ("DE-05", ~done, ~done & (ctx.as_of - pl.col("served") >= 2)),
        ],
    )
    c = c.with_columns(
        received=pl.when(is_plant("CV-01")).then(f - ctx.ri(c, 15, 30)).otherwise("received"),
        served=pl.when(is_plant("CV-06")).then(f + ctx.ri(c, 15, 25)).otherwise("served"),
        excl=pl.when(is_plant("CV-05")).then(pl.lit("notice")).otherwise("excl"),
        ext=pl.col("ext") | is_plant("CV-03"),
        outcome_p=pl.when(is_plant("CV-05")).then(pl.lit("default_judgment")).otherwise("outcome_p"),
    )
    c = falselit.plant_rings(ctx, c)
    c = _close(ctx, c, draw=False)
    done = pl.col("close") <= ctx.as_of
    c = c.with_columns(
        status=pl.when(done).then(pl.lit("closed")).otherwise(pl.lit("pending")),
        closed=pl.when(done).then("close"),
        outcome=pl.when(done & ~is_plant("DE-04")).then("outcome_p"),
        appealed=pl.col("outcome_p").is_in(["judgment", "default_judgment"])
        & (pl.lit(ctx.u(c)) < pl.when(pl.col("outcome_p") == "judgment").then(0.18).otherwise(0.04))
        & ~is_plant("DE-04"),
    )
    c = c.with_columns(appeal_day=pl.when("appealed").then(pl.col("close") + ctx.ri(c, 5, 14)))
    ctx.add_cases(c.with_columns(type=pl.lit("civil"), numtype=pl.lit("民初"), instance=pl.lit(1)))
    ctx.add_matters(
        c.select(
            "matter",
            pl.lit("civil").alias("kind"),
            pl.col("received").alias("opened"),
            pl.col("plaintiff").alias("title_a"),
            pl.col("defendant").alias("title_b"),
            pl.col("cause_name").alias("title_text"),
            pl.lit("civil").alias("title_tpl"),
        )
    )
    for kind, note in NOTES.items():
        ctx.add_gt(
            c.filter(is_plant(kind)).select(
                "cid", pl.lit(kind).alias("kind"), pl.lit("case").alias("subject"), pl.lit(note).alias("note")
            )
        )
    _events(ctx, c)
    _case_parties(ctx, c)
    return c


def _set_cause(c: pl.DataFrame) -> pl.DataFrame:
    causes = ref.CIVIL_CAUSES
    pick = lambda i: pl.lit(pl.Series([x[i] for x in causes])).gather(pl.col("cause"))  # noqa: E731
    return c.with_columns(
        cause_code=pick(0),
        cause_name=pick(1),
        flavour=pick(3),
        median=pick(4),
        unit=pl.concat_str("district", pl.lit("-CRT-"), pick(5)),
    )


def _parties(ctx: Ctx, c: pl.DataFrame) -> pl.DataFrame:
    """Plaintiffs, defendants, guarantors, agents and the claim amount."""
    rng = ctx.rng
    fl = pl.col("flavour")
    cn = pl.col("cause_name")
    inst = fl.is_in(list(INSTITUTIONS))
    person_p = (fl == "person") & (pl.lit(ctx.u(c)) < 0.9)
    c = c.with_columns(
        _pp=ctx.fresh(c, person_p),
        _po=ctx.fresh(c, ~inst & ~person_p, flavour="company"),
    )
    inst_pick = None
    for flavour in INSTITUTIONS:
        draw = ctx.from_pool(flavour, c.height, 2.0)
        inst_pick = (
            pl.when(fl == flavour).then(draw)
            if inst_pick is None
            else inst_pick.when(fl == flavour).then(draw)
        )
    c = c.with_columns(plaintiff=pl.coalesce("_pp", "_po", inst_pick.otherwise(None))).drop("_pp", "_po")
    org_def = (cn.is_in(list(LABOUR)) & (pl.lit(ctx.u(c)) < 0.9)) | (
        cn.is_in(list(COMPANY_DEFENDANT)) & (pl.lit(ctx.u(c)) < 0.5)
    )
    c = c.with_columns(
        _do=ctx.fresh(c, org_def, flavour="company"),
        _dp=ctx.fresh(c, ~org_def),
        defendant2=ctx.fresh(c, cn.is_in(list(LOANS)) & (pl.lit(ctx.u(c)) < 0.15)),
        third=ctx.fresh(c, pl.lit(ctx.u(c)) < 0.04),
        p_agent=pl.when(pl.lit(ctx.u(c)) < pl.when(inst).then(0.95).otherwise(0.55)).then(
            ctx.from_pool("lawyer", c.height, 1.5)
        ),
        d_agent=pl.when(pl.lit(ctx.u(c)) < 0.3).then(ctx.from_pool("lawyer", c.height, 1.5)),
    )
    c = c.with_columns(defendant=pl.coalesce("_do", "_dp")).drop("_do", "_dp")
    amount = pl.col("median") * rng.lognormal(c.height, 1.0, 0.9)
    cents = pl.when(inst).then(ctx.ri(c, 0, 99)).otherwise(0)
    return c.with_columns(
        claim_cents=pl.when(pl.col("median") > 0).then(
            (amount / 100).round(0).cast(pl.Int64) * 10_000 + cents
        )
    )


def _close(ctx: Ctx, c: pl.DataFrame, draw: bool) -> pl.DataFrame:
    """Excluded periods, extensions and the closing day of every case (plants included).

    Called twice: once with ``draw`` to lay out the compliant timeline that plant selection looks
    at, and again after plants and false-litigation rings have changed what they change.
    """
    f = pl.col("filed")
    notice, appraisal = pl.col("excl") == "notice", pl.col("excl") == "appraisal"
    ext_months = pl.when(pl.col("procedure") == "ordinary").then(6).otherwise(1)
    if draw:
        c = c.with_columns(
            x_s=pl.when(notice).then(f + ctx.ri(c, 5, 20)).when(appraisal).then(f + ctx.ri(c, 20, 60)),
            x_len=pl.when(notice).then(30).when(appraisal).then(ctx.ri(c, 30, 90)),
            ext_lead=ctx.ri(c, 20, 35),
            _u=ctx.u(c),
        )
    else:  # CV-05 plants get a public notice now
        c = c.with_columns(
            x_s=pl.when(is_plant("CV-05")).then(f + ctx.ri(c, 5, 20)).otherwise("x_s"),
            x_len=pl.when(is_plant("CV-05")).then(30).otherwise("x_len"),
        )
    c = c.with_columns(x_e=pl.col("x_s") + pl.col("x_len"))
    c = c.with_columns(
        ext_day=pl.when(is_plant("CV-03"))
        .then(pl.col("base") + ctx.ri(c, -1, 3))
        .when("ext")
        .then(pl.col("base") - pl.col("ext_lead")),
    )
    c = c.with_columns(new_due=pl.when("ext").then(add_months(pl.col("base"), ext_months)))
    excl_min = (pl.col("x_e") - pl.col("x_s") - 1).fill_null(0)
    has_x = pl.col("x_s").is_not_null()
    quick = pl.col("fl_quick").fill_null(0) if "fl_quick" in c.columns else pl.lit(0)
    close = (
        pl.when(quick > 0)
        .then(pl.max_horizontal(f + quick, pl.col("served") + 1))
        .when(is_plant("CV-02"))
        .then(pl.col("base") + ctx.ri(c, 15, 90))
        .when(is_plant("CV-03"))
        .then(
            span(
                pl.col("ext_day") + 5,
                pl.min_horizontal(pl.col("new_due") - 5, pl.col("ext_day") + 60),
                pl.col("_u"),
            )
        )
        .when("ext")
        .then(
            span(
                pl.max_horizontal(pl.col("base") - 2, pl.col("ext_day") + 1),
                pl.col("new_due") - 5,
                pl.col("_u"),
                1.5,
            )
        )
        .when(has_x)
        .then(span(pl.col("x_e") + 3, pl.col("base") + excl_min - 5, pl.col("_u"), 1.5))
        .otherwise(
            span(pl.max_horizontal(f + 5, pl.col("served") + 1), pl.col("base") - 5, pl.col("_u"), 1.6)
        )
    )
    return c.with_columns(close=close)


def _events(ctx: Ctx, c: pl.DataFrame) -> None:
    rng = ctx.rng
    f = pl.col("filed")
    proc = pl.col("procedure")
    oc = pl.col("outcome_p")
    heard = oc.is_in(["judgment", "mediation", "default_judgment"])
    hw_lo = pl.max_horizontal(pl.col("served") + 1, (pl.col("x_e") + 1).fill_null(0))
    c = c.with_columns(hw_lo=pl.min_horizontal(hw_lo, pl.col("close")))
    n_adj_plain = (
        pl.when(proc == "ordinary")
        .then(pl.Series([0, 1, 2]).gather(rng.choice(c.height, [85, 11, 4])))
        .otherwise(pl.Series([0, 1]).gather(rng.choice(c.height, [94, 6])))
    )
    c = c.with_columns(
        n_hear=pl.when(heard)
        .then(1 + (pl.lit(ctx.u(c)) < 0.2).cast(pl.Int64))
        .otherwise((pl.lit(ctx.u(c)) < 0.3).cast(pl.Int64)),
        n_adj=pl.when(is_plant("CV-04") & (proc == "ordinary"))
        .then(ctx.ri(c, 3, 4))
        .when(is_plant("CV-04"))
        .then(ctx.ri(c, 2, 3))
        .otherwise(n_adj_plain),
        h1=span(pl.col("hw_lo"), pl.col("close"), ctx.u(c), 1.0),
    )
    c = c.with_columns(h2=span(pl.col("h1"), pl.col("close"), ctx.u(c)))
    closing = pl.col("close") * DAY + ctx.ri(c, 14 * HOUR, 17 * HOUR)
    morning = ctx.ri(c, 9 * HOUR, 11 * HOUR + 1_800)
    notice = pl.col("excl") == "notice"
    adj = (
        c.filter(pl.col("n_adj") > 0)
        .select("cid", "hw_lo", "h1", pl.int_ranges(0, "n_adj").alias("k"))
        .explode("k")
    )
    adj = adj.with_columns(day=span(pl.col("hw_lo"), pl.col("h1"), ctx.u(adj)))
    de05_day = span(
        pl.max_horizontal(pl.col("served") + 1, pl.lit(ctx.as_of - 3)), pl.lit(ctx.as_of), ctx.u(c)
    )
    ctx.add_events(
        ev(c, "filed", f * DAY + ctx.biz(c)),
        ev(c, "complaint_served", pl.col("served") * DAY + ctx.biz(c)),
        ev(
            c,
            "public_notice_start",
            pl.when(notice).then(pl.col("x_s") * DAY + 10 * HOUR),
            gt=pl.when(is_plant("CV-05")).then(pl.lit("CV-05")),
        ),
        ev(c, "public_notice_end", pl.when(notice).then(pl.col("x_e") * DAY + 10 * HOUR)),
        ev(
            c,
            "appraisal_start",
            pl.when(pl.col("excl") == "appraisal").then(pl.col("x_s") * DAY + ctx.biz(c)),
        ),
        ev(c, "appraisal_end", pl.when(pl.col("excl") == "appraisal").then(pl.col("x_e") * DAY + ctx.biz(c))),
        ev(
            c,
            "trial_limit_extended",
            pl.col("ext_day") * DAY + 10 * HOUR,
            approver=pl.lit("president"),
            approved_ts=pl.col("ext_day") * DAY + 10 * HOUR,
            new_due=pl.col("new_due"),
            gt=pl.when(is_plant("CV-03")).then(pl.lit("CV-03")),
        ),
        ev(adj, "hearing_adjourned", pl.col("day") * DAY + ctx.ri(adj, 8 * HOUR, 9 * HOUR)),
        ev(c, "hearing", pl.when(pl.col("n_hear") >= 1).then(pl.col("h1") * DAY + morning)),
        ev(c, "hearing", pl.when(pl.col("n_hear") >= 2).then(pl.col("h2") * DAY + morning + 3 * HOUR)),
        ev(c, "judgment_pronounced", pl.when(oc.is_in(["judgment", "default_judgment"])).then(closing)),
        ev(c, "mediation_concluded", pl.when(oc == "mediation").then(closing)),
        ev(c, "withdrawn", pl.when(oc == "withdrawal").then(closing)),
        ev(c, "closed", pl.col("close") * DAY + 17 * HOUR + 1_800),
        ev(c, "judgment_pronounced", pl.when(is_plant("DE-05")).then(de05_day * DAY + 15 * HOUR)),
        ev(c, "appealed", pl.col("appeal_day") * DAY + ctx.biz(c)),
    )


def _case_parties(ctx: Ctx, c: pl.DataFrame) -> None:
    ctx.add_parties(
        c.select("cid", pl.col("plaintiff").alias("pid"), pl.lit("plaintiff").alias("role")),
        c.select("cid", pl.col("defendant").alias("pid"), pl.lit("defendant").alias("role")),
        c.select("cid", pl.col("defendant2").alias("pid"), pl.lit("defendant").alias("role")),
        c.select("cid", pl.col("third").alias("pid"), pl.lit("third_party").alias("role")),
        c.select(
            "cid",
            pl.col("p_agent").alias("pid"),
            pl.lit("agent").alias("role"),
            pl.col("plaintiff").alias("represents"),
        ),
        c.select(
            "cid",
            pl.col("d_agent").alias("pid"),
            pl.lit("agent").alias("role"),
            pl.col("defendant").alias("represents"),
        ),
    )


def appeals(ctx: Ctx, c: pl.DataFrame, limit: int) -> None:
    """Second-instance cases at the intermediate court for appealed first-instance judgments.

    At most ``limit`` appeals are registered (a tiny city has no room for more); the rest of the
    appealed judgments simply have their ``appealed`` event.
    """
    a = c.filter(pl.col("appeal_day").is_not_null() & (pl.col("appeal_day") <= ctx.as_of))
    if a.height == 0:
        return
    rng = ctx.rng
    a = a.with_columns(sent_day=pl.col("appeal_day") + ctx.ri(a, 1, 5))
    a = a.with_columns(
        t_ts=pl.col("sent_day") * DAY + ctx.biz(a),
        filed2=pl.col("sent_day") + ctx.ri(a, 5, 25),
        to_unit=pl.concat_str(pl.lit(ningbo.CITY_CODE + "-CRT-"), pl.col("unit").str.split("-").list.last()),
    )
    a = a.filter(pl.col("sent_day") <= ctx.as_of)
    a = a.with_columns(recv_ts=pl.col("t_ts") + ctx.ri(a, HOUR, 30 * HOUR))
    a = a.with_columns(recv_ts=pl.when(pl.col("recv_ts") <= ctx.as_of_end).then("recv_ts"))
    a = a.with_columns(_got=pl.col("filed2") <= ctx.as_of)
    a = a.with_columns(_got=pl.col("_got") & (pl.col("_got").cast(pl.Int64).cum_sum() <= limit))
    got = pl.col("_got")
    n_got = int(a.select(got.sum()).item())
    a = a.with_columns(
        new_cid=pl.when(got).then(
            pl.lit(ctx.new_cids(n_got)).gather((got.cast(pl.Int64).cum_sum() - 1).clip(lower_bound=0))
        )
    )
    ctx.add_transfers(
        a.select(
            "matter",
            pl.col("cid").alias("from_cid"),
            "to_unit",
            pl.col("new_cid").alias("to_cid"),
            pl.col("t_ts").alias("sent_ts"),
            "recv_ts",
        )
    )
    s = (
        a.filter(got)
        .with_columns(
            cid=pl.col("new_cid"),
            unit=pl.col("to_unit"),
            filed=pl.col("filed2"),
        )
        .drop("status", "closed", "outcome", "close", "outcome_p", "plant")
    )
    s = s.with_columns(
        close=pl.col("filed") + ctx.ri(s, 20, 85),
        outcome_p=pl.Series(["judgment", "reversed", "remanded", "mediation", "withdrawal"]).gather(
            rng.choice(s.height, [51, 9, 7, 13, 20])
        ),
    )
    done = pl.col("close") <= ctx.as_of
    oc = pl.col("outcome_p")
    s = s.with_columns(
        status=pl.when(done).then(pl.lit("closed")).otherwise(pl.lit("pending")),
        closed=pl.when(done).then("close"),
        outcome=pl.when(done).then(
            pl.when(oc == "reversed")
            .then(pl.lit("judgment"))
            .when(oc == "remanded")
            .then(pl.lit("ruling"))
            .otherwise(oc)
        ),
    )
    ctx.add_cases(
        s.with_columns(
            type=pl.lit("civil"),
            numtype=pl.lit("民终"),
            instance=pl.lit(2),
            procedure=pl.lit("second_instance"),
            received=(pl.col("recv_ts") // DAY).fill_null(pl.col("filed")),
        )
    )
    closing = pl.col("close") * DAY + ctx.ri(s, 14 * HOUR, 17 * HOUR)
    f = pl.col("filed")
    ctx.add_events(
        ev(s, "filed", f * DAY + ctx.biz(s)),
        ev(
            s,
            "hearing",
            pl.when(oc != "withdrawal").then(
                span(f + 1, pl.col("close"), ctx.u(s)) * DAY + ctx.ri(s, 9 * HOUR, 11 * HOUR)
            ),
        ),
        ev(s, "judgment_pronounced", pl.when(oc.is_in(["judgment", "reversed"])).then(closing)),
        ev(s, "reversed", pl.when(oc == "reversed").then(closing + 60)),
        ev(s, "ruling", pl.when(oc == "remanded").then(closing)),
        ev(s, "remanded", pl.when(oc == "remanded").then(closing + 60)),
        ev(s, "mediation_concluded", pl.when(oc == "mediation").then(closing)),
        ev(s, "withdrawn", pl.when(oc == "withdrawal").then(closing)),
        ev(s, "closed", pl.col("close") * DAY + 17 * HOUR + 1_800),
    )
    _case_parties(ctx, s)

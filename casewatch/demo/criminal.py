"""Criminal matters followed across agencies (单轨制协同办案).

One criminal matter becomes a police criminal case (刑事立案), and — once the police transfer it —
a prosecution review case (审查起诉) and, when indicted, a first-instance criminal trial (刑初). The
three cases share the matter id and the suspects' party ids, and each hand-over is a ``transfers``
row. Seized property (涉案财物) hangs off the police case.

Compliant timelines keep a clear margin to every limit in the rule catalogue: arrest requests
within 60 hours of detention (5½ days for ``special`` requests, 24 days for ``major_roving``),
decisions within 5 days, investigation custody ending at least 5 days before its due date,
prosecution review decided 5+ days inside its month, and so on. Planted cases break exactly one
rule by a wide margin (see ``docs/demo-city.md``); a late custody extension (CR-05) necessarily also
leaves the person in custody past the due date, so it is recorded as CR-05 and CR-03 together.
"""

from __future__ import annotations

import polars as pl

from casewatch.analytics import ningbo
from casewatch.demo import reference as ref
from casewatch.demo.context import DAY, HOUR, Ctx, add_months, choose_plants, ev, is_plant, span

CITY = ningbo.CITY_CODE
OLD_ENOUGH = 200  # days before as_of: a planted timeline started then has finished by as_of


def _districts(ctx: Ctx, n: int, city_share: float) -> pl.Series:
    codes = ref.DISTRICT_CODES + [CITY]
    w = [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES]
    w.append(sum(w) * city_share / (1 - city_share))
    return pl.Series(codes).gather(ctx.rng.choice(n, w))


def _sub_unit(
    ctx: Ctx, df: pl.DataFrame, agency: str, choices: list[str], weights: list[float], city: str
) -> pl.Expr:
    """Unit code: ``<district>-<agency>-<suffix>``; the municipal level always uses ``city``."""
    suffix = pl.Series(choices).gather(ctx.rng.choice(df.height, weights))
    return pl.concat_str(
        "district",
        pl.lit(f"-{agency}-"),
        pl.when(pl.col("district") == CITY).then(pl.lit(city)).otherwise(suffix),
    )


def _persons_gt(ctx: Ctx, df: pl.DataFrame, kind: str, note: str) -> None:
    ctx.add_gt(df.select("cid", pl.lit(kind).alias("kind"), "pid", pl.lit(note).alias("note")))


def generate(ctx: Ctx, n_matters: int) -> None:
    """Generate ``n_matters`` criminal matters and every case, event and transfer they lead to."""
    if n_matters == 0:
        return
    rng = ctx.rng
    # ---------------------------------------------------------------- police criminal cases
    p = pl.DataFrame({"matter": ctx.new_matters(n_matters)})
    p = p.with_columns(
        district=_districts(ctx, p.height, 0.04),
        charge=rng.choice(p.height, [c[2] for c in ref.CHARGES]),
        filed=rng.integers(p.height, ctx.start, ctx.as_of),
        nsus=pl.Series([1, 2, 3]).gather(rng.choice(p.height, [70, 20, 10])),
        nitems=pl.Series([0, 1, 2, 3]).gather(rng.choice(p.height, [45, 30, 15, 10])),
    )
    p = p.with_columns(
        cid=ctx.new_cids(p.height),
        unit=_sub_unit(ctx, p, "PSB", ["XJ", "PS1", "PS2", "PS3"], [35, 25, 20, 20], "XJ"),
    )
    victim_charge = pl.lit(pl.Series([c[3] for c in ref.CHARGES])).gather(pl.col("charge"))
    p = p.with_columns(
        filed_ts=pl.col("filed") * DAY + ctx.biz(p),
        received=ctx.not_before_start(pl.col("filed") - ctx.ri(p, 0, 3)),
        has_victim=victim_charge & (pl.lit(ctx.u(p)) < 0.8),
        # property items only where the whole seize-and-release window fits before as_of
        nitems=pl.when(pl.col("filed") <= ctx.as_of - 5).then("nitems").otherwise(0),
    )
    s = (
        p.select("cid", "matter", "filed", "filed_ts", "nsus")
        .with_columns(k=pl.int_ranges(0, "nsus"))
        .explode("k")
    )
    s = s.with_columns(
        pid=ctx.new_persons(s.height, "suspect"),
        ckind=pl.Series(list("ABCD")).gather(rng.choice(s.height, [55, 12, 15, 18])),
    )
    agg = s.group_by("cid", maintain_order=True).agg(
        n_a=(pl.col("ckind") == "A").sum(),
        n_ab=pl.col("ckind").is_in(["A", "B"]).sum(),
        n_det=pl.col("ckind").is_in(["A", "B", "C"]).sum(),
    )
    p = p.join(agg, on="cid", how="left", maintain_order="left")
    old = pl.col("filed") <= ctx.as_of - OLD_ENOUGH
    has_items = pl.col("nitems") > 0
    p = choose_plants(
        ctx,
        p,
        [
            ("CR-01", pl.col("n_ab") > 0, old & (pl.col("n_ab") > 0)),
            ("CR-02", pl.col("n_ab") > 0, old & (pl.col("n_ab") > 0)),
            ("CR-03", pl.col("n_a") > 0, old & (pl.col("n_a") == 1)),
            ("CR-04", pl.col("n_det") > 0, old & (pl.col("n_det") > 0)),
            ("CR-05", pl.col("n_a") > 0, old & (pl.col("n_a") == 1)),
            ("PP-01", has_items, old & has_items),
            ("PP-02", has_items, old & has_items),
            ("PP-03", has_items, old & has_items),
            ("PP-04", has_items, old & has_items & (pl.col("filed") >= ctx.start + 21)),
        ],
    )
    p = p.with_columns(
        revoked=(pl.lit(ctx.u(p)) < 0.06) & pl.col("plant").is_null(),
        ext_case=(pl.col("n_a") == 1) & (pl.lit(ctx.u(p)) < 0.10) & pl.col("plant").is_null(),
    )
    # ---------------------------------------------------------------- suspects' custody timelines
    s = s.join(p.select("cid", "plant", "ext_case", "revoked"), on="cid", how="left", maintain_order="left")
    ck = pl.col("ckind")
    det, ab, a = ck.is_in(["A", "B", "C"]), ck.is_in(["A", "B"]), ck == "A"
    elig = (
        pl.when(is_plant("CR-01", "CR-02"))
        .then(ab)
        .when(is_plant("CR-03", "CR-05"))
        .then(a)
        .when(is_plant("CR-04"))
        .then(det)
        .otherwise(False)
    )
    s = s.with_columns(elig=elig).with_columns(
        tgt=pl.col("elig") & (pl.col("elig").cast(pl.Int64).cum_sum().over("cid") == 1)
    )
    tgt = pl.col("tgt")
    # detained after the filing decision (10 minutes to 2.5 days later), at any hour
    s = s.with_columns(d_ts=pl.when(det).then(pl.col("filed_ts") + ctx.ri(s, 600, 60 * HOUR)))
    late_family = tgt & is_plant("CR-04")
    s = s.with_columns(
        family_ts=pl.when(late_family & (pl.lit(ctx.u(s)) < 0.3))
        .then(None)
        .when(late_family)
        .then(pl.col("d_ts") + ctx.ri(s, 34 * HOUR, 80 * HOUR))
        # (a detention in the last hours before as_of is notified by the end of the as-of day)
        .when(pl.col("d_ts") <= ctx.as_of_end)
        .then(pl.min_horizontal(pl.col("d_ts") + ctx.ri(s, 2 * HOUR, 20 * HOUR), pl.lit(ctx.as_of_end)))
        .otherwise(pl.col("d_ts") + HOUR),
        reason=pl.when(ab).then(
            pl.Series(["normal", "special", "major_roving"]).gather(rng.choice(s.height, [90, 7, 3]))
        ),
    )
    late_req = tgt & is_plant("CR-01")
    s = s.with_columns(
        reason=pl.when(late_req)
        .then(pl.when(pl.lit(ctx.u(s)) < 0.25).then(pl.lit("special")).otherwise(pl.lit("normal")))
        .otherwise("reason")
    )
    r = pl.col("reason")
    req_off = (
        pl.when(late_req & (r == "special"))
        .then(ctx.ri(s, 13 * DAY, 16 * DAY))
        .when(late_req)
        .then(ctx.ri(s, 8 * DAY, 12 * DAY))
        .when(r == "special")
        .then(ctx.ri(s, 80 * HOUR, 130 * HOUR))
        .when(r == "major_roving")
        .then(ctx.ri(s, 8 * DAY, 24 * DAY))
        .otherwise(ctx.ri(s, 12 * HOUR, 60 * HOUR))
    )
    s = s.with_columns(q_ts=pl.when(ab).then(pl.col("d_ts") + req_off))
    late_dec = tgt & is_plant("CR-02")
    s = s.with_columns(
        ap_ts=pl.col("q_ts")
        + pl.when(late_dec).then(ctx.ri(s, 12 * DAY, 20 * DAY)).otherwise(ctx.ri(s, DAY, 5 * DAY))
    )
    s = s.with_columns(
        b_out_ts=pl.when(ck == "B").then(pl.col("ap_ts") + ctx.ri(s, HOUR, 10 * HOUR)),
        b_out_bail=pl.lit(ctx.u(s)) < 0.5,
        bail_ts=pl.when(ck == "C")
        .then(pl.col("d_ts") + ctx.ri(s, DAY, 3 * DAY))
        .when(ck == "D")
        .then((pl.col("filed") + ctx.ri(s, 0, 5)) * DAY + ctx.biz(s)),
        a_day=pl.when(a).then(pl.col("ap_ts") // DAY),
    )
    s = s.with_columns(due=add_months(pl.col("a_day"), 2))
    late_ext = tgt & is_plant("CR-05")
    s = s.with_columns(
        ext_day=pl.when(late_ext)
        .then(pl.col("due") + ctx.ri(s, 6, 12))
        .when(pl.col("ext_case") & a)
        .then(pl.col("due") - ctx.ri(s, 8, 20)),
    )
    s = s.with_columns(
        new_due=pl.when(pl.col("ext_day").is_not_null()).then(add_months(pl.col("due"), 1)),
    )
    s = s.with_columns(limit=pl.when(pl.col("ext_case") & a).then("new_due").otherwise("due"))
    case_t = s.group_by("cid", maintain_order=True).agg(
        min_limit=pl.col("limit").min(),
        min_due=pl.col("due").min(),
        max_dec=(pl.col("ap_ts") // DAY).max(),
        p_ext_day=pl.col("ext_day").filter(late_ext).first(),
        p_new_due=pl.col("new_due").filter(late_ext).first(),
    )
    p = p.join(case_t, on="cid", how="left", maintain_order="left")
    t_lo = pl.max_horizontal(pl.col("filed") + 15, pl.col("max_dec") + 7)
    t_lo = pl.when(pl.col("ext_case")).then(pl.max_horizontal(t_lo, pl.col("min_due") + 1)).otherwise(t_lo)
    t_hi = pl.when(pl.col("n_a") > 0).then(pl.col("min_limit") - 5).otherwise(pl.col("filed") + 200)
    t_day = (
        pl.when(is_plant("CR-03"))
        .then(pl.col("min_due") + ctx.ri(p, 10, 40))
        .when(is_plant("CR-05"))
        .then(pl.min_horizontal(pl.col("p_ext_day") + ctx.ri(p, 5, 20), pl.col("p_new_due") - 5))
        .otherwise(span(t_lo, t_hi, ctx.u(p), 1.3))
    )
    p = p.with_columns(t_ts=t_day * DAY + ctx.biz(p))
    done = pl.col("t_ts") // DAY <= ctx.as_of
    p = p.with_columns(
        status=pl.when(~done)
        .then(pl.lit("pending"))
        .when(pl.col("revoked"))
        .then(pl.lit("revoked"))
        .otherwise(pl.lit("transferred")),
        closed=pl.when(done).then(pl.col("t_ts") // DAY),
        outcome=pl.when(~done)
        .then(None)
        .when(pl.col("revoked"))
        .then(pl.lit("revoked"))
        .otherwise(pl.lit("transferred_for_prosecution")),
        cause_code=pl.lit(pl.Series([c[0] for c in ref.CHARGES])).gather(pl.col("charge")),
        cause_name=pl.lit(pl.Series([c[1] for c in ref.CHARGES])).gather(pl.col("charge")),
    )
    victims = p.filter("has_victim").select("cid", "matter")
    victims = victims.with_columns(pid=ctx.new_persons(victims.height, "adult"))
    ctx.add_cases(
        p.with_columns(type=pl.lit("police_criminal"), numtype=pl.lit("刑立"), procedure=pl.lit(None))
    )
    ctx.add_matters(
        p.join(
            s.filter(pl.col("k") == 0).select("cid", pl.col("pid").alias("title_a")),
            on="cid",
            how="left",
            maintain_order="left",
        ).select(
            "matter",
            pl.lit("criminal").alias("kind"),
            pl.col("received").alias("opened"),
            "title_a",
            pl.col("cause_name").str.strip_suffix("罪").alias("title_text"),
            pl.lit("crim").alias("title_tpl"),
        )
    )
    s = s.join(p.select("cid", "t_ts", "status"), on="cid", how="left", maintain_order="left")
    person = {"person": pl.col("pid")}
    transferred = pl.col("status") == "transferred"
    ctx.add_events(
        ev(p, "received", pl.col("received") * DAY + ctx.biz(p)),
        ev(p, "filed", pl.col("filed_ts")),
        ev(s, "detained", pl.col("d_ts"), **person),
        ev(s, "family_notified", pl.col("family_ts"), **person),
        ev(s, "arrest_requested", pl.col("q_ts"), **person, reason=pl.when(r != "normal").then(r)),
        ev(s, "arrest_approved", pl.when(a).then(pl.col("ap_ts")), **person),
        ev(s, "arrest_denied", pl.when(ck == "B").then(pl.col("ap_ts")), **person),
        ev(
            s,
            "custody_extended",
            pl.col("ext_day") * DAY + 10 * HOUR,
            **person,
            approver=pl.lit("upper_procuratorate"),
            approved_ts=pl.col("ext_day") * DAY + 10 * HOUR,
            new_due=pl.col("new_due"),
            gt=pl.when(late_ext).then(pl.lit("CR-05")),
        ),
        ev(s, "released", pl.when(~pl.col("b_out_bail")).then(pl.col("b_out_ts")), **person),
        ev(
            s,
            "bail",
            pl.coalesce(pl.when(pl.col("b_out_bail")).then(pl.col("b_out_ts")), pl.col("bail_ts")),
            **person,
        ),
        ev(s, "released", pl.when(a & (pl.col("status") == "revoked")).then(pl.col("t_ts")), **person),
        ev(s, "transferred_for_prosecution", pl.when(transferred).then(pl.col("t_ts")), **person),
        ev(p, "closed", pl.when(pl.col("status") == "revoked").then(pl.col("t_ts") + HOUR)),
    )
    ctx.add_parties(
        s.select("cid", "pid", pl.lit("suspect").alias("role")),
        victims.select("cid", "pid", pl.lit("victim").alias("role")),
    )
    for kind, note in [
        ("CR-01", "arrest requested 8-16 days after detention"),
        ("CR-02", "arrest decision 12-20 days after the request"),
        ("CR-04", "family not notified within 24 hours of detention"),
        ("CR-03", "in investigation custody 10-40 days past arrest + 2 months"),
    ]:
        _persons_gt(ctx, s.filter(tgt & is_plant(kind)), kind, note)
    _persons_gt(
        ctx,
        s.filter(late_ext),
        "CR-03",
        "custody ran past the due date; the late extension (CR-05) does not count",
    )
    _items(ctx, p)
    pros = _transfer(ctx, p.filter(transferred), "PRO", ["J1", "J2"], [40, 60], "J1")
    _prosecution(ctx, pros, s, victims)


def _transfer(
    ctx: Ctx, src: pl.DataFrame, agency: str, subs: list[str], w: list[float], city: str, max_h: int = 30
) -> pl.DataFrame:
    """Transfers out of ``src`` cases at ``t_ts``; returns the received ones with their new cids."""
    src = src.with_columns(
        to_unit=_sub_unit(ctx, src, agency, subs, w, city),
        recv_ts=pl.col("t_ts") + ctx.ri(src, HOUR, max_h * HOUR),
    )
    src = src.with_columns(recv_ts=pl.when(pl.col("recv_ts") <= ctx.as_of_end).then("recv_ts"))
    got = src.filter(pl.col("recv_ts").is_not_null())
    got = got.with_columns(new_cid=ctx.new_cids(got.height))
    src = src.join(got.select("cid", "new_cid"), on="cid", how="left", maintain_order="left")
    ctx.add_transfers(
        src.select(
            "matter",
            pl.col("cid").alias("from_cid"),
            "to_unit",
            pl.col("new_cid").alias("to_cid"),
            pl.col("t_ts").alias("sent_ts"),
            "recv_ts",
        )
    )
    return got


def _items(ctx: Ctx, p: pl.DataFrame) -> None:
    """Seized property on police criminal cases, with the PP-* plants on the first item."""
    rng = ctx.rng
    it = (
        p.filter(pl.col("nitems") > 0)
        .select("cid", "district", "filed", "plant", "t_ts", "status", pl.int_ranges(0, "nitems").alias("k"))
        .explode("k")
    )
    kinds = ["cash", "phone", "vehicle", "jewellery", "document", "goods", "deposit"]
    it = it.with_columns(kind=pl.Series(kinds).gather(rng.choice(it.height, [20, 33, 9, 8, 12, 14, 4])))
    first = pl.col("k") == 0
    pp = {k: first & is_plant(k) for k in ("PP-01", "PP-02", "PP-03", "PP-04")}
    median = {
        "cash": 3_000,
        "phone": 2_500,
        "vehicle": 60_000,
        "jewellery": 8_000,
        "document": 0,
        "goods": 1_500,
        "deposit": 50_000,
    }
    med = pl.col("kind").replace_strict(median, return_dtype=pl.Float64)
    desc = pl.col("kind").replace_strict(
        {k: v[0] for k, v in ref.PROPERTY_DESCRIPTIONS.items()}, return_dtype=pl.Utf8
    )
    it = it.with_columns(
        value_cents=pl.when(med > 0).then(
            (med * rng.lognormal(it.height, 1.0, 0.8)).round(0).cast(pl.Int64) * 100
        ),
        description=desc,
        relevant=pl.when(pp["PP-03"])
        .then(False)
        .when(first & pl.col("plant").is_not_null())
        .then(True)
        .otherwise(pl.lit(ctx.u(it)) < 0.9),
        seized_day=pl.when(pp["PP-04"])
        .then(pl.col("filed") - ctx.ri(it, 5, 20))
        .otherwise(pl.col("filed") + pl.Series([0, 1, 2]).gather(rng.choice(it.height, [70, 20, 10]))),
    )
    it = it.with_columns(seized_ts=pl.col("seized_day") * DAY + ctx.biz(it))
    it = it.with_columns(
        handed_ts=pl.when(pp["PP-01"] & (pl.lit(ctx.u(it)) < 0.25))
        .then(None)
        .when(pp["PP-01"])
        .then(pl.col("seized_ts") + ctx.ri(it, 34 * HOUR, 96 * HOUR))
        .otherwise(pl.col("seized_ts") + ctx.ri(it, HOUR, 12 * HOUR)),
        custodian_is_handler=pp["PP-02"],
        release_ts=pl.when(pp["PP-03"] & (pl.lit(ctx.u(it)) < 0.3))
        .then(None)
        .when(pp["PP-03"])
        .then(pl.col("seized_ts") + ctx.ri(it, 8 * DAY, 30 * DAY))
        .when(~pl.col("relevant"))
        .then(pl.col("seized_ts") + ctx.ri(it, 12 * HOUR, 48 * HOUR)),
    )
    rel = pl.col("relevant")
    it = it.with_columns(
        end_kind=pl.when(~rel & pl.col("release_ts").is_not_null())
        .then(pl.lit("released"))
        .when(rel & (pl.col("status") == "transferred"))
        .then(pl.lit("transferred_with_case"))
        .when(rel & (pl.col("status") == "revoked"))
        .then(pl.lit("released")),
        end_ts=pl.when(~rel)
        .then("release_ts")
        .when(pl.col("status") == "transferred")
        .then("t_ts")
        .when(pl.col("status") == "revoked")
        .then(pl.col("t_ts") + ctx.ri(it, DAY, 10 * DAY)),
    )
    it = it.with_columns(
        end_ts=pl.when(pl.col("end_ts") <= ctx.as_of_end).then("end_ts"),
    ).with_columns(
        end_kind=pl.when(pl.col("end_ts").is_not_null()).then("end_kind"),
        released_ts=pl.when(pl.col("end_kind") == "released").then("end_ts"),
        disposal=pl.when(pl.col("end_kind") == "released")
        .then(pl.lit("发还"))
        .when(pl.col("end_kind") == "transferred_with_case")
        .then(pl.lit("随案移送")),
        disposal_ts=pl.when(pl.col("end_kind") == "transferred_with_case").then("end_ts"),
        gt=pl.when(first & pl.col("plant").str.starts_with("PP-")).then("plant"),
    )
    ctx.items.append(
        it.select(
            "cid",
            "k",
            "district",
            "kind",
            "description",
            "value_cents",
            "seized_ts",
            "handed_ts",
            "custodian_is_handler",
            "relevant",
            "released_ts",
            "disposal",
            "disposal_ts",
            "end_kind",
            "end_ts",
            "gt",
        )
    )


def _prosecution(ctx: Ctx, r: pl.DataFrame, s: pl.DataFrame, victims: pl.DataFrame) -> None:
    """Prosecution review cases for the matters the police transferred."""
    if r.height == 0:
        return
    rng = ctx.rng
    r = r.select(
        pl.col("new_cid").alias("cid"),
        pl.col("cid").alias("police_cid"),
        "matter",
        "district",
        pl.col("to_unit").alias("unit"),
        "charge",
        "cause_code",
        "cause_name",
        (pl.col("recv_ts") // DAY).alias("filed"),
    )
    # Plea leniency: an exact share inside "old" and "recent" filings keeps the concluded-case rate on target.
    r = r.with_columns(_u=ctx.u(r), strat=pl.col("filed") <= ctx.as_of - 60)
    r = r.with_columns(
        plea=pl.col("_u").rank("ordinal").over("strat") <= (pl.len().over("strat") * 0.867).round(0)
    )
    plea = pl.col("plea")
    proc_plea = pl.Series(["expedited", "simplified", "ordinary"]).gather(rng.choice(r.height, [28, 49, 23]))
    proc_other = pl.Series(["simplified", "ordinary"]).gather(rng.choice(r.height, [20, 80]))
    r = r.with_columns(procedure=pl.when(plea).then(proc_plea).otherwise(proc_other))
    exp = pl.col("procedure") == "expedited"
    r = r.with_columns(
        returns=pl.when(exp).then(0).otherwise(pl.Series([0, 1, 2]).gather(rng.choice(r.height, [90, 8, 2]))),
        ext=~exp & (pl.lit(ctx.u(r)) < 0.08),
        outcome_p=pl.when(~exp & (pl.lit(ctx.u(r)) < pl.when(plea).then(0.03).otherwise(0.10)))
        .then(pl.lit("not_prosecuted"))
        .otherwise(pl.lit("indicted")),
    )
    old = pl.col("filed") <= ctx.as_of - OLD_ENOUGH
    indicted = pl.col("outcome_p") == "indicted"
    r = choose_plants(
        ctx,
        r,
        [
            ("PR-01", ~exp, old & ~exp),
            ("PR-02", plea, old & plea),
            ("PR-03", plea, old & plea),
            ("PR-04", ~exp, old & ~exp),
            ("PR-05", plea & indicted, old & plea & indicted),
            ("PR-06", exp, old & exp),
            ("PL-01", plea, old & plea),
        ],
    )
    r = r.with_columns(
        returns=pl.when(is_plant("PR-04")).then(3).otherwise("returns"),
        ext=pl.col("ext") & ~is_plant("PR-01"),
    )
    # Supplementary-investigation cycles stay short (<= 23 days) so that no moment of a pending case
    # is more than 23 days after its last review_received.
    cyc = []
    for k in range(3):
        r = r.with_columns(**{f"a{k}": ctx.ri(r, 8, 14), f"b{k}": ctx.ri(r, 5, 9)})
        cyc.append(pl.when(pl.col("returns") > k).then(pl.col(f"a{k}") + pl.col(f"b{k}")).otherwise(0))
    r = r.with_columns(r1=pl.col("filed") + cyc[0])
    r = r.with_columns(r2=pl.col("r1") + cyc[1])
    r = r.with_columns(r_last=pl.col("r2") + cyc[2])
    r = r.with_columns(
        ext_day=pl.when("ext").then(pl.col("r_last") + ctx.ri(r, 20, 25)),
        dec=pl.when(is_plant("PR-06"))
        .then(pl.col("r_last") + ctx.ri(r, 25, 27))
        .when(exp)
        .then(pl.col("r_last") + ctx.ri(r, 2, 9))
        .when(is_plant("PR-01"))
        .then(pl.col("r_last") + ctx.ri(r, 46, 70))
        .when("ext")
        .then(pl.col("r_last") + ctx.ri(r, 26, 37))
        .otherwise(pl.col("r_last") + ctx.ri(r, 5, 23)),
    )
    r = r.with_columns(t_ts=pl.col("dec") * DAY + ctx.ri(r, 14 * HOUR, 17 * HOUR))
    done = pl.col("dec") <= ctx.as_of
    r = r.with_columns(
        status=pl.when(done).then(pl.lit("closed")).otherwise(pl.lit("pending")),
        closed=pl.when(done).then("dec"),
        outcome=pl.when(done).then("outcome_p"),
    )
    ctx.add_cases(
        r.with_columns(type=pl.lit("prosecution_review"), numtype=pl.lit("检刑诉"), received=pl.col("filed"))
    )
    for kind, note in [
        ("PR-01", "review decided 46-70 days after the last review_received, no extension"),
        ("PR-04", "three returns for supplementary investigation"),
        ("PR-05", "plea leniency and indicted, but no plea statement recorded"),
        ("PR-06", "expedited review decided 25-27 days after review_received"),
        ("PL-01", "plea leniency without defence counsel or duty lawyer"),
    ]:
        ctx.add_gt(
            r.filter(is_plant(kind)).select(
                "cid", pl.lit(kind).alias("kind"), pl.lit("case").alias("subject"), pl.lit(note).alias("note")
            )
        )
    # suspects, their lawyers and plea statements
    rs = s.select("matter", "k", "pid").join(
        r.select("matter", "cid", "plea", "plant", "r_last", "dec", "t_ts"),
        on="matter",
        how="inner",
        maintain_order="left",
    )
    duty = pl.lit(ctx.u(rs)) < 0.65
    rs = rs.with_columns(
        lawyer_role=pl.when(pl.col("plea"))
        .then(pl.when(duty).then(pl.lit("duty_lawyer")).otherwise(pl.lit("defence_counsel")))
        .when(pl.lit(ctx.u(rs)) < 0.6)
        .then(pl.lit("defence_counsel")),
        duty_pid=ctx.from_pool("duty", rs.height, 1.3),
        counsel_pid=ctx.from_pool("lawyer", rs.height, 1.5),
    )
    rs = rs.with_columns(
        lawyer=pl.when(is_plant("PL-01"))
        .then(None)
        .when(pl.col("lawyer_role") == "duty_lawyer")
        .then("duty_pid")
        .when(pl.col("lawyer_role") == "defence_counsel")
        .then("counsel_pid"),
    )
    first = pl.col("k") == 0
    bad_lawyer, bad_record = first & is_plant("PR-02"), first & is_plant("PR-03")
    plea_day = pl.max_horizontal(pl.col("r_last"), pl.col("dec") - ctx.ri(rs, 0, 3))
    sign = pl.when(pl.col("plea") & ~is_plant("PR-05")).then(plea_day * DAY + ctx.ri(rs, 9 * HOUR, 12 * HOUR))
    missing = pl.lit(ctx.u(rs)) < 0.3
    ctx.add_events(
        ev(
            rs,
            "plea_statement_signed",
            sign,
            person=pl.col("pid"),
            lawyer_present=pl.when(bad_lawyer & missing)
            .then(None)
            .when(bad_lawyer)
            .then(False)
            .otherwise(True),
            lawyer_role=pl.col("lawyer_role").fill_null("duty_lawyer"),
            recorded=pl.when(bad_record & missing).then(None).when(bad_record).then(False).otherwise(True),
            gt=pl.when(bad_lawyer).then(pl.lit("PR-02")).when(bad_record).then(pl.lit("PR-03")),
        )
    )
    review_ts = {}
    for name in ("filed", "r1", "r2", "r_last"):
        review_ts[name] = pl.col(name) * DAY + 9 * HOUR + ctx.ri(r, 0, 2 * HOUR)
    ctx.add_events(
        ev(r, "review_received", review_ts["filed"]),
        ev(r, "review_received", pl.when(pl.col("returns") >= 1).then(review_ts["r1"])),
        ev(r, "review_received", pl.when(pl.col("returns") >= 2).then(review_ts["r2"])),
        ev(r, "review_received", pl.when(pl.col("returns") >= 3).then(review_ts["r_last"])),
        ev(
            r,
            "returned_for_supplementary_investigation",
            pl.when(pl.col("returns") >= 1).then((pl.col("filed") + pl.col("a0")) * DAY + ctx.biz(r)),
        ),
        ev(
            r,
            "returned_for_supplementary_investigation",
            pl.when(pl.col("returns") >= 2).then((pl.col("r1") + pl.col("a1")) * DAY + ctx.biz(r)),
        ),
        ev(
            r,
            "returned_for_supplementary_investigation",
            pl.when(pl.col("returns") >= 3).then((pl.col("r2") + pl.col("a2")) * DAY + ctx.biz(r)),
        ),
        ev(
            r,
            "review_extended",
            pl.col("ext_day") * DAY + 10 * HOUR,
            approver=pl.lit("president"),
            approved_ts=pl.col("ext_day") * DAY + 10 * HOUR,
            new_due=add_months(pl.col("r_last"), 1) + 15,
        ),
        ev(r, "indicted", pl.when(pl.col("outcome_p") == "indicted").then("t_ts")),
        ev(r, "not_prosecuted", pl.when(pl.col("outcome_p") == "not_prosecuted").then("t_ts")),
    )
    pv = victims.join(
        r.select(pl.col("police_cid").alias("cid"), pl.col("cid").alias("rcid")),
        on="cid",
        how="inner",
        maintain_order="left",
    )
    ctx.add_parties(
        rs.select("cid", "pid", pl.lit("suspect").alias("role")),
        rs.filter(pl.col("lawyer").is_not_null()).select(
            "cid",
            pl.col("lawyer").alias("pid"),
            pl.col("lawyer_role").alias("role"),
            pl.col("pid").alias("represents"),
        ),
        pv.select(pl.col("rcid").alias("cid"), "pid", pl.lit("victim").alias("role")),
    )
    court = _transfer(
        ctx, r.filter(done & (pl.col("outcome_p") == "indicted")), "CRT", ["XS"], [1], "XS", max_h=48
    )
    _trial(ctx, court, rs, pv)


def _trial(ctx: Ctx, t: pl.DataFrame, rs: pl.DataFrame, pv: pl.DataFrame) -> None:
    """First-instance criminal trials of indicted matters (CT-01 plants)."""
    if t.height == 0:
        return
    rng = ctx.rng
    t = t.select(
        pl.col("new_cid").alias("cid"),
        pl.col("cid").alias("pros_cid"),
        "matter",
        "district",
        pl.col("to_unit").alias("unit"),
        "cause_code",
        "cause_name",
        "procedure",
        "plea",
        (pl.col("recv_ts") // DAY).alias("filed"),
    )
    f = pl.col("filed")
    proc = pl.col("procedure")
    ordinary = proc == "ordinary"
    t = t.with_columns(
        base=pl.when(ordinary)
        .then(add_months(f, 3))
        .when(proc == "simplified")
        .then(f + 20)
        .otherwise(f + 10),
        ext=ordinary & (pl.lit(ctx.u(t)) < 0.04),
    )
    t = t.with_columns(appr=ordinary & ~pl.col("ext") & (pl.lit(ctx.u(t)) < 0.02))
    t = choose_plants(
        ctx, t, [("CT-01", pl.lit(True), (f <= ctx.as_of - OLD_ENOUGH) & ~pl.col("ext") & ~pl.col("appr"))]
    )
    t = t.with_columns(
        ext_day=pl.when("ext").then(pl.col("base") - ctx.ri(t, 20, 30)),
        ap_s=pl.when("appr").then(f + ctx.ri(t, 5, 30)),
    )
    t = t.with_columns(
        new_due=pl.when("ext").then(add_months(pl.col("base"), 3)),
        ap_e=pl.col("ap_s") + ctx.ri(t, 20, 60),
    )
    u = ctx.u(t)
    close = (
        pl.when(is_plant("CT-01") & ordinary)
        .then(pl.col("base") + ctx.ri(t, 15, 60))
        .when(is_plant("CT-01") & (proc == "simplified"))
        .then(f + ctx.ri(t, 35, 50))
        .when(is_plant("CT-01"))
        .then(f + ctx.ri(t, 25, 35))
        .when("ext")
        .then(span(pl.max_horizontal(pl.col("base") - 2, pl.col("ext_day") + 1), pl.col("new_due") - 5, u))
        .when("appr")
        .then(span(pl.col("ap_e") + 3, pl.col("base") + (pl.col("ap_e") - pl.col("ap_s") - 1) - 5, u))
        .when(ordinary)
        .then(span(f + 20, pl.col("base") - 5, u, 1.2))
        .when(proc == "simplified")
        .then(span(f + 4, f + 15, u))
        .otherwise(span(f + 1, f + 5, u))
    )
    t = t.with_columns(close=close)
    done = pl.col("close") <= ctx.as_of
    t = t.with_columns(
        outcome_p=pl.Series(["judgment", "ruling", "withdrawal"]).gather(rng.choice(t.height, [95, 3, 2])),
        status=pl.when(done).then(pl.lit("closed")).otherwise(pl.lit("pending")),
        closed=pl.when(done).then("close"),
    )
    t = t.with_columns(outcome=pl.when(done).then("outcome_p"))
    ctx.add_cases(
        t.with_columns(type=pl.lit("criminal"), numtype=pl.lit("刑初"), received=f, instance=pl.lit(1))
    )
    ctx.add_gt(
        t.filter(is_plant("CT-01")).select(
            "cid",
            pl.lit("CT-01").alias("kind"),
            pl.lit("case").alias("subject"),
            pl.lit("trial closed 15+ days past its limit").alias("note"),
        )
    )
    closing = pl.col("close") * DAY + ctx.ri(t, 14 * HOUR, 17 * HOUR)
    oc = pl.col("outcome_p")
    appeal = (oc == "judgment") & (pl.lit(ctx.u(t)) < pl.when("plea").then(0.03).otherwise(0.12))
    ctx.add_events(
        ev(t, "filed", f * DAY + ctx.biz(t)),
        ev(
            t,
            "hearing",
            span(pl.max_horizontal(f, pl.col("close") - 5), pl.col("close"), ctx.u(t)) * DAY
            + ctx.ri(t, 9 * HOUR, 12 * HOUR),
        ),
        ev(t, "judgment_pronounced", pl.when(oc == "judgment").then(closing)),
        ev(t, "ruling", pl.when(oc == "ruling").then(closing)),
        ev(t, "withdrawn", pl.when(oc == "withdrawal").then(closing)),
        ev(t, "closed", pl.col("close") * DAY + 17 * HOUR + 40 * 60),
        ev(
            t,
            "trial_limit_extended",
            pl.col("ext_day") * DAY + 10 * HOUR,
            approver=pl.lit("upper_court"),
            approved_ts=pl.col("ext_day") * DAY + 10 * HOUR,
            new_due=pl.col("new_due"),
        ),
        ev(t, "appraisal_start", pl.col("ap_s") * DAY + ctx.biz(t)),
        ev(t, "appraisal_end", pl.col("ap_e") * DAY + ctx.biz(t)),
        ev(t, "appealed", pl.when(appeal).then((pl.col("close") + ctx.ri(t, 3, 10)) * DAY + ctx.biz(t))),
    )
    acc = rs.join(
        t.select(pl.col("pros_cid").alias("cid"), pl.col("cid").alias("tcid")),
        on="cid",
        how="inner",
        maintain_order="left",
    )
    ctx.add_parties(
        acc.select(pl.col("tcid").alias("cid"), "pid", pl.lit("accused").alias("role")),
        acc.filter(pl.col("lawyer").is_not_null()).select(
            pl.col("tcid").alias("cid"),
            pl.col("lawyer").alias("pid"),
            pl.col("lawyer_role").alias("role"),
            pl.col("pid").alias("represents"),
        ),
        pv.join(
            t.select(pl.col("pros_cid").alias("rcid"), pl.col("cid").alias("tcid")),
            on="rcid",
            how="inner",
            maintain_order="left",
        ).select(pl.col("tcid").alias("cid"), "pid", pl.lit("victim").alias("role")),
    )

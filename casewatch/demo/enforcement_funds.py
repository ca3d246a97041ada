"""Case-fund movements of the demo city: receipts, payouts, fee refunds, 宁海's clearance backlog.

Split from :mod:`casewatch.demo.enforcement` (which calls :func:`funds` last): debtors' payments
into the court account become receipts paid out after 1–40 days (3 % never: aged money), the
refundable half of prepaid fees in mediated and withdrawn civil cases is refunded, and 宁海
(330226) gets a backlog of receipts held since 2024–2025 that the clearance campaign pays out in
January–July 2026, sized so the period's payouts and refunds come to the calibrated target.
"""

from __future__ import annotations

import polars as pl


def funds(g) -> None:
    """Write ``case_fund_movements`` and ``debtor_payments`` for generator ``g`` (enforcement._Gen)."""
    from casewatch.demo.enforcement import NINGHAI, P0, P1

    # the amount performed after a repair is only what the repair brought in
    enf_pays = (
        g.enf_pays.join(g.done_repairs, on=["unit_code", "case_number", "debtor_party_id"], how="left")
        .filter(pl.col("verified_on").is_null() | (pl.col("paid_on") < pl.col("verified_on")))
        .drop("verified_on")
    )
    pays = pl.concat([g.judgment_pays, enf_pays, g.repair_pays], how="vertical_relaxed").sort(
        "unit_code", "case_number", "debtor_party_id", "paid_on", "amount"
    )
    pays = pays.with_row_index("i").with_columns(
        payment_id=pl.format("FK{}", pl.col("i").cast(pl.Utf8).str.zfill(9))
    )
    g.write("debtor_payments", pays)
    div = pl.col("unit_code").str.slice(0, 6)
    rec = pays.filter(pl.col("channel").is_in(["court_account", "enforced"])).select(
        "unit_code",
        "case_number",
        pl.col("paid_on").alias("occurred_on"),
        "amount",
        pl.lit("money").alias("acct"),
    )
    fees = g.cases.filter(
        (pl.col("case_type") == "civil")
        & pl.col("outcome").is_in(["mediation", "withdrawal"])
        & pl.col("closed").is_not_null()
    )
    # the refundable half of the prepaid fee (诉讼费用交纳办法 第15条: mediation and withdrawal halve it)
    fees = fees.with_columns(fee=((pl.col("cents") // 100 + 5_000) // 2).clip(upper_bound=1_000_000))
    fee_rec = fees.select(
        "unit_code",
        "case_number",
        pl.col("filed").alias("occurred_on"),
        pl.col("fee").alias("amount"),
        pl.lit("fee").alias("acct"),
        (pl.col("closed") + 10).alias("refund_on"),
    )
    rec = pl.concat([rec, fee_rec], how="diagonal_relaxed").filter(pl.col("occurred_on") <= g.as_of)
    # backlog of 宁海: receipts held since 2024–2025, cleared in the period (集中清理)
    rec = rec.with_columns(lag=g.span(rec, 1, 40), u=g.u(rec))
    rec = rec.with_columns(
        payout_on=pl.when(pl.col("acct") == "fee")
        .then("refund_on")
        .when(pl.col("u") < 0.03)
        .then(None)  # never paid out: aged money
        .otherwise(pl.col("occurred_on") + pl.col("lag")),
        parts=pl.lit(1, pl.Int64),
    )
    in_nh = div == NINGHAI
    out_in_period = pl.col("payout_on").is_between(P0, P1) & (pl.col("payout_on") <= g.as_of)
    base = rec.filter(in_nh & out_in_period).height
    need = max(g.targets["ninghai_payments"] - base, 0)
    nh_cases = g.enf.filter((pl.col("unit_code").str.slice(0, 6) == NINGHAI) & (pl.col("filed") < P0 - 60))
    backlog = pl.DataFrame()
    if need and nh_cases.height:
        n_rec = (need + 1) // 2
        idx = pl.int_range(0, n_rec, eager=True) % nh_cases.height
        backlog = nh_cases.select("unit_code", "case_number", "filed", "cents")[idx]
        backlog = backlog.with_columns(
            occurred_on=pl.col("filed")
            + ((pl.lit(P0 - 30) - pl.col("filed")) * g.u(backlog)).floor().cast(pl.Int64),
            amount=(pl.col("cents") // 4).clip(lower_bound=1_000_00),
            acct=pl.lit("money"),
            payout_on=P0 + ((P1 - P0) * g.u(backlog)).floor().cast(pl.Int64),
            parts=pl.lit(2, pl.Int64) - (pl.int_range(pl.len()) == 0).cast(pl.Int64) * (2 * n_rec - need),
        ).drop("filed", "cents")
        rec = pl.concat([rec, backlog], how="diagonal_relaxed")
    rec = (
        rec.sort("unit_code", "case_number", "occurred_on", "amount", "acct")
        .with_row_index("i")
        .with_columns(
            movement_id=pl.format("AK{}", pl.col("i").cast(pl.Utf8).str.zfill(9)),
            account_no=pl.format(
                "33050163{}{}",
                div,
                pl.when(pl.col("acct") == "fee").then(pl.lit("02")).otherwise(pl.lit("01")),
            ),
        )
    )
    receipts = rec.select(
        "movement_id",
        "unit_code",
        "case_number",
        pl.lit("receipt").alias("kind"),
        "occurred_on",
        "amount",
        "account_no",
    )
    outs = rec.filter(pl.col("payout_on").is_not_null() & (pl.col("payout_on") <= g.as_of))
    first = outs.with_columns(amount=pl.col("amount") // pl.col("parts"))
    second = outs.filter(pl.col("parts") == 2).with_columns(
        amount=pl.col("amount") - pl.col("amount") // 2,
        payout_on=pl.min_horizontal(pl.col("payout_on") + 1, P1),
    )
    moves = pl.concat([first, second]).select(
        pl.col("movement_id").alias("receipt_id"),
        "unit_code",
        "case_number",
        pl.when(pl.col("acct") == "fee").then(pl.lit("fee_refund")).otherwise(pl.lit("payout")).alias("kind"),
        pl.col("payout_on").alias("occurred_on"),
        "amount",
        "account_no",
    )
    g.achieved["ninghai_payments"] = moves.filter(
        (pl.col("unit_code").str.slice(0, 6) == NINGHAI) & pl.col("occurred_on").is_between(P0, P1)
    ).height
    moves = (
        moves.sort("receipt_id", "occurred_on", "amount")
        .with_row_index("i")
        .with_columns(movement_id=pl.format("AF{}", pl.col("i").cast(pl.Utf8).str.zfill(9)))
    )
    allm = pl.concat([receipts, moves], how="diagonal_relaxed").sort("movement_id")
    allm = allm.with_columns(
        bank_ref=pl.format("NB{}", pl.col("movement_id").str.slice(2)),
        counterparty_account=pl.when(pl.col("kind") != "receipt").then(
            pl.format(
                "6222{}",
                (pl.col("movement_id").str.slice(2).cast(pl.Int64) * 7919 % 10**15)
                .cast(pl.Utf8)
                .str.zfill(15),
            )
        ),
    )
    g.write("case_fund_movements", allm)

"""Assemble the canonical tables from the generated city and write them with the ground truth.

Steps: staff and handlers, case numbers, parties, matters; then the big tables (events, documents,
case parties) chunk by chunk; transfers, property items and custody events, petitions; finally
``ground_truth.csv``, whose event subjects are the ``seq`` numbers assigned here.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from casewatch.analytics import ningbo
from casewatch.demo import calibration
from casewatch.demo import reference as ref
from casewatch.demo.context import DAY, KIND_ENUM, Ctx
from casewatch.demo.output import (
    CHUNK,
    DOC_FOR_EVENT,
    TableWriter,
    assign_handlers,
    build_staff,
    build_units,
    case_numbers,
    matter_titles,
    with_source,
    write_simple,
)
from casewatch.demo.parties import build_parties

PRINCIPAL_ROLES = [
    "victim",
    "plaintiff",
    "applicant",
    "defendant",
    "debtor",
    "offender",
    "suspect",
    "accused",
]
PETITION_TYPES = [
    "police_criminal",
    "police_public_order",
    "civil",
    "enforcement",
    "administrative",
    "criminal",
]
#: events recorded by a party or outside the handler's hands carry no actor
NO_ACTOR = ("received", "appealed", "arrest_approved", "arrest_denied")


def finalize(ctx: Ctx) -> None:
    """Concatenate the generated cases and case parties once, before petitions and writing.

    Cases are sorted by ``cid``, which runs densely from 0, so a case's row number is its cid and
    every later lookup is a gather. Case parties keep one row per (case, party, role): a lawyer
    drawn twice for one case is kept once.
    """
    cases = pl.concat(ctx.cases).sort("cid")
    if not (cases["cid"] == pl.int_range(cases.height, eager=True, dtype=pl.Int64)).all():  # pragma: no cover
        raise AssertionError("case ids must run densely from 0")
    cp = pl.concat(ctx.case_parties)
    key = (pl.col("cid").cast(pl.Int64) * 2**26 + pl.col("pid").cast(pl.Int64)) * 32 + pl.col(
        "role"
    ).to_physical().cast(pl.Int64)
    ctx.cases = [cases]
    ctx.case_parties = [cp.filter(key.is_first_distinct()).sort("cid", maintain_order=True)]


def petitions(ctx: Ctx, n: int) -> None:
    """Petitions (信访): most about a case of the city, by one of its parties; outcomes by age."""
    rng = ctx.rng
    cases, cp = ctx.cases[0], ctx.case_parties[0]
    elig = cases.filter(pl.col("type").is_in(PETITION_TYPES) & (pl.col("filed") <= ctx.as_of - 15)).select(
        pl.col("cid").cast(pl.Int32), "unit", "filed"
    )
    n_linked = round(n * 0.75) if elig.height else 0
    idx = (rng.uniform(n_linked) * elig.height).floor().cast(pl.Int64)
    linked = elig.select(pl.all().gather(idx))
    first_party = (
        cp.filter(pl.col("role").is_in(PRINCIPAL_ROLES) & pl.col("represents").is_null())
        .group_by("cid", maintain_order=True)
        .agg(pl.col("pid").first().cast(pl.Int64))
    )
    linked = linked.join(first_party, on="cid", how="left", maintain_order="left")
    linked = linked.with_columns(
        received=pl.min_horizontal(pl.col("filed") + ctx.ri(linked, 10, 300), pl.lit(ctx.as_of))
    )
    free = pl.DataFrame({"n": range(n - n_linked)})
    free = free.with_columns(
        cid=pl.lit(None, dtype=pl.Int64),
        unit=pl.concat_str(
            pl.Series(ref.DISTRICT_CODES).gather(
                rng.choice(free.height, [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES])
            ),
            pl.Series(["-CMT-ZH", "-PSB", "-CRT", "-PRO"]).gather(rng.choice(free.height, [40, 30, 20, 10])),
        ),
        received=rng.integers(free.height, ctx.start, ctx.as_of),
        pid=ctx.new_persons(free.height, "adult"),
    )
    p = pl.concat(
        [linked.select("cid", "unit", "received", "pid"), free.select("cid", "unit", "received", "pid")],
        how="vertical_relaxed",
    )
    old = pl.col("received") <= ctx.as_of - 60
    p = p.with_columns(
        subject=pl.Series(ref.PETITION_SUBJECTS).gather(
            rng.integers(p.height, 0, len(ref.PETITION_SUBJECTS) - 1)
        ),
        outcome_c=pl.Series(["settled", "explained", "rectified", "not_accepted"]).gather(
            rng.choice(p.height, [35, 40, 8, 17])
        ),
        closed=pl.col("received") + ctx.ri(p, 3, 55),
        _open=pl.lit(ctx.u(p)) < 0.5,
    )
    shut = old | (~pl.col("_open") & (pl.col("closed") <= ctx.as_of))
    p = p.with_columns(
        outcome=pl.when(shut).then("outcome_c").otherwise(pl.lit("pending")),
        closed=pl.when(shut).then("closed"),
    )
    year = pl.col("received").cast(pl.Int32).cast(pl.Date).dt.year()
    p = p.with_row_index("_i").sort("received", "_i").with_columns(year=year)
    p = p.with_columns(serial=pl.int_range(1, pl.len() + 1).over("year"))
    ctx.petitions = p.with_columns(
        petition_id=pl.concat_str(
            pl.lit("XF"),
            pl.col("year").cast(pl.Utf8),
            pl.lit("-"),
            pl.col("serial").cast(pl.Utf8).str.zfill(6),
        )
    ).select("petition_id", "pid", "unit", "cid", "received", "subject", "outcome", "closed")


def write_all(ctx: Ctx, out: Path, fmt: str) -> tuple[dict[str, int], dict[str, int]]:
    """Write every table and the ground truth; returns (rows per table, plants per kind).

    Order matters for memory: parties and cases are written and dropped first, keeping only the
    small lookups (party id by pid, case keys by cid) the big tables need.
    """
    rows: dict[str, int] = {}
    cases, cp = ctx.cases[0], ctx.case_parties[0]
    pet = ctx.petitions
    items = pl.concat(ctx.items) if ctx.items else None
    units = build_units()
    rows["units"] = write_simple(out, fmt, "units", units, ctx)
    cw_load = (
        items.group_by(pl.concat_str("district", pl.lit("-PSB-CW")).alias("cw_unit")).agg(items=pl.len())
        if items is not None
        else pl.DataFrame(schema={"cw_unit": pl.Utf8, "items": pl.UInt32})
    )
    staff = build_staff(ctx, units, cases, cw_load)
    rows["staff"] = write_simple(out, fmt, "staff", staff.drop("k"), ctx)
    # parties: everyone referenced, plus the legal representatives of referenced organisations
    parties, pid_to_id = build_parties(ctx)
    used = (
        pl.concat([cp["pid"], cp["represents"].drop_nulls(), pet["pid"].cast(pl.Int32)])
        .cast(pl.Int64)
        .unique()
    )
    reps = parties.filter(pl.col("pid").is_in(used.implode()) & pl.col("legal_rep").is_not_null())[
        "legal_rep"
    ]
    used = pl.concat([used, reps]).unique()
    keep = parties["pid"].is_in(used.implode())
    w = TableWriter(out, "parties", fmt)
    for start in range(0, parties.height, CHUNK):  # chunk by chunk: no filtered copy of the whole table
        ch = parties.slice(start, CHUNK).filter(keep.slice(start, CHUNK))
        w.write(
            with_source(
                ch.select(
                    "party_id",
                    "kind",
                    "name",
                    "id_number",
                    "credit_code",
                    pl.col("birth").alias("birth_date"),
                    "sex",
                    "phone",
                    "address",
                    "division_code",
                    "legal_rep_party_id",
                ),
                "parties",
                ctx,
            )
        )
    rows["parties"] = w.close()
    matters = matter_titles(pl.concat(ctx.matters), parties)
    del parties, used, reps, keep
    ctx.matters = []
    rows["matters"] = write_simple(
        out,
        fmt,
        "matters",
        matters.select("matter_id", "kind", pl.col("opened").alias("opened_at"), "title"),
        ctx,
    )
    matter_ids = matters["matter_id"]
    del matters
    cases = case_numbers(assign_handlers(ctx, cases, staff))
    rows["cases"] = write_simple(
        out,
        fmt,
        "cases",
        cases.select(
            pl.col("unit").alias("unit_code"),
            "case_number",
            "case_key",
            pl.lit(matter_ids).gather(pl.col("matter")).alias("matter_id"),
            pl.col("type").alias("case_type"),
            "cause_code",
            "cause_name",
            "procedure",
            "status",
            pl.col("handler").alias("handler_staff_no"),
            pl.col("received").alias("received_at"),
            pl.col("filed").alias("filed_at"),
            pl.col("closed").alias("closed_at"),
            pl.col("claim_cents").alias("claim_amount"),
            pl.col("plea").alias("plea_leniency"),
            "outcome",
            "instance",
            "year",
            "court_division_code",
        ),
        ctx,
    )
    keys = cases.select(pl.col("unit").alias("unit_code"), "case_number", "case_key", "handler", "type")
    del cases
    ctx.cases = []
    gt: list[pl.DataFrame] = [pl.concat(ctx.gt, how="diagonal_relaxed")] if ctx.gt else []
    rows["events"], rows["documents"], ev_gt = _write_events(ctx, out, fmt, keys, pid_to_id)
    gt.append(ev_gt)
    w = TableWriter(out, "case_parties", fmt)
    for start in range(0, cp.height, CHUNK):
        ch = cp.slice(start, CHUNK)
        k = keys.select(pl.all().gather(ch["cid"]))
        w.write(
            with_source(
                pl.concat([ch, k], how="horizontal").with_columns(
                    role=pl.col("role").cast(pl.Utf8),
                    party_id=pl.lit(pid_to_id).gather(pl.col("pid")),
                    represents_party_id=pl.when(pl.col("represents").is_not_null()).then(
                        pl.lit(pid_to_id).gather(pl.col("represents").fill_null(0))
                    ),
                ),
                "case_parties",
                ctx,
            )
        )
    rows["case_parties"] = w.close()
    ctx.case_parties = []
    del cp
    rows["transfers"] = _write_transfers(ctx, out, fmt, keys, matter_ids)
    item_gt, rows["property_items"], rows["custody_events"] = _write_items(ctx, out, fmt, items, keys, staff)
    gt.append(item_gt)
    rows["petitions"] = write_simple(
        out,
        fmt,
        "petitions",
        pet.select(
            "petition_id",
            pl.lit(pid_to_id).gather(pl.col("pid")).alias("petitioner_party_id"),
            pl.col("unit").alias("unit_code"),
            pl.when(pl.col("cid").is_not_null())
            .then(pl.lit(keys["case_number"]).gather(pl.col("cid").fill_null(0)))
            .alias("case_number"),
            pl.col("received").alias("received_at"),
            "subject",
            "outcome",
            pl.col("closed").alias("closed_at"),
        ),
        ctx,
    )
    gt_counts = _write_ground_truth(out, pl.concat(gt, how="diagonal_relaxed"), keys, pid_to_id)
    order = [
        "units",
        "staff",
        "matters",
        "cases",
        "parties",
        "case_parties",
        "events",
        "documents",
        "transfers",
        "property_items",
        "custody_events",
        "petitions",
    ]
    return {t: rows[t] for t in order}, gt_counts


def _first_of_run(col: str) -> pl.Expr:
    return (pl.col(col) != pl.col(col).shift(1)).fill_null(True)


def _position_in_run(col: str) -> pl.Expr:
    """1-based position of each row inside its run of equal ``col`` values (frame sorted by ``col``)."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    return row - pl.when(_first_of_run(col)).then(row).forward_fill() + 1


def _write_events(ctx: Ctx, out: Path, fmt: str, keys: pl.DataFrame, pid_to_id: pl.Series):
    """Events (seq = order inside the case) and the documents they produce."""
    ev = pl.concat(ctx.events)
    ctx.events = []
    ev = ev.sort("cid", "ts", "kind", "person", nulls_last=True, maintain_order=True)
    ev = ev.with_columns(seq=_position_in_run("cid"))
    gt = ev.filter(pl.col("gt").is_not_null()).select(
        pl.col("cid").cast(pl.Int64),
        pl.col("gt").cast(pl.Utf8).alias("kind"),
        pl.col("seq").cast(pl.Utf8).alias("subject"),
    )
    # Document kind per event: a lookup by the kind's enum index; "filed" depends on the case type.
    kinds = list(KIND_ENUM.categories)
    doc_of_kind = pl.Series([DOC_FOR_EVENT.get(k) for k in kinds], dtype=pl.Utf8)
    filed_doc = keys.select(
        pl.when(pl.col("type").is_in(["police_criminal", "police_public_order"]))
        .then(pl.lit("filing_form"))
        .when(pl.col("type").is_in(["civil", "administrative"]) & pl.col("case_number").str.contains("初"))
        .then(pl.lit("complaint"))
    ).to_series()
    docs = ev.select(
        "cid",
        "ts",
        pl.when(pl.col("kind") == "filed")
        .then(pl.lit(filed_doc).gather(pl.col("cid")))
        .otherwise(pl.lit(doc_of_kind).gather(pl.col("kind").to_physical()))
        .alias("doc_kind"),
    ).filter(pl.col("doc_kind").is_not_null())
    docs = docs.with_columns(n=_position_in_run("cid"))
    w_ev, w_doc = TableWriter(out, "events", fmt), TableWriter(out, "documents", fmt)
    for start in range(0, ev.height, CHUNK):
        ch = ev.slice(start, CHUNK)
        ch = pl.concat([ch, keys.select(pl.all().gather(ch["cid"]))], how="horizontal")
        kind = pl.col("kind").cast(pl.Utf8)
        w_ev.write(
            with_source(
                ch.select(
                    "unit_code",
                    "case_number",
                    "case_key",
                    "seq",
                    kind.alias("kind"),
                    pl.col("ts").alias("occurred_at"),
                    pl.when(kind.is_in(NO_ACTOR)).then(None).otherwise("handler").alias("actor_staff_no"),
                    pl.when(pl.col("person").is_not_null())
                    .then(pl.lit(pid_to_id).gather(pl.col("person").fill_null(0)))
                    .alias("person_party_id"),
                    pl.col("approver").alias("approver_level"),
                    pl.col("approved_ts").alias("approved_at"),
                    pl.col("new_due").alias("new_due_date"),
                    "result",
                    "lawyer_present",
                    "lawyer_role",
                    "recorded",
                    "reason",
                ),
                "events",
                ctx,
            )
        )
    n_events = w_ev.close()
    del ev
    for start in range(0, docs.height, CHUNK):
        ch = docs.slice(start, CHUNK)
        ch = pl.concat([ch, keys.select(pl.all().gather(ch["cid"]))], how="horizontal")
        w_doc.write(
            with_source(
                ch.select(
                    "unit_code",
                    "case_number",
                    "case_key",
                    pl.concat_str(pl.lit("WS"), pl.col("n").cast(pl.Utf8).str.zfill(3)).alias("doc_no"),
                    pl.col("doc_kind").alias("kind"),
                    (pl.col("ts") // DAY).alias("issued_at"),
                    pl.col("handler").alias("signatories"),
                ),
                "documents",
                ctx,
            )
        )
    return n_events, w_doc.close(), gt


def _write_transfers(ctx: Ctx, out: Path, fmt: str, keys: pl.DataFrame, matter_ids: pl.Series) -> int:
    if not ctx.transfers:
        return write_simple(out, fmt, "transfers", pl.DataFrame(), ctx)
    t = pl.concat(ctx.transfers).sort("sent_ts", "from_cid")
    year = (pl.col("sent_ts") // DAY).cast(pl.Int32).cast(pl.Date).dt.year()
    t = t.with_columns(year=year).with_columns(serial=pl.int_range(1, pl.len() + 1).over("year"))
    # 90 % electronic (rounded up to a whole transfer, so the share is never below 90.00 %, as the
    # article's "90%以上" requires) both inside the campaign window (1 January to the as-of day of the
    # as-of year, the report's period) and outside it: one uniform draw per row, ranked within each part.
    (w0, w1), _prev = calibration.windows(ctx.as_of)
    in_window = ((pl.col("sent_ts") // DAY) >= w0) & ((pl.col("sent_ts") // DAY) <= w1)
    t = t.with_columns(_u=ctx.rng.uniform(t.height), _w=in_window)
    t = t.with_columns(
        electronic=(pl.col("_u").rank("ordinal").over("_w") - 1) < (pl.len().over("_w") * 9 + 9) // 10,
        document_count=ctx.ri(t, 12, 180),
    ).drop("_u", "_w")
    to = pl.col("to_cid")
    return write_simple(
        out,
        fmt,
        "transfers",
        t.select(
            pl.concat_str(
                pl.lit("YS"),
                pl.col("year").cast(pl.Utf8),
                pl.lit("-"),
                pl.col("serial").cast(pl.Utf8).str.zfill(6),
            ).alias("transfer_id"),
            pl.lit(matter_ids).gather(pl.col("matter")).alias("matter_id"),
            pl.lit(keys["unit_code"]).gather(pl.col("from_cid")).alias("from_unit_code"),
            pl.lit(keys["case_number"]).gather(pl.col("from_cid")).alias("from_case_number"),
            pl.col("to_unit").alias("to_unit_code"),
            pl.when(to.is_not_null())
            .then(pl.lit(keys["case_number"]).gather(to.fill_null(0)))
            .alias("to_case_number"),
            pl.col("sent_ts").alias("sent_at"),
            pl.col("recv_ts").alias("received_at"),
            "electronic",
            "document_count",
        ),
        ctx,
    )


def _write_items(
    ctx: Ctx, out: Path, fmt: str, items: pl.DataFrame | None, keys: pl.DataFrame, staff: pl.DataFrame
):
    empty_gt = pl.DataFrame(schema={"cid": pl.Int64, "kind": pl.Utf8, "subject": pl.Utf8})
    if items is None or items.height == 0:
        return (
            empty_gt,
            write_simple(out, fmt, "property_items", pl.DataFrame(), ctx),
            write_simple(out, fmt, "custody_events", pl.DataFrame(), ctx),
        )
    it = items.with_columns(year=(pl.col("seized_ts") // DAY).cast(pl.Int32).cast(pl.Date).dt.year())
    it = it.sort("district", "year", "seized_ts", "cid", "k").with_columns(
        serial=pl.int_range(1, pl.len() + 1).over(["district", "year"])
    )
    it = it.with_columns(
        item_id=pl.concat_str(
            pl.lit("WP"),
            "district",
            pl.lit("-"),
            pl.col("year").cast(pl.Utf8),
            pl.lit("-"),
            pl.col("serial").cast(pl.Utf8).str.zfill(6),
        ),
        cw_unit=pl.concat_str("district", pl.lit("-PSB-CW")),
    )
    cw = staff.filter(pl.col("unit_code").str.ends_with("-PSB-CW"))
    n_cw = cw.group_by("unit_code").agg(n=pl.len())
    it = it.join(n_cw, left_on="cw_unit", right_on="unit_code", how="left", maintain_order="left")
    it = it.with_columns(kk=(pl.lit(ctx.u(it)) * pl.col("n")).floor().cast(pl.Int64))
    it = it.join(
        cw.select("unit_code", "k", pl.col("staff_no").alias("custodian")),
        left_on=["cw_unit", "kk"],
        right_on=["unit_code", "k"],
        how="left",
        maintain_order="left",
    )
    it = pl.concat([it, keys.select(pl.all().gather(it["cid"]))], how="horizontal")
    it = it.with_columns(custodian=pl.when("custodian_is_handler").then("handler").otherwise("custodian"))
    n_items = write_simple(
        out,
        fmt,
        "property_items",
        it.select(
            "item_id",
            "unit_code",
            "case_number",
            "case_key",
            "kind",
            "description",
            pl.col("value_cents").alias("value"),
            pl.col("seized_ts").alias("seized_at"),
            pl.col("handed_ts").alias("handed_to_custodian_at"),
            pl.col("custodian").alias("custodian_staff_no"),
            "relevant",
            pl.col("released_ts").alias("released_at"),
            "disposal",
            pl.col("disposal_ts").alias("disposal_at"),
        ),
        ctx,
    )
    psb = pl.col("district").replace_strict(
        {d: ningbo.agency_name(d, "PSB") for d in [ningbo.CITY_CODE, *ningbo.DISTRICTS]}, return_dtype=pl.Utf8
    )
    centre = pl.concat_str(psb, pl.lit("涉案财物管理中心"))
    holder = pl.when(pl.col("handed_ts").is_not_null()).then("custodian").otherwise("handler")
    seized = it.select(
        "item_id",
        "seized_ts",
        pl.lit("seized").alias("kind"),
        pl.col("seized_ts").alias("at"),
        pl.lit("扣押现场").alias("location"),
        pl.lit("持有人").alias("from_holder"),
        pl.col("handler").alias("to_holder"),
    )
    handed = it.filter(pl.col("handed_ts").is_not_null()).select(
        "item_id",
        "seized_ts",
        pl.lit("handed_over").alias("kind"),
        pl.col("handed_ts").alias("at"),
        centre.alias("location"),
        pl.col("handler").alias("from_holder"),
        pl.col("custodian").alias("to_holder"),
    )
    ended = it.filter(pl.col("end_kind").is_not_null()).select(
        "item_id",
        "seized_ts",
        pl.col("end_kind").alias("kind"),
        pl.col("end_ts").alias("at"),
        centre.alias("location"),
        holder.alias("from_holder"),
        pl.when(pl.col("end_kind") == "released")
        .then(pl.lit("权利人"))
        .otherwise(pl.lit("人民检察院"))
        .alias("to_holder"),
    )
    ce = pl.concat([seized, handed, ended]).sort("item_id", "at", "kind")
    ce = ce.with_columns(seq=_position_in_run("item_id"))
    n_ce = write_simple(
        out,
        fmt,
        "custody_events",
        ce.select(
            "item_id",
            "seq",
            "kind",
            pl.col("at").alias("occurred_at"),
            "location",
            "from_holder",
            "to_holder",
        ),
        ctx,
    )
    gt = it.filter(pl.col("gt").is_not_null()).select(
        "cid", pl.col("gt").alias("kind"), pl.col("item_id").alias("subject")
    )
    return gt, n_items, n_ce


def _write_ground_truth(
    out: Path, gt: pl.DataFrame, keys: pl.DataFrame, pid_to_id: pl.Series
) -> dict[str, int]:
    """``ground_truth.csv``: kind, unit_code, case_number, subject, note — sorted, one row per plant."""
    notes = {
        "CR-05": "custody extension approved after the due date it extends",
        "PR-02": "plea statement signed without a lawyer present",
        "PR-03": "plea statement signing not recorded",
        "CV-03": "trial-limit extension approved less than 15 days before the limit",
        "CV-05": "public-notice service in simplified or small-claims procedure",
        "PO-01": "injury appraisal minor or worse, handled as public order",
        "PO-03": "questioning longer than 8 hours (24 with detention_possible)",
        "PP-01": "handed to the custodian more than 24 hours after seizure, or not at all",
        "PP-02": "custodian is the case handler",
        "PP-03": "unrelated item not released within 3 days",
        "PP-04": "seized before the case was filed",
    }
    if "pid" not in gt.columns:
        gt = gt.with_columns(pid=pl.lit(None, dtype=pl.Int64))
    if "note" not in gt.columns:
        gt = gt.with_columns(note=pl.lit(None, dtype=pl.Utf8))
    gt = gt.with_columns(
        subject=pl.when(pl.col("pid").is_not_null())
        .then(pl.lit(pid_to_id).gather(pl.col("pid").fill_null(0)))
        .otherwise("subject"),
        note=pl.coalesce("note", pl.col("kind").replace_strict(notes, default=None, return_dtype=pl.Utf8)),
    )
    gt = pl.concat(
        [gt.select("kind", "subject", "note"), keys.select("unit_code", "case_number").gather(gt["cid"])],
        how="horizontal",
    )
    gt = gt.select("kind", "unit_code", "case_number", "subject", "note").unique(maintain_order=True)
    gt = gt.sort("kind", "unit_code", "case_number", "subject")
    gt.write_csv(out / "ground_truth.csv")
    counts = gt.group_by("kind").agg(n=pl.len()).sort("kind")
    return dict(zip(counts["kind"].to_list(), counts["n"].to_list(), strict=True))

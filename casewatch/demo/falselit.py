"""False-litigation ring shapes (虚假诉讼) planted into the civil docket.

The false-litigation module (later) scores clusters of civil cases; to measure it the demo city
carries a few known rings, recorded in the ground truth as ``FL-<shape>`` with the cluster id as
subject. Rings are laid over civil cases that carry no rule plant and no excluded period or
extension, after every rule plant is chosen, and they only change who sues whom, the cause, the
outcome and — for the quick-mediation shapes — an earlier (still compliant) closing day. So a ring
never makes a rule fire.

Shapes (signs from the SPC 2021 opinion and the 民间借贷 rules, rules-cn.md §1.3-1.8):

* ``serial_lender`` — one private lender with 8-14 loan suits against different people within
  ~10 months, one agent, many default judgments and withdrawals (职业放贷).
* ``collusive_pair`` — the same plaintiff and defendant in 2-4 loan suits over ~20 months; both give
  the same phone number; every suit mediated within days of filing.
* ``debtor_pileup`` — 6-12 people sue one company within 45 days and settle at once (debts
  piling up ahead of a distribution); every third claimant gives the first one's phone.
* ``fake_labour`` — 10-20 "employees" claim wages from one company within 30 days through one
  agent, all mediated within a week; every third claimant gives the first one's phone.

Volume and quick settlement alone also describe honest waves (unpaid wages, a closing shop), so
the pile-up shapes carry the tie the rules name (related claimants, 2016 意见 情形1).
* ``divorce_debt`` — while a divorce is pending, relatives of the husband (same surname) sue the
  couple for loans the husband readily admits.
"""

from __future__ import annotations

import bisect

import polars as pl

from casewatch.demo import reference as ref
from casewatch.demo.context import Ctx

SHAPES = ("serial_lender", "collusive_pair", "debtor_pileup", "fake_labour", "divorce_debt")
LOAN = ref.CIVIL_CAUSE_INDEX["民间借贷纠纷"]
SALE = ref.CIVIL_CAUSE_INDEX["买卖合同纠纷"]
WAGES = ref.CIVIL_CAUSE_INDEX["追索劳动报酬纠纷"]
DIVORCE = ref.CIVIL_CAUSE_INDEX["离婚纠纷"]

NOTES = {
    "serial_lender": "one lender, many loan suits, default judgments and withdrawals, one agent",
    "collusive_pair": "same pair in repeated loan suits, shared phone, mediated within days",
    "debtor_pileup": "many plaintiffs against one company within weeks, settled at once",
    "fake_labour": "wage claims by many workers against one company, one agent, quick mediation",
    "divorce_debt": "loan suits by the husband's relatives while the divorce is pending",
}


class _Picker:
    """Unused candidate cases per district, found by filing day."""

    def __init__(self, cand: pl.DataFrame):
        self.days: dict[str, list[int]] = {}
        self.rows: dict[str, list[int]] = {}
        self.procs: dict[str, list[str]] = {}
        for d in ref.DISTRICT_CODES:
            part = cand.filter(pl.col("district") == d).sort("filed", "_row")
            self.days[d] = part["filed"].to_list()
            self.rows[d] = part["_row"].to_list()
            self.procs[d] = part["procedure"].to_list()
        self.used: set[int] = set()

    def take(self, district: str, day: int, until: int, simple_ok: bool = True) -> int | None:
        days, rows = self.days[district], self.rows[district]
        i = bisect.bisect_left(days, day)
        while i < len(days) and days[i] <= until:
            row = rows[i]
            if row not in self.used and (simple_ok or self.procs[district][i] != "small_claims"):
                self.used.add(row)
                return row
            i += 1
        return None


def plant_rings(ctx: Ctx, c: pl.DataFrame) -> pl.DataFrame:
    """Overlay ring clusters on civil first-instance cases; returns the modified frame."""
    c = c.with_columns(fl_quick=pl.lit(None, dtype=pl.Int64))
    if ctx.n_cases < 2_000:
        return c
    py = ctx.rng.py
    n_clusters = max(1, round(ctx.n_cases / 25_000))
    c = c.with_row_index("_row")
    eligible = (
        pl.col("plant").is_null()
        & pl.col("excl").is_null()
        & ~pl.col("ext")
        & (pl.col("filed") <= ctx.as_of - 90)
        & (pl.col("filed") >= ctx.start + 30)
    )
    picker = _Picker(c.filter(eligible).select("_row", "district", "filed", "procedure"))
    weights = [ref.DISTRICT_WEIGHTS[d] for d in ref.DISTRICT_CODES]
    lawyers = ctx.pools["lawyer"].to_list()
    mods: list[dict] = []

    def person(profile: str = "adult") -> int:
        return ctx.new_persons(1, profile)[0]

    def company() -> int:
        return ctx.new_orgs(1, "company")[0]

    def add(row, shape, cluster, **kw) -> None:
        base = {
            "_row": row,
            "fl_kind": f"FL-{shape}",
            "fl_cluster": cluster,
            "plaintiff": None,
            "defendant": None,
            "defendant2": None,
            "p_agent": None,
            "d_agent": None,
            "cause": LOAN,
            "outcome_p": "mediation",
            "fl_quick": None,
            "claim_cents": py.randint(2, 40) * 1_000_000,
        }
        base.update(kw)
        mods.append(base)

    for shape in SHAPES:
        for j in range(n_clusters):
            cluster = f"FL-{shape}-{j + 1:03d}"
            district = py.choices(ref.DISTRICT_CODES, weights)[0]
            agent = lawyers[py.randrange(len(lawyers))]
            if shape == "divorce_debt":
                _divorce_debt(ctx, picker, district, cluster, add, person)
                continue
            spans = {
                "serial_lender": (8, 14, 300),
                "collusive_pair": (2, 4, 600),
                "debtor_pileup": (6, 12, 45),
                "fake_labour": (10, 20, 30),
            }
            lo_k, hi_k, width = spans[shape]
            k = py.randint(lo_k, hi_k)
            first = py.randint(ctx.start + 30, max(ctx.start + 30, ctx.as_of - 90 - width))
            days = sorted(py.randint(first, first + width) for _ in range(k))
            rows = [r for r in (picker.take(district, d, first + width) for d in days) if r is not None]
            if len(rows) < 2:
                continue
            if shape == "serial_lender":
                lender = person()
                for r in rows:
                    oc = py.choices(["default_judgment", "withdrawal", "judgment"], [40, 30, 30])[0]
                    add(r, shape, cluster, plaintiff=lender, defendant=person(), p_agent=agent, outcome_p=oc)
            elif shape == "collusive_pair":
                a, b = person(), person()
                ctx.phone_links.append(pl.DataFrame({"pid": [b], "src": [a]}))
                for r in rows:
                    add(
                        r, shape, cluster, plaintiff=a, defendant=b, p_agent=agent, fl_quick=py.randint(3, 12)
                    )
            elif shape == "debtor_pileup":
                debtor = company()
                claimants = _related_claimants(ctx, len(rows), person)
                for r, claimant in zip(rows, claimants, strict=True):
                    add(
                        r,
                        shape,
                        cluster,
                        plaintiff=claimant,
                        defendant=debtor,
                        cause=py.choice([LOAN, SALE]),
                        p_agent=agent if py.random() < 0.5 else None,
                        fl_quick=py.randint(2, 10),
                    )
            else:  # fake_labour
                employer = company()
                workers = _related_claimants(ctx, len(rows), person)
                for r, worker in zip(rows, workers, strict=True):
                    add(
                        r,
                        shape,
                        cluster,
                        plaintiff=worker,
                        defendant=employer,
                        cause=WAGES,
                        p_agent=agent,
                        claim_cents=py.randint(8, 60) * 100_000,
                        fl_quick=py.randint(2, 8),
                    )
    if not mods:
        return c.drop("_row")
    schema = {
        "_row": pl.UInt32,
        "fl_kind": pl.Utf8,
        "fl_cluster": pl.Utf8,
        "plaintiff": pl.Int64,
        "defendant": pl.Int64,
        "defendant2": pl.Int64,
        "p_agent": pl.Int64,
        "d_agent": pl.Int64,
        "cause": pl.Int64,
        "outcome_p": pl.Utf8,
        "fl_quick": pl.Int64,
        "claim_cents": pl.Int64,
    }
    m = pl.DataFrame(mods, schema=schema)
    ctx.add_gt(
        m.join(c.select("_row", "cid"), on="_row", how="left", maintain_order="left").select(
            "cid",
            pl.col("fl_kind").alias("kind"),
            pl.col("fl_cluster").alias("subject"),
            pl.col("fl_kind")
            .str.strip_prefix("FL-")
            .replace_strict(NOTES, return_dtype=pl.Utf8)
            .alias("note"),
        )
    )
    cols = [k for k in schema if k not in ("_row", "fl_kind", "fl_cluster")]
    c = c.join(m.rename({k: f"_m_{k}" for k in cols}), on="_row", how="left", maintain_order="left")
    hit = pl.col("fl_kind").is_not_null()
    c = c.with_columns([pl.when(hit).then(pl.col(f"_m_{k}")).otherwise(pl.col(k)).alias(k) for k in cols])
    causes = ref.CIVIL_CAUSES
    pick = lambda i: pl.lit(pl.Series([x[i] for x in causes])).gather(pl.col("cause"))  # noqa: E731
    c = c.with_columns(
        cause_code=pl.when(hit).then(pick(0)).otherwise("cause_code"),
        cause_name=pl.when(hit).then(pick(1)).otherwise("cause_name"),
    )
    return c.drop([f"_m_{k}" for k in cols] + ["_row", "fl_kind", "fl_cluster"])


def _related_claimants(ctx: Ctx, n: int, person) -> list[int]:
    """Claimants of a pile-up: every third one gives the first one's phone (relatives, associates)."""
    out = [person() for _ in range(n)]
    for i in range(1, n, 3):
        ctx.phone_links.append(pl.DataFrame({"pid": [out[i]], "src": [out[0]]}))
    return out


def _divorce_debt(ctx: Ctx, picker: _Picker, district: str, cluster: str, add, person) -> None:
    py = ctx.rng.py
    first = py.randint(ctx.start + 30, ctx.as_of - 200)
    row = picker.take(district, first, first + 120, simple_ok=False)
    if row is None:
        return
    day = picker.days[district][picker.rows[district].index(row)]
    husband, wife = person(), person()
    add(
        row,
        "divorce_debt",
        cluster,
        plaintiff=wife,
        defendant=husband,
        cause=DIVORCE,
        outcome_p="judgment",
        claim_cents=None,
        fl_quick=py.randint(60, 80),
    )
    for _ in range(py.randint(2, 4)):
        r = picker.take(district, day + py.randint(5, 40), day + 50)
        if r is None:
            continue
        relative = person()
        ctx.surname_links.append(pl.DataFrame({"pid": [relative], "src": [husband]}))
        add(
            r,
            "divorce_debt",
            cluster,
            plaintiff=relative,
            defendant=husband,
            defendant2=wife,
            fl_quick=py.randint(3, 10),
        )

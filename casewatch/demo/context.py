"""Shared state and column helpers for the demo-city generator.

The generator works on integer surrogates while it builds the city — case ids (``cid``), party ids
(``pid``), day numbers since 1970-01-01 and timestamps in seconds — and only turns them into case
numbers, ID numbers and Arrow dates when it writes the files. Integers keep a million cases and
several million events small in memory and make every join and sort cheap.

Planting follows one pattern everywhere: each module first draws a fully compliant case population,
then :func:`choose_plants` labels a calibrated random sample of eligible cases with a rule id, and
the timeline expressions take a different branch for labelled cases. Ground truth is recorded from
the same labels, so the planted set and the ground-truth file cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from casewatch.analytics.schema import (
    ADMIN_JUDGMENT_RESULTS,
    APPROVER_LEVELS,
    EVENT_KINDS,
    INJURY_LEVELS,
    LAWYER_ROLES,
    PARTY_ROLES,
)
from casewatch.demo.reference import Divisions
from casewatch.demo.rng import Rng

DAY = 86_400
HOUR = 3_600
EPOCH = date(1970, 1, 1)

#: Rule ids that can be planted on an event (the event's seq is the finding subject).
EVENT_RULES = ["CR-05", "PR-02", "PR-03", "CV-03", "CV-05", "PO-01", "PO-03"]

# Events are the biggest table (~5 per case): small integer and enum columns keep them compact.
KIND_ENUM = pl.Enum(list(EVENT_KINDS))
EVENT_COLS: dict[str, pl.DataType] = {
    "cid": pl.Int32,
    "kind": KIND_ENUM,
    "ts": pl.Int64,
    "person": pl.Int32,
    "approver": pl.Enum(list(APPROVER_LEVELS)),
    "approved_ts": pl.Int64,
    "new_due": pl.Int32,
    "result": pl.Enum([*INJURY_LEVELS, "penalty", "no_penalty", *ADMIN_JUDGMENT_RESULTS]),
    "lawyer_present": pl.Boolean,
    "lawyer_role": pl.Enum(list(LAWYER_ROLES)),
    "recorded": pl.Boolean,
    "reason": pl.Enum(["special", "major_roving", "detention_possible"]),
    "gt": pl.Enum(EVENT_RULES),
}

CASE_COLS: dict[str, pl.DataType] = {
    "cid": pl.Int64,
    "matter": pl.Int64,
    "type": pl.Utf8,
    "district": pl.Utf8,
    "unit": pl.Utf8,
    "numtype": pl.Utf8,
    "procedure": pl.Utf8,
    "status": pl.Utf8,
    "received": pl.Int64,
    "filed": pl.Int64,
    "closed": pl.Int64,
    "claim_cents": pl.Int64,
    "plea": pl.Boolean,
    "outcome": pl.Utf8,
    "instance": pl.Int64,
    "cause_code": pl.Utf8,
    "cause_name": pl.Utf8,
}

ROLE_ENUM = pl.Enum(list(PARTY_ROLES))
PARTY_COLS: dict[str, pl.DataType] = {
    "cid": pl.Int32,
    "pid": pl.Int32,
    "role": ROLE_ENUM,
    "represents": pl.Int32,
}

TRANSFER_COLS: dict[str, pl.DataType] = {
    "matter": pl.Int64,
    "from_cid": pl.Int64,
    "to_unit": pl.Utf8,
    "to_cid": pl.Int64,
    "sent_ts": pl.Int64,
    "recv_ts": pl.Int64,
}

MATTER_COLS: dict[str, pl.DataType] = {
    "matter": pl.Int64,
    "kind": pl.Utf8,
    "opened": pl.Int64,
    "title_a": pl.Int64,
    "title_b": pl.Int64,
    "title_text": pl.Utf8,
    "title_tpl": pl.Utf8,
}

GT_COLS: dict[str, pl.DataType] = {
    "kind": pl.Utf8,
    "cid": pl.Int64,
    "subject": pl.Utf8,
    "pid": pl.Int64,
    "note": pl.Utf8,
}


def conform(df: pl.DataFrame, cols: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select ``cols`` in order, adding missing ones as typed nulls."""
    return df.select(
        [(pl.col(c) if c in df.columns else pl.lit(None)).cast(t).alias(c) for c, t in cols.items()]
    )


def day_of(d: date) -> int:
    return (d - EPOCH).days


def add_months(day: pl.Expr, months: int | pl.Expr) -> pl.Expr:
    """Calendar-month arithmetic on day numbers (2021-03-31 + 1 month = 2021-04-30)."""
    d = day.cast(pl.Int32).cast(pl.Date)
    out = (
        d.dt.offset_by(f"{months}mo")
        if isinstance(months, int)
        else d.dt.offset_by(pl.format("{}mo", months))
    )
    return out.cast(pl.Int32).cast(pl.Int64)


def span(lo: pl.Expr, hi: pl.Expr, u: pl.Series | pl.Expr, power: float = 1.0) -> pl.Expr:
    """An integer in [lo, hi] from a uniform u; ``power`` > 1 skews towards lo."""
    uu = pl.lit(u) if isinstance(u, pl.Series) else u
    if power != 1.0:
        uu = uu.pow(power)
    width = (hi - lo + 1).clip(lower_bound=1)
    return lo + (uu * width).floor().cast(pl.Int64).clip(upper_bound=width - 1)


@dataclass
class Ctx:
    """Everything the case modules share while the city is built."""

    rng: Rng
    as_of: int
    start: int
    n_cases: int
    plant_rate: float
    divisions: Divisions
    next_cid: int = 0
    next_pid: int = 0
    next_matter: int = 0
    #: natural persons: (pid, profile) blocks, attributes drawn in parties.build_persons
    person_blocks: list[pl.DataFrame] = field(default_factory=list)
    #: organisations: pid, flavour, district, gov body name (for government defendants)
    org_blocks: list[pl.DataFrame] = field(default_factory=list)
    cases: list[pl.DataFrame] = field(default_factory=list)
    events: list[pl.DataFrame] = field(default_factory=list)
    case_parties: list[pl.DataFrame] = field(default_factory=list)
    transfers: list[pl.DataFrame] = field(default_factory=list)
    matters: list[pl.DataFrame] = field(default_factory=list)
    items: list[pl.DataFrame] = field(default_factory=list)
    gt: list[pl.DataFrame] = field(default_factory=list)
    #: (pid, source pid): pid shares the phone number of source (false-litigation rings)
    phone_links: list[pl.DataFrame] = field(default_factory=list)
    #: (pid, source pid): pid carries the surname of source (relatives)
    surname_links: list[pl.DataFrame] = field(default_factory=list)
    pools: dict[str, pl.Series] = field(default_factory=dict)
    petitions: pl.DataFrame | None = None

    # -- calibration ------------------------------------------------------------------------------

    @property
    def min_plants(self) -> int:
        """Floor on plants per rule: 3 from 2,000 cases, 1 from 200, none in a toy city."""
        return 3 if self.n_cases >= 2_000 else 1 if self.n_cases >= 200 else 0

    @property
    def as_of_end(self) -> int:
        """Last second of the as-of day: nothing in the data happens after it."""
        return (self.as_of + 1) * DAY - 1

    # -- id allocation ----------------------------------------------------------------------------

    def new_cids(self, n: int) -> pl.Series:
        s = pl.int_range(self.next_cid, self.next_cid + n, eager=True, dtype=pl.Int64)
        self.next_cid += n
        return s

    def new_matters(self, n: int) -> pl.Series:
        s = pl.int_range(self.next_matter, self.next_matter + n, eager=True, dtype=pl.Int64)
        self.next_matter += n
        return s

    def new_persons(self, n: int, profile: str = "adult") -> pl.Series:
        """Allocate n fresh natural persons; their attributes are drawn when parties are built."""
        s = pl.int_range(self.next_pid, self.next_pid + n, eager=True, dtype=pl.Int64)
        self.next_pid += n
        self.person_blocks.append(
            pl.DataFrame({"pid": s, "profile": pl.Series([profile] * n, dtype=pl.Utf8)})
        )
        return s

    def new_orgs(
        self, n: int, flavour: str, district: pl.Series | None = None, body: pl.Series | None = None
    ) -> pl.Series:
        """Allocate n organisations of a flavour (company, bank, gov ...)."""
        s = pl.int_range(self.next_pid, self.next_pid + n, eager=True, dtype=pl.Int64)
        self.next_pid += n
        df = pl.DataFrame({"pid": s, "flavour": pl.Series([flavour] * n, dtype=pl.Utf8)})
        df = df.with_columns(
            district=district if district is not None else pl.lit(None, dtype=pl.Utf8),
            body=body if body is not None else pl.lit(None, dtype=pl.Utf8),
        )
        self.org_blocks.append(df)
        return s

    def fresh(
        self, df: pl.DataFrame, mask: pl.Expr, profile: str = "adult", flavour: str | None = None
    ) -> pl.Series:
        """Fresh persons (or organisations of ``flavour``) for the rows of ``df`` where ``mask`` holds."""
        m = df.select(mask.fill_null(False).alias("m")).to_series()
        n = int(m.sum())
        if n == 0:
            return pl.Series("pid", [None] * df.height, dtype=pl.Int64)
        pids = self.new_orgs(n, flavour) if flavour else self.new_persons(n, profile)
        idx = (m.cast(pl.Int64).cum_sum() - 1).clip(lower_bound=0)
        return pl.select(pl.when(pl.lit(m)).then(pl.lit(pids).gather(pl.lit(idx)))).to_series().alias("pid")

    def from_pool(self, pool: str, n: int, power: float = 1.0) -> pl.Series:
        """n draws from a named pool; ``power`` > 1 makes a few members very busy (Zipf-like)."""
        members = self.pools[pool]
        u = self.rng.uniform(n)
        if power != 1.0:
            u = u.pow(power)
        idx = (u * len(members)).floor().cast(pl.Int64).clip(upper_bound=len(members) - 1)
        return members.gather(idx)

    # -- collectors -------------------------------------------------------------------------------

    def add_cases(self, df: pl.DataFrame) -> None:
        self.cases.append(conform(df, CASE_COLS))

    def add_events(self, *frames: pl.DataFrame) -> None:
        """Keep events up to the as-of day (nothing in the data happens after it)."""
        self.events.extend(f.filter(pl.col("ts") <= self.as_of_end) for f in frames)

    def add_parties(self, *frames: pl.DataFrame) -> None:
        self.case_parties.extend(conform(f, PARTY_COLS).filter(pl.col("pid").is_not_null()) for f in frames)

    def add_transfers(self, df: pl.DataFrame) -> None:
        self.transfers.append(conform(df, TRANSFER_COLS))

    def add_matters(self, df: pl.DataFrame) -> None:
        self.matters.append(conform(df, MATTER_COLS))

    def add_gt(self, df: pl.DataFrame) -> None:
        self.gt.append(conform(df, GT_COLS))

    # -- random helpers bound to a frame ----------------------------------------------------------

    def u(self, df: pl.DataFrame) -> pl.Series:
        return self.rng.uniform(df.height)

    def ri(self, df: pl.DataFrame, low: int, high: int) -> pl.Series:
        return self.rng.integers(df.height, low, high)

    def not_before_start(self, day: pl.Expr) -> pl.Expr:
        """Clamp a day to the first day of the city's records (2024-01-01)."""
        return pl.max_horizontal(day, pl.lit(self.start))

    def biz(self, df: pl.DataFrame) -> pl.Series:
        """A time of day in office hours (08:30-17:30), in seconds."""
        return self.rng.integers(df.height, 8 * HOUR + 1_800, 17 * HOUR + 1_799)


def ev(df: pl.DataFrame, kind: str, ts: pl.Expr, **extra: pl.Expr) -> pl.DataFrame:
    """Events of one kind, one per row of ``df`` where ``ts`` is not null."""
    cols = {"cid": pl.col("cid"), "kind": pl.lit(kind), "ts": ts, **extra}
    return conform(df.select(**cols).filter(pl.col("ts").is_not_null()), EVENT_COLS)


def choose_plants(ctx: Ctx, df: pl.DataFrame, specs: list[tuple[str, pl.Expr, pl.Expr]]) -> pl.DataFrame:
    """Label a calibrated random sample of rows with a rule id in column ``plant``.

    ``specs`` is a list of (rule id, population, candidates): the number planted is
    ``plant_rate`` x the size of the rule's natural population (at least ``ctx.min_plants``), drawn
    from the candidates — the rows where the planted timeline fits before ``as_of`` — that carry
    no other plant yet. One plant per case keeps each case's ground truth unambiguous.
    """
    if "plant" not in df.columns:
        df = df.with_columns(plant=pl.lit(None, dtype=pl.Utf8))
    for kind, population, candidates in specs:
        # with_columns broadcasts a literal population (pl.lit(True)) to every row before counting
        pop = int(df.with_columns(_pop=population.fill_null(False))["_pop"].sum())
        if pop == 0:
            continue
        k = max(int(round(ctx.plant_rate * pop)), ctx.min_plants)
        if k == 0:
            continue
        u = ctx.u(df)
        df = df.with_columns(
            _score=pl.when(candidates & pl.col("plant").is_null()).then(pl.lit(u)).otherwise(None)
        )
        df = df.with_columns(_rank=pl.col("_score").rank("ordinal"))
        df = df.with_columns(
            plant=pl.when(pl.col("_rank") <= k).then(pl.lit(kind)).otherwise(pl.col("plant"))
        ).drop("_score", "_rank")
    return df


def is_plant(*kinds: str) -> pl.Expr:
    return pl.col("plant").is_in(list(kinds)).fill_null(False)

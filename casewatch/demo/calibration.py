"""Exact calibration of the article's administrative-litigation figures (Django-free, no extra draws).

The seed article reports for January–September: first-instance administrative filings −12.9 % year on
year and the administrative organ's loss rate 5.9 %, down 6.1 percentage points. With a few hundred
administrative cases a random draw lands anywhere near those figures, so the generator moves a few
rows deterministically (by a hash of the case id, never by new random draws, so every other table of
the city stays as it was):

* ``allocate_filings`` — exactly ``a`` cases filed in the prior year's window and ``b`` in this
  year's, with (b − a) ÷ a = −12.90 % after half-up rounding;
* ``calibrate_losses`` — the number of cases concluded in each window is trimmed to a count for
  which the target rate exists (a case trimmed from this year's window stays pending, still inside
  its time limit; one trimmed from last year's closes a few days after that window, also inside
  it), and exactly ``k`` of the window's judgments are judgments the organ lost.

The windows are 1 January to the as-of day of the as-of year and the same days a year earlier.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

EPOCH = dt.date(1970, 1, 1)
FILINGS_CHANGE = Decimal("-12.90")
LOSS_NOW, LOSS_BEFORE, LOSS_PP = Decimal("5.9"), Decimal("12.0"), Decimal("-6.1")
LOST_RESULTS = ("revoke", "alter", "unlawful", "perform")  # the kinds the demo draws from


def _q(x: Decimal, places: str) -> Decimal:
    return x.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def windows(as_of: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(this year's, last year's) windows as day numbers since 1970-01-01."""
    day = EPOCH + dt.timedelta(days=as_of)
    start = dt.date(day.year, 1, 1)
    try:
        prev_end = day.replace(year=day.year - 1)
    except ValueError:
        prev_end = day.replace(year=day.year - 1, day=28)
    prev_start = dt.date(day.year - 1, 1, 1)
    d = lambda x: (x - EPOCH).days  # noqa: E731
    return (d(start), as_of), (d(prev_start), d(prev_end))


def filing_targets(natural_prev: int) -> tuple[int, int]:
    """The prior-window count nearest the natural one for which some b gives exactly −12.90 %."""
    for delta in range(0, 200):
        for a in (natural_prev - delta, natural_prev + delta):
            if a <= 0:
                continue
            b = int(_q(Decimal(a) * (1 + FILINGS_CHANGE / 100), "1"))
            if _q(Decimal(b - a) * 100 / a, "0.01") == FILINGS_CHANGE:
                return a, b
    raise ValueError("no filing counts reproduce the target change")


def _order(df: pl.DataFrame) -> pl.Expr:
    return pl.col("cid").hash(seed=20260930)


def allocate_filings(df: pl.DataFrame, as_of: int, start: int) -> pl.DataFrame:
    """Re-date the filing day ``filed`` so the two windows hold exactly the target counts."""
    (c0, c1), (p0, p1) = windows(as_of)
    in_cur = pl.col("filed").is_between(c0, c1)
    in_prev = pl.col("filed").is_between(p0, p1)
    n_prev = df.filter(in_prev).height
    a, b = filing_targets(n_prev)
    df = df.with_columns(_k=_order(df)).with_columns(
        zone=pl.when(in_cur).then(pl.lit(1)).when(in_prev).then(pl.lit(2)).otherwise(pl.lit(0)),
    )
    df = df.with_columns(r=pl.col("_k").rank("ordinal").over("zone").cast(pl.Int64))
    n_cur = df.filter(pl.col("zone") == 1).height
    # Surplus rows of a window go to the outside pool; missing rows are taken from it.
    surplus_cur, surplus_prev = max(n_cur - b, 0), max(n_prev - a, 0)
    need_cur, need_prev = max(b - n_cur, 0), max(a - n_prev, 0)
    outside_days = [d for d in range(start, as_of + 1) if not (c0 <= d <= c1 or p0 <= d <= p1)]
    df = df.with_columns(
        move=pl.when((pl.col("zone") == 1) & (pl.col("r") <= surplus_cur))
        .then(pl.lit("out"))
        .when((pl.col("zone") == 2) & (pl.col("r") <= surplus_prev))
        .then(pl.lit("out"))
        .when((pl.col("zone") == 0) & (pl.col("r") <= need_cur))
        .then(pl.lit("cur"))
        .when((pl.col("zone") == 0) & (pl.col("r") > need_cur) & (pl.col("r") <= need_cur + need_prev))
        .then(pl.lit("prev"))
        .otherwise(pl.lit(None))
    )
    span_cur, span_prev = c1 - c0 + 1, p1 - p0 + 1
    outside = pl.Series(outside_days, dtype=pl.Int64)
    df = df.with_columns(
        filed=pl.when(pl.col("move") == "cur")
        .then(c0 + (pl.col("_k") % span_cur).cast(pl.Int64))
        .when(pl.col("move") == "prev")
        .then(p0 + (pl.col("_k") % span_prev).cast(pl.Int64))
        .when(pl.col("move") == "out")
        .then(pl.lit(outside).gather((pl.col("_k") % len(outside_days)).cast(pl.Int64)))
        .otherwise(pl.col("filed"))
    )
    return df.drop("_k", "zone", "r", "move")


def _loss_target(n: int, rate: Decimal) -> int | None:
    """A count k with k ÷ n × 100 = rate after half-up rounding to one place, or None."""
    k = int(_q(Decimal(n) * rate / 100, "1"))
    for cand in (k - 1, k, k + 1):
        if cand >= 0 and _q(Decimal(cand) * 100 / n, "0.1") == rate:
            return cand
    return None


def loss_targets(n_cur: int, n_prev: int) -> tuple[int, int, int, int]:
    """(N, k, N', k') with N ≤ n_cur, N' ≤ n_prev as large as possible, hitting 5.9 %, 12.0 %, −6.1 pp."""
    for N in range(n_cur, 0, -1):
        k = _loss_target(N, LOSS_NOW)
        if k is None:
            continue
        for Np in range(n_prev, 0, -1):
            kp = _loss_target(Np, LOSS_BEFORE)
            if kp is None:
                continue
            pp = _q(Decimal(k) * 100 / N - Decimal(kp) * 100 / Np, "0.1")
            if pp == LOSS_PP:
                return N, k, Np, kp
    raise ValueError("no concluded counts reproduce the target loss rates")


def calibrate_losses(df: pl.DataFrame, as_of: int) -> pl.DataFrame:
    """Trim each window's concluded cases to the target count and mark exactly k lost judgments.

    Needs the columns ``close`` (closing day), ``base`` (the legal due day) and ``outcome_p``; adds
    ``admin_result`` (the judgment's result: lost kinds or ``dismiss``).
    """
    (c0, c1), (p0, p1) = windows(as_of)
    df = df.with_columns(_k=_order(df))
    closed_cur = pl.col("close").is_between(c0, c1)
    closed_prev = pl.col("close").is_between(p0, p1)
    # Rows that can leave their window without breaking the time limit (5+ days of margin kept).
    movable_cur = closed_cur & (pl.col("base") >= c1 + 10)
    movable_prev = closed_prev & (pl.col("base") >= p1 + 10)
    n_cur, n_prev = df.filter(closed_cur).height, df.filter(closed_prev).height
    m_cur, m_prev = df.filter(movable_cur).height, df.filter(movable_prev).height
    try:
        N, k, Np, kp = loss_targets(n_cur, n_prev)
    except ValueError:  # a toy city: no counts reproduce the rates
        N, k, Np, kp = n_cur, 0, n_prev, 0
    if n_cur - N > m_cur or n_prev - Np > m_prev:
        # Not enough room to trim: keep the natural counts and the nearest achievable rates.
        N, Np = n_cur, n_prev
        k = int(_q(Decimal(N) * LOSS_NOW / 100, "1"))
        kp = int(_q(Decimal(Np) * LOSS_BEFORE / 100, "1"))
    df = df.with_columns(
        _rc=pl.when(movable_cur).then(pl.col("_k")).rank("ordinal"),
        _rp=pl.when(movable_prev).then(pl.col("_k")).rank("ordinal"),
    )
    df = df.with_columns(
        close=pl.when(movable_cur & (pl.col("_rc") <= n_cur - N))
        .then(pl.max_horizontal(pl.lit(c1 + 1), pl.col("base") - 5))
        .when(movable_prev & (pl.col("_rp") <= n_prev - Np))
        .then(pl.min_horizontal(pl.lit(p1 + 3), pl.col("base") - 5))
        .otherwise(pl.col("close"))
    )
    closed_cur = pl.col("close").is_between(c0, c1)
    closed_prev = pl.col("close").is_between(p0, p1)
    judged = pl.col("outcome_p") == "judgment"
    df = df.with_columns(
        _jc=pl.when(closed_cur & judged).then(pl.col("_k")).rank("ordinal"),
        _jp=pl.when(closed_prev & judged).then(pl.col("_k")).rank("ordinal"),
    )
    lost = (closed_cur & judged & (pl.col("_jc") <= k)) | (closed_prev & judged & (pl.col("_jp") <= kp))
    results = pl.Series(LOST_RESULTS)
    df = df.with_columns(
        admin_result=pl.when(lost)
        .then(pl.lit(results).gather((pl.col("_k") % len(LOST_RESULTS)).cast(pl.Int64)))
        .when(judged)
        .then(pl.lit("dismiss"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )
    return df.drop("_k", "_rc", "_rp", "_jc", "_jp")


#: long-pending cases (pending > 12 months) at the campaign's start and at its as-of day: −67.52 %
LONG_PENDING_START, LONG_PENDING_END = 117, 38


def long_pending(ctx) -> None:
    """Civil cases suspended while they wait for another case (民事诉讼法 第153条), filed in 2024.

    All ``LONG_PENDING_START`` are pending for more than 12 months when the campaign starts (1 January
    of the as-of year); the supervision campaign gets ``START − END`` of them resumed and decided
    between January and August, so ``LONG_PENDING_END`` remain at the as-of day: (38 − 117) ÷ 117 =
    −67.52 %. The suspension stops the legal clock (an excluded period), so no time-limit rule fires:
    each case used about 20 days before suspension and 30–50 days after resumption of its 6 months.
    Built only in a city of at least 20,000 cases (where nothing else is pending that long), with
    values derived from the case id (no random draws beyond the new parties).
    """
    from casewatch.demo import reference as ref
    from casewatch.demo.context import DAY, HOUR, day_of, ev

    if ctx.n_cases < 20_000:
        return
    year = (EPOCH + dt.timedelta(days=ctx.as_of)).year
    n = LONG_PENDING_START
    df = pl.DataFrame({"matter": ctx.new_matters(n), "cid": ctx.new_cids(n)})
    k = pl.col("cid").hash(seed=153)
    districts = pl.Series(ref.DISTRICT_CODES)
    df = df.with_columns(_k=k).with_columns(
        district=pl.lit(districts).gather((pl.col("_k") % len(districts)).cast(pl.Int64)),
        filed=day_of(dt.date(year - 2, 2, 1)) + (pl.col("_k") % 300).cast(pl.Int64),
        _r=pl.col("_k").rank("ordinal"),
    )
    resumed = pl.col("_r") <= LONG_PENDING_START - LONG_PENDING_END
    df = df.with_columns(
        unit=pl.concat_str("district", pl.lit("-CRT-MS1")),
        received=pl.col("filed") - 2,
        served=pl.col("filed") + 3,
        suspended=pl.col("filed") + 15 + (pl.col("_k") % 10).cast(pl.Int64),
        resumed_day=pl.when(resumed).then(day_of(dt.date(year, 1, 10)) + (pl.col("_k") % 180).cast(pl.Int64)),
    )
    df = df.with_columns(
        hearing=pl.col("resumed_day") + 15,
        close=pl.col("resumed_day") + 30 + (pl.col("_k") % 20).cast(pl.Int64),
    )
    df = df.with_columns(
        status=pl.when(resumed).then(pl.lit("closed")).otherwise(pl.lit("suspended")),
        closed=pl.col("close"),
        outcome=pl.when(resumed).then(pl.lit("judgment")),
        plaintiff=ctx.fresh(df, pl.col("cid").is_not_null()),
        defendant=ctx.fresh(df, pl.col("cid").is_not_null()),
        claim_cents=(200_000 + (pl.col("_k") % 800_000)).cast(pl.Int64) * 100,
    )
    ctx.add_cases(
        df.with_columns(
            type=pl.lit("civil"),
            numtype=pl.lit("民初"),
            instance=pl.lit(1),
            procedure=pl.lit("ordinary"),
            cause_code=pl.lit("MS084"),
            cause_name=pl.lit("买卖合同纠纷"),
        )
    )
    ctx.add_matters(
        df.select(
            "matter",
            pl.lit("civil").alias("kind"),
            pl.col("received").alias("opened"),
            pl.col("plaintiff").alias("title_a"),
            pl.col("defendant").alias("title_b"),
            pl.lit("买卖合同纠纷").alias("title_text"),
            pl.lit("civil").alias("title_tpl"),
        )
    )
    ctx.add_parties(
        df.select("cid", pl.col("plaintiff").alias("pid"), pl.lit("plaintiff").alias("role")),
        df.select("cid", pl.col("defendant").alias("pid"), pl.lit("defendant").alias("role")),
    )
    ctx.add_events(
        ev(df, "filed", pl.col("filed") * DAY + 9 * HOUR),
        ev(df, "complaint_served", pl.col("served") * DAY + 10 * HOUR),
        ev(df, "suspended", pl.col("suspended") * DAY + 15 * HOUR),
        ev(df, "resumed", pl.col("resumed_day") * DAY + 9 * HOUR),
        ev(df, "hearing", pl.col("hearing") * DAY + 9 * HOUR),
        ev(df, "judgment_pronounced", pl.when(resumed).then(pl.col("close") * DAY + 15 * HOUR)),
        ev(df, "closed", pl.when(resumed).then(pl.col("close") * DAY + 17 * HOUR + 1_800)),
    )

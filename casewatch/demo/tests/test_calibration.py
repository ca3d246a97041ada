"""The campaign report's figures are calibrated exactly in a city of 20,000 cases (seed 5)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest

from casewatch.demo import calibration, generator

AS_OF = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city20k")
    generator.generate(20_000, 5, out, AS_OF)
    return {t: pl.read_parquet(out / f"{t}.parquet") for t in ("cases", "events", "transfers")} | {"dir": out}


def _q(x, places):
    return Decimal(x).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _long_pending(cases, day):
    cut = day.replace(year=day.year - 1)
    return cases.filter(
        (pl.col("filed_at") <= day)
        & (pl.col("filed_at") < cut)
        & (pl.col("closed_at").is_null() | (pl.col("closed_at") > day))
        & (pl.col("case_type") != "petition")
    ).height


def test_long_pending_falls_by_67_52_percent(city):
    start, end = _long_pending(city["cases"], dt.date(2026, 1, 1)), _long_pending(city["cases"], AS_OF)
    assert (start, end) == (calibration.LONG_PENDING_START, calibration.LONG_PENDING_END)
    assert _q(Decimal(end - start) * 100 / start, "0.01") == Decimal("-67.52")


def test_administrative_filings_and_losses(city):
    cases = city["cases"].filter((pl.col("case_type") == "administrative") & (pl.col("instance") == 1))
    now = cases.filter(pl.col("filed_at").is_between(dt.date(2026, 1, 1), AS_OF)).height
    before = cases.filter(pl.col("filed_at").is_between(dt.date(2025, 1, 1), dt.date(2025, 9, 30))).height
    assert _q(Decimal(now - before) * 100 / before, "0.01") == Decimal("-12.90")
    judged = city["events"].filter(pl.col("kind") == "judgment_pronounced").select("case_key", "result")

    def rate(lo, hi):
        done = cases.filter((pl.col("status") == "closed") & pl.col("closed_at").is_between(lo, hi))
        lost = done.join(judged, on="case_key").filter(pl.col("result") != "dismiss").height
        return lost, done.height

    k, n = rate(dt.date(2026, 1, 1), AS_OF)
    kp, np_ = rate(dt.date(2025, 1, 1), dt.date(2025, 9, 30))
    assert _q(Decimal(k) * 100 / n, "0.1") == Decimal("5.9")
    assert _q(Decimal(kp) * 100 / np_, "0.1") == Decimal("12.0")
    assert _q(Decimal(k) * 100 / n - Decimal(kp) * 100 / np_, "0.1") == Decimal("-6.1")


def test_single_track_is_90_percent_inside_the_window(city):
    t = city["transfers"].filter(pl.col("sent_at").cast(pl.Date).is_between(dt.date(2026, 1, 1), AS_OF))
    n, electronic = t.height, t["electronic"].sum()
    # Rounded up to a whole transfer: never below 90.00 %, at most one transfer above it.
    assert electronic == -(-9 * n // 10), (electronic, n)
    assert electronic * 10 >= 9 * n


def test_planted_long_pending_cases_break_no_time_limit(city):
    from casewatch.analytics.engines.duckdb_engine import DuckDBEngine
    from casewatch.analytics.rules import select_rules

    findings = pl.from_arrow(
        DuckDBEngine().load_parquet_dir(city["dir"]).run(select_rules(), as_of=AS_OF).findings
    )
    suspended = city["cases"].filter(pl.col("status") == "suspended").select("unit_code", "case_number")
    assert suspended.height >= calibration.LONG_PENDING_END
    assert findings.join(suspended, on=["unit_code", "case_number"]).height == 0

"""The demo city: a synthetic, Ningbo-shaped case population with known, planted problems.

``generate(n_cases, seed, out_dir)`` writes one file per canonical table (``casewatch.analytics.
schema``) plus ``ground_truth.csv`` — every planted problem, keyed like a screening finding — and
``manifest.json``. The files import through ``casewatch import`` unchanged, so the same data drives
the UI, the screening rules, the deadline engine and the false-litigation module, and the ground
truth lets their tests and benchmarks measure precision and recall instead of guessing.

Why vectorised: a million cases, ~1.7 million parties and ~5 million events must be generated in
well under two minutes on two cores. Every per-case decision is a column expression (polars,
pyarrow); Python loops only run over the few hundred false-litigation clusters. Why deterministic:
benchmarks and bug reports must be reproducible, so the same seed gives byte-identical files
(one seeded random stream, fixed sort orders, fixed-size Parquet row groups, no clock).

Run ``python -m casewatch.demo.generator --cases 100000 --seed 1 --out var/demo``.
See ``docs/demo-city.md`` for what the city contains and how the plants are calibrated.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from casewatch.demo import assemble, calibration, civil, courts, criminal, enforcement, police
from casewatch.demo.context import Ctx, day_of
from casewatch.demo.reference import load_divisions
from casewatch.demo.rng import Rng

START = date(2024, 1, 1)
DEFAULT_AS_OF = date(2026, 9, 30)
FORMATS = ("parquet", "csv", "jsonl")
DEFAULT_PLANT_RATE = 0.003


@dataclass(frozen=True)
class Mix:
    """Root case counts; chained cases (prosecution, trial, appeals, enforcement) follow from them."""

    criminal_matters: int
    public_order: int
    admin: int
    civil: int
    enforcement_share: float = 0.35  # of civil judgments/mediations that go on to enforcement

    @classmethod
    def for_cases(cls, n: int) -> Mix:
        # Shares of all cases: police criminal 6 % (+ ~5 % prosecution, ~4.5 % trials), public order
        # 10 %, administrative 1.2 %, civil first instance 48 % (+ ~3.5 % appeals), enforcement the rest
        # (~22 %): roughly the shape of a Chinese city's political-legal caseload.
        return cls(
            criminal_matters=round(n * 0.06),
            public_order=round(n * 0.10),
            admin=round(n * 0.012),
            civil=round(n * 0.48),
        )


def _pools(ctx: Ctx) -> None:
    """Recurring parties: lawyers, duty lawyers, repeat institutional litigants, government bodies."""
    n = ctx.n_cases
    lawyers = ctx.new_persons(max(40, n // 250), "lawyer")
    ctx.pools["lawyer"] = lawyers
    ctx.pools["duty"] = lawyers.head(max(10, len(lawyers) // 5))
    for flavour, per in (
        ("bank", 20_000),
        ("card", 120_000),
        ("leasing", 80_000),
        ("property", 30_000),
        ("smallloan", 60_000),
    ):
        ctx.pools[flavour] = ctx.new_orgs(max(3, n // per), flavour)
    ctx.pools["gov"] = courts.gov_pool(ctx)


def build_city(n_cases: int, seed: int, as_of: date, plant_rate: float, divisions_dir) -> Ctx:
    """Generate every case, event, party reference and plant (integer surrogates, in memory)."""
    ctx = Ctx(
        rng=Rng(seed),
        as_of=day_of(as_of),
        start=day_of(START),
        n_cases=n_cases,
        plant_rate=plant_rate,
        divisions=load_divisions(divisions_dir),
    )
    _pools(ctx)
    mix = Mix.for_cases(n_cases)
    criminal.generate(ctx, mix.criminal_matters)
    police.generate(ctx, mix.public_order)
    courts.admin(ctx, mix.admin)
    calibration.long_pending(ctx)  # the long-pending cases the campaign cut by 67.52 %
    # Civil cases, appeals and enforcement fill the rest; the caps only bite in tiny cities.
    first = civil.generate(ctx, min(mix.civil, n_cases - ctx.next_cid))
    civil.appeals(ctx, first, limit=n_cases - ctx.next_cid)
    from_civil = courts.enforcement_from_civil(ctx, first, mix.enforcement_share)
    from_civil = from_civil.head(n_cases - ctx.next_cid)
    left = n_cases - ctx.next_cid - from_civil.height
    standalone = courts.enforcement_standalone(ctx, left)
    courts.enforcement(ctx, pl.concat([from_civil, standalone], how="vertical_relaxed"))
    if ctx.next_cid != n_cases:  # pragma: no cover - guarded by the arithmetic above
        raise AssertionError(f"generated {ctx.next_cid} cases, wanted {n_cases}")
    assemble.finalize(ctx)
    assemble.petitions(ctx, round(n_cases * 0.025))
    return ctx


def generate(
    n_cases: int,
    seed: int,
    out_dir: str | Path,
    as_of: date = DEFAULT_AS_OF,
    fmt: str = "parquet",
    *,
    plant_rate: float = DEFAULT_PLANT_RATE,
    divisions_dir: str | Path | None = None,
) -> dict:
    """Write the demo city to ``out_dir`` and return its manifest.

    ``plant_rate`` is the share of each rule's eligible cases that carry a planted violation (at
    least 3 per rule once ``n_cases`` >= 2,000). ``divisions_dir`` holds ``streets.csv`` and
    ``areas.csv``; it defaults to ``../shared/data/divisions`` next to the repository, and generic
    place names are used when it is missing.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    if n_cases < 1:
        raise ValueError("n_cases must be at least 1")
    if as_of <= date(2024, 12, 31):
        raise ValueError("as_of must be in 2025 or later: the city's cases start on 2024-01-01")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ctx = build_city(n_cases, seed, as_of, plant_rate, divisions_dir)
    rows, gt_counts = assemble.write_all(ctx, out, fmt)
    enforcement_rows, calibration = enforcement.generate(out, fmt, seed, as_of, n_cases)
    rows.update(enforcement_rows)
    manifest = {
        "generator": "casewatch.demo",
        "seed": seed,
        "n_cases": n_cases,
        "as_of": as_of.isoformat(),
        "start": START.isoformat(),
        "format": fmt,
        "plant_rate": plant_rate,
        "rows": rows,
        "ground_truth": gt_counts,
        "enforcement_calibration": calibration,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m casewatch.demo.generator --cases N --seed S --out DIR``."""
    ap = argparse.ArgumentParser(
        prog="python -m casewatch.demo.generator", description="Generate the demo city."
    )
    ap.add_argument("--cases", type=int, required=True, help="number of cases")
    ap.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument(
        "--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF, help="reference date (YYYY-MM-DD)"
    )
    ap.add_argument("--format", choices=FORMATS, default="parquet")
    ap.add_argument(
        "--plant-rate", type=float, default=DEFAULT_PLANT_RATE, help="share of eligible cases per rule"
    )
    ap.add_argument("--divisions-dir", default=None, help="directory with streets.csv and areas.csv")
    args = ap.parse_args(argv)
    manifest = generate(
        args.cases,
        args.seed,
        args.out,
        args.as_of,
        args.format,
        plant_rate=args.plant_rate,
        divisions_dir=args.divisions_dir,
    )
    json.dump(manifest["rows"], sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

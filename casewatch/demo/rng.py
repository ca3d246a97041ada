"""Deterministic, vectorised random numbers for the demo city.

Why not numpy: the project does not depend on numpy, and adding a dependency for one generator is
not worth it. ``pyarrow.compute.random`` draws a whole column of uniform doubles in one call and is
reproducible when given an integer ``initializer``; a stdlib :class:`random.Random` seeded with the
user's seed hands out one fresh initializer per draw. The same seed and the same sequence of calls
therefore give byte-identical columns, independent of thread count or time of day.

Every helper returns a polars Series (or plain Python values for the few per-problem loops).
"""

from __future__ import annotations

import math
import random

import polars as pl
import pyarrow.compute as pc


class Rng:
    """A reproducible stream of random columns."""

    def __init__(self, seed: int):
        self.py = random.Random(seed)

    def _init(self) -> int:
        return self.py.getrandbits(62)

    def uniform(self, n: int) -> pl.Series:
        """n uniform doubles in [0, 1)."""
        if n == 0:
            return pl.Series("u", [], dtype=pl.Float64)
        return pl.from_arrow(pc.random(n, initializer=self._init())).alias("u")

    def integers(self, n: int, low: int, high: int) -> pl.Series:
        """n integers uniform in [low, high] (both ends included)."""
        u = self.uniform(n)
        # (clip: for huge ranges u * width can round up to width itself)
        return (u * (high - low + 1)).floor().cast(pl.Int64).clip(upper_bound=high - low) + low

    def exact(self, n: int, share: float) -> pl.Series:
        """n booleans with exactly round(share * n) True, in random positions.

        Used where a calibration figure (single-track share, plea-leniency rate) must land close
        to its target even at a few hundred rows.
        """
        k = int(round(share * n))
        rank = self.uniform(n).rank("ordinal").cast(pl.Int64) - 1
        return rank < k

    def choice(self, n: int, weights: list[float]) -> pl.Series:
        """n indices into ``weights`` (Int64), drawn with the given relative weights."""
        total = float(sum(weights))
        u = self.uniform(n)
        if len(weights) == 1:
            return pl.Series("i", [0] * n, dtype=pl.Int64)
        cum, acc = [], 0.0
        for w in weights[:-1]:
            acc += w / total
            cum.append(acc)
        idx = pl.Series("i", [0] * n, dtype=pl.Int64)
        for c in cum:
            idx = idx + (u >= c).cast(pl.Int64)
        return idx

    def normal(self, n: int) -> pl.Series:
        """n standard normal draws (Box-Muller)."""
        u1 = 1.0 - self.uniform(n)  # (0, 1]
        u2 = self.uniform(n)
        return (-2.0 * u1.log()).sqrt() * (2.0 * math.pi * u2).cos()

    def lognormal(self, n: int, median: float, sigma: float) -> pl.Series:
        """n log-normal draws with the given median and log-scale spread."""
        return (self.normal(n) * sigma + math.log(median)).exp()

"""Survey statistics without Django: Wilson and Newcombe intervals and pooled rating metrics.

`Metrics` accumulates counts per rating (1–5), "not applicable" answers and weighted sums, so that
any roll-up (item → dimension → agency → wave) is a sum of aggregates, never a pass over answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

Z = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z) -> tuple[float | None, float | None]:
    """Wilson score interval for a proportion (None when n is 0)."""
    if n <= 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float | None, float | None, float | None]:
    """Difference p2 − p1 with Newcombe's hybrid score interval (method 10)."""
    if n1 <= 0 or n2 <= 0:
        return None, None, None
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    d = p2 - p1
    low = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return d, low, high


@dataclass
class Metrics:
    """Pooled figures for a set of rating answers."""

    n_na: int = 0
    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    sum_w: float = 0.0  # Σw over valid answers
    sum_wx: float = 0.0  # Σw·x with x = (score − 1)/4·100
    sum_wx2: float = 0.0
    sum_w2: float = 0.0
    top_box: int = 2

    def add(self, row: dict, weight: float = 1.0) -> None:
        counts = [row[f"s{k}"] or 0 for k in range(1, 6)]
        n = sum(counts)
        self.n_na += row["na"] or 0
        self.counts = [a + b for a, b in zip(self.counts, counts, strict=True)]
        if n:
            s, s2 = row["sum"] or 0.0, row["sumsq"] or 0.0
            sx = (s - n) * 25.0  # Σ (score − 1)·25
            sx2 = 625.0 * (s2 - 2 * s + n)  # Σ ((score − 1)·25)²
            self.sum_w += weight * n
            self.sum_wx += weight * sx
            self.sum_wx2 += weight * sx2
            self.sum_w2 += weight * weight * n

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def answers(self) -> int:
        return self.n + self.n_na

    @property
    def satisfied(self) -> int:
        return sum(self.counts[5 - self.top_box :])

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.n if self.n else None

    @property
    def rate_ci(self) -> tuple[float | None, float | None]:
        return wilson(self.satisfied, self.n)

    @property
    def mean(self) -> float | None:
        """Unweighted mean score (1–5)."""
        if not self.n:
            return None
        return sum((k + 1) * c for k, c in enumerate(self.counts)) / self.n

    @property
    def index(self) -> float | None:
        return self.sum_wx / self.sum_w if self.sum_w else None

    @property
    def index_se(self) -> float | None:
        if not self.sum_w or not self.sum_w2:
            return None
        mean = self.index
        var = max(0.0, self.sum_wx2 / self.sum_w - mean * mean)
        n_eff = self.sum_w**2 / self.sum_w2
        if n_eff <= 1:
            return None
        return math.sqrt(var * n_eff / (n_eff - 1) / n_eff)

    @property
    def index_ci(self) -> tuple[float | None, float | None]:
        se = self.index_se
        if se is None:
            return None, None
        return max(0.0, self.index - Z * se), min(100.0, self.index + Z * se)

    @property
    def distribution(self) -> list[float]:
        """Share of each rating 1–5 among valid answers."""
        return [c / self.n if self.n else 0.0 for c in self.counts]

    def as_dict(self) -> dict:
        lo, hi = self.rate_ci
        ilo, ihi = self.index_ci
        return {
            "answers": self.answers,
            "valid": self.n,
            "not_applicable": self.n_na,
            "counts": self.counts,
            "satisfied": self.satisfied,
            "rate": self.rate,
            "rate_low": lo,
            "rate_high": hi,
            "mean": self.mean,
            "index": self.index,
            "index_low": ilo,
            "index_high": ihi,
        }

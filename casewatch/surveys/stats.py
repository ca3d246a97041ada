"""Survey statistics without Django: Wilson and Newcombe intervals and pooled rating metrics.

`Metrics` accumulates counts per rating (any scale of 3 to 11 points), "not applicable" answers and
weighted sums of the 0–100 rescaled values, so that
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
    """Pooled figures for a set of rating answers, on rating scales of 3 to 11 points.

    Each added block of answers carries its scale ``(lo, hi)`` (the lowest and highest score of
    the item's list, e.g. 1–5, 1–7, 0–10). An answer's 0–100 value is the linear rescale
    ``(score − lo) ÷ (hi − lo) × 100``; it is *satisfied* when it is in the top *k* boxes of its
    own scale, ``score > hi − k`` (k = ``top_box``, at most points − 1).
    """

    n_na: int = 0
    by_score: dict = field(default_factory=dict)  # score -> count (over every scale added)
    scales: set = field(default_factory=set)  # the (lo, hi) pairs added
    sat_by_k: dict = field(default_factory=dict)  # k -> satisfied count (k = 1 … 10)
    sum_w: float = 0.0  # Σw over valid answers
    sum_wx: float = 0.0  # Σw·x with x the 0–100 value
    sum_wx2: float = 0.0
    sum_w2: float = 0.0
    sum_score: float = 0.0
    top_box: int = 2

    def add(self, row: dict, weight: float = 1.0, scale: tuple[int, int] = (1, 5)) -> None:
        """Add a block of answers: ``row`` has ``na`` and either ``counts`` ({score: n}) or the
        5-point shorthand ``s1`` … ``s5``."""
        counts = row.get("counts")
        if counts is None:
            counts = {k: row.get(f"s{k}") or 0 for k in range(1, 6)}
        lo, hi = int(scale[0]), int(scale[1])
        if not 2 <= hi - lo <= 10:
            raise ValueError(f"a rating scale has 3 to 11 points, not {hi - lo + 1}")
        self.n_na += row.get("na") or 0
        self.scales.add((lo, hi))
        span = float(hi - lo)
        for score, n in counts.items():
            if not n:
                continue
            score = float(score)
            if not lo <= score <= hi:
                raise ValueError(f"score {score} outside the scale {lo}–{hi}")
            key = int(score) if score.is_integer() else score
            self.by_score[key] = self.by_score.get(key, 0) + n
            for k in range(1, 11):
                if score > hi - min(k, hi - lo):
                    self.sat_by_k[k] = self.sat_by_k.get(k, 0) + n
            x = (score - lo) / span * 100.0
            self.sum_w += weight * n
            self.sum_wx += weight * x * n
            self.sum_wx2 += weight * x * x * n
            self.sum_w2 += weight * weight * n
            self.sum_score += score * n

    @property
    def n(self) -> int:
        return sum(self.by_score.values())

    @property
    def answers(self) -> int:
        return self.n + self.n_na

    @property
    def satisfied(self) -> int:
        return self.sat_by_k.get(int(self.top_box), 0)

    @property
    def scale(self) -> tuple[int, int] | None:
        """The one scale of these answers, or None when scales are mixed (or nothing added)."""
        return next(iter(self.scales)) if len(self.scales) == 1 else None

    @property
    def counts(self) -> list[int]:
        """Counts per point of the scale (lowest first); empty when scales are mixed."""
        if self.scale is None:
            return []
        lo, hi = self.scale
        return [self.by_score.get(k, 0) for k in range(lo, hi + 1)]

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.n if self.n else None

    @property
    def rate_ci(self) -> tuple[float | None, float | None]:
        return wilson(self.satisfied, self.n)

    @property
    def mean(self) -> float | None:
        """Unweighted mean raw score (on the answers' own scale; mixed scales: see ``index``)."""
        return self.sum_score / self.n if self.n else None

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
        """Share of each point of the scale among valid answers (empty for mixed scales)."""
        return [c / self.n if self.n else 0.0 for c in self.counts]

    def as_dict(self) -> dict:
        lo, hi = self.rate_ci
        ilo, ihi = self.index_ci
        return {
            "answers": self.answers,
            "valid": self.n,
            "not_applicable": self.n_na,
            "counts": self.counts,
            "by_score": {str(k): v for k, v in sorted(self.by_score.items())},
            "scale": list(self.scale) if self.scale else None,
            "satisfied": self.satisfied,
            "rate": self.rate,
            "rate_low": lo,
            "rate_high": hi,
            "mean": self.mean,
            "index": self.index,
            "index_low": ilo,
            "index_high": ihi,
        }

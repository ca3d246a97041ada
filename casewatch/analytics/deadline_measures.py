"""Court performance measures — compatibility names for :mod:`casewatch.analytics.measures`.

`casewatch.analytics.deadlines` re-exports ``measures``, ``DEFAULT_TIERS``, ``AGE_BUCKETS`` and
``month_ends`` from here; the computation (fact table, percentiles, exclusions, any grouping)
lives in :mod:`casewatch.analytics.measures`.
"""

from __future__ import annotations

from casewatch.analytics.measures import (
    AGE_BUCKETS,
    DEFAULT_PERCENTILES,
    DEFAULT_TIERS,
    DIMENSIONS,
    Exclusions,
    build_facts,
    compute,
    measures,
    month_ends,
)

__all__ = [
    "AGE_BUCKETS",
    "DEFAULT_PERCENTILES",
    "DEFAULT_TIERS",
    "DIMENSIONS",
    "Exclusions",
    "build_facts",
    "compute",
    "measures",
    "month_ends",
]

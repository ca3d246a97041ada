"""The results page's charts as descriptions for the shared chart helper (core.charts): rate and
index by agency and by dimension, the trend between waves, the distribution of ratings."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from casewatch.core import charts


def _rate(value):
    return None if value is None else round(value * 100, 2)


def _index(value):
    return None if value is None else round(value, 1)


def _pair(rows) -> list[tuple[str, list]]:
    """Two series on one 0-100 axis: the rate in percent and the index (0-100, not a percent)."""
    return [
        (_("Satisfaction rate (%)"), [_rate(r.metrics.rate) for r in rows]),
        (_("Index (0–100)"), [_index(r.metrics.index) for r in rows]),
    ]


def results_charts(res, trend, *, as_of: dt.date) -> dict[str, dict]:
    """Chart specs of a wave's results `res` and the `trend` over its unit's waves (oldest first)."""

    def rate_and_index(rows) -> dict:
        return charts.bars([str(r.label) for r in rows], _pair(rows), max_value=100, as_of=as_of)

    # one stacked bar per dimension over the scores present (mixed scales: 0 where not on a scale)
    scores = sorted({s for r in res.by_dimension for s in r.metrics.by_score})
    distribution = [(str(s), [r.metrics.by_score.get(s, 0) for r in res.by_dimension]) for s in scores]
    distribution.append((_("Don't know"), [r.metrics.n_na for r in res.by_dimension]))
    return {
        "agency": rate_and_index(res.by_agency),
        "dimension": rate_and_index(res.by_dimension),
        # waves in the order of their periods (given), not sorted by name
        "trend": charts.lines(
            [str(r.label) for r in trend.by_wave],
            _pair(trend.by_wave),
            order="given",
            max_value=100,
            as_of=as_of,
        ),
        "distribution": charts.bars(
            [str(r.label) for r in res.by_dimension], distribution, stacked=True, as_of=as_of
        ),
    }

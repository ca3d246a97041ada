"""Number formatting for survey pages: rates as percentages, indices, intervals."""

from django import template

register = template.Library()


@register.filter
def pct(value, digits=2):
    """0.9733 → 97.33%."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def num1(value):
    if value is None or value == "":
        return "—"
    return f"{float(value):.1f}"


@register.simple_tag
def rate_ci(metrics):
    low, high = metrics.rate_ci
    return "—" if low is None else f"{low * 100:.1f}–{high * 100:.1f}%"


@register.simple_tag
def index_ci(metrics):
    low, high = metrics.index_ci
    return "—" if low is None else f"{low:.1f}–{high:.1f}"


@register.filter
def signed_pct(value):
    if value is None:
        return "—"
    return f"{value * 100:+.2f}"


@register.filter
def signed(value):
    if value is None:
        return "—"
    return f"{value:+.1f}"


@register.simple_tag
def score_columns(rows):
    """The scores present in a table's rows, lowest first (1–5 for 5-point items; 0–10 …)."""
    found = set()
    for r in rows:
        found.update(r.metrics.by_score)
        for lo, hi in r.metrics.scales:
            found.update(range(lo, hi + 1))
    return sorted(found)


@register.simple_tag
def score_count(metrics, score):
    """Answers with this score; blank when the score is not on the row's scale(s)."""
    if not any(lo <= score <= hi for lo, hi in metrics.scales):
        return ""
    return metrics.by_score.get(score, 0)

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

"""One way to describe a chart for the shared ECharts helper (static/casewatch/chart.js).

A view builds a *spec* with `bars`, `lines`, `pie` or `area_map` and the page places it with
``{% chart "chart-id" spec _("What it shows") %}`` (templatetags/casewatch.py): a ``.chart``
container plus a json_script block the helper reads. The spec holds no ECharts option — only
what the chart says (categories, named series, as-of, percent or count) — so every page draws
the same way and the rules are kept in one place:

* every series has a name a reader can read (``None``/``""`` become "—", never "null");
* categories are in the order given, or sorted when ``order`` says so ("label" for months or
  codes, "desc"/"asc" by the first series' values) — not in whatever order a dict came back;
* the as-of day (what day the figures describe) is shown with the chart, in the reader's language;
* labels arrive translated (the view runs under the reader's language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

#: ways categories may be ordered
ORDERS = ("given", "label", "desc", "asc")


def _name(value) -> str:
    text = "" if value is None else str(value)
    return text if text.strip() and text != "null" else "—"


def _day(value) -> str:
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value else ""


def _ordered(categories: list, series: list[dict], links: list | None, order: str):
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    if order == "given" or not categories:
        return categories, series, links
    idx = list(range(len(categories)))
    if order == "label":
        idx.sort(key=lambda i: str(categories[i]))
    else:
        first = series[0]["data"] if series else [0] * len(categories)
        sign = -1 if order == "desc" else 1  # stable: ties keep the given order; None last
        idx.sort(key=lambda i: (first[i] is None, sign * (first[i] or 0)))
    cats = [categories[i] for i in idx]
    out = [{**s, "data": [s["data"][i] for i in idx]} for s in series]
    return cats, out, [links[i] for i in idx] if links else links


def _base(kind: str, *, as_of, percent: bool, max_value, title: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"kind": kind, "percent": bool(percent), "empty": _("Nothing to chart.")}
    if max_value is not None:
        spec["max"] = max_value
    if title:
        spec["title"] = str(title)
    if as_of:
        spec["asOf"] = _("Data as of %(day)s") % {"day": _day(as_of)}
    return spec


def bars(
    categories: Iterable,
    series: Sequence[tuple[Any, Sequence]] = (),
    *,
    values: Sequence | None = None,
    horizontal: bool = True,
    stacked: bool = False,
    order: str = "given",
    links: Sequence[str] | None = None,
    as_of=None,
    percent: bool = False,
    max_value=None,
    title: str = "",
    line: Iterable[int] = (),
) -> dict:
    """Bars per category: `values` for one unnamed series, or `series` as (name, values) pairs;
    `line` gives the indexes of series drawn as lines (a bar-and-line chart on a category x axis).
    `links` (one per category) make a bar a link to the list behind it."""
    cats = [_name(c) for c in categories]
    pairs = [("", values)] if values is not None else list(series)
    line = set(line)
    out = []
    for k, (name, data) in enumerate(pairs):
        data = list(data)
        if len(data) != len(cats):
            raise ValueError(f"series {name!r} has {len(data)} values for {len(cats)} categories")
        out.append({"name": "" if values is not None else _name(name), "data": data, "line": k in line})
    cats, out, links = _ordered(cats, out, list(links) if links else None, order)
    spec = _base("bar", as_of=as_of, percent=percent, max_value=max_value, title=title)
    spec.update(categories=cats, series=out, horizontal=horizontal, stacked=stacked)
    if links:
        spec["links"] = links
    return spec


def lines(
    categories: Iterable, series: Sequence[tuple[Any, Sequence]], *, order: str = "label", **kw
) -> dict:
    """Lines over ordered categories (months: sorted by label unless told otherwise)."""
    spec = bars(categories, series, horizontal=False, order=order, line=range(len(series)), **kw)
    spec["kind"] = "line"
    return spec


def pie(rows: Iterable[tuple[Any, Any]], *, as_of=None, percent: bool = False, title: str = "") -> dict:
    """Shares: (name, value) rows, in the order given."""
    spec = _base("pie", as_of=as_of, percent=percent, max_value=None, title=title)
    spec["rows"] = [{"name": _name(n), "value": v} for n, v in rows]
    return spec


def area_map(
    map_name: str, rows: Sequence[dict], *, as_of=None, percent: bool = True, title: str = ""
) -> dict:
    """Areas of a registered map coloured by value (0-100 when `percent`). Each row has ``name``
    and ``value`` and may carry ``link`` and a ``tip`` (text under the value in the tooltip).
    Where the map's file did not load, the helper draws the same rows as bars."""
    spec = _base("map", as_of=as_of, percent=percent, max_value=100 if percent else None, title=title)
    spec["map"] = map_name
    spec["rows"] = [{**r, "name": _name(r.get("name"))} for r in rows]
    return spec

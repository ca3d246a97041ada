"""The court measures page (and its XLSX export): reads the stored fact table, never a snapshot."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from casewatch.analytics import measures as ms
from casewatch.core import charts
from casewatch.core.choices import Action
from casewatch.core.services import record_export
from casewatch.deadlines import measures_store as store
from casewatch.deadlines import services

#: grouping of the page when opened without parameters (a submitted form always sends ``by``)
DEFAULT_BY = ("court", "year")


def _text(value) -> str:
    """A cell as ``{{ v }}`` shows it (no thousands separator, '.' decimals in both languages)."""
    return value if isinstance(value, str) else str(value)


def trend_chart(trend: list[dict], *, as_of: dt.date) -> dict:
    """Long-pending cases per month end, one line per group (the ticked dimensions), months in
    order; a month a group has no row for counts 0 (the trend lists every month end per group)."""
    months = sorted({r["month"] for r in trend})
    counts: dict[str, dict[str, int]] = {}
    for r in trend:
        counts.setdefault(r["group"], {})[r["month"]] = r["n"]
    series = [
        (group or _("Long pending"), [by_month.get(m, 0) for m in months])
        for group, by_month in counts.items()
    ]
    return charts.lines(months, series, as_of=as_of)


@login_required
def measures(request):
    """Measures for a period, grouped as asked (``by=court&by=year`` …); ``?format=xlsx`` exports."""
    services.require(request.user, Action.VIEW)
    today = timezone.localdate()
    query = request.GET
    if not query:
        # a bare visit: median days to disposition by year per court over the last three years
        query = {"by": list(DEFAULT_BY), "start": dt.date(today.year - 2, 1, 1).isoformat()}
    try:
        params = store.parse_params(query, today)
    except ValueError as exc:
        messages.error(request, str(exc))
        params = store.parse_params({}, today)
    result = store.compute_for(request.user, params)
    if request.GET.get("format") == "xlsx":
        services.require(request.user, Action.EXPORT)
        data = store.xlsx(result, params)
        record_export(
            request.user,
            "deadlines.measures",
            sum(len(result[s["key"]]) for s in store.sections(params)),
            "xlsx",
        )
        return FileResponse(
            io.BytesIO(data),
            as_attachment=True,
            filename=f"measures-{params.start:%Y%m%d}-{params.end:%Y%m%d}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    tables = []
    for section in store.sections(params):
        header, rows = store.table(result, params, section)
        # thousands of cells: escaped and joined once here (the template's per-cell localisation
        # and escaping cost more than the measures); numbers print as the template printed them
        body = format_html_join(
            "",
            "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((_text(v),) for v in row)),) for row in rows),
        )
        tables.append({**section, "header": header, "rows": rows, "body": body})
    plain = [d for d in params.group_by if d not in ms.PERIODS]
    trend = [
        {
            "month": r["month_end"].strftime("%Y-%m"),
            "n": r["long_pending"],
            "group": " · ".join(str(r[f"{d}_name"]) for d in plain) or "",
            "change": str(r["change"]) if r["change"] is not None else None,
        }
        for r in result["long_pending_trend"]
    ]
    labels = store.dimension_labels()
    export_query = urlencode(
        {**params.as_query(), "by": list(params.group_by) or [""], "format": "xlsx"}
        | ({"base": params.base_month.isoformat()} if params.base_month else {}),
        doseq=True,
    )
    return render(
        request,
        "deadlines/measures.html",
        {
            "params": params,
            "tables": tables,
            "trend": trend,
            "trend_chart": trend_chart(trend, as_of=min(params.end, today)),
            "plain": plain,
            "dimensions": [(d, labels[d], d in params.group_by) for d in ms.DIMENSIONS],
            "xlsx_query": export_query,
            "facts_version": result["_meta"]["facts_version"],
        },
    )

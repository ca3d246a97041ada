"""The centre dashboard's figures: set-based aggregates over the items a user may see."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import Count, Q, Sum
from django.utils import timezone

from casewatch.core.choices import Action
from casewatch.property import choices as C
from casewatch.property.models import Alert, Item, Location

AGE_BUCKETS = ((0, 30), (30, 90), (90, 180), (180, 365), (365, None))


CACHE_SECONDS = 300


def cached_figures(user, centre: str = "") -> dict:
    """`figures`, cached per scope and centre until any item or alert changes (or 5 minutes pass).

    The key holds the newest ``Item.updated_at`` and ``Alert.refreshed_at`` (two index look-ups), so
    a check-in, a move or an alert refresh shows on the next request; the page says when the figures
    were computed.
    """
    from django.core.cache import cache
    from django.db.models import Max

    from casewatch.core.querysets import scope_path

    stamp = (
        Item.objects.aggregate(m=Max("updated_at"))["m"],
        Alert.objects.aggregate(m=Max("refreshed_at"))["m"],
    )
    raw = "|".join(str(x) for x in (scope_path(user), user.role, centre, *stamp))
    key = "property:dashboard:" + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
    fig = cache.get(key)
    if fig is None:
        fig = figures(user, centre)
        fig["computed_at"] = timezone.now()
        cache.set(key, fig, CACHE_SECONDS)
    return fig


def figures(user, centre: str = "") -> dict:
    """Items and value by status, category, legal-custody agency, warehouse and age; overdue counts."""
    qs = Item.objects.restrict(user, Action.VIEW)
    if centre:
        qs = qs.filter(centre_id=centre)
    held = qs.filter(status__in=C.HELD)
    by_status = list(
        qs.order_by().values("status").annotate(n=Count("pk"), value=Sum("value")).order_by("status")
    )
    status_labels = dict(C.ItemStatus.choices)
    for row in by_status:
        row["label"] = str(status_labels.get(row["status"], row["status"]))
    cat_labels = dict(C.Category.choices)
    by_category = [
        {**r, "label": str(cat_labels.get(r["category"], r["category"]))}
        for r in held.order_by().values("category").annotate(n=Count("pk"), value=Sum("value")).order_by("-n")
    ]
    by_agency = list(
        held.order_by()
        .values("custody_unit__code", "custody_unit__name")
        .annotate(n=Count("pk"), value=Sum("value"))
        .order_by("-n")[:20]
    )
    # one aggregate per location, then rolled up to the warehouse (the first code of its path)
    per_location = dict(held.order_by().values_list("location_id").annotate(n=Count("pk")))
    places = {loc.pk: loc for loc in Location.objects.filter(pk__in=[k for k in per_location if k])}
    names = {loc.code: loc.name for loc in Location.objects.filter(parent=None)}
    rolled: dict[str, int] = {}
    for loc_id, n in per_location.items():
        key = places[loc_id].path.strip("/").split("/")[0] if loc_id in places else ""
        rolled[key] = rolled.get(key, 0) + n
    by_place = sorted(
        ({"code": k, "name": names.get(k, k) if k else "", "n": n} for k, n in rolled.items()),
        key=lambda r: -r["n"],
    )
    now = timezone.now()
    ages = []
    for lo, hi in AGE_BUCKETS:
        cond = Q(seized_at__lte=now - dt.timedelta(days=lo))
        if hi is not None:
            cond &= Q(seized_at__gt=now - dt.timedelta(days=hi))
        ages.append((lo, hi, cond))
    age_counts = held.order_by().aggregate(
        **{f"a{i}": Count("pk", filter=cond) for i, (_lo, _hi, cond) in enumerate(ages)}
    )
    by_age = [
        {"label": f"{lo}–{hi}" if hi else f"≥{lo}", "n": age_counts[f"a{i}"]}
        for i, (lo, hi, _c) in enumerate(ages)
    ]
    alerts = Alert.objects.filter(item__in=qs.values("pk"))
    alert_counts = list(
        alerts.order_by().values("rule", "state").annotate(n=Count("pk")).order_by("rule", "state")
    )
    rule_labels = dict(C.AlertRule.choices)
    for row in alert_counts:
        row["label"] = str(rule_labels.get(row["rule"], row["rule"]))
    totals = held.order_by().aggregate(n=Count("pk"), value=Sum("value"))
    return {
        "totals": totals,
        "by_status": by_status,
        "by_category": by_category,
        "by_agency": by_agency,
        "by_place": by_place,
        "by_age": by_age,
        "alerts": alert_counts,
        "overdue": list(
            alerts.filter(state=C.AlertState.OVERDUE)
            .select_related("item")
            .order_by("-days_over")
            .values("item__code", "item__name", "rule", "due_on", "days_over", "problem_id")[:25]
        ),
    }


def chart_data(fig: dict) -> dict:
    """The dashboard's charts as specs for the shared chart helper (core.charts): category
    shares, items per legal-custody agency and warehouse (most first), items by age (in age
    order), each with the time the figures were computed."""
    from casewatch.core import charts

    as_of = fig.get("computed_at")
    return {
        "category": charts.pie([(r["label"], r["n"]) for r in fig["by_category"]], as_of=as_of),
        "agency": charts.bars(
            [r["custody_unit__name"] for r in fig["by_agency"]],
            values=[r["n"] for r in fig["by_agency"]],
            order="desc",
            as_of=as_of,
        ),
        "place": charts.bars(
            [r["name"] or r["code"] or "—" for r in fig["by_place"]],
            values=[r["n"] for r in fig["by_place"]],
            order="desc",
            as_of=as_of,
        ),
        "age": charts.bars(
            [r["label"] for r in fig["by_age"]], values=[r["n"] for r in fig["by_age"]], as_of=as_of
        ),
    }

"""Measures of the notarisation service, computed with ORM aggregates (one GROUP BY each).

Definitions (also in docs/notary.md and docs/indicators.md):

* **applications by channel** — applications submitted in the period, by office and channel;
* **share done online** — applications submitted online ÷ all applications submitted in the period;
* **on-time rate** — items whose certificate was issued in the period on or before the due day
  (15 working days after acceptance plus the days waiting for materials) ÷ items issued in the period;
* **average days by matter type** — mean working days from acceptance to issue, less the days
  waiting for materials, of items issued in the period;
* **review findings** — reviews done in the period, those with at least one finding, and findings
  by checklist item.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Avg, Count, F, Q

from casewatch.core.choices import Action
from casewatch.notary.catalogue import CHECK_CODES
from casewatch.notary.choices import DONE_STATUSES, Channel, ReviewStatus
from casewatch.notary.models import Application, Item, Review


def rate(num: int, den: int) -> float | None:
    return None if not den else num / den


def figures(user, since: dt.date, until: dt.date) -> dict:
    """All measures for what the user may see, for submissions/issues between since and until."""
    apps = Application.objects.restrict(user, Action.VIEW).filter(
        submitted_at__date__gte=since, submitted_at__date__lte=until
    )
    by_channel = (
        apps.values("office_id", "office__name", "channel").annotate(n=Count("id")).order_by("office_id")
    )
    offices: dict[str, dict] = {}
    for r in by_channel:
        row = offices.setdefault(
            r["office_id"],
            {"office": r["office_id"], "name": r["office__name"], **{c: 0 for c in Channel.values}},
        )
        row[r["channel"]] = r["n"]
    issued = Item.objects.restrict(user, Action.VIEW).filter(
        status__in=DONE_STATUSES, issued_on__gte=since, issued_on__lte=until
    )
    timely = issued.values("application__office_id").annotate(
        issued=Count("id"), on_time=Count("id", filter=Q(issued_on__lte=F("due_on")))
    )
    for r in timely:
        row = offices.setdefault(
            r["application__office_id"],
            {
                "office": r["application__office_id"],
                "name": r["application__office_id"],
                **{c: 0 for c in Channel.values},
            },
        )
        row.update(issued=r["issued"], on_time=r["on_time"])
    for row in offices.values():
        row.setdefault("issued", 0)
        row.setdefault("on_time", 0)
        row["total"] = sum(row[c] for c in Channel.values)
        row["online_share"] = rate(row[Channel.ONLINE], row["total"])
        row["on_time_rate"] = rate(row["on_time"], row["issued"])
    by_matter = list(
        issued.values("matter__code", "matter__name", "matter__name_en")
        .annotate(
            n=Count("id"),
            avg_days=Avg("net_working_days"),
            on_time=Count("id", filter=Q(issued_on__lte=F("due_on"))),
        )
        .order_by("matter__code")
    )
    reviews = Review.objects.restrict(user, Action.VIEW).filter(
        status=ReviewStatus.DONE, reviewed_at__date__gte=since, reviewed_at__date__lte=until
    )
    review_counts = reviews.aggregate(done=Count("id"), with_findings=Count("id", filter=Q(findings__gt=0)))
    by_check: Counter = Counter()
    by_kind = defaultdict(int)
    for results, kind in reviews.values_list("results", "kind"):
        by_kind[kind] += 1
        for code in CHECK_CODES:
            if (results or {}).get(code) == "fail":
                by_check[code] += 1
    rows = sorted(offices.values(), key=lambda r: r["office"])
    totals = {c: sum(r[c] for r in rows) for c in Channel.values}
    total = sum(totals.values())
    issued_n = sum(r["issued"] for r in rows)
    on_time_n = sum(r["on_time"] for r in rows)
    return {
        "since": since,
        "until": until,
        "offices": rows,
        "totals": {
            **totals,
            "total": total,
            "online_share": rate(totals[Channel.ONLINE], total),
            "issued": issued_n,
            "on_time": on_time_n,
            "on_time_rate": rate(on_time_n, issued_n),
        },
        "matters": by_matter,
        "reviews": {
            **review_counts,
            "by_check": {c: by_check[c] for c in CHECK_CODES},
            "by_kind": dict(by_kind),
        },
    }

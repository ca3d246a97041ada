"""Case registry services: keyset pagination, matter timelines, the single-track indicator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.cases.models import Case, CaseParty, Document, Event, Transfer
from casewatch.core.choices import AgencyKind

PAGE_SIZE = 50
COUNT_CAP = 10_000


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list: no OFFSET, so page 1,000 costs what page 1 does."""

    rows: list
    next_cursor: str | None
    count: int
    count_capped: bool


def keyset_page(qs, cursor: str | None, size: int = PAGE_SIZE, walk_index: bool = True) -> KeysetPage:
    """Cases newest first, by (filed_at, id) descending; the cursor is "YYYY-MM-DD_id".

    ``walk_index=False`` when a filter selects rows the (filed_at, id) index cannot find early:
    cases closed in a past quarter were filed long before the newest cases, so walking that index
    reads most of the table (1 s at 1M cases). Ordering by an expression the index does not cover
    makes PostgreSQL use the filter's own index and sort the matches (45 ms).
    """
    if walk_index:
        qs = qs.order_by("-filed_at", "-id")
    else:
        qs = qs.order_by(Func(F("filed_at"), F("filed_at"), function="COALESCE").desc(), F("id").desc())
    page_qs = qs
    if cursor:
        try:
            day, pk = cursor.split("_", 1)
            day, pk = dt.date.fromisoformat(day), int(pk)
        except ValueError:
            day = pk = None
        if day is not None:
            page_qs = qs.filter(Q(filed_at__lt=day) | Q(filed_at=day, id__lt=pk))
    rows = list(page_qs.select_related("unit", "handler")[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = f"{last.filed_at.isoformat()}_{last.pk}"
    # A bounded count: exact up to the cap, then "more than".
    count = qs.order_by()[: COUNT_CAP + 1].count()
    return KeysetPage(rows, next_cursor, min(count, COUNT_CAP), count > COUNT_CAP)


#: Distinct cause names by a skip scan of the cause_name index (one index probe per name, ~50
#: at a million cases), then those containing the text, with the engine's own LIKE.
_CAUSE_NAMES = """
WITH RECURSIVE names(n) AS (
    SELECT MIN(cause_name) FROM cases_case
    UNION ALL
    SELECT (SELECT MIN(c.cause_name) FROM cases_case c WHERE c.cause_name > names.n)
    FROM names WHERE names.n IS NOT NULL
)
SELECT n FROM names WHERE n IS NOT NULL AND n LIKE %s ESCAPE '\\'
"""


def cause_names_containing(text: str) -> list[str]:
    """The cause names in the registry that contain `text` (what ``cause_name LIKE '%text%'``
    matches), so the cause filter is ``cause_name IN (…)``, served by the cause_name index,
    instead of a scan of every case (382 ms at a million cases; no index serves '%…%' and the
    page's two-character search is too short for a trigram one)."""
    from django.db import connection

    pattern = "%" + connection.ops.prep_for_like_query(text) + "%"
    with connection.cursor() as cur:
        cur.execute(_CAUSE_NAMES, [pattern])
        return [row[0] for row in cur.fetchall()]


@dataclass
class TimelineEntry:
    when: dt.datetime
    case: Case
    kind: str
    label: str
    detail: str


def matter_timeline(user, case: Case) -> tuple[list[Case], list[TimelineEntry]]:
    """All cases of the case's matter that the user may see, and their events, transfers and
    documents merged in time order (the matter followed across agencies)."""
    cases = [case]
    if case.matter_id:
        cases = list(
            Case.objects.restrict(user)
            .filter(matter_id=case.matter_id)
            .select_related("unit")
            .order_by("filed_at")
        )
    ids = [c.pk for c in cases]
    by_id = {c.pk: c for c in cases}
    entries: list[TimelineEntry] = []
    for ev in Event.objects.filter(case_id__in=ids).order_by("occurred_at", "seq"):
        bits = [
            b for b in (ev.result, ev.reason, ev.approver_level and f"{ev.get_approver_level_display()}") if b
        ]
        if ev.new_due_date:
            bits.append(str(_("new due date %(d)s") % {"d": ev.new_due_date}))
        if ev.lawyer_present is not None:
            bits.append(str(_("lawyer present")) if ev.lawyer_present else str(_("no lawyer present")))
        entries.append(
            TimelineEntry(ev.occurred_at, by_id[ev.case_id], "event", ev.kind_label(), "; ".join(bits))
        )
    for tr in Transfer.objects.filter(Q(from_case_id__in=ids) | Q(to_case_id__in=ids)).select_related(
        "from_unit", "to_unit"
    ):
        mode = _("electronic only (single-track)") if tr.electronic else _("with paper file")
        detail = f"{tr.from_unit.name} → {tr.to_unit.name} · {mode}"
        owner = by_id.get(tr.from_case_id) or by_id.get(tr.to_case_id)
        entries.append(TimelineEntry(tr.sent_at, owner, "transfer", str(_("Transfer")), detail))
    for doc in Document.objects.filter(case_id__in=ids):
        # A date-only document starts its day in the local time zone (not at 08:00 in Ningbo).
        when = timezone.make_aware(dt.datetime.combine(doc.issued_at, dt.time(0, 0)))
        entries.append(TimelineEntry(when, by_id[doc.case_id], "document", doc.kind_label(), doc.doc_no))
    entries.sort(key=lambda e: (e.when, e.kind != "event"))
    return cases, entries


def case_parties(case: Case):
    return CaseParty.objects.filter(case=case).select_related("party").order_by("role", "party__name")


SINGLE_TRACK_DEFINITION = _(
    "Single-track coverage = transfers between agencies sent in the period whose file moved "
    "electronically only (no paper file) ÷ all transfers sent in the period. Grouped by the "
    "sending and receiving agency kinds and by the sending unit's district. Source: the transfers table."
)


def single_track_coverage(user, start: dt.date, end: dt.date) -> dict:
    """Share of cross-agency transfers in [start, end] that were electronic only (单轨制)."""
    # A range on sent_at itself (local midnight to midnight), not sent_at::date: the index serves it.
    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    qs = Transfer.objects.restrict(user).filter(sent_at__gte=lo, sent_at__lt=hi)
    total = qs.aggregate(n=Count("id"), e=Count("id", filter=Q(electronic=True)))
    agency_labels = dict(AgencyKind.choices)
    by_pair = [
        {
            "from": agency_labels.get(r["from_unit__agency_kind"], r["from_unit__agency_kind"]),
            "to": agency_labels.get(r["to_unit__agency_kind"], r["to_unit__agency_kind"]),
            "transfers": r["n"],
            "electronic": r["e"],
            "rate": _rate(r["e"], r["n"]),
        }
        for r in qs.values("from_unit__agency_kind", "to_unit__agency_kind")
        .annotate(n=Count("id"), e=Count("id", filter=Q(electronic=True)))
        .order_by("from_unit__agency_kind", "to_unit__agency_kind")
    ]
    from casewatch.analytics.ningbo import CITY_CODE, DISTRICTS

    names = {code: name for code, (name, _a) in DISTRICTS.items()} | {CITY_CODE: "宁波市本级"}
    by_district = [
        {
            "district": names.get(r["from_unit__division_code"], r["from_unit__division_code"]),
            "code": r["from_unit__division_code"],
            "transfers": r["n"],
            "electronic": r["e"],
            "rate": _rate(r["e"], r["n"]),
        }
        for r in qs.values("from_unit__division_code")
        .annotate(n=Count("id"), e=Count("id", filter=Q(electronic=True)))
        .order_by("from_unit__division_code")
    ]
    return {
        "start": start,
        "end": end,
        "transfers": total["n"],
        "electronic": total["e"],
        "rate": _rate(total["e"], total["n"]),
        "by_pair": by_pair,
        "by_district": by_district,
        "definition": str(SINGLE_TRACK_DEFINITION),
    }


def _rate(num: int, den: int) -> float | None:
    """A percentage rounded half-up to two places; None when there is nothing to divide."""
    from decimal import ROUND_HALF_UP, Decimal

    if not den:
        return None
    return float((Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

"""The campaign report's figures, computed from records for one scope (city or district) and day.

Each figure is one or two aggregate SQL queries (no per-record Python) over the module that owns
the records; the arithmetic and the written definitions are in `casewatch.analytics.campaign_measures`.
A figure is a plain dict so that it can be frozen into a `ReportSnapshot` and rendered from it:

    {"key", "group", "label_zh", "label_en", "value", "unit", "num", "den", "extra", "link"}

Scope: every query is limited to the report's unit subtree (its materialised path), and the
caller has already checked that the unit lies in the user's scope.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count, F, Max, Q, Sum, Value
from django.urls import NoReverseMatch, reverse

from casewatch.analytics import campaign_measures as m
from casewatch.analytics.schema import ADMIN_LOST_RESULTS

#: administrative judgments the organ lost (events.result of judgment_pronounced in administrative cases)
ADMIN_LOST = ADMIN_LOST_RESULTS


def _url(name: str, **params) -> str:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(clean)}" if clean else url


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _months_earlier(day: dt.date, months: int) -> dt.date:
    y, mth = divmod(day.year * 12 + day.month - 1 - months, 12)
    import calendar

    return dt.date(y, mth + 1, min(day.day, calendar.monthrange(y, mth + 1)[1]))


def figure(key, group, label_zh, label_en, value, unit="", *, num=None, den=None, extra=None, link=""):
    """One figure of the report with its definition."""
    return {
        "key": key,
        "group": group,
        "label_zh": label_zh,
        "label_en": label_en,
        "value": value,
        "unit": unit,
        "num": num,
        "den": den,
        "extra": extra or {},
        "link": link,
        "definition_zh": m.definition(key, True),
        "definition_en": m.definition(key, False),
    }


class Scope:
    """The report's unit subtree and period."""

    def __init__(self, unit, start: dt.date, end: dt.date):
        self.unit, self.start, self.end = unit, start, end
        self.path = unit.path
        self.district = unit.division_code if unit.kind == "district" else ""

    def under(self, field: str) -> Q:
        return Q(**{f"{field}__path__startswith": self.path})


def screening(s: Scope) -> list[dict]:
    from casewatch.cases.models import Case
    from casewatch.screening.choices import RunMode, RunStatus
    from casewatch.screening.models import ScreeningRun

    runs = ScreeningRun.objects.filter(status=RunStatus.SUCCEEDED, mode=RunMode.FULL, as_of__lte=s.end)
    covering = [r for r in runs.select_related("unit").order_by("-as_of", "-id")[:50] if _covers(r.unit, s)]
    run = covering[0] if covering else None
    screened = 0
    if run is not None:
        screened = Case.objects.filter(s.under("unit"), filed_at__lte=run.as_of).count()
    return [
        figure(
            "cases_screened",
            "screening",
            "排查案件",
            "Cases screened",
            screened,
            "件",
            extra={"run": run.pk if run else None, "run_as_of": run.as_of.isoformat() if run else None},
            link=_url("screening:run_list"),
        ),
    ]


def _covers(run_unit, s: Scope) -> bool:
    return run_unit is None or s.path.startswith(run_unit.path)


def reviews(s: Scope) -> list[dict]:
    from casewatch.reviews.models import Selection

    n = (
        Selection.objects.filter(s.under("case__unit"))
        .filter(
            Q(
                campaign__starts_on__isnull=False,
                campaign__starts_on__gte=s.start,
                campaign__starts_on__lte=s.end,
            )
            | Q(campaign__starts_on__isnull=True, created_at__date__gte=s.start, created_at__date__lte=s.end)
        )
        .values("case_id")
        .distinct()
        .count()
    )
    return [
        figure(
            "key_cases_reviewed",
            "review",
            "重点评查案件",
            "Key cases reviewed",
            n,
            "件",
            link=_url("reviews:campaign_list"),
        )
    ]


def falselit(s: Scope) -> list[dict]:
    from casewatch.problems.models import SupervisionOrder

    n = (
        SupervisionOrder.objects.filter(s.under("unit"), listed=True, lead_ref__startswith="falselit:")
        .filter(created_at__date__lte=s.end)
        .values("lead_ref")
        .distinct()
        .count()
    )
    return [
        figure(
            "falselit_listed",
            "falselit",
            "挂牌督办虚假诉讼线索",
            "False-litigation leads under listed supervision",
            n,
            "件",
            link=_url("problems:order_list", listed="1"),
        )
    ]


def surveys(s: Scope, user) -> list[dict]:
    from casewatch.surveys import results
    from casewatch.surveys.models import Forum, Wave

    waves = list(
        Wave.objects.restrict(user)
        .filter(period_start__lte=s.end, period_end__gte=s.start)
        .order_by("period_start")
    )
    total, rate, top_box = 0, None, None
    if waves:
        res = results.compute(user, waves, district=s.district)
        total = int(res.respondents.get("total", 0))
        rate = None if res.overall.rate is None else m.rate(*_fraction(res.overall))
        top_box = res.top_box
    forums = Forum.objects.filter(s.under("unit"), held_on__gte=s.start, held_on__lte=s.end).count()
    return [
        figure(
            "questionnaires",
            "fairness",
            "回收测评表",
            "Questionnaires received",
            total,
            "份",
            link=_url("surveys:home"),
        ),
        figure(
            "satisfaction",
            "fairness",
            "综合满意度",
            "Overall satisfaction",
            rate,
            "%",
            extra={"top_box": top_box, "waves": [w.name for w in waves]},
            link=_url("surveys:home"),
        ),
        figure("forums", "fairness", "座谈会", "Forums held", forums, "场", link=_url("surveys:forum_list")),
    ]


def _fraction(metrics) -> tuple[int, int]:
    """Satisfied and valid rating counts of a surveys `Metrics` (exact, for half-up rounding)."""
    counts = list(metrics.counts)
    k = metrics.top_box
    return sum(counts[-k:]), sum(counts)


def single_track(s: Scope) -> list[dict]:
    from casewatch.cases.models import Transfer

    agg = Transfer.objects.filter(
        s.under("from_unit"), sent_at__date__gte=s.start, sent_at__date__lte=s.end
    ).aggregate(n=Count("id"), e=Count("id", filter=Q(electronic=True)))
    return [
        figure(
            "single_track",
            "mechanisms",
            "单轨制协同办案覆盖率",
            "Single-track coverage",
            m.rate(agg["e"], agg["n"]),
            "%",
            num=agg["e"],
            den=agg["n"],
            link=_url("cases:indicator_single_track", start=s.start.isoformat(), end=s.end.isoformat()),
        )
    ]


def _long_pending(s: Scope, day: dt.date) -> int:
    from casewatch.cases.models import Case

    return (
        Case.objects.filter(s.under("unit"), filed_at__lte=day, filed_at__lt=_months_earlier(day, 12))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=day))
        .exclude(case_type="petition")
        .count()
    )


def long_pending(s: Scope) -> list[dict]:
    before, now = _long_pending(s, s.start), _long_pending(s, s.end)
    return [
        figure(
            "long_pending_change",
            "mechanisms",
            "长期未结案降幅",
            "Change in long-pending cases",
            m.change_pct(now, before),
            "%",
            num=now,
            den=before,
            link=_url("deadlines:deadline_list"),
        )
    ]


def plea(s: Scope) -> list[dict]:
    from casewatch.cases.models import CaseParty

    agg = CaseParty.objects.filter(
        s.under("case__unit"),
        case__case_type="prosecution_review",
        case__status="closed",
        case__closed_at__gte=s.start,
        case__closed_at__lte=s.end,
        role="suspect",  # (case, party, role) is unique: one row per person and case
    ).aggregate(n=Count("id"), p=Count("id", filter=Q(case__plea_leniency=True)))
    return [
        figure(
            "plea_rate",
            "mechanisms",
            "认罪认罚适用率（按人数）",
            "Plea-leniency rate (by persons)",
            m.rate(agg["p"], agg["n"]),
            "%",
            num=agg["p"],
            den=agg["n"],
            link=_url(
                "cases:case_list",
                case_type="prosecution_review",
                status="closed",
                closed_from=s.start.isoformat(),
                closed_to=s.end.isoformat(),
            ),
        )
    ]


def _admin_loss(s: Scope, start: dt.date, end: dt.date) -> tuple[int, int]:
    from casewatch.cases.models import Case, Event

    concluded = Case.objects.filter(
        s.under("unit"),
        case_type="administrative",
        instance=1,
        status="closed",
        closed_at__gte=start,
        closed_at__lte=end,
    )
    lost = (
        Event.objects.filter(case__in=concluded, kind="judgment_pronounced", result__in=ADMIN_LOST)
        .values("case_id")
        .distinct()
        .count()
    )
    return lost, concluded.count()


def administrative(s: Scope) -> list[dict]:
    from casewatch.cases.models import Case

    prior_start, prior_end = _year_earlier(s.start), _year_earlier(s.end)
    base = Case.objects.filter(s.under("unit"), case_type="administrative", instance=1)
    now = base.filter(filed_at__gte=s.start, filed_at__lte=s.end).count()
    before = base.filter(filed_at__gte=prior_start, filed_at__lte=prior_end).count()
    lost, concluded = _admin_loss(s, s.start, s.end)
    lost_b, concluded_b = _admin_loss(s, prior_start, prior_end)
    link = _url(
        "cases:case_list",
        case_type="administrative",
        filed_from=s.start.isoformat(),
        filed_to=s.end.isoformat(),
    )
    return [
        figure(
            "admin_filings_yoy",
            "mechanisms",
            "一审行政诉讼收案同比",
            "First-instance administrative filings, year on year",
            m.change_pct(now, before),
            "%",
            num=now,
            den=before,
            link=link,
        ),
        figure(
            "admin_loss_rate",
            "mechanisms",
            "行政机关败诉率",
            "Administrative organ's loss rate",
            m.rate(lost, concluded, m.ONE),
            "%",
            num=lost,
            den=concluded,
            extra={
                "prior_rate": m.rate(lost_b, concluded_b, m.ONE),
                "change_pp": m.change_pp(lost, concluded, lost_b, concluded_b),
            },
            link=link,
        ),
    ]


def streaming(s: Scope) -> list[dict]:
    from casewatch.cases.models import Case

    rows = (
        Case.objects.filter(
            s.under("unit"),
            case_type="civil",
            instance=1,
            status="closed",
            closed_at__gte=s.start,
            closed_at__lte=s.end,
        )
        .values("procedure")
        .annotate(n=Count("id"), days=Sum(F("closed_at") - F("filed_at")))
    )
    tracks, total, simple = {}, 0, 0
    for r in rows:
        days = r["days"]
        days = days.days if isinstance(days, dt.timedelta) else int((days or 0) / 86_400_000_000)
        tracks[r["procedure"] or ""] = {"n": r["n"], "mean_days": m.mean_days(days, r["n"])}
        total += r["n"]
        simple += r["n"] if r["procedure"] in ("simplified", "small_claims") else 0
    return [
        figure(
            "simplified_share",
            "mechanisms",
            "繁简分流：简易及小额程序占比",
            "Case streaming: share of simplified and small-claims procedure",
            m.rate(simple, total),
            "%",
            num=simple,
            den=total,
            extra={"tracks": dict(sorted(tracks.items()))},
            link=_url(
                "cases:case_list",
                case_type="civil",
                closed_from=s.start.isoformat(),
                closed_to=s.end.isoformat(),
            ),
        )
    ]


def education(s: Scope) -> list[dict]:
    from django.db.models.functions import Coalesce, NullIf

    from casewatch.campaign.models import Attendance, EducationSession
    from casewatch.core.models import Staff

    sessions = EducationSession.objects.filter(s.under("unit"), held_on__gte=s.start, held_on__lte=s.end)
    person = Coalesce(NullIf(F("staff__id_number"), Value("")), F("staff__staff_no"))
    reached = (
        Attendance.objects.filter(session__in=sessions, staff__unit__path__startswith=s.path)
        .annotate(person=person)
        .values("person")
        .distinct()
        .count()
    )
    roster = (
        Staff.objects.filter(s.under("unit"))
        .annotate(person=Coalesce(NullIf(F("id_number"), Value("")), F("staff_no")))
        .values("person")
        .distinct()
        .count()
    )
    n_sessions = sessions.count()
    return [
        figure(
            "education_sessions",
            "education",
            "警示教育场次",
            "Warning-education sessions",
            n_sessions,
            "次",
            link=_url("campaign:session_list"),
        ),
        figure(
            "education_people",
            "education",
            "警示教育覆盖人数",
            "People reached by warning education",
            reached,
            "人",
            num=reached,
            den=roster,
            extra={"coverage": m.rate(reached, roster)},
            link=_url("campaign:session_list"),
        ),
    ]


def education_by_unit(units, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Sessions, distinct persons reached and roster for many units at once: three grouped queries
    (each unit's subtree joined by path prefix), whatever the number of units. The same definitions
    as `education` (a person is the ID number, else the staff number; counted once per subtree)."""
    from django.db import connection

    from casewatch.campaign.models import Attendance, EducationSession
    from casewatch.core.models import Staff, Unit

    units = list(units)
    out = {u.id: {"sessions": 0, "reached": 0, "roster": 0} for u in units}
    if not units:
        return out
    unit_t, staff_t = Unit._meta.db_table, Staff._meta.db_table
    sess_t, att_t = EducationSession._meta.db_table, Attendance._meta.db_table
    marks = ", ".join(["%s"] * len(units))
    shown = f"(SELECT id, path FROM {unit_t} WHERE id IN ({marks}))"  # noqa: S608 - identifiers from model metadata
    person = "COALESCE(NULLIF(st.id_number, ''), st.staff_no)"
    ids = [u.id for u in units]
    queries = {
        "sessions": (
            f"SELECT sh.id, COUNT(DISTINCT se.id) FROM {shown} sh"  # noqa: S608
            f" JOIN {unit_t} su ON su.path LIKE sh.path || '%%'"
            f" JOIN {sess_t} se ON se.unit_id = su.id AND se.held_on >= %s AND se.held_on <= %s"
            " GROUP BY sh.id",
            [*ids, start, end],
        ),
        "reached": (
            f"SELECT sh.id, COUNT(DISTINCT {person}) FROM {shown} sh"  # noqa: S608
            f" JOIN {unit_t} su ON su.path LIKE sh.path || '%%'"
            f" JOIN {sess_t} se ON se.unit_id = su.id AND se.held_on >= %s AND se.held_on <= %s"
            f" JOIN {att_t} a ON a.session_id = se.id"
            f" JOIN {staff_t} st ON st.id = a.staff_id"
            f" JOIN {unit_t} pu ON pu.id = st.unit_id AND pu.path LIKE sh.path || '%%'"
            " GROUP BY sh.id",
            [*ids, start, end],
        ),
        "roster": (
            f"SELECT sh.id, COUNT(DISTINCT {person}) FROM {shown} sh"  # noqa: S608
            f" JOIN {unit_t} su ON su.path LIKE sh.path || '%%'"
            f" JOIN {staff_t} st ON st.unit_id = su.id"
            " GROUP BY sh.id",
            ids,
        ),
    }
    with connection.cursor() as cursor:
        for key, (sql, params) in queries.items():
            cursor.execute(sql, params)  # identifiers from model metadata, values bound
            for unit_id, value in cursor.fetchall():
                out[unit_id][key] = value
    for row in out.values():
        row["coverage"] = m.rate(row["reached"], row["roster"])
    return out


def norms_and_topics(s: Scope) -> list[dict]:
    from casewatch.campaign.models import Norm, ResearchTopic

    by_kind = dict(
        Norm.objects.filter(s.under("unit"), issued_on__gte=s.start, issued_on__lte=s.end)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    topics = ResearchTopic.objects.filter(s.under("unit")).aggregate(
        n=Count("id"), done=Count("id", filter=Q(status="concluded"))
    )
    return [
        figure(
            "norms",
            "norms",
            "出台制度规范",
            "Norms issued",
            sum(by_kind.values()),
            "件",
            extra={"by_kind": by_kind},
            link=_url("campaign:norm_list"),
        ),
        figure(
            "research_topics",
            "norms",
            "专题调研课题",
            "Research topics",
            topics["n"],
            "个",
            num=topics["done"],
            den=topics["n"],
            link=_url("campaign:topic_list"),
        ),
    ]


def enforcement(s: Scope, until: dt.date | None = None) -> list[dict]:
    """The enforcement module's figures over [start, ``until``] (the article reports them for January–July)."""
    if not apps.is_installed("casewatch.enforcement"):
        return []
    from casewatch.analytics import enforcement as enf
    from casewatch.core.models import Unit
    from casewatch.enforcement import data

    end = min(until or s.end, s.end)
    con = data.connect()
    enf.listing_state(con, s.end)
    enf.eligibility(con, s.end)
    codes = list(Unit.objects.filter(path__startswith=s.path).values_list("code", flat=True))
    r = enf.measures(con, s.start, end, s.end, units=codes)
    link = _url("enforcement:measures", start=s.start.isoformat(), end=end.isoformat())
    # Case-fund clearance is a court's own drive (宁海 court's 7,637 payments): show it per district too.
    by_district = {}
    if s.unit.kind == "city":
        counts = enf.payments_cleared_by_district(con, s.start, end, codes)
        for d in Unit.objects.filter(kind="district", path__startswith=s.path).order_by("code"):
            if counts.get(d.code):
                by_district[d.name] = counts[d.code]
    period = {"period_end": end.isoformat()}
    amount = r["performed_after_repair"]
    return [
        figure(
            "enforcement_voluntary",
            "enforcement",
            "自动履行率",
            "Voluntary performance rate",
            None if r["voluntary_rate"] is None else float(r["voluntary_rate"]),
            "%",
            num=r["voluntary_n"],
            den=r["voluntary_d"],
            extra=period,
            link=link,
        ),
        figure(
            "enforcement_repairs",
            "enforcement",
            "完成信用修复案件",
            "Credit repairs completed",
            r["repairs_completed"],
            "件",
            extra=period,
            link=link,
        ),
        figure(
            "enforcement_after_repair",
            "enforcement",
            "修复后履行标的额",
            "Amount performed after repair",
            m.yi(amount),
            "亿元",
            extra={**period, "yuan": str(amount)},
            link=link,
        ),
        figure(
            "enforcement_firms",
            "enforcement",
            "享受正向激励的企业",
            "Firms with the voluntary-performance incentive",
            r["incentive_firms"],
            "家",
            extra=period,
            link=link,
        ),
        figure(
            "enforcement_cleared",
            "enforcement",
            "清理发放诉讼费和执行案款",
            "Fee refunds and enforcement-money payouts cleared",
            r["payments_cleared"],
            "笔",
            extra={**period, "by_district": by_district},
            link=link,
        ),
    ]


def compute(
    user,
    unit,
    start: dt.date,
    end: dt.date,
    enforcement_until: dt.date | None = None,
    timings: dict[str, float] | None = None,
) -> list[dict]:
    """Every figure of the campaign report for ``unit``'s subtree over ``[start, end]``.

    ``enforcement_until`` ends the enforcement figures' period earlier (the article reports them for
    January–July while the rest runs to the end of September). ``timings``, when given, receives the
    seconds each group of figures took (for ``casewatch bench campaign``).
    """
    import time

    s = Scope(unit, start, end)
    groups = (
        ("screening", lambda: screening(s)),
        ("reviews", lambda: reviews(s)),
        ("falselit", lambda: falselit(s)),
        ("surveys", lambda: surveys(s, user)),
        ("single_track", lambda: single_track(s)),
        ("long_pending", lambda: long_pending(s)),
        ("plea", lambda: plea(s)),
        ("administrative", lambda: administrative(s)),
        ("streaming", lambda: streaming(s)),
        ("education", lambda: education(s)),
        ("norms_and_topics", lambda: norms_and_topics(s)),
        ("enforcement", lambda: enforcement(s, enforcement_until)),
    )
    figures: list[dict] = []
    for name, fn in groups:
        t = time.perf_counter()
        figures += fn()
        if timings is not None:
            timings[name] = time.perf_counter() - t
    return figures


def latest_run_day():
    """The as-of day of the newest screening run (a sensible default report day)."""
    from casewatch.screening.models import ScreeningRun

    return ScreeningRun.objects.aggregate(d=Max("as_of"))["d"]

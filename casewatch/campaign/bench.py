"""``casewatch bench campaign``: the campaign report on the configured database, cold and from its snapshot.

Prints the cold computation (every figure's aggregate SQL) with its peak memory, the snapshot page and
API served through Django's test client (p50 / p95 over N requests, with the query count), and a
baseline: the plea-leniency rate computed the row-by-row way (every suspect row loaded into Python),
beside the same figure by one aggregate query. Run it on a database filled by ``make demo`` (or any
imported city); it reads, and adds one snapshot per run.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time


def arguments(parser) -> None:
    parser.add_argument("--unit", default="330200", help="scope unit code (default the city)")
    parser.add_argument("--start", default="2026-01-01")
    parser.add_argument("--as-of", default="2026-09-30")
    parser.add_argument("--user", default="city_supervisor")
    parser.add_argument("--requests", type=int, default=30, help="timed requests of the snapshot page")


def _percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def handler(command, opts: dict) -> None:
    import psutil
    from django.test import Client

    from casewatch.campaign import services
    from casewatch.cases.models import Case
    from casewatch.core.models import Unit, User

    out = command.stdout.write
    user = User.objects.get(username=opts["user"])
    unit = Unit.objects.get(code=opts["unit"])
    start, end = dt.date.fromisoformat(opts["start"]), dt.date.fromisoformat(opts["as_of"])
    proc = psutil.Process()
    out(f"== campaign report, {unit.name}, {start}..{end}, {Case.objects.count():,} cases in the registry ==")
    from casewatch.campaign import indicators
    from casewatch.cases import warehouse

    out(
        f"warm analytics store: {'yes, ' + str(warehouse.path()) if warehouse.available() else 'no (snapshot per call)'}"
    )
    rss0 = proc.memory_info().rss
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    figures = indicators.compute(user, unit, start, end, timings=timings)
    cold = time.perf_counter() - t0
    out(
        f"cold: {cold:.2f} s for {len(figures)} figures · RSS +{(proc.memory_info().rss - rss0) / 2**20:.0f} MiB "
        "(target ≤ 10 s at 1,000,000 cases)"
    )
    out(
        "  by group: "
        + " · ".join(f"{k} {v:.2f} s" for k, v in sorted(timings.items(), key=lambda kv: -kv[1]))
    )
    t0 = time.perf_counter()
    snap = services.freeze_report(user, unit, start, end)
    out(f"freeze (compute again and store the snapshot): {time.perf_counter() - t0:.2f} s")

    client = Client(HTTP_HOST="127.0.0.1")
    # A demo account still due to change its password would be redirected: lift the flag for the run.
    must_change = user.must_change_password
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    client.force_login(user)
    try:
        _serve(client, snap, opts, out)
    finally:
        User.objects.filter(pk=user.pk).update(must_change_password=must_change)
    _baseline(unit, start, end, out)


def _serve(client, snap, opts, out) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url, name in (
        (f"/campaign/report/{snap.pk}/", "snapshot page"),
        (f"/api/v1/campaign/snapshots/{snap.pk}/", "snapshot API"),
    ):
        client.get(url)  # warm-up
        times = []
        with CaptureQueriesContext(connection) as q:
            client.get(url)
        for _ in range(opts["requests"]):
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.status_code
        out(
            f"{name}: p50 {statistics.median(times):.0f} ms · p95 {_percentile(times, 0.95):.0f} ms · "
            f"{len(q.captured_queries)} queries (target p95 ≤ 300 ms)"
        )


def _baseline(unit, start, end, out) -> None:
    """One figure the row-by-row way against the same figure by aggregate SQL."""
    from casewatch.campaign import indicators
    from casewatch.cases.models import CaseParty

    scope = indicators.Scope(unit, start, end)
    rows = CaseParty.objects.filter(
        case__unit__path__startswith=unit.path,
        case__case_type="prosecution_review",
        case__status="closed",
        case__closed_at__gte=start,
        case__closed_at__lte=end,
        role="suspect",
    ).select_related("case")
    t = time.perf_counter()
    n = p = 0
    for row in rows.iterator(chunk_size=2000):
        n += 1
        p += bool(row.case.plea_leniency)
    loop = time.perf_counter() - t
    t = time.perf_counter()
    fig = indicators.plea(scope)[0]
    sql = time.perf_counter() - t
    assert (fig["num"], fig["den"]) == (p, n)
    out(
        f"baseline plea rate over {n:,} suspects: row loop {loop * 1000:.0f} ms · aggregate SQL {sql * 1000:.0f} ms"
    )

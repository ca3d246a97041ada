"""``casewatch bench pages``: every list, detail, board and API page, timed as real accounts.

Why: "fast enough" for a registry is the worst page at the city's real size. This logs in as
demo accounts (``--users committee,district``: the city's committee supervisor and a district
court's agency supervisor, or any usernames), and requests through Django's test client — the
whole middleware stack, the scope gate, the templates — every page:

* every GET page without URL parameters (lists, boards, dashboards, forms), found by walking the
  URL map; files (PDF, XLSX) and actions that only answer POST are left out;
* the case search by case number, by party name, by filters (status + type, district, closing
  dates) and its second page (keyset cursor);
* detail pages: a case in the account's scope (with its matter timeline), one of its parties,
  and the first detail link found on each list page;
* every GET route of the API without path parameters, and those with one, filled from the
  account's first case / party / matter or from the list route's first item.

Each page is requested ``--requests`` times after ``--warmup`` untimed requests (once only when
the untimed request took over 3 s: such a page is far over any target), and the table
prints p50 / p95 / max in milliseconds beside the number of SQL queries per request and the
status. A page whose p95 is over ``--target`` ms (300) is marked ``SLOW``. Nothing is written
to the database, except that the accounts' ``must_change_password`` flag is cleared for the run
and restored afterwards.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

#: a page whose untimed request took longer than this is timed once (its p50 = p95 = max)
SLOW_SECONDS = 3.0

USERS = {"committee": "city_supervisor", "district": "haishu_court_supervisor"}

#: parameterless pages not requested: files, POST-only actions, logouts, service workers
SKIP = re.compile(
    r"(logout|\.pdf$|\.xlsx$|\.csv$|\.docx$|sw\.js$|/refresh/$|/start/$|/evaluate/$|selftest|"
    r"^healthz$|^readyz$|^metrics$|language/$|/badge/$|/bulk/$)"
)


def arguments(parser) -> None:
    parser.add_argument("--database-url", help="run against this database instead of the configured one")
    parser.add_argument(
        "--users", default="committee,district", help="committee, district or usernames, comma-separated"
    )
    parser.add_argument("--requests", type=int, default=10, help="timed requests per page (default 10)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests per page first (default 1)")
    parser.add_argument("--target", type=float, default=300.0, help="p95 target in ms (default 300)")
    parser.add_argument("--only", help="only pages whose path contains this text")
    parser.add_argument("--no-api", action="store_true", help="leave out the API")
    parser.add_argument("--skip", help="leave out pages whose path matches this regular expression")


def handler(command, opts) -> None:
    if opts.get("database_url") and os.environ.get("DATABASE_URL") != opts["database_url"]:
        argv = list(sys.argv)
        i = next(i for i, a in enumerate(argv) if a.startswith("--database-url"))
        del argv[i : i + (1 if "=" in argv[i] else 2)]
        env = dict(os.environ, DATABASE_URL=opts["database_url"])
        raise SystemExit(subprocess.call([sys.executable, *argv], env=env))
    bench_pages(opts, command.stdout.write)


def _walk(patterns, prefix=""):
    from django.urls.resolvers import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def static_pages() -> list[str]:
    """GET pages of the site without URL parameters (the API is listed separately)."""
    from django.urls import get_resolver

    out = []
    for route in _walk(get_resolver().url_patterns):
        if route.startswith(("api/", "^api")) or "<" in route or "(" in route or "^" in route:
            continue
        if SKIP.search(route):
            continue
        out.append("/" + route)
    return sorted(set(out))


def api_pages(client, user) -> list[str]:
    """GET routes of the API: without parameters, and with one filled from the account's data."""
    from casewatch.api.api import api
    from casewatch.cases.models import Case, CaseParty

    case = Case.objects.restrict(user).filter(matter__isnull=False).order_by("-filed_at", "-id").first()
    party = CaseParty.objects.filter(case=case).first() if case else None
    known = {
        "case_id": case.pk if case else None,
        "party_pk": party.party.pk if party else None,
        "matter_id": case.matter_id if case else None,
    }
    out = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        if "get" not in ops or path.endswith(("xlsform", "/verify/{code}")):
            continue
        params = re.findall(r"{(\w+)}", path)
        if not params:
            out.append(path)
            continue
        if len(params) > 1:
            continue
        name = params[0]
        value = known.get(name)
        if value is None:  # the list route's first item
            listing = path[: path.index("{")].rstrip("/")
            for candidate in (listing, listing + "/"):
                r = client.get(candidate)
                if r.status_code == 200 and r.get("Content-Type", "").startswith("application/json"):
                    data = r.json()
                    items = data.get("items", data.get("results", [])) if isinstance(data, dict) else data
                    if items and isinstance(items[0], dict):
                        value = items[0].get("id") or items[0].get("code") or items[0].get("pk")
                    break
        if value is not None:
            out.append(path.replace("{" + name + "}", str(value)))
    return out


def case_pages(user) -> list[str]:
    """Case search variants and the detail pages of one case in scope."""
    from urllib.parse import urlencode

    from casewatch.cases.models import Case, CaseParty

    base = "/cases/"
    case = Case.objects.restrict(user).filter(matter__isnull=False).order_by("-filed_at", "-id").first()
    if case is None:
        return [base]
    out = [
        base,
        base + "?" + urlencode({"q": case.case_number}),  # one case by its number
        base + "?" + urlencode({"q": case.case_number[-6:]}),  # part of a number
        base + "?" + urlencode({"status": "pending", "case_type": case.case_type}),
        base + "?" + urlencode({"district": "330203"}),
        base + "?" + urlencode({"closed_from": "2025-01-01", "closed_to": "2025-03-31"}),
        base + "?" + urlencode({"cause": (case.cause_name or "纠纷")[:2]}),
        f"/cases/{case.pk}/",
    ]
    link = CaseParty.objects.filter(case=case).select_related("party").first()
    if link is not None:
        out.insert(2, base + "?" + urlencode({"party": link.party.name}))
        out.append(f"/cases/parties/{link.party.pk}/")
    last = Case.objects.restrict(user).order_by("-filed_at", "-id")[49:50].first()
    if last is not None:
        out.append(base + f"?after={last.filed_at.isoformat()}_{last.pk}")
    return out


_LINK = re.compile(r'href="(/[a-z-]+/(?:[a-z-]+/)?\d+/)"')


def detail_links(client, pages: list[str]) -> list[str]:
    """The first detail link (``/app/…/<id>/``) on each list page."""
    out = []
    for page in pages:
        r = client.get(page)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        m = _LINK.search(r.content.decode("utf-8", "replace"))
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out


@contextmanager
def _accounts(names: list[str]):
    """The accounts, allowed past the first-login password change for the run."""
    from casewatch.core.models import User

    users = [User.objects.get(username=USERS.get(n, n)) for n in names]
    flags = {u.pk: u.must_change_password for u in users}
    User.objects.filter(pk__in=flags).update(must_change_password=False)
    import casewatch.core.auth as auth

    expired = auth.password_expired
    auth.password_expired = lambda user: False
    try:
        yield [User.objects.get(pk=u.pk) for u in users]
    finally:
        auth.password_expired = expired
        for pk, flag in flags.items():
            User.objects.filter(pk=pk).update(must_change_password=flag)


def _time(client, path: str, n: int, warmup: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        t = time.perf_counter()
        client.get(path)
        if time.perf_counter() - t > SLOW_SECONDS:  # far over the target: one timed request is enough
            n = 1
    times, queries, status = [], 0, 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            r = client.get(path)
            times.append((time.perf_counter() - t) * 1000)
        queries, status = len(ctx.captured_queries), r.status_code
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95, times[-1], queries, status


def bench_pages(opts, write) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from casewatch.cases.models import Case

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    n, warmup, target = opts["requests"], opts["warmup"], opts["target"]
    cases = Case.objects.count() if connection.vendor != "postgresql" else _estimate("cases_case")
    write(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}, ~{cases:,} cases")
    write(f"{n} timed requests per page after {warmup} untimed; target p95 ≤ {target:.0f} ms\n")
    names = [u.strip() for u in opts["users"].split(",") if u.strip()]
    slow_total = 0
    with _accounts(names) as users:
        for label, user in zip(names, users, strict=True):
            client = Client()
            client.force_login(user)
            only = opts.get("only") or ""
            lists = [
                p
                for p in static_pages()
                if only in p and not (opts.get("skip") and re.search(opts["skip"], p))
            ]
            pages = [p for p in case_pages(user) if only in p] + lists
            pages += [p for p in detail_links(client, lists) if p not in pages and only in p]
            if not opts.get("no_api"):
                pages += [p for p in api_pages(client, user) if only in p]
            if opts.get("skip"):
                pages = [p for p in pages if not re.search(opts["skip"], p)]
            write(f"== {label} ({user.username}, scope {user.scope_id or '-'}): {len(pages)} pages")
            write(f"  {'page':70} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>7} {'status':>6}")
            rows = []
            for page in dict.fromkeys(pages):
                p50, p95, worst, queries, status = _time(client, page, n, warmup)
                slow = p95 > target
                slow_total += slow
                rows.append(p95)
                shown = page if len(page) <= 70 else page[:67] + "…"
                write(
                    f"  {shown:70} {p50:>7.0f} {p95:>7.0f} {worst:>7.0f} {queries:>7} {status:>6}"
                    + ("  SLOW" if slow else "")
                )
            write(
                f"  {label}: worst p95 {max(rows):.0f} ms; {sum(p > target for p in rows)} of {len(rows)} "
                f"pages over {target:.0f} ms\n"
            )
    write(f"pages over the target: {slow_total}")


def _estimate(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cur.fetchone()
    return int(row[0]) if row else 0

# ruff: noqa: S608 - the SQL here is composed from integer constants and fixed fragments only
"""``casewatch bench property``: the centre at scale, measured.

Loads N items (default 1,000,000) and about 5 events per item (default 5,000,000 in all: custody
seized + transferred, place seized + check-in + lend/return pairs) into the 鄞州 centre with
``INSERT … SELECT`` over a generated series — no ORM loop — on the configured database (SQLite or
PostgreSQL). The first 100,000 items sit in one zone (330212-W1-C) for the reconciliation figure.
Then it prints, each beside a baseline:

* dashboard page p50/p95 over HTTP (wsgiref on 127.0.0.1, the custodian's session) — baseline:
  the same figures computed in Python from every row fetched;
* a scan recorded (``POST /api/v1/property/scan``, a move between two bins) p50/p95 — baseline:
  one bare ORM ``save()`` of an event row, no checks, no lock, no audit;
* the alert refresh (snapshot, DuckDB rules, bulk write; problems not opened) — baseline: the
  same rules evaluated row by row in Python with `timelimits.compute_due` on a sample, extrapolated;
* reconciliation of a 100,000-item zone (three set-based SQL statements) — baseline: Python sets
  over the fetched rows.

Rows are tagged (codes ``CW330212-5…``) and removed at the end unless ``--keep``.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import statistics
import threading
import time

from django.db import connection, connections, transaction
from django.utils import timezone

SERIAL0 = 5_000_000
ZONE_ITEMS = 100_000


def add_arguments(parser) -> None:
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000_000, help="target event count (approximate)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="reuse rows kept by an earlier --keep run")


def handler(cmd, opts) -> None:
    bench_property(opts, cmd.stdout.write)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _series(n: int) -> str:
    if _pg():
        return f"generate_series(1, {int(n)}) AS g(i)"
    return f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {int(n)}) SELECT i FROM s) AS g"


def _ago(days_expr: str, hours: int = 0) -> str:
    """now − days_expr days + hours, as a timestamp expression of the dialect."""
    if _pg():
        return f"(now() - ({days_expr}) * interval '1 day' + interval '{int(hours)} hours')"
    return f"datetime('now', printf('%+d days', -({days_expr})), '+{int(hours)} hours')"


def _day(days_expr: str) -> str:
    if _pg():
        return f"(current_date + ({days_expr}))"
    return f"date('now', printf('%+d days', {days_expr}))"


def _check_sql(body: str) -> str:
    """ISO 7064 MOD 11-2 check character of the 13 digits of ``body`` (district + serial), in SQL."""
    digits = [f"CAST(substr({body}, {k}, 1) AS INTEGER)" for k in range(1, 14)]
    weights = [pow(2, 13 - k + 1, 11) for k in range(1, 14)]  # (total + d) × 2 iterated
    total = " + ".join(f"{d} * {w}" for d, w in zip(digits, weights, strict=True))
    value = f"((12 - (({total}) % 11)) % 11)"
    return (
        f"CASE WHEN {value} = 10 THEN 'X' ELSE CAST({value} AS VARCHAR(1)) END"
        if _pg()
        else (f"CASE WHEN {value} = 10 THEN 'X' ELSE CAST({value} AS TEXT) END")
    )


def load(n: int, events: int, out) -> dict:
    """Generate items, both streams and loans with SQL; returns counts and seconds."""
    from casewatch.cases.models import Case
    from casewatch.core.models import Unit
    from casewatch.property.demo import build_locations
    from casewatch.property.models import Location

    t0 = time.perf_counter()
    centre = Unit.objects.get(code="330212-PSB-CW")
    build_locations(centre)
    case = Case.objects.filter(unit__code__startswith="330212-PSB").first() or Case.objects.create(
        unit_id="330212-PSB-XJ",
        case_number="甬鄞公(刑)立字[2026]99999号",
        case_type="police_criminal",
        cause_name="基准测试",
        status="pending",
        filed_at=dt.date(2026, 1, 2),
    )
    zone_bins = list(
        Location.objects.filter(code__startswith="330212-W1-C-", kind="bin")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    other_bins = list(
        Location.objects.filter(kind="bin", centre=centre)
        .exclude(code__startswith="330212-W1-C-")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    account = Location.objects.get(code="330212-ACC").pk
    lo_other = "(SELECT b.id FROM bench_other_bins b WHERE b.k = 0)"
    body = f"'330212' || substr(CAST({10_000_000 + SERIAL0} + i AS TEXT), 2, 7)"
    code = f"'CW330212-' || substr(CAST({10_000_000 + SERIAL0} + i AS TEXT), 2, 7) || {_check_sql(body)}"
    r = "((i * 37) % 100)"
    zone = f"(i <= {ZONE_ITEMS})"
    status = (
        f"CASE WHEN {zone} THEN 'in_store' WHEN {r} < 5 THEN 'pending' WHEN {r} < 8 THEN 'borrowed' "
        f"WHEN {r} < 18 THEN 'released' ELSE 'in_store' END"
    )
    cash = f"(NOT {zone} AND i % 50 = 0 AND {r} >= 18)"
    location = (
        f"CASE WHEN {zone} THEN (SELECT b.id FROM bench_zone_bins b WHERE b.k = i % {len(zone_bins)}) "
        f"WHEN {r} < 18 THEN NULL WHEN {cash} THEN {account} "
        f"ELSE (SELECT b.id FROM bench_other_bins b WHERE b.k = i % {len(other_bins)}) END"
    )
    holder = (
        f"CASE WHEN {zone} THEN '' WHEN {r} < 5 THEN '办案民警 张警官' WHEN {r} < 8 THEN '借用人 李警官（刑侦大队）' "
        f"WHEN {r} < 18 THEN '已发还原主' ELSE '' END"
    )
    category = f"CASE WHEN {cash} THEN 'cash' WHEN i % 97 = 0 THEN 'deposit' WHEN i % 3 = 0 THEN 'phone' ELSE 'other' END"
    seized = _ago("(i * 13) % 700 + 1")
    handed = (
        f"CASE WHEN {status} = 'pending' THEN NULL WHEN i % 400 = 0 THEN {_ago('(i * 13) % 700 + 1', 30)} "
        f"ELSE {_ago('(i * 13) % 700 + 1', 3)} END"
    )
    custody = "CASE WHEN i % 2 = 0 THEN '330212-PRO' ELSE '330212-PSB' END"
    false = "false" if _pg() else "0"
    true = "true" if _pg() else "1"
    now = "now()" if _pg() else "datetime('now')"
    with transaction.atomic(), connection.cursor() as cur:
        # bin lookup tables (bins are not numbered contiguously): k -> location id
        for table, bins in (("bench_zone_bins", zone_bins), ("bench_other_bins", other_bins)):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TEMPORARY TABLE {table} (k INTEGER PRIMARY KEY, id INTEGER NOT NULL)")
            cur.executemany(f"INSERT INTO {table} (k, id) VALUES (%s, %s)", list(enumerate(bins)))
        cur.execute(
            "INSERT INTO property_item (code, case_id, case_unit_code, centre_code, measure, category, name, features, quantity, value, "
            "appraisal, legal_document, owner_name, owner_id_number, owner_phone, relevant, seized_at, seized_by, "
            "handed_over_at, status, custody_unit_code, custody_document, location_id, holder, deposit_ref, "
            "freeze_until, judgment_effective_on, judgment_ref, claim_notice_on, claim_by_court, disposed_at, "
            "receipt_sent_on, updated_at) "
            f"SELECT {code}, {case.pk}, '{case.unit_id}', '330212-PSB-CW', CASE WHEN i % 97 = 0 THEN 'freeze' ELSE 'seizure' END, "
            f"{category}, '基准物品 ' || i, '', 1, (i % 5000) * 10, '', '扣押决定书（基准）', '王某', '', '', "
            f"CASE WHEN i % 200 = 0 THEN {false} ELSE {true} END, {seized}, 'T-PSB-0001', {handed}, {status}, "
            f"{custody}, '', {location}, {holder}, CASE WHEN {cash} AND i % 1000 <> 0 THEN 'ZH' || i ELSE '' END, "
            f"CASE WHEN i % 97 = 0 THEN {_day('(i % 200) - 20')} END, "
            f"CASE WHEN i % 150 = 0 THEN {_day('-(i % 90)')} END, '', "
            f"CASE WHEN i % 300 = 0 THEN {_day('-(i % 400)')} END, {false}, "
            f"CASE WHEN {status} = 'released' THEN {now} END, NULL, {now} FROM {_series(n)}"
        )
        cur.execute(
            "SELECT min(id), max(id) FROM property_item WHERE code >= %s", [f"CW330212-{SERIAL0:07d}"]
        )
        first, last = cur.fetchone()
        ids = f"FROM property_item it WHERE it.id BETWEEN {first} AND {last}"
        confirm = "it.seized_at, it.seized_at"
        cur.execute(
            "INSERT INTO property_custodyentry (item_id, seq, kind, at, from_unit_id, to_unit_id, document, giver, "
            "receiver, giver_confirmed_at, receiver_confirmed_at, condition, note) "
            f"SELECT it.id, 1, 'seized', it.seized_at, NULL, '330212-PSB', it.legal_document, '张警官', '张警官', "
            f"{confirm}, 'ok', '' {ids}"
        )
        cur.execute(
            "INSERT INTO property_custodyentry (item_id, seq, kind, at, from_unit_id, to_unit_id, document, giver, "
            "receiver, giver_confirmed_at, receiver_confirmed_at, condition, note) "
            f"SELECT it.id, 2, 'transferred', it.seized_at, '330212-PSB', '330212-PRO', '随案移送清单', '张警官', "
            f"'吴检察官', {confirm}, 'ok', '' {ids} AND it.custody_unit_code = '330212-PRO'"
        )
        cur.execute(
            "INSERT INTO property_placeentry (item_id, seq, kind, at, from_location_id, from_holder, to_location_id, "
            "to_holder, giver, receiver, giver_confirmed_at, receiver_confirmed_at, condition, note) "
            f"SELECT it.id, 1, 'seized', it.seized_at, NULL, '', NULL, '办案民警 张警官', '持有人', '张警官', {confirm}, "
            f"'ok', '' {ids}"
        )
        # check-in to the current bin (released items: checked in to the zone's first bin, then out)
        place = f"coalesce(it.location_id, {lo_other})"
        cur.execute(
            "INSERT INTO property_placeentry (item_id, seq, kind, at, from_location_id, from_holder, to_location_id, "
            "to_holder, giver, receiver, giver_confirmed_at, receiver_confirmed_at, condition, note) "
            f"SELECT it.id, 2, 'check_in', it.handed_over_at, NULL, '办案民警 张警官', {place}, '', '张警官', '保管员', "
            f"it.handed_over_at, it.handed_over_at, 'ok', '' {ids} AND it.handed_over_at IS NOT NULL"
        )
        cur.execute(
            "SELECT count(*) FROM property_custodyentry ce JOIN property_item it ON it.id = ce.item_id "
            f"WHERE it.id BETWEEN {first} AND {last}"
        )
        so_far = cur.fetchone()[0]
        cur.execute(f"SELECT count(*) {ids} AND it.handed_over_at IS NOT NULL")
        so_far += cur.fetchone()[0] + n
        pairs = max(0, (events - so_far) // 2)
        share = min(1.0, pairs / max(1, n))
        modulo = max(1, round(1 / share)) if share > 0 else 0
        seq = 3
        if modulo:
            lend_where = f"{ids} AND it.handed_over_at IS NOT NULL AND it.status <> 'borrowed' AND it.id % {modulo} = 0"
            at = "it.handed_over_at"
            cur.execute(
                "INSERT INTO property_placeentry (item_id, seq, kind, at, from_location_id, from_holder, "
                "to_location_id, to_holder, giver, receiver, giver_confirmed_at, receiver_confirmed_at, condition, "
                f"note) SELECT it.id, 3, 'lend', {at}, {place}, '', NULL, '鉴定员 陈某', '保管员', '陈某', {at}, {at}, "
                f"'ok', '' {lend_where}"
            )
            cur.execute(
                "INSERT INTO property_placeentry (item_id, seq, kind, at, from_location_id, from_holder, "
                "to_location_id, to_holder, giver, receiver, giver_confirmed_at, receiver_confirmed_at, condition, "
                f"note) SELECT it.id, 4, 'return', {at}, NULL, '鉴定员 陈某', {place}, '', '陈某', '保管员', {at}, "
                f"{at}, 'ok', '' {lend_where}"
            )
            seq = 5
        cur.execute(
            "INSERT INTO property_placeentry (item_id, seq, kind, at, from_location_id, from_holder, to_location_id, "
            "to_holder, giver, receiver, giver_confirmed_at, receiver_confirmed_at, condition, note) "
            f"SELECT it.id, CASE WHEN it.status <> 'borrowed' AND it.id % {modulo or 1} = 0 AND {modulo} > 0 "
            f"THEN {seq} ELSE 3 END, "
            f"CASE WHEN it.status = 'borrowed' THEN 'lend' ELSE 'check_out' END, it.handed_over_at, {place}, '', "
            f"NULL, it.holder, '保管员', '接收人', it.handed_over_at, it.handed_over_at, 'ok', '' "
            f"{ids} AND it.status IN ('borrowed', 'released') AND it.handed_over_at IS NOT NULL"
        )
        cur.execute(
            "INSERT INTO property_loan (item_id, borrower, purpose, approver, out_at, due_at, returned_at, "
            f"return_condition) SELECT it.id, '李警官', 'questioning', '李大队长', it.handed_over_at, "
            f"{_ago('(it.id % 10) - 5')}, NULL, '' {ids} AND it.status = 'borrowed'"
        )
        cur.execute("ANALYZE")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM property_placeentry WHERE item_id BETWEEN %s AND %s", [first, last])
        places = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM property_custodyentry WHERE item_id BETWEEN %s AND %s", [first, last]
        )
        custodies = cur.fetchone()[0]
    seconds = time.perf_counter() - t0
    out(
        f"loaded {n:,} items, {places + custodies:,} events ({custodies:,} custody, {places:,} place) "
        f"in {seconds:.1f} s ({(n + places + custodies) / seconds:,.0f} rows/s)"
    )
    return {"first": first, "last": last, "events": places + custodies, "seconds": seconds}


def unload(out) -> None:
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT min(id), max(id) FROM property_item WHERE code >= %s", [f"CW330212-{SERIAL0:07d}"]
        )
        first, last = cur.fetchone()
        if first is None:
            return
        for table in (
            "property_alert",
            "property_loan",
            "property_placeentry",
            "property_custodyentry",
            "property_inventoryexpected",
            "property_inventoryscan",
            "property_discrepancy",
        ):
            cur.execute(f"DELETE FROM {table} WHERE item_id BETWEEN %s AND %s", [first, last])  # noqa: S608
        for table in ("property_inventoryexpected", "property_inventoryscan", "property_discrepancy"):
            cur.execute(
                f"DELETE FROM {table} WHERE inventory_id IN (SELECT id FROM property_inventory WHERE reason = 'bench')"
            )
        cur.execute("DELETE FROM property_inventory WHERE reason = 'bench'")
        cur.execute("DELETE FROM property_item WHERE id BETWEEN %s AND %s", [first, last])
    out(f"removed the bench rows in {time.perf_counter() - t0:.1f} s")


def _p(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max": times[-1],
    }


def _serve():
    from wsgiref.simple_server import make_server

    from django.core.wsgi import get_wsgi_application

    from casewatch.problems.bench import CountingApp, _Quiet

    app = CountingApp(get_wsgi_application())
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)

    def run():
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return server, thread, app


def _custodian():
    from casewatch.core.choices import Role
    from casewatch.core.models import Unit, User

    user = User.objects.filter(username="bench_custodian").first() or User(username="bench_custodian")
    user.role, user.scope = Role.PROPERTY_CUSTODIAN, Unit.objects.get(code="330212-PSB-CW")
    user.unit, user.must_change_password = user.scope, False
    user.set_unusable_password()
    user.save()
    return user


def bench_property(opts: dict, out) -> dict:
    """Load, measure, print, unload."""
    from casewatch.core.models import ApiToken
    from casewatch.core.services_org import seed_ningbo
    from casewatch.problems.bench import _measure, _session_cookie
    from casewatch.property import dashboard
    from casewatch.property.alerts import refresh, snapshot
    from casewatch.property.models import Item

    n, events, requests = (
        opts.get("items") or 1_000_000,
        opts.get("events") or 5_000_000,
        opts.get("requests") or 30,
    )
    seed_ningbo()
    user = _custodian()
    if not (opts.get("reuse") and Item.objects.filter(code__gte=f"CW330212-{SERIAL0:07d}").exists()):
        unload(out)
        load(n, events, out)
    results = {}
    server, thread, app = _serve()
    port = server.server_address[1]
    try:
        cookie = {"Host": "127.0.0.1", "Cookie": _session_cookie(user)}
        results["dashboard"] = _measure(port, app, "/property/", cookie, 2, requests)
        _token, raw = ApiToken.issue(user, "bench", timezone.now() + dt.timedelta(days=1))
        codes = list(
            Item.objects.filter(
                code__gte=f"CW330212-{SERIAL0:07d}",
                status="in_store",
                location__code__startswith="330212-W1-A",
            ).values_list("code", flat=True)[:requests]
        )
        times, conn = [], http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for k, code in enumerate(codes * 2):
            body = json.dumps(
                {
                    "code": code,
                    "action": "move",
                    "location": "330212-W1-A-04-4" if k < len(codes) else "330212-W1-A-04-3",
                }
            )
            t0 = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/property/scan",
                body=body,
                headers={
                    "Host": "127.0.0.1",
                    "Authorization": f"Bearer {raw}",
                    "Content-Type": "application/json",
                },
            )
            resp = conn.getresponse()
            payload = resp.read()
            times.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200 and b"same_location" not in payload:
                raise RuntimeError(payload[:300])
        conn.close()
        results["scan"] = {**_p(times[2:]), "n": len(times) - 2}
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    # baselines of the two pages
    t0 = time.perf_counter()
    counts: dict = {}
    for status, category, unit, value in (
        Item.objects.filter(centre_id="330212-PSB-CW")
        .values_list("status", "category", "custody_unit_id", "value")
        .iterator(chunk_size=20_000)
    ):
        for key in (status, category, unit):
            n_, v_ = counts.get(key, (0, 0))
            counts[key] = (n_ + 1, v_ + (value or 0))
    results["dashboard_baseline_ms"] = (time.perf_counter() - t0) * 1000
    cold = []
    for _k in range(3):
        t0 = time.perf_counter()
        dashboard.figures(user)
        cold.append((time.perf_counter() - t0) * 1000)
    results["dashboard_in_process_ms"] = max(cold)
    from casewatch.property.models import PlaceEntry

    item = Item.objects.filter(code=codes[0]).first()
    bt = []
    for k in range(requests):
        t0 = time.perf_counter()
        PlaceEntry(
            item=item,
            seq=10_000 + k,
            kind="move",
            at=timezone.now(),
            to_location_id=item.location_id,
            giver="x",
            receiver="y",
            giver_confirmed_at=timezone.now(),
            receiver_confirmed_at=timezone.now(),
        ).save()
        bt.append((time.perf_counter() - t0) * 1000)
    PlaceEntry.objects.filter(item=item, seq__gte=10_000).delete()
    results["scan_baseline"] = _p(bt)
    # alert refresh and its baseline
    t0 = time.perf_counter()
    r = refresh(None, open_problems=False)
    results["refresh"] = {**r, "total": time.perf_counter() - t0}
    items, _loans = snapshot()
    sample = items.slice(0, 50_000).to_pylist()
    from casewatch.analytics import timelimits

    t0 = time.perf_counter()
    for row in sample:
        if row["relevant"] is False:
            timelimits.compute_due(row["seized_at"].date(), days=3)
        if row["claim_notice_on"]:
            timelimits.compute_due(row["claim_notice_on"], months=6)
        if row["judgment_effective_on"]:
            timelimits.compute_due(row["judgment_effective_on"], days=30)
        if row["freeze_until"]:
            _ = row["freeze_until"] - dt.timedelta(days=15)
        if row["handed_over_at"] is None:
            _ = row["seized_at"] + dt.timedelta(hours=24)
    per = (time.perf_counter() - t0) / max(1, len(sample))
    results["refresh_baseline_s"] = per * items.num_rows
    # reconciliation of the 100,000-item zone
    results["reconcile"] = _reconcile(user)
    _print(out, n, results)
    if not opts.get("keep"):
        unload(out)
    return results


def _reconcile(user) -> dict:
    from casewatch.core.models import Unit
    from casewatch.property import services_inventory as inventory
    from casewatch.property.models import InventoryExpected, Location

    zone = Location.objects.get(code="330212-W1-C")
    t0 = time.perf_counter()
    inv = inventory.start(
        user, Unit.objects.get(code="330212-PSB-CW"), zone=zone, mode="full", reason="bench"
    )
    start_s = time.perf_counter() - t0
    # scans: every expected item but 25, in its bin, 40 of them read in another bin (one statement)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO property_inventoryscan (inventory_id, code, item_id, location_id, at) "
            "SELECT e.inventory_id, i.code, e.item_id, CASE WHEN e.item_id %% 2500 = 1 THEN "
            "(SELECT min(id) FROM property_location WHERE code LIKE '330212-W1-C-%%' AND kind = 'bin') "
            "ELSE e.location_id END, i.seized_at FROM property_inventoryexpected e JOIN property_item i "
            "ON i.id = e.item_id WHERE e.inventory_id = %s AND e.item_id %% 4000 <> 7",
            [inv.pk],
        )
    t0 = time.perf_counter()
    found = inventory.reconcile(inv)
    sql_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    expected = dict(InventoryExpected.objects.filter(inventory=inv).values_list("item_id", "location_id"))
    scans = dict(inv.scans.values_list("item_id", "location_id"))
    missing = set(expected) - set(scans)
    misplaced = {i for i, loc in scans.items() if i in expected and loc != expected[i]}
    py_s = time.perf_counter() - t0
    assert len(missing) == len(found["missing"]) and len(misplaced) == len(found["misplaced"])
    return {
        "zone_items": inv.sample_size,
        "start_s": start_s,
        "reconcile_s": sql_s,
        "baseline_s": py_s,
        "missing": len(found["missing"]),
        "misplaced": len(found["misplaced"]),
    }


def _print(out, n, r) -> None:
    d, s, rf, rc = r["dashboard"], r["scan"], r["refresh"], r["reconcile"]
    out(f"\nbench property — {n:,} items, {connection.vendor}, wsgiref on 127.0.0.1")
    rows = [
        (
            "dashboard page p50 / p95 (ms)",
            f"{d['p50']:.0f} / {d['p95']:.0f}",
            f"Python over all rows {r['dashboard_baseline_ms']:,.0f} ms",
        ),
        (
            "  figures computed, not cached (max of 3, ms)",
            f"{r['dashboard_in_process_ms']:.0f}",
            f"{d['queries'][1]} queries per page",
        ),
        (
            "scan recorded, API move p50 / p95 (ms)",
            f"{s['p50']:.1f} / {s['p95']:.1f}",
            f"bare ORM save p95 {r['scan_baseline']['p95']:.1f} ms",
        ),
        (
            "alert refresh (s)",
            f"{rf['total']:.2f}",
            f"row by row {r['refresh_baseline_s']:.1f} s (extrapolated)",
        ),
        (
            f"reconcile a {rc['zone_items']:,}-item zone (s)",
            f"{rc['reconcile_s']:.2f}",
            f"Python sets {rc['baseline_s']:.2f} s",
        ),
    ]
    for name, figure, base in rows:
        out(f"{name:44} {figure:>16}   {base}")
    out(
        "  refresh stages: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in rf["seconds"].items())
        + f"; {rf['items']:,} items snapshotted, {rf['alerts']:,} alerts"
    )
    out(
        f"  reconciliation: freezing the expectation took {rc['start_s']:.2f} s; "
        f"found {rc['missing']} missing, {rc['misplaced']} misplaced"
    )

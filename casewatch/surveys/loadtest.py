"""Load test of the public submission endpoint (a benchmark command, not a unit test).

`casewatch surveys-loadtest --url http://127.0.0.1:8765 --n 4000 --concurrency 8` against a server
started on this machine with the same database settings (it must see the rows this command writes):

1. sets up an open wave with N one-time invitations for the parties' instrument (no cases needed);
2. sends N submissions over C keep-alive connections, plus a share of replays (the same device key
   sent again, as an offline queue flushed twice — some concurrently with the original) and a few
   probes that reuse an invitation with a new key (must be refused as "used");
3. reports sustained submissions/s, latency percentiles, and the count check: every accepted
   submission is in the database exactly once, nothing else is, and every invitation answered is
   marked used;
4. removes what it created (``--keep`` is not offered on purpose: it is a benchmark, not a seeder).

Bounded: loopback hosts only, at most 100,000 submissions and 64 connections.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import secrets
import statistics
import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlparse

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_N = 100_000
MAX_CONCURRENCY = 64
MAX_ATTEMPTS = 4


class LoadTestError(Exception):
    pass


def _check_url(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    if parsed.scheme != "http" or parsed.hostname not in LOOPBACK:
        raise LoadTestError("only http://127.0.0.1, http://localhost or http://[::1] may be load-tested")
    return parsed.hostname, parsed.port or 80


def _setup(n: int):
    """An open wave with n invitations; returns (wave, batch, raw tokens, answer factory)."""
    from django.db import transaction
    from django.utils import timezone

    from casewatch.core.models import Unit
    from casewatch.core.services_org import seed_ningbo
    from casewatch.surveys import services
    from casewatch.surveys.choices import RespondentGroup, WaveStatus
    from casewatch.surveys.models import Token, TokenBatch, Wave, WaveTarget

    if not Unit.objects.exists():
        seed_ningbo()
    instruments = {i.code: i for i in services.load_shipped()}
    party = instruments["party"]
    unit = (
        Unit.objects.filter(kind="unit", agency_kind="court").order_by("path").first()
        or Unit.objects.order_by("path").first()
    )
    district = unit.district if unit else None
    today = timezone.localdate()
    with transaction.atomic():
        wave = Wave.objects.create(
            name=f"load test {timezone.now():%Y-%m-%d %H:%M:%S}",
            unit=district or unit,
            period_start=today - dt.timedelta(days=1),
            period_end=today + dt.timedelta(days=1),
            status=WaveStatus.OPEN,
        )
        WaveTarget.objects.create(
            wave=wave, respondent_group=RespondentGroup.PARTY, instrument=party, sample_size=n
        )
        batch = TokenBatch.objects.create(
            wave=wave, unit=wave.unit, secret=secrets.token_hex(32), count=n, params={"load_test": True}
        )
        raws = [services._derive(batch.secret, s) for s in range(1, n + 1)]
        Token.objects.bulk_create(
            [
                Token(
                    batch=batch,
                    serial=s,
                    token_hash=services.hash_token(raw),
                    wave=wave,
                    instrument=party,
                    unit=unit,
                    case_type="civil",
                    party_role="plaintiff",
                    respondent_group=RespondentGroup.PARTY,
                )
                for s, raw in enumerate(raws, start=1)
            ],
            batch_size=5000,
        )
    form = services.compiled(party)
    likert = [i.name for i in form.items if i.kind == "likert" and i.name.startswith("court_")]

    def answers(rng: random.Random) -> dict:
        a = {
            "role": rng.choice(["plaintiff", "defendant"]),
            "agencies": ["court"],
            "overall": rng.choice("45554"),
        }
        for name in likert:
            a[name] = rng.choice(["5", "5", "4", "4", "3", "na"])
        if a["overall"] in "123":
            a["issues"] = ["delay"]
        if rng.random() < 0.2:
            a["comment"] = "load test comment"
        return a

    return wave, batch, raws, answers


def _cleanup(wave) -> None:
    from casewatch.surveys.models import Answer, Response, Token, TokenBatch

    Answer.objects.filter(response__wave=wave).delete()
    Response.objects.filter(wave=wave).delete()
    Token.objects.filter(wave=wave).delete()
    TokenBatch.objects.filter(wave=wave).delete()
    wave.targets.all().delete()
    type(wave).objects.filter(pk=wave.pk).delete()


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def run(
    url: str, *, n: int = 2000, concurrency: int = 8, replay: float = 0.05, batch: int = 1, seed: int = 7
) -> dict:
    """Run the load test; returns the figures (see `format_report`)."""
    host, port = _check_url(url)
    if not 1 <= n <= MAX_N:
        raise LoadTestError(f"--n must be between 1 and {MAX_N}")
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise LoadTestError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    if not 1 <= batch <= 200:
        raise LoadTestError("--batch must be between 1 and 200")
    replay = min(max(replay, 0.0), 1.0)
    try:
        probe = http.client.HTTPConnection(host, port, timeout=5)
        probe.request("GET", "/healthz")
        probe.getresponse().read()
        probe.close()
    except OSError as exc:
        raise LoadTestError(f"no server at {url}: {exc}") from exc

    from casewatch.surveys.models import Response, Token

    rng = random.Random(seed)
    wave, token_batch, raws, make_answers = _setup(n)
    try:
        # The server must see the invitations just written: same database settings as this command.
        check = http.client.HTTPConnection(host, port, timeout=10)
        check.request("GET", f"/surveys/t/{raws[0]}/")
        seen = check.getresponse()
        seen.read()
        check.close()
        if seen.status != 200:
            raise LoadTestError(
                f"the server at {url} does not see this database's invitations (HTTP {seen.status}); start it "
                "with the same DATABASE_URL / CASEWATCH_VAR_DIR as this command"
            )
        originals = [
            {"client_key": uuid.uuid4().hex, "token": raw, "answers": make_answers(rng), "language": "zh"}
            for raw in raws
        ]
        replays = [dict(s) for s in rng.sample(originals, int(n * replay))]
        probes = [{**s, "client_key": uuid.uuid4().hex} for s in rng.sample(originals, min(20, n))]
        # Replays and probes are spread through the second half, so some race with their original.
        plan = [("original", s) for s in originals]
        for kind, subs in (("replay", replays), ("probe", probes)):
            for s in subs:
                plan.insert(rng.randint(len(plan) // 2, len(plan)), (kind, s))
        requests = [plan[i : i + batch] for i in range(0, len(plan), batch)]
        path = "/api/v1/surveys/public/batch" if batch > 1 else "/api/v1/surveys/public/responses"

        lock = threading.Lock()
        cursor = iter(requests)
        latencies: list[float] = []
        outcomes: list[tuple[str, str, str]] = []  # (kind, client_key, status)
        errors: Counter = Counter()
        messages: dict[str, str] = {}

        retries: Counter = Counter()

        def post(conn, body):
            """Send one request; on a transport error reconnect and send it again, as the phone's
            queue does (safe: submissions are idempotent). Returns (connection, response, payload)."""
            for attempt in range(MAX_ATTEMPTS):
                try:
                    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                    response = conn.getresponse()
                    return conn, response, json.loads(response.read() or b"null")
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    with lock:
                        retries[type(exc).__name__] += 1
                    conn.close()
                    time.sleep(0.05 * (attempt + 1))
                    conn = http.client.HTTPConnection(host, port, timeout=30)
            return conn, None, None

        def worker(conn):
            while True:
                with lock:
                    group = next(cursor, None)
                if group is None:
                    break
                if batch > 1:
                    body = json.dumps({"responses": [s for _k, s in group]})
                else:
                    body = json.dumps(group[0][1])
                started = time.perf_counter()
                conn, response, payload = post(conn, body)
                if response is None:
                    with lock:
                        errors["gave up"] += len(group)
                    continue
                elapsed = time.perf_counter() - started
                results = payload if isinstance(payload, list) else [payload]
                with lock:
                    latencies.append(elapsed)
                    for (kind, s), res in zip(group, results, strict=False):
                        status = (
                            res.get("status", f"http-{response.status}")
                            if isinstance(res, dict)
                            else "bad-body"
                        )
                        outcomes.append((kind, s["client_key"], status))
                        if status not in ("stored", "duplicate"):
                            messages.setdefault(status, res.get("message", ""))
            conn.close()

        # Connect one by one before the clock starts: runserver listens with a backlog of 10.
        connections = []
        for _ in range(concurrency):
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.connect()
            connections.append(conn)
        threads = [threading.Thread(target=worker, args=(conn,)) for conn in connections]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started

        by_kind = Counter((kind, status) for kind, _key, status in outcomes)
        accepted = {key for kind, key, status in outcomes if status == "stored"}
        acknowledged = {key for kind, key, status in outcomes if status in ("stored", "duplicate")}
        refused = {key for kind, key, status in outcomes if status not in ("stored", "duplicate")}
        stored_keys = list(Response.objects.filter(wave=wave).values_list("client_key", flat=True))
        stored = Counter(stored_keys)
        used_tokens = Token.objects.filter(wave=wave, used=True).count()
        # A probe (same invitation, new key) may race its original and win; then the original is
        # the one refused as "used". Either way each invitation gives exactly one response.
        checks = {
            "every accepted submission stored exactly once": all(stored.get(k) == 1 for k in accepted),
            "every acknowledged (stored or duplicate) submission is in the database": acknowledged
            <= set(stored),
            "no submission stored twice": all(v == 1 for v in stored.values()),
            "nothing stored that was not accepted": set(stored) == accepted,
            "nothing stored that was refused": not (refused & set(stored)),
            "one response per invitation, every invitation answered": len(stored_keys) == used_tokens == n,
            "the only refusals are reused invitations": all(
                status == "used" for _kind, key, status in outcomes if key in refused
            ),
        }
        submissions = len(outcomes)
        return {
            "url": url,
            "n": n,
            "concurrency": concurrency,
            "batch": batch,
            "requests": len(latencies),
            "submissions_sent": submissions,
            "wall_seconds": wall,
            "submissions_per_second": submissions / wall if wall else 0.0,
            "stored_per_second": len(accepted) / wall if wall else 0.0,
            "latency_ms": {
                "p50": 1000 * _percentile(latencies, 0.50),
                "p95": 1000 * _percentile(latencies, 0.95),
                "p99": 1000 * _percentile(latencies, 0.99),
                "max": 1000 * max(latencies or [0]),
                "mean": 1000 * statistics.fmean(latencies) if latencies else 0.0,
            },
            "outcomes": {f"{k}:{s}": v for (k, s), v in sorted(by_kind.items())},
            "refusal_messages": messages,
            "transport_errors": dict(errors),
            "retries": dict(retries),
            "stored": len(stored_keys),
            "accepted": len(accepted),
            "used_invitations": used_tokens,
            "checks": checks,
            "ok": all(checks.values()) and not errors,
        }
    finally:
        _cleanup(wave)


def format_report(r: dict) -> str:
    lat = r["latency_ms"]
    lines = [
        f"target            {r['url']}  (n={r['n']}, concurrency={r['concurrency']}, submissions per request={r['batch']})",
        f"sent              {r['submissions_sent']} submissions in {r['requests']} requests, {r['wall_seconds']:.2f} s",
        f"throughput        {r['submissions_per_second']:.1f} submissions/s handled, {r['stored_per_second']:.1f} stored/s",
        f"latency (request) p50 {lat['p50']:.1f} ms  p95 {lat['p95']:.1f} ms  p99 {lat['p99']:.1f} ms  max {lat['max']:.1f} ms",
        "outcomes          " + ", ".join(f"{k}={v}" for k, v in r["outcomes"].items()),
    ]
    for status, text in r["refusal_messages"].items():
        lines.append(f"message ({status})  {text}")
    if r["retries"]:
        lines.append(f"retried requests  {r['retries']} (reconnected and sent again; idempotent)")
    if r["transport_errors"]:
        lines.append(f"transport errors  {r['transport_errors']}")
    lines.append(
        f"count check       stored={r['stored']} accepted={r['accepted']} invitations used={r['used_invitations']}"
    )
    for name, ok in r["checks"].items():
        lines.append(f"  [{'ok' if ok else 'FAIL'}] {name}")
    lines.append("RESULT            " + ("PASS" if r["ok"] else "FAIL"))
    return "\n".join(lines)

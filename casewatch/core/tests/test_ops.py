"""Operations: security headers, templates without inline script, sessions, password rules,
the scheduler, /readyz and /metrics, structured logs."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path

import time_machine
from django.utils import timezone

from casewatch.core import jobs, scheduler
from casewatch.core.choices import AuditAction, JobStatus
from casewatch.core.models import AuditLog, Job, Schedule, SchedulerLease, UserSession
from casewatch.core.testing import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

# --- headers ----------------------------------------------------------------------------------


def test_security_headers_on_pages_and_api(client, world):
    for path in ("/login/", "/api/v1/me", "/healthz"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'", path  # no 'unsafe-inline', no 'unsafe-eval'
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert directives["default-src"] == "'self'" and directives["form-action"] == "'self'"
        assert (
            "camera=()" in response["Permissions-Policy"]
            and "geolocation=()" in response["Permissions-Policy"]
        )
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert re.fullmatch(r"[0-9a-f]{16}", response["X-Request-ID"])


def test_hsts_and_secure_cookies_behind_tls(client, world, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    plain = client.get("/login/")
    assert "Strict-Transport-Security" not in plain  # never over plain http
    response = client.post(
        "/login/", {"username": "district_legal", "password": PASSWORD}, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]


def test_a_proxys_request_id_and_client_address_are_kept(client, world, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.post(
        "/login/",
        {"username": "district_legal", "password": "wrong-One-123"},
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1",
        HTTP_X_REQUEST_ID="nginx-req-0001",
    )
    assert response["X-Request-ID"] == "nginx-req-0001"
    record = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).latest("id")
    # The nearest address not a trusted proxy: 10.0.0.1 (203.0.113.9 could be forged by the client).
    assert record.client_ip == "10.0.0.1" and record.request_id == "nginx-req-0001"
    # Without a trusted proxy the header is ignored.
    settings.TRUSTED_PROXIES = []
    client.post("/login/", {"username": "x", "password": "y"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).latest("id").client_ip == "127.0.0.1"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def _templates():
    return sorted(p for p in ROOT.rglob("templates/**/*.html") if "node_modules" not in p.parts)


def test_no_template_has_inline_script_or_event_handlers():
    """The CSP refuses inline script: every template must load JS from static files.

    `{{ data|json_script:"id" }}` writes a JSON data block (type="application/json"), which is
    not executed and is allowed.
    """
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for m in INLINE_SCRIPT.finditer(text):
            if 'type="application/json"' in m.group(0) or "type='application/json'" in m.group(0):
                continue
            offenders.append(
                f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1} inline <script>"
            )
        for m in HANDLER.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1} on*= handler")
    assert len(_templates()) > 50
    assert not offenders, "\n".join(offenders)


def test_the_scan_catches_what_it_should():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert HANDLER.search('<button class="x" onclick="go()">')
    assert not HANDLER.search('<button data-on="x" class="online">')


# --- sessions ---------------------------------------------------------------------------------


def test_sessions_are_listed_and_can_be_ended(client, world, django_user_model):
    from django.test import Client

    other_browser = Client(HTTP_USER_AGENT="Firefox/140 (the other browser)")
    assert (
        other_browser.post("/login/", {"username": "district_legal", "password": PASSWORD}).status_code == 302
    )
    assert client.post("/login/", {"username": "district_legal", "password": PASSWORD}).status_code == 302
    page = client.get("/sessions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Firefox/140 (the other browser)" in text
    records = UserSession.objects.filter(user__username="district_legal", ended_at__isnull=True)
    assert records.count() == 2
    other = records.get(user_agent__startswith="Firefox")
    assert other_browser.get("/org/").status_code == 200
    response = client.post(f"/sessions/{other.pk}/end/")
    assert response.status_code == 302
    assert other_browser.get("/org/").status_code == 302  # signed out: back to the login page
    other.refresh_from_db()
    assert other.ended_at is not None and other.end_reason == "revoked"
    assert AuditLog.objects.filter(
        action=AuditAction.LOGOUT, message__contains="revoked by district_legal"
    ).exists()
    assert client.get("/org/").status_code == 200  # this browser is still signed in


def test_only_own_or_administered_sessions_can_be_ended(client, world):
    from django.test import Client

    victim = Client()
    victim.post("/login/", {"username": "city_supervisor", "password": PASSWORD})
    record = UserSession.objects.filter(user__username="city_supervisor", ended_at__isnull=True).latest("id")
    client.force_login(world.user("district_legal"))
    assert client.post(f"/sessions/{record.pk}/end/").status_code == 403
    assert victim.get("/org/").status_code == 200
    # The city's system administrator sees and can end it.
    client.force_login(world.user("sysadmin"))
    assert "city_supervisor" in client.get("/sessions/").content.decode()
    assert client.post(f"/sessions/{record.pk}/end/").status_code == 302
    assert victim.get("/org/").status_code == 302


def test_logout_ends_the_record(client, world):
    client.post("/login/", {"username": "district_legal", "password": PASSWORD})
    key = client.session.session_key
    client.post("/logout/")
    assert UserSession.objects.get(session_key=key).end_reason == "logout"


# --- password expiry and history ---------------------------------------------------------------


def change(client, old, new):
    return client.post("/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_password_history_refuses_reuse(client, world, settings):
    settings.PASSWORD_HISTORY = 2
    user = world.user("district_legal")
    client.force_login(user)
    assert change(client, PASSWORD, "Second-Password-2025").status_code == 302
    assert change(client, "Second-Password-2025", "Third-Password-2025").status_code == 302
    for reused in ("Third-Password-2025", "Second-Password-2025"):
        response = change(client, "Third-Password-2025", reused)
        assert response.status_code == 200
        codes = [e.code for e in response.context["form"].errors.as_data()["new_password2"]]
        assert codes == ["password_reused"], reused
    assert change(client, "Third-Password-2025", "Fourth-Password-2025").status_code == 302


def test_expired_password_must_be_changed(client, world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = world.user("district_legal")
    user.set_password(PASSWORD)
    with time_machine.travel(dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC), tick=False):
        user.save()
    with time_machine.travel(dt.datetime(2025, 3, 31, 9, tzinfo=dt.UTC), tick=False):  # day 89
        client.force_login(user)
        assert client.get("/org/").status_code == 200
    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 1, tzinfo=dt.UTC), tick=False):  # day 90
        client.force_login(user)
        response = client.get("/org/")
        assert response.status_code == 302 and response["Location"] == "/password/"
        assert change(client, PASSWORD, "Fresh-Password-2025").status_code == 302
        assert client.get("/org/").status_code == 200
    user.refresh_from_db()
    assert user.password_changed_at == dt.datetime(2025, 4, 1, 9, 1, tzinfo=dt.UTC)


# --- scheduler --------------------------------------------------------------------------------

T0 = dt.datetime(2026, 3, 2, 16, 10, tzinfo=dt.UTC)  # 00:10 in Ningbo


def test_only_the_lease_holder_schedules_and_a_dead_holder_is_replaced(world):
    with time_machine.travel(T0, tick=False) as traveller:
        assert scheduler.acquire_lease("worker-a")
        assert not scheduler.acquire_lease("worker-b")
        assert scheduler.tick("worker-b") == []
        traveller.shift(dt.timedelta(seconds=30))
        assert scheduler.acquire_lease("worker-a")  # renewed
        traveller.shift(dt.timedelta(seconds=scheduler.LEASE_SECONDS + 1))  # worker-a died
        assert scheduler.acquire_lease("worker-b")
        assert not scheduler.acquire_lease("worker-a")
        assert SchedulerLease.objects.get().holder == "worker-b"
        scheduler.release_lease("worker-b")
        assert scheduler.acquire_lease("worker-a")


def test_daily_schedules_run_once_at_their_time_and_failures_are_counted(world):
    with time_machine.travel(T0, tick=False) as traveller:
        scheduler.ensure_defaults()
        daily = Schedule.objects.get(name="deadlines-daily")
        assert timezone.localtime(daily.next_run_at).strftime("%Y-%m-%d %H:%M") == "2026-03-03 00:30"
        assert Schedule.objects.get(name="backup-nightly").enabled is False
        assert scheduler.tick("w") == []  # nothing due at 00:10
        traveller.shift(dt.timedelta(minutes=21))  # 00:31
        queued = scheduler.tick("w")
        assert [j.kind for j in queued] == ["deadlines.refresh"]
        assert scheduler.tick("w") == []  # the same run is never queued twice
        daily.refresh_from_db()
        assert timezone.localtime(daily.next_run_at).strftime("%Y-%m-%d %H:%M") == "2026-03-04 00:30"
        assert daily.last_job_id == queued[0].pk and daily.last_status == JobStatus.QUEUED
        # The job fails; the next tick folds the outcome in.
        Job.objects.filter(pk=queued[0].pk).update(status=JobStatus.FAILED, error="RuntimeError: disk full")
        traveller.shift(dt.timedelta(seconds=20))
        scheduler.tick("w")
        daily.refresh_from_db()
        assert daily.failures == 1 and "disk full" in daily.last_error and daily.last_status == "failed"


def test_screening_after_imports_runs_only_when_something_was_imported(world):
    with time_machine.travel(T0, tick=False) as traveller:
        scheduler.ensure_defaults()
        Schedule.objects.exclude(name="screening-after-imports").update(enabled=False)
        traveller.shift(dt.timedelta(minutes=16))
        assert scheduler.tick("w") == []
        s = Schedule.objects.get(name="screening-after-imports")
        assert s.skipped == 1
        Job.objects.create(kind="cases.import", status=JobStatus.SUCCEEDED, finished_at=timezone.now())
        traveller.shift(dt.timedelta(minutes=16))
        queued = scheduler.tick("w")
        assert [(j.kind, j.params) for j in queued] == [
            ("screening.analyze", {"engine": "duckdb", "mode": "incremental"})
        ]


def test_schedules_page_shows_runs_and_lets_the_administrator_run_one(client, world):
    scheduler.ensure_defaults()
    scheduler.acquire_lease("host:1:abc")
    client.force_login(world.user("district_legal"))
    assert client.get("/ops/schedules/").status_code == 403
    client.force_login(world.user("city_auditor"))
    page = client.get("/ops/schedules/").content.decode()
    assert "problems-tick" in page and "host:1:abc" in page and "Run now" not in page
    schedule = Schedule.objects.get(name="problems-tick")
    assert client.post(f"/ops/schedules/{schedule.pk}/", {"do": "run"}).status_code == 403
    client.force_login(world.user("sysadmin"))
    assert client.post(f"/ops/schedules/{schedule.pk}/", {"do": "run"}).status_code == 302
    job = Job.objects.filter(kind="problems.tick").latest("id")
    assert job.status == JobStatus.QUEUED and job.actor.username == "sysadmin"
    assert client.post(f"/ops/schedules/{schedule.pk}/", {"do": "disable"}).status_code == 302
    assert Schedule.objects.get(pk=schedule.pk).enabled is False


def test_every_default_schedule_has_a_job_function(world):
    for name, (kind, *_rest) in scheduler.DEFAULT_SCHEDULES.items():
        assert kind in jobs.REGISTRY, name


# --- readyz, metrics, logs --------------------------------------------------------------------


def test_readyz(client, db):
    body = client.get("/readyz").json()
    assert body == {"status": "ready", "checks": {"database": "ok", "migrations": "ok", "var_dir": "ok"}}


def test_metrics_in_prometheus_text_format(client, world, settings):
    client.get("/login/")
    client.get("/org/")
    jobs.enqueue("core.selftest", None, steps=1)
    scheduler.ensure_defaults()
    response = client.get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert re.search(
        r'^casewatch_http_requests_total\{method="GET",route="/login/",status="2xx"\} \d+$', text, re.M
    )
    assert re.search(
        r'^casewatch_http_request_duration_seconds_bucket\{route="/login/",le="\+Inf"\} \d+$', text, re.M
    )
    assert re.search(r"^casewatch_job_queue_depth [1-9]\d*$", text, re.M)
    assert re.search(r'^casewatch_jobs\{kind="core.selftest",status="queued"\} [1-9]', text, re.M)
    assert 'casewatch_schedule_failures{schedule="problems-tick"} 0' in text
    for line in text.splitlines():  # every line is a comment or `name{labels} number`
        assert line.startswith("# ") or re.fullmatch(r"[a-z_]+(\{[^}]*\})? -?[0-9.e+-]+", line), line
    # From another address: only a sysadmin or an auditor.
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 403
    client.force_login(world.user("city_auditor"))
    assert client.get("/metrics").status_code == 200


def test_access_log_is_json_with_the_request_id(client, world, caplog):
    from casewatch.core.logs import JsonFormatter

    with caplog.at_level(logging.INFO, logger="casewatch.requests"):
        response = client.get("/login/")
    record = next(r for r in caplog.records if r.name == "casewatch.requests")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["path"] == "/login/" and line["status"] == 200 and line["method"] == "GET"
    assert line["route"] == "/login/" and isinstance(line["ms"], float) and line["level"] == "INFO"


def test_schedules_page_names_schedules_and_job_kinds(client, world):
    """Schedules by their names, not `deadlines-daily` / `scheduler.falselit_scan` (issue 12)."""
    from casewatch.core import scheduler

    scheduler.ensure_defaults()
    client.force_login(world.user("sysadmin"))
    page = client.get("/ops/schedules/").content.decode()
    text = re.sub(r"<[^>]+>", " ", re.sub(r'\b(title|data-schedule|href|value|name)="[^"]*"', "", page))
    for code in ("deadlines-daily", "falselit-scan", "scheduler.falselit_scan", "warehouse.sync"):
        assert code not in text, code
    assert "审限与信号灯（每日）" in text and "虚假诉讼筛查" in text

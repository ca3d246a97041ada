"""The audit trail: one record per action kind, with who/when/request id/address; append-only."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction

from casewatch.core import audit, jobs
from casewatch.core.choices import AuditAction, UnitKind
from casewatch.core.models import ApiToken, AuditLog, Staff, Unit
from casewatch.core.testing import PASSWORD, response_text


def latest(action, **filters) -> AuditLog:
    return AuditLog.objects.filter(action=action, **filters).latest("id")


def new_records(since_id, **filters):
    return AuditLog.objects.filter(id__gt=since_id, **filters).order_by("id")


def last_id() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def legal(world):
    return world.user("district_legal")


@pytest.fixture
def auditor(world):
    return world.user("city_auditor")


# --- one record per action kind ---------------------------------------------------------------


def test_create_update_delete_are_logged_with_before_and_after(world, legal):
    token = audit.begin("req-test-1", "10.1.2.3", legal)
    try:
        unit = Unit.objects.create(
            code="330212-PSB-T9",
            name="测试中队",
            kind=UnitKind.UNIT,
            parent=Unit.objects.get(code="330212-PSB"),
        )
        unit.name = "测试二中队"
        unit.save()
        unit.save()  # no change, no record
        staff = Staff.objects.create(staff_no="T-DEL-1", name="临时", unit=unit, phone="13000000000")
        staff_pk = staff.pk
        staff.delete()
    finally:
        audit.end(token)

    created = latest(AuditAction.CREATE, object_type="core.unit", object_id=str(unit.pk))
    assert created.after["code"] == "330212-PSB-T9" and created.before is None
    assert created.user == legal and created.request_id == "req-test-1" and created.client_ip == "10.1.2.3"
    assert created.unit_path == "/330200/330212/330212-PSB/330212-PSB-T9/"

    updates = AuditLog.objects.filter(
        action=AuditAction.UPDATE, object_type="core.unit", object_id=str(unit.pk)
    )
    assert updates.count() == 1
    assert updates[0].before == {"name": "测试中队"} and updates[0].after == {"name": "测试二中队"}

    deleted = latest(AuditAction.DELETE, object_type="core.staff", object_id=str(staff_pk))
    assert deleted.before["staff_no"] == "T-DEL-1" and deleted.before["phone"] == "13000000000"
    assert deleted.unit_path.endswith("/330212-PSB-T9/")


def test_user_changes_never_log_the_password_hash(world, legal):
    legal.set_password("Another-Pass-2025")
    legal.position = "法制员"
    legal.save()
    record = latest(AuditAction.UPDATE, object_type="core.user", object_id=str(legal.pk))
    assert "password" not in record.before and "password" not in record.after
    assert record.after == {"position": "法制员"}


def test_login_and_logout_carry_the_request_context(client, legal):
    response = client.post("/login/", {"username": legal.username, "password": PASSWORD})
    record = latest(AuditAction.LOGIN, user=legal)
    assert record.request_id == response["X-Request-ID"] and len(record.request_id) == 16
    assert record.client_ip == "127.0.0.1"
    assert record.unit_path == legal.unit.path
    response = client.post("/logout/")
    assert response.status_code == 302
    assert latest(AuditAction.LOGOUT, user=legal).request_id == response["X-Request-ID"]


def test_failed_login_and_lockout(client, legal):
    since = last_id()
    for _ in range(5):
        client.post("/login/", {"username": legal.username, "password": "wrong"})
    actions = list(new_records(since, user=legal).values_list("action", flat=True))
    assert actions == [AuditAction.LOGIN_FAILED] * 5 + [AuditAction.LOCKOUT]
    assert "15 minutes" in latest(AuditAction.LOCKOUT, user=legal).message


def test_password_changed(client, legal):
    client.force_login(legal)
    client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Changed-Pass-2025",
            "new_password2": "Changed-Pass-2025",
        },
    )
    assert latest(AuditAction.PASSWORD_CHANGED, user=legal).object_id == str(legal.pk)


def test_reveal(client, world, legal):
    client.force_login(legal)
    response = client.post(f"/staff/{world.staff_in.pk}/reveal/phone/")
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    record = latest(AuditAction.REVEAL, user=legal)
    assert record.object_type == "core.staff" and record.object_id == str(world.staff_in.pk)
    assert record.message == "revealed phone" and record.request_id == response["X-Request-ID"]


def test_export(client, auditor):
    client.force_login(auditor)
    response = client.get("/audit/?export=csv")
    rows = list(csv.reader(io.StringIO(response_text(response))))
    record = latest(AuditAction.EXPORT, user=auditor)
    assert record.object_type == "core.auditlog"
    assert record.message == f"{len(rows) - 1} rows as csv"


def test_access_denied(client, world):
    other = world.user("other_court")
    client.force_login(other)
    response = client.get("/org/330212-PSB-FZ/")
    assert response.status_code == 404
    record = latest(AuditAction.ACCESS_DENIED, user=other)
    assert record.object_type == "core.unit"
    assert record.object_id == str(Unit.objects.get(code="330212-PSB-FZ").pk)
    assert record.request_id == response["X-Request-ID"]


def test_access_to_a_missing_object_is_a_plain_404(client, world):
    client.force_login(world.user("other_court"))
    since = last_id()
    assert client.get("/org/NO-SUCH-UNIT/").status_code == 404
    assert not new_records(since, action=AuditAction.ACCESS_DENIED).exists()


def test_token_created_and_revoked(client, legal):
    client.force_login(legal)
    client.post("/tokens/", {"name": "报表脚本", "days": 30})
    token = ApiToken.objects.filter(user=legal, name="报表脚本").get()
    assert token.prefix in latest(AuditAction.TOKEN_CREATED, user=legal).message
    client.post(f"/tokens/{token.pk}/revoke/")
    assert "revoked" in latest(AuditAction.TOKEN_REVOKED, user=legal).message


def test_job_enqueue_and_retry(world, legal):
    job = jobs.enqueue("core.selftest", legal, steps=1, fail=True)
    assert latest(AuditAction.JOB, object_id=str(job.pk)).message == "queued core.selftest"
    jobs.run_pending()
    jobs.retry(job, legal)
    assert latest(AuditAction.JOB, object_id=str(job.pk)).message == "retried"


def test_a_login_outside_a_request_does_not_stick_to_later_records(client, legal):
    client.force_login(legal)  # fires user_logged_in without a request context
    record = audit.record(AuditAction.EXPORT, object_type="test", message="no actor")
    assert record.user is None and record.username == ""
    token = audit.begin("req-x", None, legal)
    try:
        assert audit.record(AuditAction.EXPORT, object_type="test").user == legal
    finally:
        audit.end(token)
    assert audit.record(AuditAction.EXPORT, object_type="test").user is None


def test_every_action_kind_is_exercised():
    """Adding an audit action kind means adding its test here."""
    tested = {
        "create",
        "update",
        "delete",
        "login",
        "logout",
        "login_failed",
        "lockout",
        "password_changed",
        "reveal",
        "export",
        "access_denied",
        "token_created",
        "token_revoked",
        "job",
    }
    owned_elsewhere = {"import": "casewatch/cases import tests", "transition": "workflow apps"}
    assert {a.value for a in AuditAction} == tested | set(owned_elsewhere)


# --- append-only ------------------------------------------------------------------------------


@pytest.fixture
def record(world):
    return audit.record(AuditAction.EXPORT, object_type="test", message="immutable")


def test_model_refuses_update_and_delete(record):
    record.message = "changed"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    assert AuditLog.objects.get(pk=record.pk).message == "immutable"


def test_queryset_refuses_update_and_delete(record):
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=record.pk).update(message="changed")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=record.pk).delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.filter(pk=record.pk, message="immutable").exists()


def test_database_trigger_refuses_a_raw_update(record):
    table = AuditLog._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET message = %s WHERE id = %s", ["tampered", record.pk])
    assert AuditLog.objects.get(pk=record.pk).message == "immutable"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger exists on PostgreSQL only")
def test_database_trigger_refuses_a_raw_delete_on_postgresql(record):
    table = AuditLog._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [record.pk])
    assert AuditLog.objects.filter(pk=record.pk).exists()


# --- reading the trail -------------------------------------------------------------------------


def test_auditors_read_their_subtree_only(world):
    city = AuditLog.objects.restrict(world.user("city_auditor"))
    haishu = AuditLog.objects.restrict(world.user("other_auditor"))
    assert city.filter(message="matrix-marker-330212").exists()
    assert city.filter(message="matrix-marker-330203").exists()
    assert haishu.filter(message="matrix-marker-330203").exists()
    assert not haishu.filter(message="matrix-marker-330212").exists()
    assert not haishu.exclude(unit_path__startswith="/330200/330203/330203-CRT/").exists()
    assert not AuditLog.objects.restrict(world.user("district_legal")).exists()  # not an auditor


def test_city_auditor_reads_records_without_an_owning_unit(client, world):
    """Failed logins of unknown usernames belong to no unit; the city-level auditor must see them."""
    client.post("/login/", {"username": "brute-force-probe", "password": "x"})
    record = latest(AuditAction.LOGIN_FAILED, user=None)
    assert record.unit_path == ""
    assert AuditLog.objects.restrict(world.user("city_auditor")).filter(pk=record.pk).exists()
    assert not AuditLog.objects.restrict(world.user("other_auditor")).filter(pk=record.pk).exists()


def test_audit_page_filters(client, world, auditor):
    client.force_login(auditor)
    page = client.get("/audit/", {"action": "update", "user": "other_court"})
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert rows and all(r.action == "update" and "other_court" in r.username for r in rows)
    marker = latest(AuditAction.UPDATE, message="matrix-marker-330203")
    page = client.get("/audit/", {"request_id": marker.request_id})
    assert marker in list(page.context["page"])


def test_exports_neutralise_formulas_and_keep_chinese(client, world, auditor):
    audit.record(
        AuditAction.UPDATE, world.staff_in, user=world.user("district_legal"), message="=HYPERLINK(1)"
    )
    client.force_login(auditor)
    response = client.get("/audit/?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="audit-trail.csv"' in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["时间", "用户", "请求编号", "客户端地址", "操作"]
    messages = [r[-1] for r in rows[1:]]
    assert "'=HYPERLINK(1)" in messages and "=HYPERLINK(1)" not in messages
    assert any("张警官" in r[7] for r in rows[1:])  # object_repr of the staff member, unmangled

    text = response_text(client.get("/audit/?export=xlsx&action=update"))
    lines = text.splitlines()
    assert lines[0].startswith("时间\t用户")
    update = str(dict(AuditAction.choices)[AuditAction.UPDATE])
    assert "'=HYPERLINK(1)" in text and all(f"\t{update}\t" in line for line in lines[1:])
    assert "\tupdate\t" not in text

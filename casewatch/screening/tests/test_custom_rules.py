"""Supervisors' own SQL rules: what is accepted, every escape attempt refused, limits, versions,
audit, permissions, and findings flowing through ``analyze`` like built-in ones."""

from __future__ import annotations

import duckdb
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from casewatch.analytics.custom_rules import RuleLimitExceeded, UnsafeRule, run_custom, validate_sql
from casewatch.core.choices import Role
from casewatch.core.models import AuditLog
from casewatch.screening import custom, services
from casewatch.screening.models import Finding, RuleVersion
from casewatch.screening.tests.test_services import AS_OF, city, police_case, user  # noqa: F401

AREA = "案件流程规范"

#: cases detained more than 5 days before the arrest request, with a join and date_diff
LATE_REQUEST = """
WITH d AS (
    SELECT unit_code, case_number, min(occurred_at) AS detained_at
    FROM events WHERE kind = 'detained' GROUP BY unit_code, case_number
)
SELECT c.unit_code, c.case_number, 'case' AS subject,
       date_diff('day', d.detained_at, e.occurred_at) AS days
FROM cases AS c
JOIN d ON d.unit_code = c.unit_code AND d.case_number = c.case_number
JOIN events AS e ON e.unit_code = c.unit_code AND e.case_number = c.case_number
WHERE e.kind = 'arrest_requested'
  AND date_diff('day', d.detained_at, e.occurred_at) > 5
  AND CAST(e.occurred_at AS DATE) <= (SELECT as_of FROM params)
"""

ACCEPTED = [
    LATE_REQUEST,
    "SELECT unit_code, case_number, 'case' AS subject, status FROM cases WHERE status = 'pending'",
    "SELECT unit_code, case_number, 'case' AS subject, count(*) AS n FROM events "
    "GROUP BY unit_code, case_number HAVING count(*) > 10",
    "SELECT c.unit_code, c.case_number, 'case' AS subject, "
    "CASE WHEN c.closed_at IS NULL THEN 'open' ELSE lower(c.status) END AS state, "
    "coalesce(nullif(c.cause_name, ''), 'none') AS cause FROM cases c",
]

REFUSED = {
    "multiple statements": "SELECT 1; DROP TABLE cases",
    "drop": "DROP TABLE cases",
    "delete": "DELETE FROM cases",
    "update": "UPDATE cases SET status = 'closed'",
    "insert": "INSERT INTO cases (unit_code) VALUES ('x')",
    "create": "CREATE TABLE x AS SELECT unit_code, case_number, 'c' AS subject FROM cases",
    "create view": "CREATE VIEW cases2 AS SELECT * FROM cases",
    "attach": "ATTACH '/tmp/evil.db' AS evil",
    "detach": "DETACH lake",
    "copy to": "COPY cases TO '/tmp/cases.csv'",
    "copy select to": "COPY (SELECT * FROM cases) TO '/tmp/cases.parquet' (FORMAT parquet)",
    "pragma": "PRAGMA database_list",
    "set": "SET enable_external_access = true",
    "reset": "RESET enable_external_access",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "call": "CALL pragma_version()",
    "export": "EXPORT DATABASE '/tmp/x'",
    "read_csv in from": "SELECT unit_code, case_number, 'c' AS subject FROM read_csv('/etc/passwd')",
    "read_csv in select": "SELECT unit_code, case_number, read_csv('/etc/passwd') AS subject FROM cases",
    "read_parquet": "SELECT unit_code, case_number, 'c' AS subject FROM read_parquet('/data/lake/*.parquet')",
    "read_json": "SELECT unit_code, case_number, 'c' AS subject FROM read_json_auto('/etc/x.json')",
    "read_text": "SELECT content AS unit_code, 1 AS case_number, 2 AS subject FROM read_text('/etc/passwd')",
    "file path as table": "SELECT * FROM '/etc/passwd'",
    "file path as table, named columns": "SELECT a AS unit_code, b AS case_number, c AS subject FROM '/etc/passwd'",
    "http path as table": "SELECT unit_code, case_number, subject FROM 'https://evil.example/x.parquet'",
    "glob": "SELECT unit_code, case_number, 'c' AS subject FROM cases WHERE unit_code IN (SELECT file FROM glob('*'))",
    "glob scalar": "SELECT unit_code, case_number, glob('*') AS subject FROM cases",
    "lake schema": "SELECT unit_code, case_number, 'c' AS subject FROM lake.cases",
    "main schema": "SELECT unit_code, case_number, 'c' AS subject FROM main.cases",
    "information_schema": "SELECT table_name AS unit_code, 1 AS case_number, 1 AS subject "
    "FROM information_schema.tables",
    "duckdb_settings()": "SELECT name AS unit_code, value AS case_number, 1 AS subject FROM duckdb_settings()",
    "duckdb_tables in subquery": "SELECT unit_code, case_number, 'c' AS subject FROM cases "
    "WHERE EXISTS (SELECT 1 FROM duckdb_tables())",
    "non-canonical table": "SELECT unit_code, case_number, 'c' AS subject FROM run_scope",
    "function not allowed": "SELECT unit_code, case_number, md5(status) AS subject FROM cases",
    "getenv": "SELECT unit_code, case_number, getenv('HOME') AS subject FROM cases",
    "current_setting": "SELECT unit_code, case_number, current_setting('threads') AS subject FROM cases",
    "comment-smuggled statement": "SELECT unit_code, case_number, 'c' AS subject FROM cases -- x\n; DROP TABLE cases",
    "block-comment smuggled": "SELECT unit_code, case_number, 'c' AS subject FROM cases /* ok */; ATTACH 'x.db'",
    "union with file read": "SELECT unit_code, case_number, 'c' AS subject FROM cases "
    "UNION ALL SELECT * FROM read_csv('/etc/passwd')",
    "cte with file read": "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) "
    "SELECT unit_code, case_number, 'c' AS subject FROM cases",
    "missing subject": "SELECT unit_code, case_number FROM cases",
    "missing all keys": "SELECT status FROM cases",
    "star output": "SELECT * FROM cases",
    "rule_id output": "SELECT 'B-1' AS rule_id, unit_code, case_number, 'c' AS subject FROM cases",
    "unknown column": "SELECT unit_code, case_number, secret AS subject FROM cases",
    "unknown qualified column": "SELECT c.unit_code, c.case_number, c.password AS subject FROM cases c",
    "system column": "SELECT unit_code, case_number, rowid AS subject FROM cases",
    "placeholder": "SELECT unit_code, case_number, 'c' AS subject FROM cases WHERE status = ?",
    "empty": "   ",
    "not sql": "this is not sql at all ))",
}


@pytest.mark.parametrize("sql", ACCEPTED)
def test_accepted(sql):
    normalised = validate_sql(sql)
    assert "--" not in normalised and ";" not in normalised
    assert validate_sql(normalised) == normalised


@pytest.mark.parametrize("label", list(REFUSED))
def test_refused(label):
    with pytest.raises(UnsafeRule) as exc:
        validate_sql(REFUSED[label])
    assert " / " in str(exc.value)  # bilingual message


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("CREATE SCHEMA lake")
    c.execute(
        "CREATE TABLE lake.cases AS SELECT 'U' || (i % 7) AS unit_code, 'N' || i AS case_number, "
        "'pending' AS status FROM range(3000) t(i)"
    )
    c.execute("CREATE VIEW main.cases AS SELECT * FROM lake.cases")
    yield c
    c.close()


def test_runner_runs_with_limits_and_no_external_access(con, tmp_path):
    rows = run_custom(
        con, "U-1", "SELECT unit_code, case_number, 'case' AS subject FROM cases WHERE case_number = 'N5'"
    )
    assert rows.column_names[:4] == ["rule_id", "unit_code", "case_number", "subject"]
    assert rows.to_pylist() == [{"rule_id": "U-1", "unit_code": "U5", "case_number": "N5", "subject": "case"}]
    # the connection can no longer reach files, even outside the validator
    (tmp_path / "x.csv").write_text("a\n1\n")
    with pytest.raises(duckdb.Error):
        con.sql(f"SELECT * FROM read_csv('{tmp_path / 'x.csv'}')").fetchall()
    # the runner validates again: unsafe SQL never reaches DuckDB
    with pytest.raises(UnsafeRule):
        run_custom(con, "U-1", "SELECT 1; DROP TABLE cases")
    with pytest.raises(UnsafeRule):
        run_custom(
            con, "U-1'; DROP TABLE cases; --", "SELECT unit_code, case_number, 'c' AS subject FROM cases"
        )
    assert con.sql("SELECT count(*) FROM lake.cases").fetchall()[0][0] == 3000


def test_row_limit_breach_refused(con):
    with pytest.raises(RuleLimitExceeded, match="rows"):
        run_custom(con, "U-1", "SELECT unit_code, case_number, 'c' AS subject FROM cases", row_limit=100)
    assert run_custom(con, "U-1", "SELECT unit_code, case_number, 'c' AS subject FROM cases", row_limit=3000)


def test_time_limit_breach_refused(con):
    slow = (
        "SELECT a.unit_code, a.case_number, 'c' AS subject, count(*) AS n "
        "FROM cases AS a CROSS JOIN cases AS b CROSS JOIN cases AS c "
        "GROUP BY a.unit_code, a.case_number HAVING count(*) < 0"
    )
    with pytest.raises(RuleLimitExceeded, match="longer"):
        run_custom(con, "U-1", slow, seconds=0.5)
    # the connection is usable afterwards
    assert con.sql("SELECT count(*) FROM cases").fetchall()[0][0] == 3000


def _save(u, **kw):
    fields = {
        "title_zh": "提请逮捕超期",
        "title_en": "Late arrest request",
        "area": AREA,
        "severity": "high",
        "explanation_zh": "拘留后超过五日提请逮捕",
        "sql": LATE_REQUEST,
    } | kw
    return custom.save_custom_rule(u, **fields)


@pytest.mark.django_db
def test_saved_rule_is_versioned_and_audited(city):  # noqa: F811
    supervisor = user(Role.AGENCY_SUPERVISOR, "330212-PSB")
    v1 = _save(supervisor)
    assert (v1.rule_id, v1.version, v1.builtin, v1.author, v1.unit.code) == (
        "U-1",
        1,
        False,
        supervisor,
        "330212-PSB",
    )
    assert "{days}" in v1.evidence_zh
    v2 = _save(supervisor, rule_id="U-1", sql=LATE_REQUEST.replace("> 5", "> 6"))
    assert v2.version == 2 and v2.rule_id == "U-1"
    assert _save(supervisor).rule_id == "U-2"
    log = AuditLog.objects.filter(
        object_type="screening.ruleversion", object_id=str(v2.pk), action="update"
    ).get()
    assert "> 5" in log.before["sql"] and "> 6" in log.after["sql"]
    assert AuditLog.objects.filter(object_type="screening.ruleversion", object_id=str(v1.pk), action="create")

    with pytest.raises(ValidationError):
        _save(supervisor, rule_id="U-1", sql="SELECT 1; DROP TABLE cases")
    with pytest.raises(ValidationError):
        _save(supervisor, rule_id="CR-01")  # built-in rules are not editable here
    assert RuleVersion.objects.filter(rule_id="U-1").count() == 2

    custom.deactivate_custom_rule(supervisor, "U-1")
    assert "U-1" not in custom.latest_custom_versions()
    assert AuditLog.objects.filter(message="custom rule U-1 deactivated").exists()


@pytest.mark.django_db
def test_non_supervisor_refused(city, client):  # noqa: F811
    handler = user(Role.HANDLER, "330212-PSB-XJ")
    with pytest.raises(PermissionDenied):
        _save(handler)
    supervisor = user(Role.AGENCY_SUPERVISOR, "330212-PSB")
    _save(supervisor)
    with pytest.raises(PermissionDenied):
        custom.deactivate_custom_rule(handler, "U-1")
    client.force_login(handler)
    assert client.get(reverse("screening:custom_rules")).status_code == 403
    assert client.post(reverse("screening:custom_rules"), {"sql": LATE_REQUEST}).status_code == 403


@pytest.mark.django_db
def test_page_saves_refuses_inline_and_test_runs(city, client):  # noqa: F811
    police_case("330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00001号", "PSB212-001", "2026-09-01", "2026-09-09")
    supervisor = user(Role.AGENCY_SUPERVISOR, "330212-PSB")
    client.force_login(supervisor)
    url = reverse("screening:custom_rules")
    assert client.get(reverse("screening:rule_list")).content.decode().count(url) == 1
    form = {"title_zh": "提请逮捕超期", "title_en": "", "area": AREA, "severity": "high", "sql": LATE_REQUEST}

    refused = client.post(url, form | {"sql": "SELECT * FROM read_csv('/etc/passwd')", "action": "save"})
    assert refused.status_code == 200 and "read canonical tables only" in refused.content.decode()
    assert not RuleVersion.objects.filter(builtin=False).exists()

    tested = client.post(url, form | {"action": "test"})
    assert tested.status_code == 200
    assert "甬鄞公(刑)立字〔2026〕00001号" in tested.content.decode()
    assert not RuleVersion.objects.filter(builtin=False).exists()

    saved = client.post(url, form | {"action": "save"})
    assert saved.status_code == 302
    assert RuleVersion.objects.get(builtin=False).rule_id == "U-1"
    assert "U-1" in client.get(url).content.decode()
    assert client.get(url + "?edit=U-1").status_code == 200


@pytest.mark.django_db
def test_analyze_runs_custom_rule_and_loads_its_findings(city):  # noqa: F811
    late = police_case(
        "330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00001号", "PSB212-001", "2026-09-01", "2026-09-09"
    )
    police_case("330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00002号", "PSB212-001", "2026-09-01", "2026-09-03")
    # late too, but outside the rule's unit: its author's scope does not reach it
    police_case("330203-PSB-XJ", "甬海公(刑)立字〔2026〕00001号", "PSB203-001", "2026-09-01", "2026-09-09")
    supervisor = user(Role.AGENCY_SUPERVISOR, "330212-PSB")
    rv = _save(supervisor)
    # a stored rule that no longer validates is refused at run time, not run
    RuleVersion.objects.create(
        rule_id="U-9",
        version=1,
        builtin=False,
        title_zh="坏",
        title_en="bad",
        area=AREA,
        severity="low",
        sql="SELECT * FROM read_csv('/etc/passwd')",
    )

    run = services.analyze(None, as_of=AS_OF, rule_ids=["CR-01", "U-1", "U-9"])
    assert run.status == "succeeded"
    findings = list(Finding.objects.filter(rule_id="U-1"))
    assert [(f.case_id, f.subject, f.rule_version, f.area, f.severity) for f in findings] == [
        (late.pk, "case", rv.version, AREA, "high")
    ]
    assert findings[0].evidence == {"days": 8}
    assert run.rule_versions["U-1"] == 1 and run.rule_counts["U-1"] == 1
    assert Finding.objects.filter(rule_id="CR-01").count() == 2
    assert any(w.startswith("U-9: refused") for w in run.warnings)
    assert not Finding.objects.filter(rule_id="U-9").exists()

    # a new version that no longer fires resolves the finding
    _save(supervisor, rule_id="U-1", sql=LATE_REQUEST.replace("> 5", "> 50"))
    run2 = services.analyze(None, as_of=AS_OF, rule_ids=["U-1"])
    assert run2.findings_resolved == 1
    assert Finding.objects.get(rule_id="U-1").status == "resolved"

"""Screening end to end on the database: snapshot → DuckDB → findings, re-runs, triage, scope."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casewatch.cases.models import Case, Event
from casewatch.core.choices import Role
from casewatch.core.models import AuditLog, Staff, Unit, User
from casewatch.core.services_org import seed_ningbo
from casewatch.screening import services
from casewatch.screening.models import Finding, RuleVersion, ScreeningRun

SH = ZoneInfo("Asia/Shanghai")
AS_OF = dt.date(2026, 9, 30)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SH)


@pytest.fixture
def city(db):
    seed_ningbo()
    Staff.objects.create(staff_no="PSB212-001", name="张警官", unit=Unit.objects.get(code="330212-PSB-XJ"))
    Staff.objects.create(staff_no="PSB203-001", name="李警官", unit=Unit.objects.get(code="330203-PSB-XJ"))


def police_case(unit: str, number: str, staff: str, detained: str, requested: str) -> Case:
    """A police criminal case with one detention and one arrest request."""
    case = Case.objects.create(
        unit_id=unit,
        case_number=number,
        case_type="police_criminal",
        status="pending",
        handler_id=staff,
        filed_at=dt.date.fromisoformat(detained) - dt.timedelta(days=1),
    )
    Event.objects.create(case=case, seq=1, kind="detained", occurred_at=at(detained), person_party_id="P1")
    Event.objects.create(
        case=case, seq=2, kind="family_notified", occurred_at=at(detained, 15), person_party_id="P1"
    )
    Event.objects.create(
        case=case, seq=3, kind="arrest_requested", occurred_at=at(requested), person_party_id="P1"
    )
    return case


def user(role: str, scope: str) -> User:
    u = User.objects.create(
        username=f"{role}-{scope}",
        role=role,
        scope=Unit.objects.get(code=scope),
        unit=Unit.objects.get(code=scope),
        must_change_password=False,
    )
    return u


@pytest.mark.django_db
def test_analyze_finds_late_arrest_request_and_keeps_keys_stable(city):
    late = police_case(
        "330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00001号", "PSB212-001", "2026-09-01", "2026-09-09"
    )
    police_case("330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00002号", "PSB212-001", "2026-09-01", "2026-09-03")

    run = services.analyze(None, as_of=AS_OF, rule_ids=["CR-01"])
    assert run.status == "succeeded"
    findings = list(Finding.objects.filter(rule_id="CR-01"))
    assert [(f.case_id, f.subject) for f in findings] == [(late.pk, "P1")]
    assert findings[0].evidence["days"] == 8
    assert run.findings_new == 1 and run.rule_counts == {"CR-01": 1}
    assert RuleVersion.objects.filter(rule_id="CR-01").count() == 1

    # A second run neither duplicates the finding nor creates a new rule version.
    run2 = services.analyze(None, as_of=AS_OF, rule_ids=["CR-01"])
    assert (run2.findings_new, run2.findings_unchanged, run2.findings_resolved) == (0, 1, 0)
    assert Finding.objects.filter(rule_id="CR-01").count() == 1

    # Correcting the data resolves the finding; it is kept, not deleted.
    event = Event.objects.get(case=late, kind="arrest_requested")
    event.occurred_at = at("2026-09-03")
    event.save()  # touches updated_at, which incremental runs look at
    run3 = services.analyze(None, as_of=AS_OF, rule_ids=["CR-01"], mode="incremental")
    assert run3.mode == "incremental"
    assert run3.findings_resolved == 1
    f = Finding.objects.get(rule_id="CR-01")
    assert f.status == "resolved" and f.resolved_at is not None
    assert ScreeningRun.objects.count() == 3


@pytest.mark.django_db
def test_triage_confirm_dismiss_requires_reason_and_scope(city):
    police_case("330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00003号", "PSB212-001", "2026-09-01", "2026-09-10")
    police_case("330203-PSB-XJ", "甬海公(刑)立字〔2026〕00004号", "PSB203-001", "2026-09-01", "2026-09-10")
    services.analyze(None, as_of=AS_OF, rule_ids=["CR-01"])
    yinzhou, haishu = (Finding.objects.get(unit__division_code=code) for code in ("330212", "330203"))
    supervisor = user(Role.AGENCY_SUPERVISOR, "330212-PSB")

    with pytest.raises(ValidationError):
        services.dismiss(supervisor, [yinzhou.pk], "  ")
    # Out of scope: silently not touched.
    assert services.confirm(supervisor, [yinzhou.pk, haishu.pk]) == 1
    yinzhou.refresh_from_db()
    haishu.refresh_from_db()
    assert (yinzhou.status, haishu.status) == ("confirmed", "new")
    assert services.dismiss(supervisor, [yinzhou.pk], "补录了延长审批") == 1
    yinzhou.refresh_from_db()
    assert yinzhou.status == "dismissed" and yinzhou.dismissed_reason == "补录了延长审批"
    trail = AuditLog.objects.filter(object_type="screening.finding", object_id=str(yinzhou.pk)).order_by("id")
    assert [r.after["status"] for r in trail] == ["confirmed", "dismissed"]

    handler = user(Role.HANDLER, "330212-PSB-XJ")
    with pytest.raises(PermissionDenied):
        services.confirm(handler, [yinzhou.pk])

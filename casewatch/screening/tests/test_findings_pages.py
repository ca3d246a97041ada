"""Findings pages: serious findings first, custom rules' findings readable everywhere."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from casewatch.core.choices import Role
from casewatch.problems.models import Problem
from casewatch.screening import services
from casewatch.screening.models import Finding
from casewatch.screening.tests.test_custom_rules import AREA, _save
from casewatch.screening.tests.test_services import AS_OF, city, police_case, user  # noqa: F401


def _finding(case, n, severity):
    return Finding.objects.create(
        key=f"CR-01|{case.unit_id}|{case.case_number}|{n}",
        rule_id="CR-01",
        rule_version=1,
        case=case,
        unit_id=case.unit_id,
        subject=f"P{n}",
        area=AREA,
        severity=severity,
        evidence={},
    )


@pytest.mark.django_db
def test_serious_findings_sort_first(city, client):  # noqa: F811
    case = police_case(
        "330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00001号", "PSB212-001", "2026-09-01", "2026-09-03"
    )
    low, high, medium = _finding(case, 1, "low"), _finding(case, 2, "high"), _finding(case, 3, "medium")
    client.force_login(user(Role.AGENCY_SUPERVISOR, "330212-PSB"))
    page = client.get(reverse("screening:finding_list"))
    assert [f.pk for f in page.context["page"]] == [high.pk, medium.pk, low.pk]
    reverse_order = client.get(reverse("screening:finding_list") + "?sort=-severity")
    assert [f.pk for f in reverse_order.context["page"]] == [low.pk, medium.pk, high.pk]


@pytest.mark.django_db
def test_custom_rule_findings_read_like_builtin_ones(city, client):  # noqa: F811
    police_case("330212-PSB-XJ", "甬鄞公(刑)立字〔2026〕00001号", "PSB212-001", "2026-09-01", "2026-09-09")
    supervisor = user(Role.AGENCY_SUPERVISOR, "330212-PSB")
    _save(supervisor)
    services.analyze(None, as_of=AS_OF, rule_ids=["U-1"])
    finding = Finding.objects.get(rule_id="U-1")
    client.force_login(supervisor)
    listing = client.get(reverse("screening:finding_list")).content.decode()
    assert "提请逮捕超期" in listing and "days：8 日" in listing
    detail = client.get(reverse("screening:finding_detail", args=[finding.pk])).content.decode()
    assert "days：8 日" in detail
    export = client.get(reverse("screening:finding_list") + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("规则", "标题", "领域", "严重程度")
    assert rows[1][1] == "提请逮捕超期" and rows[1][8] == "days：8 日" and rows[1][3] == "高"
    services.confirm(supervisor, [finding.pk])
    problem = Problem.objects.get(finding=finding)
    assert problem.title == "提请逮捕超期（U-1）"
    assert "拘留后超过五日提请逮捕" in problem.description and "days：8 日" in problem.description

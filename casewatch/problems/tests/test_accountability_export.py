"""The accountability statistics export to Excel (issue 12, item 10): the page's table with every
row, Chinese headings, unit names, scope-gated, export permission, audited."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog, Unit
from casewatch.problems.choices import Severity
from casewatch.problems.tests.conftest import UNIT_IN, UNIT_OUT, make_problem


def _sheet(response):
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content)
    return [list(r) for r in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def test_accountability_export(client, world):
    make_problem(UNIT_IN, severity=Severity.HIGH)
    make_problem(UNIT_IN)
    make_problem(UNIT_OUT)
    url = reverse("problems:accountability") + "?export=xlsx"
    client.force_login(world.user("city_sup"))
    header, *rows = _sheet(client.get(url))
    assert header[:3] == ["单位", "所属单位", "严重"] and "合计" in header
    by_name = {(r[0], r[1]): r for r in rows}  # names, not codes
    inside, outside = Unit.objects.get(code=UNIT_IN), Unit.objects.get(code=UNIT_OUT)
    row = by_name[(inside.name, inside.parent.name)]
    assert (row[2], row[5]) == (1, 2)
    assert (outside.name, outside.parent.name) in by_name
    assert not any(str(c).startswith("3302") for r in rows for c in r[:2])
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="problems.accountability").exists()

    client.force_login(world.user("haishu_sup"))  # 海曙 court: its own units only
    _h, *mine = _sheet(client.get(url))
    assert [(r[0], r[1]) for r in mine] == [(inside.name, inside.parent.name)]

    client.force_login(world.user("handler"))
    assert client.get(url).status_code == 403

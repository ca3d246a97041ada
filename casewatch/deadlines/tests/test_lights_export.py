"""The lights list exports to Excel (issue 12, item 10): Chinese headings, labels and unit names,
the rows the person's scope shows, export permission, audited."""

from __future__ import annotations

import io

import openpyxl
from django.utils import translation

from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog
from casewatch.deadlines import labels
from casewatch.deadlines.models import CaseDeadline
from casewatch.deadlines.tests.test_deadline_pages import CODES, world  # noqa: F401


def _sheet(response):
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content)
    return [list(r) for r in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def test_lights_export_is_chinese_scoped_and_audited(world, client):  # noqa: F811
    client.force_login(world.user("city_supervisor"))
    header, *rows = _sheet(client.get("/deadlines/?export=xlsx"))
    assert header[:3] == ["亮灯", "案号", "单位"] and header[-1] == "基准日期"
    assert len(rows) == CaseDeadline.objects.count() > 0
    with translation.override("zh-hans"):
        lights = {labels.light(v) for v in CaseDeadline.objects.values_list("light", flat=True)}
    assert {r[0] for r in rows} == lights
    assert not any(CODES.fullmatch(str(c)) for r in rows for c in (r[0], r[2], r[3]) if c)
    assert "宁波市海曙区人民法院 民事审判第一庭" in {r[2] for r in rows}
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="deadlines.casedeadline").exists()

    client.force_login(world.user("other_court"))  # 海曙 court only
    _h, *mine = _sheet(client.get("/deadlines/?export=xlsx"))
    visible = CaseDeadline.objects.restrict(world.user("other_court")).count()
    assert len(mine) == visible < len(rows)

    client.force_login(world.user("district_handler"))  # a handler may not export
    assert client.get("/deadlines/?export=xlsx").status_code == 403


def test_performance_page_and_export_share_one_table_with_names(world, client):  # noqa: F811
    """One table definition (core.tables) for the page and the export: same headings, names not
    codes (the page showed unit codes and staff numbers)."""
    import re

    client.force_login(world.user("city_supervisor"))
    page = client.get("/deadlines/performance/?month=2024-06").content.decode()
    table = page.split('data-testid="performance"', 1)[1].split("</table>", 1)[0]
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    header, *rows = _sheet(client.get("/deadlines/performance/?month=2024-06&format=xlsx"))
    assert headings == header and rows
    assert "330212-PSB-XJ" not in table and "宁波市公安局鄞州区分局 刑事侦查大队" in table


def test_revoking_a_display_token_by_a_non_number_is_not_found(world, client):  # noqa: F811
    client.force_login(world.user("city_supervisor"))
    assert client.post("/deadlines/tokens/", {"revoke": "1 OR 1=1"}).status_code == 404  # was a 500

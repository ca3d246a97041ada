"""The lead page's evidence table and the evidence package (Excel) are one table
(falselit.tables.hits_table): the page's headings and cells are the file's header and rows."""

import io
import re

import openpyxl
import pytest

from casewatch.falselit.tests.test_views import _login, cw_world_module, lead, world  # noqa: F401


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _page_table(html: str, testid: str) -> tuple[list[str], list[list[str]]]:
    table = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', html, re.S).group(0)
    strip = lambda s: re.sub(r"<[^>]+>", "", s).strip()  # noqa: E731
    head = [strip(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    body = table.split("<tbody>", 1)[1]
    rows = [
        [strip(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]
    return head, rows


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_lead_page_headings_and_cells_equal_the_excel_package(client, world, lead, lang):  # noqa: F811
    _login(client, world, "other_court")
    client.cookies["django_language"] = lang
    page = client.get(f"/falselit/leads/{lead.pk}/", HTTP_ACCEPT_LANGUAGE=lang)
    head, rows = _page_table(page.content.decode(), "hits")
    export = client.get(f"/falselit/leads/{lead.pk}/export.xlsx", HTTP_ACCEPT_LANGUAGE=lang)
    sheet = openpyxl.load_workbook(io.BytesIO(_content(export))).active
    values = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert head and values[0] == head
    assert len(head) == 4 and ("佐证材料" in head if lang == "zh-hans" else "Evidence" in head)
    assert values[1:] == rows and rows[0][0] == lead.case_keys[0].replace("|", " ")
    assert "13812345678" not in str(values)  # masked in both


def test_statistics_tables_count_the_lead(client, world, lead):  # noqa: F811
    _login(client, world, "other_court")
    html = client.get("/falselit/stats/").content.decode()
    head, rows = _page_table(html, "by-category")
    assert rows == [["collusive_pair", "1"]]
    head, rows = _page_table(html, "by-agency")
    assert len(head) == 4 and [r[1:] for r in rows] == [["1", "0", "0"]]

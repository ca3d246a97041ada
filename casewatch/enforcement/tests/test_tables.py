"""The enforcement pages render their lists with the shared table (enforcement.tables): the
dishonest-debtor list and its Excel export are one table — the page's headings are the file's
header and a row's cells its values — and the other lists keep their links, numbers and ids."""

from __future__ import annotations

import io
import re

import openpyxl
import time_machine

from casewatch.enforcement.tests.test_views import NOW


def _strip(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


def _page_table(html: str, testid: str):
    table = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', html, re.S).group(0)
    head = [_strip(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    body = table.split("<tbody>", 1)[1]
    rows = {}
    for attrs, tr in re.findall(r"<tr([^>]*)>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        rows[_strip(cells[0])] = (attrs, [_strip(c) for c in cells])
    return head, rows


def _sheet(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_listing_page_headings_and_values_are_the_exports(client, world):
    client.force_login(world.user("enf_officer"))
    with time_machine.travel(NOW, tick=False):
        page = client.get("/enforcement/", {"as_of": "2026-09-30"})
        export = client.get("/enforcement/", {"as_of": "2026-09-30", "format": "xlsx"})
    head, rows = _page_table(page.content.decode(), "listings")
    values = _sheet(export)
    # the page adds only the (untitled) record-deletion column for a user who may change
    assert head[-1] == "" and head[:-1] == values[0] and len(values[0]) == 13
    exported = {r[0]: r for r in values[1:]}
    assert world.listing_in.listing_id in rows and set(rows) == set(exported)
    attrs, cells = rows[world.listing_in.listing_id]
    row = exported[world.listing_in.listing_id]
    state = values[0].index(head[10])
    for i, (shown, saved) in enumerate(zip(cells[:-1], row, strict=True)):
        if i == state:  # the page adds the working days past due: "label (+n)"
            assert shown.startswith(saved)
        else:
            # an empty cell of the file is "—" on the page when the value is missing
            assert shown == saved or (shown == "—" and saved == ""), (values[0][i], shown, saved)
    assert 'class="state-' in attrs
    assert 'name="deleted_on"' in page.content.decode()  # the deletion form is still there


def test_measures_rows_keep_their_ids(client, world):
    client.force_login(world.user("enf_officer"))
    html = client.get("/enforcement/measures/").content.decode()
    assert re.search(r'<tr id="m-incentive_firms"><td>[^<]+</td><td class="\s*value">\d+</td>', html)


def test_repair_pages_list_the_repair_and_its_five_conditions(client, world):
    from casewatch.enforcement.tests.test_forms import _repair

    repair = _repair(world, "T-TBL-1")
    client.force_login(world.user("enf_officer"))
    listing = client.get("/enforcement/repairs/").content.decode()
    head, rows = _page_table(listing, "repairs")
    assert rows["T-TBL-1"][1][1] == repair.case_number and rows["T-TBL-1"][1][-1]  # its status label
    assert f'<a href="/enforcement/repairs/{repair.repair_id}/">T-TBL-1</a>' in listing
    html = client.get(f"/enforcement/repairs/{repair.repair_id}/").content.decode()
    head, rows = _page_table(html, "checklist")
    assert len(head) == 4 and sorted(rows) == ["1", "2", "3", "4", "5"]
    assert {cells[2] for _a, cells in rows.values()} <= {"符合", "不符合", "需承办人声明"}
    assert rows["3"][1][2] == "需承办人声明"  # condition 3 is declared by the officer

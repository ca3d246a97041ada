"""Print view and breadcrumbs (issue 12, item 10): ``?print=1`` shows the whole table without
navigation and with a header naming who printed it and when; the print stylesheet does the same
for the browser's print dialog; detail pages have breadcrumbs back to their list."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from casewatch.problems.tests.conftest import make_problem

CSS = Path(settings.BASE_DIR) / "static" / "casewatch" / "app.css"


def _rows(html: str) -> int:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return len(re.findall(r"<tr[ >]", body))


def test_print_view_lists_the_whole_table_with_a_header(client, world):
    for n in range(55):
        make_problem(title=f"问题{n}")
    client.force_login(world.user("haishu_sup"))
    screen = client.get(reverse("problems:problem_list")).content.decode()
    assert _rows(screen) == 50 and 'class="print-view"' not in screen
    assert "print=1" in screen  # the link to the print view
    printed = client.get(reverse("problems:problem_list") + "?print=1&page=2").content.decode()
    assert 'class="print-view"' in printed and _rows(printed) == 55  # every row, whatever the page
    header = printed.split('data-testid="print-header"', 1)[1].split("</div>", 1)[0]
    user = world.user("haishu_sup")
    assert "打印时间" in header and (user.get_full_name() or user.username) in header
    assert str(user.get_role_display()) in header and user.scope.name in header


def test_print_stylesheet_hides_navigation_and_keeps_tables_whole():
    css = CSS.read_text(encoding="utf-8")
    block = css.split("@media print", 1)[1]
    hidden = block.split("display: none", 1)[0]  # the first rule of the block hides these
    for selector in (".topbar", ".mainnav", ".pager", ".filters", "button", ".footer"):
        assert selector in hidden, selector
    assert "table-header-group" in block and "overflow: visible" in block and "print-header" in block


def test_detail_pages_have_breadcrumbs(client, world):
    problem = make_problem()
    client.force_login(world.user("haishu_sup"))
    page = client.get(reverse("problems:problem_detail", args=[problem.pk])).content.decode()
    nav = page.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert reverse("problems:problem_list") in nav and reverse("core:home") in nav
    assert f"#{problem.pk}" in nav

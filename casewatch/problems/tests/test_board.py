"""The board: its figures equal the counts of the lists they link to, on the page and in the API;
its query count does not grow with the number of problems; the documents built from it."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casewatch.problems import board, reports
from casewatch.problems.choices import ProblemStatus, Severity
from casewatch.problems.filtersets import ProblemFilterForm
from casewatch.problems.models import Problem, SupervisionOrder

from .conftest import make_problem

S = ProblemStatus
UNITS = [
    "330203-CRT-MS1",
    "330203-CRT-XS",
    "330203-PSB-FZ",
    "330212-CRT-MS1",
    "330212-PSB-PS1",
    "330200-PSB-XJ",
    "330281-PRO-J1",
]


def _spread(n: int, *, start: int = 0) -> None:
    """n problems over several units, districts, states and deadlines."""
    today = timezone.localdate()
    statuses = [S.OPEN, S.ASSIGNED, S.RECTIFYING, S.SUBMITTED, S.VERIFIED, S.DISMISSED, S.VERIFIED]
    for i in range(start, start + n):
        make_problem(
            unit=UNITS[i % len(UNITS)],
            status=statuses[i % len(statuses)],
            severity=[Severity.HIGH, Severity.MEDIUM, Severity.LOW][i % 3],
            deadline=today + dt.timedelta(days=(i % 5) * 10 - 15),
            created_at=timezone.now() - dt.timedelta(days=(i * 7) % 300),
        )


def _list_count(user, link: str) -> int:
    """The number of problems the list shows for a drill-down link (the page's own filter)."""
    query = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
    form = ProblemFilterForm(query)
    return form.filter(Problem.objects.restrict(user, "view"), user).count()


@pytest.mark.parametrize("username", ["city_sup", "haishu_sup", "handler"])
def test_figures_equal_the_lists_behind_them(world, username):
    _spread(70)
    user = world.user(username)
    figures = board.figures(user)
    assert figures["rows"], "the board has rows"
    for row in figures["rows"] + figures["districts"] + [figures["totals"]]:
        for metric in ("found", "rectified", "open", "overdue"):
            assert _list_count(user, row["links"][metric]) == row[metric], (row["name"], metric)
    t = figures["totals"]
    assert t["found"] == Problem.objects.restrict(user).exclude(status=S.DISMISSED).count()
    assert sum(r["found"] for r in figures["rows"]) == t["found"]


def test_rows_follow_the_scope(world):
    _spread(35)
    city = board.figures(world.user("city_sup"))
    assert city["level"] == "agency"
    assert {r["code"] for r in city["rows"]} >= {"330203-CRT", "330212-CRT", "330200-PSB"}
    assert {m["name"] for m in city["map"]} == {
        "海曙区",
        "江北区",
        "北仑区",
        "镇海区",
        "鄞州区",
        "奉化区",
        "象山县",
        "宁海县",
        "余姚市",
        "慈溪市",
    }
    haishu = board.figures(world.user("haishu_sup"))
    assert haishu["level"] == "unit"
    assert {r["code"] for r in haishu["rows"]} == {"330203-CRT-MS1", "330203-CRT-XS"}
    # Zooming into a district from the city shows its agencies; outside one's scope is 404.
    zoom = board.figures(world.user("city_sup"), root="330212")
    assert {r["code"] for r in zoom["rows"]} == {"330212-CRT", "330212-PSB"}
    from django.http import Http404

    with pytest.raises(Http404):
        board.figures(world.user("haishu_sup"), root="330212")


def test_period_and_trend(world):
    today = timezone.localdate()
    make_problem(created_at=timezone.now() - dt.timedelta(days=400))
    recent = make_problem(status=S.VERIFIED, created_at=timezone.now())
    figures = board.figures(world.user("city_sup"), since=today - dt.timedelta(days=30), until=today)
    assert figures["totals"]["found"] == 1 and figures["totals"]["rectified"] == 1
    assert figures["trend"]["months"][-1] == today.strftime("%Y-%m")
    assert figures["trend"]["found"][-1] == 1 and figures["trend"]["rectified"][-1] == 1
    assert recent.pk


def test_traffic_lights():
    assert board.light(0, 0, 0, 0) == "none"
    assert board.light(10, 10, 0, 0) == "green"
    assert board.light(10, 8, 2, 0) == "yellow"
    assert board.light(10, 9, 1, 1) == "red"  # all of the open problems are overdue
    assert board.light(100, 95, 5, 0) == "green"
    assert board.light(10, 5, 5, 1) == "red"  # rate below 60 % with something overdue


def _board_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("problems:board"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_board_queries_do_not_grow(world, client, settings, django_assert_max_num_queries):
    settings.PROBLEMS_BOARD_CACHE_SECONDS = 0  # measure the computation, not the cache
    user = world.user("city_sup")
    _spread(10)
    SupervisionOrder.objects.create(
        title="挂牌", unit_id="330203-CRT", instructions="x", deadline=timezone.localdate(), listed=True
    )
    small = _board_queries(client, user)
    _spread(150, start=10)
    for i in range(5):
        SupervisionOrder.objects.create(
            title=f"挂牌{i}",
            unit_id="330212-CRT",
            instructions="x",
            deadline=timezone.localdate(),
            listed=True,
        )
    with django_assert_max_num_queries(small):
        response = client.get(reverse("problems:board"))
    assert response.status_code == 200
    api_small = None
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("api:board_figures"))
    api_small = len(ctx.captured_queries)
    _spread(100, start=160)
    with django_assert_max_num_queries(api_small):
        assert client.get(reverse("api:board_figures")).status_code == 200


def test_list_queries_do_not_grow(world, client, django_assert_max_num_queries):
    user = world.user("city_sup")
    client.force_login(user)
    _spread(10)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("problems:problem_list"))
    small = len(ctx.captured_queries)
    _spread(120, start=10)
    with django_assert_max_num_queries(small):
        client.get(reverse("problems:problem_list"))


def test_board_page_and_api_show_the_same_figures(world, client):
    _spread(30)
    client.force_login(world.user("city_sup"))
    page = client.get(reverse("problems:board")).content.decode()
    api = client.get(reverse("api:board_figures")).json()
    found = re.search(r'data-testid="total-found">(\d+)<', page).group(1)
    assert int(found) == api["totals"]["found"]
    assert "vendor/echarts-cities/" in page and "vendor/echarts/echarts.min.js" in page
    assert "cdn" not in page.lower()


# --- documents --------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append("\t".join(c.text for c in row.cells))
    return "\n".join(parts)


def _streams(data: bytes) -> list[bytes]:
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return out


_ESCAPES = {
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
    b"(": b"(",
    b")": b")",
    b"\\": b"\\",
}


def _literal(raw: bytes) -> bytes:
    """Unescape a PDF literal string."""
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i : i + 1]
        if c == b"\\":
            nxt = raw[i + 1 : i + 2]
            if nxt.isdigit():
                j = i + 1
                while j < min(i + 4, len(raw)) and raw[j : j + 1].isdigit():
                    j += 1
                out.append(int(raw[i + 1 : j], 8))
                i = j
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """Text of an fpdf2 PDF: 2-byte glyph ids of the text operators mapped through the ToUnicode CMaps."""
    streams = _streams(data)
    cmap = {}
    for s in streams:
        if b"beginbfchar" in s or b"beginbfrange" in s:
            for src, dst in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", s):
                cmap[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
    lines = []
    for s in streams:
        if b"Tj" not in s and b"TJ" not in s:
            continue
        for m in re.finditer(rb"\((.*?)(?<!\\)\)\s*Tj", s, re.S):
            raw = _literal(m.group(1))
            lines.append(
                "".join(
                    cmap.get(int.from_bytes(raw[i : i + 2], "big"), "") for i in range(0, len(raw) - 1, 2)
                )
            )
    return "\n".join(lines)


def test_progress_notice_ranked_and_unranked(world, client):
    _spread(40)
    user = world.user("city_sup")
    from docx import Document

    ranked_doc = Document(io.BytesIO(reports.progress_notice_docx(user, ranked=True)))
    unranked_doc = Document(io.BytesIO(reports.progress_notice_docx(user, ranked=False)))
    text = _docx_text(reports.progress_notice_docx(user, ranked=True))
    assert "海曙区" in text and "鄞州区" in text  # district names are Chinese data
    ranked_rows = [[c.text for c in r.cells] for r in ranked_doc.tables[0].rows][1:]
    unranked_rows = [[c.text for c in r.cells] for r in unranked_doc.tables[0].rows][1:]
    assert [r[0] for r in ranked_rows] == [str(i) for i in range(1, len(ranked_rows) + 1)]
    rates = [float(r[6].rstrip("%")) for r in ranked_rows if r[6] != "—"]
    assert rates == sorted(rates, reverse=True)  # ranked by rectification rate
    assert len(unranked_rows[0]) == len(ranked_rows[0]) - 1  # no rank column
    assert sorted(r[1] for r in unranked_rows) == sorted(r[2] for r in ranked_rows)
    client.force_login(user)
    response = client.get(reverse("problems:board_notice"), {"ranked": "on"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    client.force_login(world.user("handler"))
    assert client.get(reverse("problems:board_notice")).status_code == 403


def test_weekly_report_docx_and_pdf(world, client):
    _spread(30)
    user = world.user("city_sup")
    text = _docx_text(reports.weekly_docx(user))
    assert "海曙区" in text and "鄞州区" in text
    from docx import Document

    assert Document(io.BytesIO(reports.weekly_docx(user))).inline_shapes, "the chart is embedded"
    data = reports.weekly_pdf(user)
    assert data.startswith(b"%PDF-")
    assert b"NotoSansCJK" in data, "the CJK font is embedded"
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 1
    extracted = pdf_text(data)
    assert "海曙区" in extracted and "鄞州区" in extracted
    client.force_login(user)
    response = client.get(reverse("problems:weekly_report"), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"


def test_xlsx_export_follows_the_filters(world, client):
    import openpyxl

    _spread(21)
    user = world.user("city_sup")
    client.force_login(user)
    response = client.get(reverse("problems:problem_list"), {"metric": "overdue", "export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    expected = Problem.objects.overdue().count()
    assert len(rows) - 1 == expected > 0
    client.force_login(world.user("handler"))
    assert client.get(reverse("problems:problem_list"), {"export": "xlsx"}).status_code == 403


def test_cached_board_follows_every_change(world, client, django_assert_max_num_queries):
    from casewatch.problems import services

    user = world.user("city_sup")
    client.force_login(user)
    problem = make_problem(status=S.SUBMITTED, assignee=world.users["handler"])
    _spread(20)
    cold = _board_queries(client, user)
    warm = _board_queries(client, user)
    assert warm < cold  # served from the cache
    before = client.get(reverse("api:board_figures")).json()["totals"]
    services.verify(world.user("haishu_sup"), problem.pk)  # bumps the version
    after = client.get(reverse("api:board_figures")).json()["totals"]
    assert after["rectified"] == before["rectified"] + 1
    # A new order on the board shows at once too.
    from casewatch.problems import services_orders

    services_orders.issue_order(
        user, title="新挂牌", instructions="x", deadline=timezone.localdate(), unit="330203-CRT", listed=True
    )
    titles = [o["title"] for o in client.get(reverse("api:board_figures")).json()["listed_orders"]]
    assert "新挂牌" in titles

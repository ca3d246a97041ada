"""Case registry pages: the permission matrix, search, keyset pages, exports, detail, party, indicator."""

import csv
import datetime as dt
import io
from html.parser import HTMLParser
from types import MappingProxyType as Frozen

import pytest

from casewatch.cases.models import Case, Event
from casewatch.core import testing
from casewatch.core.choices import AuditAction
from casewatch.core.models import AuditLog
from casewatch.core.testing import (
    ACTION,
    DENIED,
    DETAIL,
    IN_SCOPE,
    LIST,
    OUT_OF_SCOPE,
    Expect,
    Probe,
    check_cell,
    fast_password_hashers,  # noqa: F401 (autouse fixture)
    matrix_params,
    response_text,
)


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    """The Ningbo tree, accounts, and cases in 鄞州 police (in scope) and 海曙 court (out of scope)."""
    yield from testing.module_world(django_db_blocker, cases=True)


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


# --- the permission matrix --------------------------------------------------------------------

# The handler sees the cases but may neither export nor reveal.
HANDLER_DENIED = Frozen({IN_SCOPE: "district_legal", OUT_OF_SCOPE: "other_court", DENIED: "district_handler"})
EXPORT_403 = Frozen({DENIED: Expect(403, shows=False)})

PROBES = [
    Probe("case-list", "/cases/", LIST, marker="{w.case_in.case_number}"),
    Probe(
        "case-detail",
        "/cases/{w.case_in.pk}/",
        DETAIL,
        marker="{w.case_in.case_number}",
        denied_type="cases.case",
    ),
    Probe(
        "party-detail", "/cases/parties/{w.party_in.pk}/", DETAIL, marker="王小明", denied_type="cases.party"
    ),
    Probe(
        "party-reveal",
        "/cases/parties/{w.party_in.pk}/reveal/phone/",
        ACTION,
        marker="13700001111",
        method="post",
        users=HANDLER_DENIED,
        denied_type="cases.party",
    ),
    Probe(
        "case-csv",
        "/cases/?export=csv",
        LIST,
        marker="{w.case_in.case_number}",
        users=HANDLER_DENIED,
        expect=EXPORT_403,
    ),
    Probe(
        "case-xlsx",
        "/cases/?export=xlsx",
        LIST,
        marker="{w.case_in.case_number}",
        users=HANDLER_DENIED,
        expect=EXPORT_403,
    ),
    Probe(
        "single-track",
        "/cases/indicators/single-track/?start=2024-01-01&end=2024-12-31",
        LIST,
        marker='data-testid="single-track-rate">50.0%<',
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, world, probe, cell):
    check_cell(client, world, probe, cell)


def test_matrix_covers_every_case_page():
    """Every page of casewatch.cases.views is in the matrix (the import pages have their own tests)."""
    from casewatch.cases.urls import urlpatterns

    assert {p.name for p in urlpatterns if p.callback.__module__ == "casewatch.cases.views"} == {
        "case_list",
        "case_detail",
        "party_detail",
        "party_reveal",
        "indicator_single_track",
    }


# --- search -------------------------------------------------------------------------------------


def login(client, world, username="district_legal"):
    client.force_login(world.user(username))


def rows(client, **params):
    response = client.get("/cases/", params)
    assert response.status_code == 200
    return [c.case_number for c in response.context["page"].rows]


def test_search_lists_the_scope_newest_first(client, world):
    login(client, world)
    assert rows(client) == [world.case_in_2.case_number, world.case_in.case_number]
    login(client, world, "city_supervisor")
    assert set(rows(client)) == {
        world.case_in.case_number,
        world.case_in_2.case_number,
        world.case_out.case_number,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "90001"}, ["case_in"]),
        ({"case_type": "civil"}, ["case_out"]),
        ({"status": "closed"}, ["case_in_2"]),
        ({"district": "330203"}, ["case_out"]),
        ({"district": "330212", "agency_kind": "police"}, ["case_in_2", "case_in"]),
        ({"unit": "330212-PSB-XJ"}, ["case_in"]),
        ({"unit": "330212-PSB"}, ["case_in_2", "case_in"]),
        ({"cause": "借贷"}, ["case_out"]),
        ({"filed_from": "2024-04-01", "filed_to": "2024-04-30"}, ["case_out"]),
        ({"closed_from": "2024-05-01"}, ["case_in_2"]),
        ({"district": "330200"}, []),
    ],
)
def test_search_filters(client, world, params, expected):
    login(client, world, "city_supervisor")
    assert rows(client, **params) == [getattr(world, name).case_number for name in expected]


def test_search_refuses_an_inverted_date_range(client, world):
    login(client, world)
    response = client.get("/cases/", {"filed_from": "2024-12-31", "filed_to": "2024-01-01"})
    assert "filed_to" in response.context["form"].errors
    assert len(response.context["page"].rows) == 2  # an invalid form filters nothing


def test_keyset_pages_cover_every_case_once(client, world):
    Case.objects.bulk_create(
        Case(
            unit_id="330212-PSB-PS1",
            case_number=f"甬鄞公(治)行字[2023]{n:05d}号",
            case_type="police_public_order",
            status="closed",
            filed_at=dt.date(2023, 1, 1) + dt.timedelta(days=n // 3),  # three cases per day
        )
        for n in range(58)
    )
    login(client, world)
    first = client.get("/cases/").context["page"]
    assert len(first.rows) == 50 and first.count == 60 and not first.count_capped
    second = client.get("/cases/", {"after": first.next_cursor}).context["page"]
    assert len(second.rows) == 10 and second.next_cursor is None
    seen = [c.pk for c in first.rows + second.rows]
    assert len(set(seen)) == 60
    keys = [(c.filed_at, c.pk) for c in first.rows + second.rows]
    assert keys == sorted(keys, reverse=True)
    # A broken cursor starts again from the top instead of failing.
    assert len(client.get("/cases/", {"after": "garbage"}).context["page"].rows) == 50
    html = client.get("/cases/", {"status": "closed"}).content.decode()
    assert "after=" in html and "status=closed" in html


# --- exports --------------------------------------------------------------------------------------


def test_csv_export_is_scoped_filtered_and_audited(client, world):
    login(client, world)
    response = client.get("/cases/", {"export": "csv", "status": "pending"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response_text(response))))
    assert table[0][:4] == ["单位", "单位代码", "案号", "案件类型"]
    assert table[1:] == [
        [
            "宁波市公安局鄞州区分局 刑事侦查大队",
            "330212-PSB-XJ",
            world.case_in.case_number,
            "公安刑事案件",
            "盗窃罪",
            "",
            "在办",
            "",
            "",
            "2024-03-02",
            "",
            "",
            "M-T-330212-001",
        ]
    ]
    record = AuditLog.objects.filter(action=AuditAction.EXPORT, user=world.user("district_legal")).latest(
        "id"
    )
    assert record.object_type == "cases.case" and record.message == "1 rows as csv"


def test_xlsx_export(client, world):
    login(client, world, "city_supervisor")
    text = response_text(client.get("/cases/?export=xlsx"))
    lines = text.splitlines()
    assert lines[0].split("\t")[:4] == ["单位", "单位代码", "案号", "案件类型"]
    rows = [line.split("\t") for line in lines[1:]]
    police = next(r for r in rows if r[2] == world.case_in.case_number)
    assert police[0] != "330212-PSB-XJ" and police[1] == "330212-PSB-XJ"
    assert police[3] == "公安刑事案件"
    assert "pending" not in police and "在办" in police
    assert {r[2] for r in rows} == {
        world.case_in.case_number,
        world.case_in_2.case_number,
        world.case_out.case_number,
    }


def test_export_neutralises_formulas(client, world):
    Case.objects.filter(pk=world.case_in.pk).update(cause_name="=cmd|' /C calc'!A0")
    login(client, world)
    table = list(csv.reader(io.StringIO(response_text(client.get("/cases/?export=csv&q=90001")))))
    assert table[1][4] == "'=cmd|' /C calc'!A0"


# --- detail, party, reveal ------------------------------------------------------------------------


def test_case_detail_shows_the_matter_across_agencies_in_scope(client, world):
    tz = dt.timezone(dt.timedelta(hours=8))
    pro = Case.objects.create(
        unit_id="330212-PRO-J1",
        case_number="甬鄞检刑审[2024]90004号",
        matter=world.matter_in,
        case_type="prosecution_review",
        status="pending",
        filed_at=dt.date(2024, 3, 11),
    )
    Event.objects.create(
        case=pro, seq=1, kind="review_received", occurred_at=dt.datetime(2024, 3, 11, 9, tzinfo=tz)
    )

    login(client, world, "city_supervisor")
    client.cookies["django_language"] = "en"
    response = client.get(f"/cases/{world.case_in.pk}/")
    assert [c.pk for c in response.context["matter_cases"]] == [world.case_in.pk, pro.pk]
    timeline = [(e.kind, e.label) for e in response.context["timeline"]]
    assert timeline == [
        ("event", "Filed"),
        ("event", "Detained"),
        ("transfer", "Transfer"),
        ("event", "Prosecution review received"),
    ]
    html = response.content.decode()
    assert "Police criminal case" in html and "matrix-event-in" in html
    assert "electronic only" in html

    # The 鄞州 police legal officer follows the matter only as far as their scope goes.
    login(client, world)
    response = client.get(f"/cases/{world.case_in.pk}/")
    assert [c.pk for c in response.context["matter_cases"]] == [world.case_in.pk]
    assert "Prosecution review received" not in [e.label for e in response.context["timeline"]]
    assert "审查" not in "".join(e.label for e in response.context["timeline"])


def test_documents_sit_at_the_start_of_their_local_day(client, world):
    from casewatch.cases.models import Document

    tz = dt.timezone(dt.timedelta(hours=8))
    Event.objects.create(
        case=world.case_in,
        seq=3,
        kind="family_notified",
        occurred_at=dt.datetime(2024, 3, 4, 7, 0, tzinfo=tz),
    )
    Document.objects.create(
        case=world.case_in, doc_no="甬鄞公拘通字[2024]1号", kind="family_notice", issued_at="2024-03-04"
    )
    login(client, world)
    response = client.get(f"/cases/{world.case_in.pk}/")
    timeline = [(e.kind, e.when.astimezone(tz).strftime("%m-%d %H:%M")) for e in response.context["timeline"]]
    assert timeline[2:4] == [("document", "03-04 00:00"), ("event", "03-04 07:00")]
    assert "2024-03-04 00:00" in response.content.decode()


def test_personal_data_is_masked_on_pages(client, world):
    login(client, world)
    for path in (f"/cases/{world.case_in.pk}/", f"/cases/parties/{world.party_in.pk}/"):
        html = client.get(path).content.decode()
        assert "3302**********7777" in html and "330212199001017777" not in html, path
        assert "137****1111" in html and "13700001111" not in html, path
        assert "浙江省宁波市鄞州区****" in html and "中河街道" not in html, path
        assert f'hx-post="/cases/parties/{world.party_in.pk}/reveal/phone/"' in html, path
    login(client, world, "district_handler")
    html = client.get(f"/cases/parties/{world.party_in.pk}/").content.decode()
    assert "137****1111" in html and "hx-post" not in html


def test_party_page_lists_only_cases_in_scope(client, world):
    from casewatch.cases.models import CaseParty

    CaseParty.objects.create(case=world.case_out, party=world.party_in, role="defendant")
    login(client, world)
    links = client.get(f"/cases/parties/{world.party_in.pk}/").context["links"]
    assert [link.case.pk for link in links] == [world.case_in.pk]
    login(client, world, "other_court")  # the party is now in 海曙's scope too, through case_out
    links = client.get(f"/cases/parties/{world.party_in.pk}/").context["links"]
    assert [link.case.pk for link in links] == [world.case_out.pk]


def test_party_reveal_is_audited_field_by_field(client, world):
    login(client, world)
    response = client.post(f"/cases/parties/{world.party_in.pk}/reveal/address/")
    assert response.content.decode() == '<span class="revealed">浙江省宁波市鄞州区中河街道某路1号</span>'
    assert client.post(f"/cases/parties/{world.party_in.pk}/reveal/name/").status_code == 403
    records = AuditLog.objects.filter(action=AuditAction.REVEAL)
    assert [(r.object_type, r.object_id, r.message) for r in records] == [
        ("cases.party", str(world.party_in.pk), "revealed address")
    ]


# --- the single-track indicator -----------------------------------------------------------------


def test_single_track_numbers(client, world):
    login(client, world)
    data = client.get("/cases/indicators/single-track/?start=2024-01-01&end=2024-12-31").context["data"]
    assert (data["transfers"], data["electronic"], data["rate"]) == (2, 1, 50.0)
    assert data["by_district"] == [
        {"district": "鄞州区", "code": "330212", "transfers": 2, "electronic": 1, "rate": 50.0}
    ]
    assert [(r["transfers"], r["electronic"]) for r in data["by_pair"]] == [(2, 1)]

    data = client.get("/cases/indicators/single-track/?start=2024-01-01&end=2024-05-31").context["data"]
    assert (data["transfers"], data["rate"]) == (1, 100.0)
    # Swapped dates are put in order; nonsense dates fall back to the defaults.
    swapped = client.get("/cases/indicators/single-track/?start=2024-12-31&end=2024-06-01")
    data = swapped.context["data"]
    assert (data["start"], data["end"], data["transfers"]) == (dt.date(2024, 6, 1), dt.date(2024, 12, 31), 1)
    assert 'data-testid="range-error"' in swapped.content.decode()  # and the page says so
    page = swapped.content.decode()
    assert "移送单位" in page or "Sending agency" in page
    assert client.get("/cases/indicators/single-track/?start=nonsense").status_code == 200

    login(client, world, "other_court")
    data = client.get("/cases/indicators/single-track/?start=2024-01-01&end=2024-12-31").context["data"]
    assert (data["transfers"], data["rate"]) == (0, None)


class _Targets(HTMLParser):
    """Every hx-target="closest <sel>" button and whether an ancestor matches the selector."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, set[str]]] = []
        self.results: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        target = attrs.get("hx-target") or ""
        if target.startswith("closest "):
            sel = target.removeprefix("closest ").strip()
            found = any(
                (sel.startswith(".") and sel[1:] in classes) or sel == name for name, classes in self.stack
            )
            self.results.append((sel, found))
        if tag not in self.VOID:
            self.stack.append((tag, set((attrs.get("class") or "").split())))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def test_reveal_buttons_find_their_target_on_every_page(client, world):
    """The reveal button swaps its own wrapper: it works in a table cell and in a <dd> alike."""
    login(client, world)
    for path in (f"/cases/{world.case_in.pk}/", f"/cases/parties/{world.party_in.pk}/"):
        parser = _Targets()
        parser.feed(client.get(path).content.decode())
        assert parser.results, path
        assert all(found for _sel, found in parser.results), (path, parser.results)

"""Case search by party name: a case is found by any of its parties' names, listed once."""

import pytest

from casewatch.cases.importing import Options, run_import
from casewatch.cases.tests.conftest import PERSON, SAMPLE, write_files

pytestmark = pytest.mark.django_db


def test_search_by_party_name(world, tmp_path, client):
    files = dict(SAMPLE)
    # the same person twice on one case (plaintiff and defendant): still one row
    files["case_parties.csv"] += f"330212-CRT-MS1,（2021）浙0212民初1234号,{PERSON},defendant\n"
    assert run_import([write_files(tmp_path / "s", files)], Options()).status == "imported"
    client.force_login(world.users["city_supervisor"])
    page = client.get("/cases/", {"party": "李明"}).content.decode()
    assert page.count("（2021）浙0212民初1234号</a>") == 1
    assert "(2021)浙0212民初1235号" not in page
    assert "宁波某某" not in page and "甬鄞公" not in page
    assert "甬鄞公(刑)立字[2021]00077号" in client.get("/cases/", {"party": "张"}).content.decode()


def _imported(tmp_path, extra_party: str = ""):
    files = dict(SAMPLE)
    if extra_party:  # one more party, named `extra_party`, on the police case
        files["parties.csv"] += f"P-EXTRA,person,{extra_party},,,,\n"
        files["case_parties.csv"] += "330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,P-EXTRA,victim\n"
    assert run_import([write_files(tmp_path / "s", files)], Options()).status == "imported"


def _numbers(page: str) -> set[str]:
    return {
        n
        for n in ("（2021）浙0212民初1234号", "(2021)浙0212民初1235号", "甬鄞公(刑)立字[2021]00077号")
        if f"{n}</a>" in page
    }


def test_a_short_party_name_is_matched_from_its_start_and_the_page_says_so(world, tmp_path, client):
    # 王李明 contains 李明 but does not start with it; 李明 is on the civil case only
    _imported(tmp_path, extra_party="王李明")
    client.force_login(world.users["city_supervisor"])
    short = client.get("/cases/", {"party": "李明"}).content.decode()
    assert _numbers(short) == {"（2021）浙0212民初1234号"}  # not the police case of 王李明
    assert "从开头匹配" in short  # the notice on the results (Chinese by default)
    assert _numbers(client.get("/cases/", {"party": "李"}).content.decode()) == {"（2021）浙0212民初1234号"}
    # three characters and more: anywhere in the name, and no notice
    long = client.get("/cases/", {"party": "王李明"}).content.decode()
    assert _numbers(long) == {"甬鄞公(刑)立字[2021]00077号"} and "从开头匹配" not in long
    assert _numbers(client.get("/cases/", {"party": "某贸易"}).content.decode()) == {
        "（2021）浙0212民初1234号"
    }
    client.cookies["django_language"] = "en"
    english = client.get("/cases/", {"party": "李明"}).content.decode()
    assert "is matched from its start" in english and "从开头匹配" not in english


def test_cause_filter_finds_what_contains_finds(world, tmp_path, client):
    from casewatch.cases.models import Case
    from casewatch.cases.services import cause_names_containing

    _imported(tmp_path)
    Case.objects.filter(case_number="（2021）浙0212民初1234号").update(cause_name="民间借贷纠纷")
    Case.objects.filter(case_number="(2021)浙0212民初1235号").update(cause_name="买卖合同纠纷")
    Case.objects.filter(case_number="甬鄞公(刑)立字[2021]00077号").update(cause_name="盗窃罪")
    assert cause_names_containing("纠纷") == ["买卖合同纠纷", "民间借贷纠纷"]
    assert cause_names_containing("借贷") == ["民间借贷纠纷"] and cause_names_containing("%") == []
    client.force_login(world.users["city_supervisor"])
    for text, expected in (
        ("纠纷", {"（2021）浙0212民初1234号", "(2021)浙0212民初1235号"}),
        ("盗窃", {"甬鄞公(刑)立字[2021]00077号"}),
        ("盗窃罪", {"甬鄞公(刑)立字[2021]00077号"}),
        ("合同", {"(2021)浙0212民初1235号"}),
        ("抢劫", set()),
        ("_", set()),  # LIKE wildcards are literal characters here
    ):
        page = client.get("/cases/", {"cause": text}).content.decode()
        assert _numbers(page) == expected, text
        same = set(Case.objects.filter(cause_name__contains=text).values_list("case_number", flat=True))
        assert same == expected, text  # what the old LIKE '%…%' filter gave

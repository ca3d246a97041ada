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

"""One agent acting for two parties of a case is a valid record; the same row twice is still a
duplicate (the party acted for is part of the case_parties key)."""

import pytest

from casewatch.cases.importing import Options, run_import
from casewatch.cases.importing import issues as issue_report
from casewatch.cases.models import CaseParty
from casewatch.cases.tests.conftest import ORG, PERSON, PERSON_2, SAMPLE, write_files

pytestmark = pytest.mark.django_db
CASE = "（2021）浙0212民初1234号"


def _files(extra_rows: str) -> dict:
    files = dict(SAMPLE)
    files["case_parties.csv"] = (
        "unit_code,case_number,party_id,role,represents_party_id\n"
        f"330212-CRT-MS1,{CASE},{PERSON},plaintiff,\n"
        f"330212-CRT-MS1,{CASE},{ORG},defendant,\n"
        f"330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,{PERSON_2},suspect,\n" + extra_rows
    )
    return files


def test_one_agent_for_both_sides_imports_and_reimports_idempotently(world, tmp_path):
    rows = f"330212-CRT-MS1,{CASE},{PERSON_2},agent,{PERSON}\n330212-CRT-MS1,{CASE},{PERSON_2},agent,{ORG}\n"
    folder = write_files(tmp_path / "in", _files(rows))
    result = run_import([folder], Options())
    assert result.status == "imported", issue_report.errors(result.problems).to_dicts()[:3]
    agents = CaseParty.objects.filter(case__case_number=CASE, role="agent")
    assert sorted(agents.values_list("represents_party_id", flat=True)) == sorted([PERSON, ORG])
    again = run_import([folder], Options())
    assert again.counts["case_parties"]["created"] == 0 and again.counts["case_parties"]["updated"] == 0


def test_the_same_agent_row_twice_is_a_duplicate(world, tmp_path):
    rows = (
        f"330212-CRT-MS1,{CASE},{PERSON_2},agent,{PERSON}\n330212-CRT-MS1,{CASE},{PERSON_2},agent,{PERSON}\n"
    )
    result = run_import([write_files(tmp_path / "dup", _files(rows))], Options())
    assert result.status == "rejected"
    codes = issue_report.errors(result.problems).select("file", "code").rows()
    assert ("case_parties.csv", "duplicate") in codes
    assert not CaseParty.objects.filter(case__case_number=CASE).exists()


def test_a_principal_listed_twice_without_represents_is_still_a_duplicate(world, tmp_path):
    rows = f"330212-CRT-MS1,{CASE},{PERSON},plaintiff,\n"
    result = run_import([write_files(tmp_path / "dup2", _files(rows))], Options())
    assert result.status == "rejected"
    assert ("case_parties.csv", "duplicate") in issue_report.errors(result.problems).select(
        "file", "code"
    ).rows()

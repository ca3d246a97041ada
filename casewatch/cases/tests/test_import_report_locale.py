"""The import-error report is written for its reader: Chinese headings, severities and field
names by default, English for a reader who chose English; formulas still neutralised (issue 12, item 8)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from casewatch.cases.importing import issues as issue_report
from casewatch.cases.tasks import start_import
from casewatch.cases.tests.conftest import SAMPLE, write_files

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://x","click")'


def _rejected_run(world, tmp_path):
    cases = SAMPLE["cases.csv"].replace("(2021)浙0212民初1235号", '"=HYPERLINK(""http://x"",""click"")"')
    cases = cases.replace("police_criminal,pending", "police_criminal,pendng")
    folder = write_files(tmp_path / "in", {**SAMPLE, "cases.csv": cases})
    run = start_import([folder], world.user("city_supervisor"), synchronous=True)
    assert run.status == "rejected"
    return run


def _rows(response) -> list[list[str]]:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_error_report_is_chinese_with_names(client, world, media_root, tmp_path):
    run = _rejected_run(world, tmp_path)
    client.force_login(world.user("city_supervisor"))
    header, *rows = _rows(client.get(reverse("cases:import_report", args=[run.pk, "csv"])))
    assert header == list(issue_report.REPORT_HEADERS["zh"])
    assert header[:3] == ["级别", "文件", "工作表"] and "severity" not in header
    by_code = {r[-1]: dict(zip(header, r, strict=True)) for r in rows}
    number = by_code["bad_case_number"]
    assert number["级别"] == "错误" and number["字段"] == "案号"  # names, not case_number / error
    assert number["值"] == "'" + PAYLOAD  # still neutralised
    assert number["原因"].startswith("不是有效的法院案号") and number["原因（英文）"].startswith(
        "not a valid"
    )
    status = by_code["bad_enum"]
    assert status["字段"] == "案件状态" and status["值"] == "pendng"
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("cases:import_report", args=[run.pk, "xlsx"])).streaming_content)
        )
    ).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert cells[: len(header)] == header and "错误" in cells and "案号" in cells
    assert "'" + PAYLOAD in cells and not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_error_report_is_english_for_a_reader_who_chose_english(
    client, world, media_root, tmp_path, settings
):
    run = _rejected_run(world, tmp_path)
    client.force_login(world.user("city_supervisor"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header, *rows = _rows(client.get(reverse("cases:import_report", args=[run.pk, "csv"])))
    assert header == list(issue_report.REPORT_HEADERS["en"])
    number = next(dict(zip(header, r, strict=True)) for r in rows if r[-1] == "bad_case_number")
    assert number["Severity"] == "error" and number["Field"] == "Case number"
    assert number["Reason"].startswith("not a valid") and number["Reason (Chinese)"].startswith("不是有效")

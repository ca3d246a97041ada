"""Bad input: every malformed file yields a precise error and leaves the database exactly as it was.

Each case starts from the valid sample set (conftest.SAMPLE), breaks one thing, and checks the
error's file, row, column and reason, then the row count and checksum of every registry table.
The committed files under tests/data/ are the text ones; binary variants (garbled bytes, GBK,
a 10 MB field) are generated here.
"""

import csv
import io

import openpyxl
import pytest

from casewatch.cases.importing import Options, run_import
from casewatch.cases.importing import issues as issue_report
from casewatch.cases.tests.conftest import DATA_DIR, PERSON, SAMPLE, registry_state, write_files

pytestmark = pytest.mark.django_db


def _replace(name: str, old: str, new: str) -> dict:
    assert old in SAMPLE[name], old
    return {name: SAMPLE[name].replace(old, new, 1)}


def _errors(result) -> list[dict]:
    return issue_report.errors(result.problems).to_dicts()


def _find(result, **want) -> dict:
    for e in _errors(result):
        if all(e.get(k) == v for k, v in want.items()):
            return e
    raise AssertionError(f"no error matching {want}; errors: {_errors(result)[:10]}")


def _import_rejected(folder, **options):
    before = registry_state()
    result = run_import([folder], Options(**options))
    assert result.status == "rejected", (result.status, _errors(result)[:5])
    assert result.error_count > 0
    assert registry_state() == before, "a rejected import changed the database"
    return result


BAD = [
    # (id, files replacing the sample ones, expected error fields, reason fragment)
    (
        "missing-columns",
        {"cases.csv": SAMPLE["cases.csv"].replace("立案日期", "日期甲").replace("案件状态", "状态乙")},
        {"file": "cases.csv", "code": "missing_column"},
        "filed_at",
    ),
    (
        "extra-column",
        {"cases.csv": SAMPLE["cases.csv"].replace("结案方式\n", "结案方式,备注\n", 1)},
        {"file": "cases.csv", "code": "unknown_column", "column": "备注"},
        "unknown column",
    ),
    (
        "bad-id-check-digit",
        _replace("parties.csv", f"李明,{PERSON}", f"李明,{PERSON[:-1]}{'0' if PERSON[-1] != '0' else '1'}"),
        {"file": "parties.csv", "row": 1, "column": "id_number", "code": "id_check_digit"},
        "check digit",
    ),
    (
        "birth-date-contradicts-id",
        _replace("parties.csv", ",1990-01-01,", ",1991-01-01,"),
        {"file": "parties.csv", "row": 1, "column": "birth_date", "code": "birth_mismatch"},
        "1990-01-01",
    ),
    (
        "duplicate-case-number",
        {
            "cases.csv": SAMPLE["cases.csv"]
            + "330212-CRT-MS1,（2021）浙0212民初1234号,,civil,pending,,2021-03-05,,,,\n"
        },
        {"file": "cases.csv", "row": 4, "column": "案号", "code": "duplicate"},
        "cases.csv:1",
    ),
    (
        "reversed-dates",
        _replace("cases.csv", "2021-03-05,2021-06-30", "2021-03-05,2021-02-28"),
        {"file": "cases.csv", "row": 1, "column": "结案日期", "code": "date_order"},
        "closed_at is before filed_at",
    ),
    (
        "unknown-unit",
        _replace("cases.csv", "330212-PSB-XJ,甬鄞公", "330299-PSB-XJ,甬鄞公"),
        {"file": "cases.csv", "row": 3, "column": "承办单位代码", "code": "unknown_unit"},
        "unknown unit code",
    ),
    (
        "court-mismatch",
        _replace("cases.csv", "(2021)浙0212民初1235号", "(2021)浙0203民初1235号"),
        {"file": "cases.csv", "row": 2, "column": "案号", "code": "court_mismatch"},
        "330203",
    ),
    (
        "not-a-court-number",
        _replace("cases.csv", "(2021)浙0212民初1235号", "鄞民1235"),
        {"file": "cases.csv", "row": 2, "column": "案号", "code": "bad_case_number"},
        "court case number",
    ),
    (
        "event-after-closing",
        _replace("events.csv", "4,appealed,2021-07-10", "4,hearing,2021-07-10"),
        {"file": "events.csv", "row": 4, "column": "occurred_at", "code": "event_after_closing"},
        "2021-06-30",
    ),
    (
        "event-before-filing",
        _replace("events.csv", "2,filed,2021-05-01", "2,filed,2021-04-30"),
        {"file": "events.csv", "row": 6, "column": "occurred_at", "code": "event_before_filing"},
        "2021-05-01",
    ),
    (
        "unknown-handler",
        _replace("cases.csv", "T-IMP-PSB-01", "T-NOBODY"),
        {"file": "cases.csv", "row": 3, "column": "承办人工号", "code": "unknown_staff"},
        "staff",
    ),
    (
        "event-of-unknown-case",
        {
            "events.csv": SAMPLE["events.csv"]
            + "330212-CRT-MS1,（2021）浙0212民初9999号,1,accepted,2021-03-05 09:00:00,\n"
        },
        {"file": "events.csv", "row": 7, "column": "case_number", "code": "unknown_case"},
        "does not exist",
    ),
    (
        "bad-enum-date-bool",
        _replace("cases.csv", "civil,closed,T-IMP-CRT-01,2021-03-05", "civl,closed,T-IMP-CRT-01,2021-13-05"),
        {"file": "cases.csv", "row": 1, "column": "案件类型", "code": "bad_enum"},
        "case_type",
    ),
    (
        "bad-date",
        _replace("cases.csv", "civil,closed,T-IMP-CRT-01,2021-03-05", "civil,closed,T-IMP-CRT-01,2021-13-05"),
        {"file": "cases.csv", "row": 1, "column": "立案日期", "code": "bad_date"},
        "YYYY-MM-DD",
    ),
    (
        "bad-phone",
        _replace("parties.csv", "13800001234", "1380000"),
        {"file": "parties.csv", "row": 1, "column": "phone", "code": "bad_phone"},
        "phone",
    ),
    (
        "required-missing",
        _replace(
            "cases.csv",
            "330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,,police_criminal,pending",
            "330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,,police_criminal,",
        ),
        {"file": "cases.csv", "row": 3, "column": "案件状态", "code": "required"},
        "missing",
    ),
    (
        "empty-file",
        {"cases.csv": ""},
        {"file": "cases.csv", "code": "empty_file"},
        "empty",
    ),
    (
        "unknown-table",
        {"notes.csv": "a,b\n1,2\n"},
        {"file": "notes.csv", "code": "unknown_table"},
        "table",
    ),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_rejected_precisely(world, tmp_path, files, expected, reason):
    folder = write_files(tmp_path / "in", {**SAMPLE, **files})
    result = _import_rejected(folder)
    error = _find(result, **expected)
    assert reason in error["reason_en"] or reason in error["reason_zh"], error
    assert error["reason_zh"] and error["reason_en"]


def test_garbled_bytes_are_a_clear_encoding_error(world, tmp_path):
    garbled = SAMPLE["cases.csv"].encode("utf-8").replace("民事审判案件".encode(), b"\x80\xff\xfe\x81")
    folder = write_files(tmp_path / "in", {**SAMPLE, "cases.csv": garbled})
    result = _import_rejected(folder)
    error = _find(result, file="cases.csv", code="encoding")
    assert "neither UTF-8 nor GB18030" in error["reason_en"] and "offset" in error["reason_en"]


def test_wrong_declared_encoding(world, tmp_path):
    folder = write_files(tmp_path / "in", {"cases.csv": SAMPLE["cases.csv"]}, encoding="gbk")
    result = _import_rejected(folder, encoding="utf-8")
    error = _find(result, file="cases.csv", code="encoding")
    assert "not valid utf-8" in error["reason_en"]


def test_ten_megabyte_field_is_rejected_cleanly(world, tmp_path):
    huge = "长" * (10 * 1024 * 1024 // 3)  # 10 MB of UTF-8
    events = SAMPLE["events.csv"].replace(",报警\n", f",{huge}\n")
    folder = write_files(tmp_path / "in", {**SAMPLE, "events.csv": events})
    result = _import_rejected(folder)
    error = _find(result, file="events.csv", row=5, column="reason", code="too_long")
    assert str(len(huge)) in error["reason_en"] and "300" in error["reason_en"]
    assert len(error["value"]) < 200  # the value is cut in the report


def test_formula_injection_is_neutralised_in_the_error_report(world, tmp_path):
    payload = '=HYPERLINK("http://x","click")'
    cases = SAMPLE["cases.csv"].replace(
        "(2021)浙0212民初1235号", f'"{payload.replace(chr(34), chr(34) * 2)}"'
    )
    folder = write_files(tmp_path / "in", {**SAMPLE, "cases.csv": cases})
    result = _import_rejected(folder)
    error = _find(result, file="cases.csv", row=2, column="案号", code="bad_case_number")
    assert error["value"] == payload  # the frame keeps the raw value …
    csv_path, xlsx_path = issue_report.write_reports(result.problems.drop("__rid"), tmp_path / "report")
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    values = [r[6] for r in rows[1:]]
    assert "'" + payload in values and payload not in values  # … the report never a live formula
    sheet = openpyxl.load_workbook(xlsx_path).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'" + payload in cells and payload not in cells
    assert all(not (isinstance(c, str) and c.startswith("=")) for c in cells)


def test_committed_malformed_folder(world):
    """tests/data/malformed: several broken files at once; every one is reported."""
    result = _import_rejected(DATA_DIR / "malformed")
    codes = {(e["file"], e["code"]) for e in _errors(result)}
    assert ("cases.csv", "date_order") in codes
    assert ("cases.csv", "duplicate") in codes
    assert ("cases.csv", "unknown_unit") in codes
    assert ("parties.csv", "id_check_digit") in codes
    assert ("events.csv", "missing_column") in codes
    assert ("staff.csv", "unknown_column") in codes
    assert ("empty.csv", "empty_file") in codes or ("empty.csv", "unknown_table") in codes


def test_one_bad_row_rejects_everything(world, tmp_path):
    """All-or-nothing: many valid rows and one bad one — nothing at all is written."""
    folder = write_files(
        tmp_path / "in", {**SAMPLE, **_replace("parties.csv", "0574-87654321", "not-a-phone")}
    )
    result = _import_rejected(folder)
    # The bad phone, and the case-party row that points at the rejected party.
    assert sorted(e["code"] for e in _errors(result)) == ["bad_phone", "rejected_parent"]
    assert _find(result, file="case_parties.csv", row=3, code="rejected_parent")["reason_en"].startswith(
        "refers to a rejected parties row"
    )
    assert result.counts["cases"]["valid"] == 3

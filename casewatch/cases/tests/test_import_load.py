"""Loading: encodings and formats import identically, re-imports are idempotent, updates are
audited, ``--skip-invalid`` quarantines bad rows and their dependants, merged XLSX headers work."""

import datetime as dt
import io
import json
from decimal import Decimal

import polars as pl
import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from casewatch.cases.importing import Options, run_import
from casewatch.cases.importing import issues as issue_report
from casewatch.cases.models import Case, CaseParty, Event, ImportRun, Party
from casewatch.cases.tasks import start_import
from casewatch.cases.tests.conftest import ORG, PERSON, SAMPLE, registry_state, write_files
from casewatch.core.choices import AuditAction, JobStatus
from casewatch.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _ok(folder, **options):
    result = run_import([folder], Options(**options))
    assert result.status in ("imported", "partial"), issue_report.errors(result.problems).to_dicts()[:5]
    return result


def test_sample_lands_with_types_and_derived_columns(world, sample_dir):
    result = _ok(sample_dir)
    assert {t: c["created"] for t, c in result.counts.items()} == {
        "staff": 2,
        "matters": 1,
        "parties": 3,
        "cases": 3,
        "case_parties": 3,
        "events": 6,
    }
    civil = Case.objects.get(case_number="（2021）浙0212民初1234号")
    assert (
        civil.unit_id == "330212-CRT-MS1"
        and civil.handler_id == "T-IMP-CRT-01"
        and civil.matter_id == "M-IMP-001"
    )
    assert civil.filed_at == dt.date(2021, 3, 5) and civil.closed_at == dt.date(2021, 6, 30)
    assert civil.claim_amount == Decimal("150000.00") and civil.plea_leniency is False
    assert (civil.year, civil.court_division_code) == (2021, "330212")
    assert civil.source == "cases.csv"
    second = Case.objects.get(case_number="(2021)浙0212民初1235号")
    assert (second.case_type, second.status, second.matter_id, second.procedure) == (
        "civil",
        "pending",
        None,
        "",
    )
    police = Case.objects.get(unit_id="330212-PSB-XJ")
    assert (police.year, police.court_division_code, police.plea_leniency) == (2021, "", True)
    hearing = Event.objects.get(case=civil, seq=2)
    # 14:30 in Ningbo is 06:30 UTC.
    assert hearing.occurred_at == dt.datetime(2021, 5, 10, 6, 30, tzinfo=dt.UTC)
    assert Party.objects.get(party_id=ORG).credit_code == ORG
    assert CaseParty.objects.filter(case=civil).count() == 2


def test_reimport_changes_nothing(world, sample_dir):
    _ok(sample_dir)
    before = registry_state()
    again = _ok(sample_dir)
    assert again.totals()["created"] == 0 and again.totals()["updated"] == 0
    assert again.totals()["unchanged"] == sum(c["read"] for c in again.counts.values())
    assert registry_state() == before  # not even updated_at moved


def test_gbk_and_utf8_bom_import_identically(world, tmp_path):
    gbk = write_files(tmp_path / "gbk", SAMPLE, encoding="gbk")
    result = _ok(gbk)
    assert {f["encoding"] for f in result.files} == {"gb18030"}
    bom = write_files(tmp_path / "bom", SAMPLE, encoding="utf-8-sig")
    again = _ok(bom)
    assert {f["encoding"] for f in again.files} == {"utf-8-sig"}
    assert again.totals()["created"] == 0 and again.totals()["updated"] == 0


def test_formats_import_identically(world, sample_dir, tmp_path):
    """JSON Lines and Parquet exports of the same rows change nothing after the CSV import."""
    _ok(sample_dir)
    jsonl, parquet = tmp_path / "jsonl", tmp_path / "parquet"
    jsonl.mkdir()
    parquet.mkdir()
    for name, text in SAMPLE.items():
        frame = pl.read_csv(io.StringIO(text), infer_schema=False)
        stem = name.removesuffix(".csv")
        with (jsonl / f"{stem}.jsonl").open("w", encoding="utf-8") as fh:
            for row in frame.iter_rows(named=True):
                fh.write(
                    json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False) + "\n"
                )
        frame.write_parquet(parquet / f"{stem}.parquet")
    for folder in (jsonl, parquet):
        result = _ok(folder)
        assert result.totals()["created"] == 0, folder
        assert result.totals()["updated"] == 0, folder


def test_newer_export_updates_changed_rows_and_audits_them(world, sample_dir, tmp_path):
    _ok(sample_dir)
    newer = SAMPLE["cases.csv"].replace(
        "(2021)浙0212民初1235号,,民事审判案件,在办,,2021-04-01,,",
        "(2021)浙0212民初1235号,,民事审判案件,已结,,2021-04-01,2021-05-20,",
    )
    folder = write_files(tmp_path / "newer", {"cases.csv": newer})
    run = start_import([folder], world.user("city_supervisor"), synchronous=True)
    assert run.status == "imported"
    assert run.counts["cases"] == {
        "read": 3, "valid": 3, "rejected": 0, "created": 0, "updated": 1, "unchanged": 2, "seconds": run.counts["cases"]["seconds"]
    }  # fmt: skip
    case = Case.objects.get(case_number="(2021)浙0212民初1235号")
    assert (case.status, case.closed_at) == ("closed", dt.date(2021, 5, 20))
    records = AuditLog.objects.filter(
        action=AuditAction.IMPORT, object_type="cases.importrun", object_id=str(run.pk)
    )
    assert records.count() == 1
    record = records.get()
    assert record.username == "city_supervisor"
    [change] = record.after["updated"]["cases"]
    assert change["key"] == {"unit_code": "330212-CRT-MS1", "case_number": "(2021)浙0212民初1235号"}
    assert change["changed"]["status"] == ["pending", "closed"]
    assert change["changed"]["closed_at"][0] is None and change["changed"]["closed_at"][1].startswith(
        "2021-05-20"
    )
    assert record.after["counts"]["cases"]["updated"] == 1


def test_absent_column_is_not_wiped_on_update(world, sample_dir, tmp_path):
    _ok(sample_dir)
    narrow = "承办单位代码,案号,案件类型,案件状态,立案日期\n330212-CRT-MS1,（2021）浙0212民初1234号,civil,closed,2021-03-05\n"
    result = _ok(write_files(tmp_path / "narrow", {"cases.csv": narrow}))
    assert result.counts["cases"]["updated"] == 0
    assert Case.objects.get(case_number="（2021）浙0212民初1234号").claim_amount == Decimal("150000.00")


def test_skip_invalid_quarantines_bad_rows_and_their_dependants(world, tmp_path):
    files = dict(SAMPLE)
    files["cases.csv"] = files["cases.csv"].replace("2021-03-05,2021-06-30", "2021-03-05,2021-02-28")
    folder = write_files(tmp_path / "in", files)
    before = registry_state()
    strict = run_import([folder], Options())
    assert strict.status == "rejected" and registry_state() == before
    result = run_import([folder], Options(skip_invalid=True))
    assert result.status == "partial"
    assert not Case.objects.filter(case_number="（2021）浙0212民初1234号").exists()
    assert Case.objects.filter(case_number="(2021)浙0212民初1235号").exists()
    assert Event.objects.filter(case__unit_id="330212-PSB-XJ").count() == 2
    assert not Event.objects.filter(case__case_number="（2021）浙0212民初1234号").exists()
    errors = issue_report.errors(result.problems)
    codes = errors.group_by("file", "code").len().sort("file").rows()
    assert ("cases.csv", "date_order", 1) in codes
    assert ("events.csv", "rejected_parent", 4) in codes
    assert ("case_parties.csv", "rejected_parent", 2) in codes
    assert result.counts["events"]["rejected"] == 4 and result.counts["events"]["created"] == 2


def _merged_workbook(path, bad_row=False):
    """A title row, a two-level header with merged cells, and a unit code merged down the rows."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("案件")
    ws.merge_range("A1:F1", "宁波市鄞州区人民法院 案件登记表（2021年）")
    ws.merge_range("A2:A3", "承办单位代码")
    ws.merge_range("B2:B3", "案号")
    ws.merge_range("C2:C3", "案件类型")
    ws.merge_range("D2:D3", "案件状态")
    ws.merge_range("E2:F2", "日期")
    ws.write_row("E3", ["立案日期", "结案日期"])
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range("A4:A5", "330212-CRT-MS1")
    ws.write_row("B4", ["（2021）浙0212民初2001号", "民事审判案件", "已结"])
    ws.write_datetime("E4", dt.datetime(2021, 3, 1), date)
    ws.write_datetime("F4", dt.datetime(2021, 2, 1) if bad_row else dt.datetime(2021, 4, 1), date)
    ws.write_row("B5", ["（2021）浙0212民初2002号", "civil", "pending"])
    ws.write_datetime("E5", dt.datetime(2021, 3, 2), date)
    book.close()


def test_xlsx_with_merged_header_cells_imports(world, tmp_path):
    folder = tmp_path / "xlsx"
    folder.mkdir()
    _merged_workbook(folder / "案件导出.xlsx")
    result = _ok(folder)
    assert result.counts["cases"]["created"] == 2
    first = Case.objects.get(case_number="（2021）浙0212民初2001号")
    assert (first.unit_id, first.status, first.closed_at) == ("330212-CRT-MS1", "closed", dt.date(2021, 4, 1))
    assert Case.objects.get(case_number="（2021）浙0212民初2002号").unit_id == "330212-CRT-MS1"


def test_xlsx_errors_name_the_sheet_row(world, tmp_path):
    folder = tmp_path / "xlsx"
    folder.mkdir()
    _merged_workbook(folder / "cases.xlsx", bad_row=True)
    before = registry_state()
    result = run_import([folder], Options())
    assert result.status == "rejected" and registry_state() == before
    [error] = issue_report.errors(result.problems).to_dicts()
    assert (error["file"], error["sheet"], error["row"], error["column"], error["code"]) == (
        "cases.xlsx",
        "案件",
        4,
        "结案日期",
        "date_order",
    )


def test_table_option_overrides_file_names(world, tmp_path):
    folder = write_files(tmp_path / "in", {"export-from-court.csv": SAMPLE["matters.csv"]})
    assert run_import([folder], Options()).status == "rejected"
    result = _ok(folder, table="matters")
    assert result.counts["matters"]["created"] == 1


def test_command_line_records_run_and_job(world, sample_dir, tmp_path, capsys):
    call_command("import", str(sample_dir), "--user", "city_supervisor")
    out = capsys.readouterr().out
    assert "imported, 0 errors" in out
    run = ImportRun.objects.order_by("-id").first()
    assert run.status == "imported" and run.actor.username == "city_supervisor"
    assert run.job.kind == "cases.import" and run.job.status == JobStatus.SUCCEEDED
    assert run.job.result["created"] == 18

    bad = write_files(
        tmp_path / "bad", {"cases.csv": SAMPLE["cases.csv"].replace("civil,closed", "civl,closed")}
    )
    with pytest.raises(CommandError, match="rejected"):
        call_command("import", str(bad), "--report-dir", str(tmp_path / "reports"))
    run = ImportRun.objects.order_by("-id").first()
    assert run.status == "rejected" and run.error_count == 1
    assert run.report_csv.startswith(str(tmp_path / "reports")) and run.report_xlsx.endswith(".xlsx")
    report = (tmp_path / "reports" / f"import-{run.pk}-errors.csv").read_text(encoding="utf-8-sig")
    assert "cases.csv" in report and "案件类型" in report and "bad_enum" in report
    assert run.errors_preview[0]["row"] == 1


def test_command_line_refuses_a_role_without_import(world, sample_dir):
    before = registry_state()
    with pytest.raises(CommandError, match="may not import"):
        call_command("import", str(sample_dir), "--user", "district_handler")
    assert registry_state() == before


def test_scoped_user_imports_only_inside_the_scope(world, sample_dir):
    """district_legal sees 鄞州 police only: the court rows are refused, nothing is written."""
    before = registry_state()
    run = start_import([sample_dir], world.user("district_legal"), synchronous=True)
    assert run.status == "rejected" and registry_state() == before
    refused = [e for e in run.errors_preview if e["code"] == "out_of_scope"]
    assert {(e["file"], e["row"]) for e in refused} >= {("cases.csv", 1), ("cases.csv", 2), ("staff.csv", 1)}
    assert all(e["column"] in ("承办单位代码", "unit_code") for e in refused)
    police_only = {
        "staff.csv": SAMPLE["staff.csv"].splitlines()[0] + "\n" + SAMPLE["staff.csv"].splitlines()[2] + "\n",
        "cases.csv": "\n".join(SAMPLE["cases.csv"].splitlines()[i] for i in (0, 3)) + "\n",
    }
    folder = write_files(sample_dir.parent / "police", police_only)
    run = start_import([folder], world.user("district_legal"), synchronous=True)
    assert run.status == "imported", run.errors_preview
    assert run.counts["cases"]["created"] == 1


def test_scoped_user_does_not_change_a_party_shared_with_another_unit(world, sample_dir, tmp_path):
    """A party linked to a 鄞州 court case is not renamed by 鄞州 police's import; a warning says so."""
    _ok(sample_dir)  # as the system: the person is a plaintiff in the court case
    renamed = SAMPLE["parties.csv"].replace("李明", "李小明")
    police = {
        "parties.csv": renamed.splitlines()[0] + "\n" + renamed.splitlines()[1] + "\n",
        "cases.csv": "\n".join(SAMPLE["cases.csv"].splitlines()[i] for i in (0, 3)) + "\n",
        "case_parties.csv": "unit_code,case_number,party_id,role\n"
        f"330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,{PERSON},victim\n",
    }
    run = start_import(
        [write_files(tmp_path / "police", police)], world.user("district_legal"), synchronous=True
    )
    assert run.status == "imported", run.errors_preview
    assert Party.objects.get(party_id=PERSON).name == "李明"
    assert run.counts["parties"]["updated"] == 0 and run.counts["case_parties"]["created"] == 1
    [warning] = [e for e in run.errors_preview if e["code"] == "scope_shared"]
    assert (warning["severity"], warning["file"], warning["row"]) == ("warning", "parties.csv", 1)


def test_events_are_checked_against_cases_in_the_database(world, sample_dir, tmp_path):
    _ok(sample_dir)
    late = "unit_code,case_number,seq,kind,occurred_at\n330212-CRT-MS1,（2021）浙0212民初1234号,9,hearing,2021-08-01 09:00\n"
    before = registry_state()
    result = run_import([write_files(tmp_path / "late", {"events.csv": late})], Options())
    assert result.status == "rejected" and registry_state() == before
    [error] = issue_report.errors(result.problems).to_dicts()
    assert (error["row"], error["code"]) == (1, "event_after_closing") and "2021-06-30" in error["reason_en"]
    fine = late.replace("9,hearing,2021-08-01", "9,appealed,2021-08-01")
    assert _ok(write_files(tmp_path / "fine", {"events.csv": fine})).counts["events"]["created"] == 1


def test_csv_dialects_and_header_spellings(world, sample_dir, tmp_path):
    """CRLF line ends, tab separators, a quoted multi-line field, English labels and a `*` marker."""
    _ok(sample_dir)
    text = (
        "Unit code*\tCase number\tCase type\tStatus\tFiled at\tCause\r\n"
        '330212-PSB-XJ\t甬鄞公(刑)立字[2021]00078号\t公安刑事案件\tPending\t2021/5/2\t"盗窃\n（多次）"\r\n'
    )
    result = _ok(write_files(tmp_path / "tsv", {"cases.tsv": text}))
    assert result.counts["cases"]["created"] == 1
    case = Case.objects.get(case_number="甬鄞公(刑)立字[2021]00078号")
    assert (case.case_type, case.status, case.filed_at) == ("police_criminal", "pending", dt.date(2021, 5, 2))
    assert case.cause_name == "盗窃\n（多次）"


def test_workbook_with_a_sheet_per_table(world, sample_dir, tmp_path):
    _ok(sample_dir)
    path = tmp_path / "wb" / "export.xlsx"
    path.parent.mkdir()
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("说明")
    notes.write("A1", "本工作簿由某系统导出")
    cases = book.add_worksheet("案件")
    cases.write_row(0, 0, ["承办单位代码", "案号", "案件类型", "案件状态", "立案日期"])
    cases.write_row(
        1, 0, ["330212-PSB-XJ", "甬鄞公(刑)立字[2021]00079号", "police_criminal", "pending", "2021-05-03"]
    )
    events = book.add_worksheet("程序事件")
    events.write_row(0, 0, ["承办单位代码", "案号", "序号", "事件类型", "发生时间"])
    events.write_row(1, 0, ["330212-PSB-XJ", "甬鄞公(刑)立字[2021]00079号", 1, "filed", "2021-05-03 09:00"])
    book.close()
    result = _ok(path.parent)
    assert result.counts["cases"]["created"] == 1 and result.counts["events"]["created"] == 1
    warning = result.problems.filter(pl.col("code") == "ignored_sheet").to_dicts()
    assert [(w["file"], w["sheet"], w["severity"]) for w in warning] == [("export.xlsx", "说明", "warning")]


def test_json_lines_errors_name_the_line(world, tmp_path):
    lines = [
        '{"matter_id": "M-J-1", "kind": "civil", "opened_at": "2021-01-01"}',
        "",
        '{"matter_id": "M-J-2", "kind": "民事", "opened_at": "2021-02-30"}',
    ]
    folder = write_files(tmp_path / "jl", {"matters.jsonl": "\n".join(lines) + "\n"})
    result = run_import([folder], Options())
    [error] = issue_report.errors(result.problems).to_dicts()
    assert (error["row"], error["column"], error["code"]) == (3, "opened_at", "bad_date")
    broken = write_files(tmp_path / "jl2", {"matters.jsonl": lines[0] + "\n{not json\n"})
    [error] = issue_report.errors(run_import([broken], Options()).problems).to_dicts()
    assert error["code"] == "bad_json" and "line 2" in error["reason_en"]

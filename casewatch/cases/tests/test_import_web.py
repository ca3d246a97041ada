"""The upload page, the import pages and the API: permission, scope, type checks, reports."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casewatch.cases.models import Case, ImportRun
from casewatch.cases.tasks import start_import
from casewatch.cases.tests.conftest import SAMPLE, registry_state, write_files
from casewatch.core import jobs
from casewatch.core.choices import AuditAction
from casewatch.core.models import ApiToken, AuditLog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("casewatch.cases.tests.urls_import_api")]

API = "/api/v1/cases/imports"


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are asserted in English: the source strings, whatever the catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _uploads(files: dict[str, str | bytes]) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode("utf-8"))
        for name, content in files.items()
    ]


def _token(user) -> dict:
    _t, raw = ApiToken.issue(user, "test", timezone.now() + dt.timedelta(days=1))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_pages_require_the_import_action(client, world, media_root):
    client.force_login(world.user("district_handler"))
    for name in ("cases:import_list", "cases:import_upload"):
        assert client.get(reverse(name)).status_code == 403
    before = registry_state()
    response = client.post(reverse("cases:import_upload"), {"files": _uploads(SAMPLE)})
    assert response.status_code == 403
    assert registry_state() == before and not ImportRun.objects.exists()


def test_upload_page_imports_through_a_job(client, world, media_root):
    client.force_login(world.user("city_supervisor"))
    page = client.get(reverse("cases:import_upload"))
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    response = client.post(reverse("cases:import_upload"), {"files": _uploads(SAMPLE)})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:import_detail", args=[run.pk]
    )
    assert run.status == "queued" and run.job.status == "queued"
    assert [f["name"] for f in run.files] == list(SAMPLE)
    assert jobs.run_pending() == 1
    run.refresh_from_db()
    assert run.status == "imported" and run.counts["cases"]["created"] == 3
    detail = client.get(reverse("cases:import_detail", args=[run.pk]))
    assert detail.status_code == 200 and b'data-testid="import-counts"' in detail.content
    assert "案件".encode() in detail.content
    listing = client.get(reverse("cases:import_list"))
    assert reverse("cases:import_detail", args=[run.pk]).encode() in listing.content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cases.exe", b"MZ\x90\x00", "only CSV, XLSX"),
        ("cases.xlsx", b"not a workbook at all", "not a XLSX file"),
        ("cases.parquet", b"PK\x03\x04 zip, not parquet", "not a PARQUET file"),
        ("cases.csv", b"\x00\x01\x02binary\x00", "not a CSV file"),
    ],
)
def test_upload_checks_extension_and_content(client, world, media_root, name, content, message):
    client.force_login(world.user("city_supervisor"))
    response = client.post(reverse("cases:import_upload"), {"files": _uploads({name: content})})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_upload_size_limit(client, world, media_root, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(world.user("city_supervisor"))
    response = client.post(reverse("cases:import_upload"), {"files": _uploads(SAMPLE)})
    assert response.status_code == 200 and "at most" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_upload_refuses_rows_outside_the_scope(client, world, media_root):
    """district_legal (鄞州 police) uploads court rows: refused, nothing written."""
    client.force_login(world.user("district_legal"))
    before = registry_state()
    client.post(reverse("cases:import_upload"), {"files": _uploads(SAMPLE)})
    jobs.run_pending()
    run = ImportRun.objects.get()
    assert run.status == "rejected" and registry_state() == before
    assert any(
        e["code"] == "out_of_scope" and e["file"] == "cases.csv" and e["row"] == 1 for e in run.errors_preview
    )


def test_imports_are_scoped(client, world, media_root, tmp_path):
    folder = write_files(
        tmp_path / "in", {"cases.csv": SAMPLE["cases.csv"].replace("civil,closed", "civl,closed")}
    )
    run = start_import([folder], world.user("district_legal"), synchronous=True)
    assert run.unit.code == "330212-PSB-FZ"
    client.force_login(world.user("other_court"))  # 海曙 court: another subtree
    assert client.get(reverse("cases:import_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("cases:import_report", args=[run.pk, "csv"])).status_code == 404
    assert (
        reverse("cases:import_detail", args=[run.pk]).encode()
        not in client.get(reverse("cases:import_list")).content
    )
    assert AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED, object_id=str(run.pk)).exists()
    client.force_login(world.user("city_supervisor"))
    assert client.get(reverse("cases:import_detail", args=[run.pk])).status_code == 200


def test_report_download_is_neutralised_and_audited(client, world, media_root, tmp_path):
    payload = '=HYPERLINK("http://x","click")'
    cases = SAMPLE["cases.csv"].replace("(2021)浙0212民初1235号", '"=HYPERLINK(""http://x"",""click"")"')
    folder = write_files(tmp_path / "in", {**SAMPLE, "cases.csv": cases})
    run = start_import([folder], world.user("city_supervisor"), synchronous=True)
    assert run.status == "rejected"
    client.force_login(world.user("city_supervisor"))
    response = client.get(reverse("cases:import_report", args=[run.pk, "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Value"] for r in rows if r["Issue code"] == "bad_case_number"] == ["'" + payload]
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="cases.importrun").exists()
    xlsx = client.get(reverse("cases:import_report", args=[run.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_case_export_neutralises_an_imported_formula(client, world, media_root, tmp_path):
    """A formula that passed validation (a cause name) is neutralised in the case CSV export."""
    payload = '=HYPERLINK("http://x","click")'
    cases = "unit_code,case_number,case_type,status,filed_at,cause_name\n" + (
        f'330212-PSB-XJ,甬鄞公(刑)立字[2021]00999号,police_criminal,pending,2021-05-01,"{payload.replace(chr(34), chr(34) * 2)}"\n'
    )
    run = start_import([write_files(tmp_path / "in", {"cases.csv": cases})], synchronous=True)
    assert run.status == "imported"
    assert Case.objects.get(case_number="甬鄞公(刑)立字[2021]00999号").cause_name == payload
    client.force_login(world.user("city_supervisor"))
    response = client.get(reverse("cases:case_list") + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + payload in cells
    assert not any(cell.startswith("=") for cell in cells)


def test_api_upload_and_poll(client, world, media_root):
    headers = _token(world.user("city_supervisor"))
    response = client.post(API, {"files": _uploads(SAMPLE), "skip_invalid": "false"}, **headers)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["finished"] is False and body["files"] == list(SAMPLE)
    jobs.run_pending()
    polled = client.get(f"{API}/{body['id']}", **headers)
    assert polled.status_code == 200
    data = polled.json()
    assert data["status"] == "imported" and data["finished"] is True
    assert data["counts"]["events"]["created"] == 6 and data["error_count"] == 0


def test_api_refuses_a_role_without_import(client, world, media_root):
    before = registry_state()
    response = client.post(API, {"files": _uploads(SAMPLE)}, **_token(world.user("district_handler")))
    assert response.status_code == 403
    assert registry_state() == before and not ImportRun.objects.exists()
    assert client.post(API, {"files": _uploads(SAMPLE)}).status_code == 401


def test_api_refuses_rows_outside_the_scope_and_hides_other_imports(client, world, media_root):
    headers = _token(world.user("district_legal"))
    before = registry_state()
    response = client.post(API, {"files": _uploads(SAMPLE)}, **headers)
    assert response.status_code == 202
    jobs.run_pending()
    data = client.get(f"{API}/{response.json()['id']}", **headers).json()
    assert data["status"] == "rejected" and registry_state() == before
    assert {e["code"] for e in data["errors_preview"]} >= {"out_of_scope"}
    other = client.get(f"{API}/{response.json()['id']}", **_token(world.user("other_court")))
    assert other.status_code == 404


def test_api_checks_content(client, world, media_root):
    headers = _token(world.user("city_supervisor"))
    response = client.post(API, {"files": _uploads({"cases.xlsx": b"plain text"})}, **headers)
    assert response.status_code == 422
    assert not ImportRun.objects.exists()

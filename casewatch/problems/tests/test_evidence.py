"""Evidence files: accepted kinds by content, refusals (renamed executables, HTML with script,
macro files, oversized uploads, mismatched names), content-addressed storage, safe download."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casewatch.problems import evidence, services
from casewatch.problems.choices import ProblemStatus
from casewatch.problems.evidence import as_upload
from casewatch.problems.models import Evidence

from .conftest import UNIT_OUT, docx_bytes, make_problem, pdf_bytes, png_bytes, xlsx_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 400
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"PE\x00\x00"
    + b"\x00" * 400
)
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/me').then(r=>r.text()).then(alert)</script></body></html>"


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, format="JPEG")
    return out.getvalue()


def _docm() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        )
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("word/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("整改报告.pdf", pdf_bytes(), "pdf"),
        ("photo.png", png_bytes(), "png"),
        ("photo.JPG", _jpeg(), "jpeg"),
        ("说明.docx", docx_bytes(), "docx"),
        ("台账.xlsx", xlsx_bytes(), "xlsx"),
    ],
)
def test_accepted_kinds(name, data, kind):
    got, sha, size = evidence.inspect(as_upload(data, name))
    assert (got, sha, size) == (kind, hashlib.sha256(data).hexdigest(), len(data))


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        pytest.param("report.pdf", ELF, "type", id="elf-renamed-pdf"),
        pytest.param("report.pdf", PE, "type", id="exe-renamed-pdf"),
        pytest.param("photo.png", PE, "type", id="exe-renamed-png"),
        pytest.param("notice.html", HTML, "type", id="html-with-script"),
        pytest.param("notice.pdf", HTML, "type", id="html-renamed-pdf"),
        pytest.param("notice.txt", b"<script>alert(1)</script>", "type", id="bare-script"),
        pytest.param("macro.docx", _docm(), "macro", id="docx-with-macros"),
        pytest.param("report.docx", pdf_bytes(), "mismatch", id="pdf-named-docx"),
        pytest.param("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "type", id="png-header-on-garbage"),
        pytest.param("empty.pdf", b"", "empty", id="empty"),
    ],
)
def test_refused_files(name, data, code):
    with pytest.raises(ValidationError) as exc:
        evidence.inspect(as_upload(data, name))
    assert exc.value.code == code


def test_oversized_upload_is_refused(settings):
    settings.PROBLEMS_EVIDENCE_MAX_BYTES = 1024
    data = pdf_bytes("x" * 50) + b"%" + b"0" * 2048
    with pytest.raises(ValidationError) as exc:
        evidence.inspect(as_upload(data, "big.pdf"))
    assert exc.value.code == "too_large"


def test_upload_and_download_through_the_page(world, client):
    handler = world.user("handler")
    problem = make_problem(status=ProblemStatus.RECTIFYING, assignee=handler)
    client.force_login(handler)
    data = pdf_bytes("evidence")
    url = reverse("problems:problem_action", args=[problem.pk, "evidence"])
    response = client.post(url, {"file": as_upload(data, "整改<报告>.pdf"), "note": "签字页"})
    assert response.status_code == 302
    item = Evidence.objects.get(problem=problem)
    assert item.kind == "pdf" and item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.file.name == f"problems/evidence/{item.sha256[:2]}/{item.sha256}.pdf"  # never the user's name
    # The same file twice is stored once.
    client.post(url, {"file": as_upload(data, "again.pdf")})
    assert Evidence.objects.filter(problem=problem).count() == 1
    # An executable is refused with a message, nothing stored.
    response = client.post(url, {"file": as_upload(PE, "scan.pdf")}, follow=True)
    assert Evidence.objects.filter(problem=problem).count() == 1
    assert "not accepted" in response.content.decode() or "不" in response.content.decode()
    # Download: an attachment, the recognised type, nosniff, sandboxed.
    response = client.get(reverse("problems:evidence_download", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == data


def test_download_out_of_scope_is_404(world, client):
    problem = make_problem(unit=UNIT_OUT, status=ProblemStatus.SUBMITTED)
    item = Evidence.objects.get(problem=problem)
    client.force_login(world.user("handler"))
    assert client.get(reverse("problems:evidence_download", args=[item.pk])).status_code == 404


def test_only_the_assignee_attaches_evidence(world):
    problem = make_problem(status=ProblemStatus.RECTIFYING, assignee=world.users["handler"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.add_evidence(world.user("handler2"), problem.pk, as_upload(pdf_bytes(), "a.pdf"))
    with pytest.raises(PermissionDenied):
        services.add_evidence(world.user("haishu_sup"), problem.pk, as_upload(pdf_bytes(), "a.pdf"))


def test_safe_filename():
    assert evidence.safe_filename("../../etc/passwd\x00.pdf", "pdf") == "passwd.pdf"
    assert evidence.safe_filename("报告.PDF", "pdf") == "报告.PDF"
    assert evidence.safe_filename("photo.exe", "png") == "photo.png"

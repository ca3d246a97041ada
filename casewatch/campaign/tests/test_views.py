"""Pages, exports and API of the campaign module: the permission matrix, bad input, DOCX and PDF."""

import datetime as dt
import io

import pytest

from casewatch.campaign import services
from casewatch.campaign.models import Attendance, EducationSession, Norm, NormLink, ReportSnapshot
from casewatch.core.models import Unit
from casewatch.core.testing import ACTION, DETAIL, LIST, Expect, Probe, check_cell, matrix_params, request_as

IN_OUT = {"in_scope": "district_legal", "out_of_scope": "other_court", "no_permission": "noscope"}


@pytest.fixture
def snap(world):
    """A report of 鄞州 police (district_legal's scope)."""
    unit = Unit.objects.get(code="330212-PSB")
    return services.freeze_report(
        world.user("district_legal"), unit, dt.date(2026, 1, 1), dt.date(2026, 9, 30)
    )


PROBES = [
    Probe("sessions", "/campaign/education/", kind=LIST, marker="警示教育大会"),
    Probe("session", "/campaign/education/{w.session.pk}/", kind=DETAIL, marker="警示教育大会"),
    Probe("norms", "/campaign/norms/?q=红线", kind=LIST, marker="八条红线"),
    Probe("topics", "/campaign/topics/", kind=LIST, marker="健全专职法制员制度"),
    Probe("api-sessions", "/api/v1/campaign/sessions/", kind=LIST, api=True, marker="警示教育大会"),
    Probe("api-norms", "/api/v1/campaign/norms/?q=红线", kind=LIST, api=True, marker="八条红线"),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, world, probe, cell):
    check_cell(client, world, probe, cell)


SNAP_PROBES = [
    Probe("snapshot", "/campaign/report/{w.snap.pk}/", kind=DETAIL, marker="认罪认罚适用率"),
    Probe("snapshot-docx", "/campaign/report/{w.snap.pk}/?format=docx", kind=DETAIL, users=IN_OUT),
    Probe(
        "api-snapshot", "/api/v1/campaign/snapshots/{w.snap.pk}/", kind=DETAIL, api=True, marker="plea_rate"
    ),
    Probe("api-snapshots", "/api/v1/campaign/snapshots/", kind=LIST, api=True, marker="330212-PSB"),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(SNAP_PROBES))
def test_snapshot_permission_matrix(client, world, snap, probe, cell):
    world.extra["snap"] = snap
    check_cell(client, world, probe, cell)


def test_a_district_user_cannot_compute_another_districts_report(client, world):
    before = ReportSnapshot.objects.count()
    r = request_as(
        client,
        world.user("district_legal"),
        "/campaign/report/",
        method="post",
        data={"unit_code": "330203", "start": "2026-01-01", "end": "2026-09-30"},
    )
    assert r.status_code == 404
    r = request_as(
        client,
        world.user("district_legal"),
        "/api/v1/campaign/report/",
        method="post",
        api=True,
        data={"unit_code": "330203", "start": "2026-01-01", "end": "2026-09-30"},
    )
    assert r.status_code == 404
    assert ReportSnapshot.objects.count() == before


def test_reversed_period_is_refused_in_page_and_api(client, world):
    before = ReportSnapshot.objects.count()
    user = world.user("district_legal")
    r = request_as(
        client, user, "/campaign/report/", method="post", data={"start": "2026-09-30", "end": "2026-01-01"}
    )
    assert r.status_code == 302
    page = client.get("/campaign/report/")
    assert "2026-01-01" in page.content.decode() and "2026-09-30" in page.content.decode()
    r = request_as(
        client,
        user,
        "/api/v1/campaign/report/",
        method="post",
        api=True,
        data={"start": "2026-09-30", "end": "2026-01-01"},
    )
    assert r.status_code == 422 and "2026-01-01" in r.json()["message"]
    assert ReportSnapshot.objects.count() == before


def _members(blob: bytes) -> dict:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_docx_and_pdf_carry_the_figures_in_chinese(client, world, snap):
    from docx import Document
    from pypdf import PdfReader

    client.force_login(world.user("district_legal"))
    r = client.get(f"/campaign/report/{snap.pk}/?format=docx")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    assert "警示教育覆盖人数" in text and "认罪认罚适用率" in text
    assert doc.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    r2 = client.get(f"/campaign/report/{snap.pk}/?format=docx")
    assert _members(r2.content) == _members(r.content)  # same bytes in every part (zip dates aside)
    r = client.get(f"/campaign/report/{snap.pk}/?format=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    # fpdf2 writes CID text that pypdf extracts as UTF-16 units: drop the NUL halves.
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages).replace(
        "\x00", ""
    )
    assert "警示教育覆盖人数" in pdf_text
    assert "2 / 5" in text and "40.0" in text  # people reached / roster, coverage


def test_two_snapshots_render_the_same_text(client, world, snap):
    from docx import Document

    again = services.freeze_report(world.user("district_legal"), snap.unit, snap.period_start, snap.as_of)
    client.force_login(world.user("district_legal"))

    def body(s):
        d = Document(io.BytesIO(client.get(f"/campaign/report/{s.pk}/?format=docx").content))
        rows = [[c.text for c in row.cells] for t in d.tables for row in t.rows]
        return [r[:3] for r in rows]  # the change column differs: the second has a previous report

    assert body(again) == body(snap)
    assert again.digest == snap.digest


def test_future_session_is_refused(client, world):
    before = EducationSession.objects.count()
    client.force_login(world.user("district_legal"))
    r = client.post(
        "/campaign/education/new/",
        {"unit_code": "330212-PSB", "title": "未来", "held_on": "2099-01-01", "form": "meeting"},
        follow=True,
    )
    assert "future" in r.content.decode() or "未来" in r.content.decode()
    assert EducationSession.objects.count() == before


def test_attendance_import_reports_every_bad_row_and_writes_nothing(world):
    s = world.session
    before = Attendance.objects.filter(session=s).count()
    data = "工号,姓名\nE-003,李二\nNOBODY,某人\n,空\nE-005,赵四\nE-005,赵四\n".encode()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.import_attendance(world.user("district_legal"), s, data, "list.csv")
    errors = exc.value.params["errors"]
    assert [(e["row"], e["value"]) for e in errors] == [(3, "NOBODY"), (4, ""), (6, "E-005")]
    assert all(e["file"] == "list.csv" and e["column"] == "staff_no" for e in errors)
    assert Attendance.objects.filter(session=s).count() == before


def test_attendance_import_gb18030_and_xlsx(world):
    from openpyxl import Workbook

    s = world.session
    ok = services.import_attendance(
        world.user("district_legal"), s, "工号\nE-004\nE-003\n".encode("gb18030"), "l.csv"
    )
    assert ok == {"added": 1, "present": 1}  # 李二 (E-003) was already there
    book = Workbook()
    book.active.append(["staff_no"])
    book.active.append(["E-005"])
    buf = io.BytesIO()
    book.save(buf)
    assert services.import_attendance(world.user("district_legal"), s, buf.getvalue(), "l.xlsx")["added"] == 1


def test_qr_signin_once_and_only_for_the_roster(client, world):
    s = world.session
    token = services.open_signin(world.user("district_legal"), s)
    url = f"/campaign/signin/{token}/"
    client.logout()
    r = client.post(url, {"staff_no": "E-004", "id_tail": "0000"})
    assert r.status_code == 200 and "signed-in" in r.content.decode()
    r = client.post(url, {"staff_no": "E-004", "id_tail": "0000"})
    assert "signed-in" not in r.content.decode()  # twice is refused
    r = client.post(
        url, {"staff_no": "T-CRT-0001", "id_tail": "4321"}
    )  # 海曙 court staff: not on this roster
    assert "signed-in" not in r.content.decode()
    r = client.post(url, {"staff_no": "E-003", "id_tail": "9999"})  # wrong ID ending
    assert "signed-in" not in r.content.decode()
    assert client.get("/campaign/signin/not-a-token/").status_code == 404


def test_norm_link_to_a_missing_rule_is_refused(world):
    from django.core.exceptions import ValidationError

    norm = Norm.objects.get(title__contains="八条红线")
    with pytest.raises(ValidationError):
        services.link_norm(world.user("district_legal"), norm, "screening_rule", "XX-99")
    assert not NormLink.objects.filter(norm=norm).exists()
    link = services.link_norm(world.user("district_legal"), norm, "screening_rule", "CR-04")
    assert list(services.norms_for("screening_rule", "CR-04")) == [norm] and link.pk


@pytest.mark.parametrize("who", ["district_handler", "city_auditor"])
def test_roles_without_change_cannot_record(client, world, who):
    before = EducationSession.objects.count()
    r = request_as(
        client,
        world.user(who),
        "/campaign/education/new/",
        method="post",
        data={"unit_code": "330212-PSB", "title": "x", "held_on": "2026-01-05", "form": "meeting"},
    )
    assert r.status_code == 403
    assert EducationSession.objects.count() == before


ACTIONS = [
    Probe(
        "signin-open",
        "/campaign/education/{w.session.pk}/open/",
        kind=ACTION,
        method="post",
        expect={"in_scope": Expect(302)},
    )
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(ACTIONS))
def test_action_matrix(client, world, probe, cell):
    check_cell(client, world, probe, cell)

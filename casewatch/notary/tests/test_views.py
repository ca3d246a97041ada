"""Permission matrix of every staff page, export and API endpoint; masking and audited reveal;
import with malformed input; the public pages' bad input."""

import datetime as dt

import pytest
from django.utils import translation

from casewatch.core.models import AuditLog
from casewatch.core.testing import DETAIL, LIST, Expect, Probe, check_cell, matrix_params
from casewatch.notary import services
from casewatch.notary.choices import Channel
from casewatch.notary.models import Application, MatterType
from casewatch.notary.tests.conftest import ID_OK, files_for, upload

pytestmark = pytest.mark.django_db

USERS = {"in_scope": "notary_in", "out_of_scope": "notary_out", "no_permission": "noscope"}


@pytest.fixture
def app_in(world):
    ms = list(MatterType.objects.filter(code__in=["birth", "degree"]))
    app = services.submit_application(
        None,
        channel=Channel.ONLINE,
        office_code="330212-JUS-GZ",
        applicant_name="赵六",
        id_number=ID_OK,
        phone="13812345678",
        matter_codes=["birth", "degree"],
        files=files_for(*ms),
    )
    notary = world.user("notary_in")
    item = app.items.get(matter__code="birth")
    services.accept(notary, item, on=dt.date(2026, 3, 2))
    for m in item.materials.all():
        services.check_material(notary, m)
    services.approve(notary, item, on=dt.date(2026, 3, 3))
    cert = services.issue(notary, item, on=dt.date(2026, 3, 4))
    world.extra.update(app_in=app, cert_in=cert, material_in=item.materials.first())
    return app


PROBES = [
    Probe("queue", "/notary/?status=all", kind=LIST, marker="{w.app_in.number}", users=USERS),
    Probe(
        "detail", "/notary/applications/{w.app_in.pk}/", kind=DETAIL, marker="{w.app_in.number}", users=USERS
    ),
    Probe("certs", "/notary/certificates/", kind=LIST, marker="{w.cert_in.number}", users=USERS),
    Probe("cert-pdf", "/notary/certificates/{w.cert_in.pk}.pdf", kind=DETAIL, users=USERS),
    Probe("material", "/notary/materials/{w.material_in.pk}/", kind=DETAIL, users=USERS),
    Probe("measures", "/notary/measures/?since=2026-01-01", kind=LIST, marker="330212-JUS-GZ", users=USERS),
    Probe(
        "measures-xlsx",
        "/notary/measures/?since=2026-01-01&format=xlsx",
        kind=LIST,
        marker="330212-JUS-GZ",
        users=USERS,
        expect={"no_permission": Expect(403)},
    ),
    Probe(
        "api-list",
        "/api/v1/notary/applications",
        kind=LIST,
        api=True,
        marker="{w.app_in.number}",
        users=USERS,
    ),
    Probe(
        "api-detail",
        "/api/v1/notary/applications/{w.app_in.pk}",
        kind=DETAIL,
        api=True,
        marker="{w.app_in.number}",
        users=USERS,
    ),
]


@pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
def test_permission_matrix(client, world, app_in, probe, cell):
    check_cell(client, world, probe, cell)


def test_personal_data_masked_reveal_audited(client, world, app_in):
    client.force_login(world.user("notary_in"))
    body = client.get(f"/notary/applications/{app_in.pk}/").content.decode()
    assert ID_OK not in body and "1101**********4514" in body and "138****5678" in body
    api = client.get("/api/v1/notary/applications").json()
    assert api[0]["id_number"] == "1101**********4514" and api[0]["applicant_name"] == "赵*"
    r = client.post(f"/notary/applications/{app_in.pk}/reveal/id_number/")
    assert r.content.decode() == ID_OK
    assert AuditLog.objects.filter(
        action="reveal", object_id=str(app_in.pk), user=world.user("notary_in")
    ).exists()
    client.force_login(world.user("notary_out"))
    assert client.post(f"/notary/applications/{app_in.pk}/reveal/id_number/").status_code == 404


def test_import_malformed_then_valid(client, world):
    client.force_login(world.user("notary_in"))
    header = "external_ref,office,applicant_name,id_number,phone,matters,submitted_on\n"
    bad = header + (
        "EXT-1,330212-JUS-GZ,张三,110101199003074515,13812345678,birth,2026-03-01\n"
        "EXT-1,330203-JUS-GZ,,110101199003074514,123,nope,2026-13-01\n"
    )
    r = client.post("/notary/import/", {"file": upload("a.csv", bad.encode("gb18030"))})
    body = r.content.decode()  # pages are Chinese by default; English texts are tested on the services
    assert 'data-testid="import-errors"' in body
    for text in (
        "校验位不正确",
        "该编号已导入过",
        "不是您权限范围内的公证处",
        "未知的公证事项",
        "YYYY-MM-DD",
        "<td>3</td><td>phone</td>",
    ):
        assert text in body, text
    assert Application.objects.count() == 0
    good = header + "EXT-1,330212-JUS-GZ,张三,110101199003074514,13812345678,birth;kinship,2026-03-01\n"
    client.post("/notary/import/", {"file": upload("a.csv", good.encode("utf-8-sig"))})
    app = Application.objects.get()
    assert app.channel == "import" and app.items.count() == 2
    r = client.post("/notary/import/", {"file": upload("a.csv", b"only,some,columns\n1,2,3\n")})
    assert "缺少列：external_ref" in r.content.decode()
    assert Application.objects.count() == 1


def test_public_identify_bad_id(client, world):
    r = client.post(
        "/notary/apply/", {"applicant_name": "张三", "id_number": ID_OK[:-1] + "5", "phone": "13812345678"}
    )
    assert r.status_code == 200 and 'data-testid="error-id_number"' in r.content.decode()
    assert client.get("/notary/my/").status_code == 302  # not identified yet


def test_window_intake_two_steps_all_or_nothing(client, world):
    client.force_login(world.user("notary_in"))
    base = {
        "office": "330212-JUS-GZ",
        "applicant_name": "钱七",
        "id_number": ID_OK,
        "phone": "13812345678",
        "matters": ["kinship", "will"],
    }
    body = client.post("/notary/window/", base).content.decode()
    assert 'name="file:will:will_text"' in body and 'name="go"' in body and Application.objects.count() == 0
    with translation.override("en"):
        body = client.post("/notary/window/", {**base, "go": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="errors"' in body and Application.objects.count() == 0
    kinship, will = MatterType.objects.get(code="kinship"), MatterType.objects.get(code="will")
    files = {f"file:{k}": v for k, v in files_for(kinship, will).items()}
    r = client.post("/notary/window/", {**base, "go": "1", **files})
    app = Application.objects.get()
    assert r.status_code == 302 and app.channel == "window" and app.items.count() == 2
    assert app.items.get(matter__code="will").materials.count() == 3


def test_api_list_query_count_does_not_grow(client, world, app_in, django_assert_max_num_queries):
    for _ in range(3):
        ms = list(MatterType.objects.filter(code__in=["degree"]))
        services.submit_application(
            None,
            channel=Channel.ONLINE,
            office_code="330212-JUS-GZ",
            applicant_name="孙八",
            id_number=ID_OK,
            phone="13812345678",
            matter_codes=["degree"],
            files=files_for(*ms),
        )
    client.force_login(world.user("notary_in"))
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/notary/applications").json()
    assert len(body) == 4 and body[-1]["items"][0]["certificate"] == world.cert_in.number

"""The material check and the certificate revocation validate their POST with a form: a malformed
``ok`` flag or a missing / too long reason is a bilingual field error and nothing is written;
another office's material or certificate is a 404."""

import datetime as dt

import pytest

from casewatch.core.models import AuditLog
from casewatch.notary import services
from casewatch.notary.choices import Channel
from casewatch.notary.models import Certificate, Material, MatterType
from casewatch.notary.tests.conftest import ID_OK, files_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(world):
    ms = list(MatterType.objects.filter(code__in=["birth"]))
    app = services.submit_application(
        None,
        channel=Channel.ONLINE,
        office_code="330212-JUS-GZ",
        applicant_name="赵六",
        id_number=ID_OK,
        phone="13812345678",
        matter_codes=["birth"],
        files=files_for(*ms),
    )
    item = app.items.get()
    services.accept(world.user("notary_in"), item, on=dt.date(2026, 3, 2))
    return item


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _audits() -> int:
    return AuditLog.objects.count()


@pytest.mark.parametrize("ok", [None, "", "yes", "2", "true"])
def test_material_check_malformed_flag_refused(client, world, accepted, ok):
    material = accepted.materials.first()
    client.force_login(world.user("notary_in"))
    before = _audits()
    data = {} if ok is None else {"ok": ok}
    r = client.post(f"/notary/materials/{material.pk}/check/", data, follow=True)
    text = _messages(r)
    assert "Material checked" in text and "材料" in text, text
    assert not Material.objects.get(pk=material.pk).checked
    assert _audits() == before


def test_material_check_valid_and_other_office(client, world, accepted):
    material = accepted.materials.first()
    client.force_login(world.user("notary_out"))
    assert client.post(f"/notary/materials/{material.pk}/check/", {"ok": "1"}).status_code == 404
    assert not Material.objects.get(pk=material.pk).checked
    client.force_login(world.user("notary_in"))
    client.post(f"/notary/materials/{material.pk}/check/", {"ok": "1"})
    assert Material.objects.get(pk=material.pk).checked
    client.post(f"/notary/materials/{material.pk}/check/", {"ok": "0"})
    assert not Material.objects.get(pk=material.pk).checked


@pytest.fixture
def cert(world, accepted):
    notary = world.user("notary_in")
    for m in accepted.materials.all():
        services.check_material(notary, m)
    services.approve(notary, accepted, on=dt.date(2026, 3, 3))
    return services.issue(notary, accepted, on=dt.date(2026, 3, 4))


@pytest.mark.parametrize(("reason", "needle"), [(None, "required"), ("   ", "required"), ("x" * 301, "300")])
def test_revoke_malformed_reason_refused(client, world, cert, reason, needle):
    client.force_login(world.user("notary_in"))
    before = _audits()
    data = {} if reason is None else {"reason": reason}
    r = client.post(f"/notary/certificates/{cert.pk}/revoke/", data, follow=True)
    text = _messages(r)
    assert "Reason" in text and needle in text and "理由" in text, text
    assert Certificate.objects.get(pk=cert.pk).revoked_at is None
    assert _audits() == before


def test_revoke_valid_and_other_office(client, world, cert):
    client.force_login(world.user("notary_out"))
    assert client.post(f"/notary/certificates/{cert.pk}/revoke/", {"reason": "错误"}).status_code == 404
    assert Certificate.objects.get(pk=cert.pk).revoked_at is None
    client.force_login(world.user("notary_in"))
    client.post(f"/notary/certificates/{cert.pk}/revoke/", {"reason": "  材料虚假  "})
    cert.refresh_from_db()
    assert cert.revoked_at is not None and cert.revoke_reason == "材料虚假"

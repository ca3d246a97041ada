"""Phone-sized (390×844) applicant journey: identify with a code, apply for two matters at once,
upload materials, follow the status to the issued certificate and its verification page.
The notary side is driven by service calls."""

import datetime as dt
import re

import pytest

from casewatch.core import testing
from casewatch.core.choices import Role
from casewatch.core.services_org import seed_ningbo
from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)
from casewatch.notary import senders, services
from casewatch.notary.models import Item
from casewatch.notary.tests.conftest import ID_OK, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applicant_two_matters_on_phone(new_page, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed_ningbo()
    notary = testing.make_user("notary_b", Role.NOTARY, "330212-JUS-GZ", "330212-JUS-GZ")
    from casewatch.notary.catalogue import upsert_catalogue
    from casewatch.notary.models import MatterType

    upsert_catalogue(MatterType)
    senders.outbox.clear()
    page = new_page(width=390, height=844)
    page.goto("/notary/apply/")
    page.fill("#id_applicant_name", "张三")
    page.fill("#id_id_number", ID_OK)
    page.fill("#id_phone", "13812345678")
    page.click("[data-testid=send-code]")
    page.wait_for_selector("[data-testid=code-form]")
    code = re.search(r"\d{6}", senders.outbox[-1][1]).group(0)
    page.fill("#id_code", code)
    page.click("[data-testid=verify-code]")
    page.select_option("#office", "330212-JUS-GZ")
    page.check("[data-testid=matter-birth]")
    page.check("[data-testid=matter-degree]")
    page.click("[data-testid=next]")
    for i, slot in enumerate(
        ["birth:id_card", "birth:household", "birth:birth_cert", "degree:id_card", "degree:diploma"]
    ):
        path = tmp_path / f"m{i}.pdf"
        path.write_bytes(pdf_bytes(f"material {slot}"))
        page.set_input_files(f"[data-testid='file-{slot}']", str(path))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=item-birth]")
    assert "已提交" in page.inner_text("[data-testid=status-birth]")
    assert "已提交" in page.inner_text("[data-testid=status-degree]")
    # the notary accepts, checks, approves and issues both
    for item in Item.objects.all():
        services.accept(notary, item, on=dt.date(2026, 3, 2))
        for m in item.materials.all():
            services.check_material(notary, m)
        services.approve(notary, item, on=dt.date(2026, 3, 3))
        services.issue(notary, item, on=dt.date(2026, 3, 4))
    page.reload()
    assert "已出具公证书" in page.inner_text("[data-testid=status-birth]")
    assert "已出具公证书" in page.inner_text("[data-testid=status-degree]")
    with page.expect_download() as dl:
        page.click("[data-testid=cert-birth]")
    assert dl.value.path().read_bytes().startswith(b"%PDF-")
    page.click("[data-testid=verify-degree]")
    state = page.locator("[data-testid=verify-state]")
    assert state.get_attribute("data-state") == "valid"
    assert "学历学位公证" in state.inner_text() and "张*" in state.inner_text()

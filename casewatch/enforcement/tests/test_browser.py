"""Playwright: a court clerk issues a certificate of voluntary performance and the public page verifies it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from casewatch.core.testing import PASSWORD, make_user
from casewatch.tests_browser.conftest import browser, new_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def judgment(transactional_db):
    from casewatch.cases.models import Case, CaseParty, Party
    from casewatch.core.choices import Role
    from casewatch.core.services_org import seed_ningbo
    from casewatch.enforcement.models import DebtorPayment, PerformanceDeadline

    seed_ningbo()
    make_user("clerk", Role.ENFORCEMENT_OFFICER, "330212-CRT", "330212-CRT-ZX")
    today = dt.date.today()
    debtor = Party.objects.create(
        party_id="91330212MA2DDDDD4X", kind="organisation", name="宁波丁机械有限公司"
    )
    creditor = Party.objects.create(
        party_id="91330212MA2EEEEE5X", kind="organisation", name="宁波戊钢材有限公司"
    )
    case = Case.objects.create(
        unit_id="330212-CRT",
        case_number="（2026）浙0212民初777号",
        case_type="civil",
        status="closed",
        outcome="judgment",
        filed_at=today - dt.timedelta(days=90),
        closed_at=today - dt.timedelta(days=40),
    )
    CaseParty.objects.create(case=case, party=debtor, role="defendant")
    CaseParty.objects.create(case=case, party=creditor, role="plaintiff")
    PerformanceDeadline.objects.create(
        unit_id="330212-CRT",
        case_number=case.case_number,
        case=case,
        debtor_party_id=debtor.party_id,
        effective_on=today - dt.timedelta(days=25),
        perform_by=today - dt.timedelta(days=15),
        amount_due=Decimal("123456.78"),
    )
    DebtorPayment.objects.create(
        payment_id="BR-PAY-1",
        unit_id="330212-CRT",
        case_number=case.case_number,
        case=case,
        debtor_party_id=debtor.party_id,
        paid_on=today - dt.timedelta(days=16),
        amount=Decimal("123456.78"),
        channel="bank_transfer",
    )
    return case


def test_clerk_issues_certificate_and_public_page_verifies_it(new_page, judgment):  # noqa: F811
    page = new_page()
    page.goto("/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto("/enforcement/incentive/?reason=eligible")
    row = page.locator("#eligibility tr", has_text="（2026）浙0212民初777号")
    assert "符合条件" in row.inner_text()
    with page.expect_navigation():
        row.locator("button.issue").click()
    assert "已出具证明书" in page.content()
    code = page.locator("#verification-code").inner_text()
    url = page.locator("#verify-link").get_attribute("href")
    assert len(code) == 24 and "number=" in url
    # a bank clerk with no account opens the link from the QR
    public = new_page()
    public.goto(url)
    assert "有效" in public.locator("#verify-status").inner_text()
    facts = public.locator("#certificate-facts").inner_text()
    assert "宁波丁机械有限公司" in facts and "123,456.78" in facts and "（2026）浙0212民初777号" in facts
    assert "91330212MA2DDDDD4X" not in public.content()  # facts only
    # a mistyped code is not valid
    public.goto(url[:-1] + ("0" if url[-1] != "0" else "1"))
    assert "无效" in public.locator("#verify-status").inner_text()

"""Enforcement audit messages in the reader's language (issue 12, item 11): stored as written
(English, codes inside), shown translated with the statement's line statuses by their labels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import translation

from casewatch.core.audit_text import message_text
from casewatch.core.models import AuditLog, Unit
from casewatch.core.testing import message_in_both as _both
from casewatch.enforcement import certificates, funds, repairs
from casewatch.enforcement.choices import LineStatus
from casewatch.enforcement.models import Certificate, CreditRepair
from casewatch.enforcement.tests.test_views import STATEMENT

pytestmark = pytest.mark.django_db


def _last(obj) -> str:
    return (
        AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .exclude(message="")
        .latest("id")
        .message
    )


def test_statement_repair_and_certificate_messages_read_in_chinese_and_english(world):
    officer = world.user("enf_officer")
    imp = funds.import_statement(officer, Unit.objects.get(code="330212-CRT"), "stmt.csv", STATEMENT.encode())
    stored = _last(imp)
    assert stored.startswith("bank statement stmt.csv: {'") and "'matched': 2" in stored
    zh, en = _both(stored)
    with translation.override("zh-hans"):
        matched, duplicate = str(LineStatus.MATCHED.label), str(LineStatus.DUPLICATE.label)
    assert zh.startswith("银行流水 stmt.csv 已对账：") and f"{matched} 2" in zh and f"{duplicate} 1" in zh
    assert "matched" not in zh and "{" not in zh
    assert en.startswith("bank statement stmt.csv reconciled: ") and "Matched 2" in en

    cert = Certificate.objects.get(pk=world.cert_in.pk)
    certificates.revoke(officer, cert, "违反承诺")
    assert _last(cert) == "certificate revoked"
    assert _both("certificate revoked") == ("证明书已撤销", "enforcement certificate revoked")

    listing = world.listing_in
    repair = CreditRepair.objects.create(
        repair_id="T-AUD-1",
        unit_id="330212-CRT",
        case_number=listing.case_number,
        case=listing.case,
        debtor_party_id=listing.debtor_party_id,
        listing_id=listing.listing_id,
        applied_on=dt.date(2026, 9, 1),
        pledge_on=dt.date(2026, 9, 1),
        status="applied",
    )
    repairs.revoke(officer, repair, "未按计划履行")
    stored = _last(repair)
    assert stored == "credit repair revoked: 未按计划履行"
    assert _both(stored) == ("信用修复已撤销：未按计划履行", "credit repair revoked: 未按计划履行")


def test_a_reveal_names_the_page():
    # `views._reveal` stores the request path as the message
    src = (Path(funds.__file__).parent / "views.py").read_text(encoding="utf-8")
    assert 'object_type="enforcement.debtors", message=request.path' in src
    with translation.override("zh-hans"):
        assert message_text("/enforcement/") == "在“失信被执行人名单”页面查看了被执行人完整个人信息"
        assert (
            message_text("/enforcement/elsewhere/")
            == "在“/enforcement/elsewhere/”页面查看了被执行人完整个人信息"
        )
    with translation.override("en"):
        assert (
            message_text("/enforcement/") == "debtors' personal data shown in full on Dishonest-debtor list"
        )


def test_an_unknown_message_is_shown_as_stored():
    assert _both("bank statement without counts") == ("bank statement without counts",) * 2

"""Malformed POSTs to the enforcement pages: refused by a form, in both languages, nothing written."""

from __future__ import annotations

import datetime as dt

from casewatch.core.models import Unit  # noqa: E402
from casewatch.enforcement.models import (
    Certificate,
    ClearanceBatch,
    CreditRepair,
    FeeReduction,
    HonourBatch,
    RepairInstalment,
    StatementImport,
)

D = dt.date


def _post(client, user, url, data, **kw) -> list[str]:
    """POST, follow back to the page and return the messages it showed (consumed there)."""
    client.force_login(user)
    response = client.post(url, data, follow=True, **kw)
    assert response.status_code == 200, response.status_code
    return [str(m) for m in response.context["messages"]]


def _repair(world, repair_id="T-XF-F"):
    listing = world.listing_in
    return CreditRepair.objects.create(
        repair_id=repair_id,
        unit_id="330212-CRT",
        case_number=listing.case_number,
        case=listing.case,
        debtor_party_id=listing.debtor_party_id,
        listing_id=listing.listing_id,
        applied_on=D(2026, 9, 1),
        pledge_on=D(2026, 9, 1),
        status="applied",
    )


def test_fee_reduction_with_a_word_for_an_amount(client, world):
    url = f"/enforcement/certificates/{world.cert_in.number}/fee-reduction/"
    msgs = _post(client, world.user("enf_officer"), url, {"amount": "abc", "reason": "减半"})
    assert msgs == ["金额（元）: 请输入数字。 / Amount (yuan): Enter a number."]
    msgs = _post(client, world.user("enf_officer"), url, {"amount": "-5", "reason": ""})
    assert any("这个字段是必填项。" in m and "This field is required." in m for m in msgs), msgs
    assert any("Ensure this value is greater than or equal to 0.01" in m for m in msgs), msgs
    assert not FeeReduction.objects.exists()


def test_certificate_issue_with_a_case_that_is_not_a_number(client, world):
    before = Certificate.objects.count()
    msgs = _post(
        client,
        world.user("enf_officer"),
        "/enforcement/certificates/issue/",
        {"case_id": "12; DROP", "debtor_party_id": world.extra["parties"]["ORG-B"].party_id},
    )
    assert msgs == ["案件: 请输入整数。 / Case: Enter a whole number."]
    assert Certificate.objects.count() == before


def test_certificate_revoke_without_a_reason(client, world):
    msgs = _post(
        client, world.user("enf_officer"), f"/enforcement/certificates/{world.cert_in.number}/revoke/", {}
    )
    assert msgs and "This field is required." in msgs[0] and "这个字段是必填项。" in msgs[0]
    assert Certificate.objects.get(pk=world.cert_in.pk).revoked_at is None


def test_repair_step_unknown_and_bad_instalments(client, world):
    r = _repair(world)
    url = f"/enforcement/repairs/{r.repair_id}/step/"
    officer = world.user("enf_officer")
    msgs = _post(client, officer, url, {"step": "erase"})
    assert len(msgs) == 1 and "Select a valid choice. erase is not one of the available choices." in msgs[0]
    assert "选择一个有效的选项" in msgs[0]
    msgs = _post(
        client, officer, url, {"step": "shield", "due_on": ["2026-02-30", ""], "amount": ["100", ""]}
    )
    assert msgs == ["分期「2026-02-30 100」无效 / Instalment '2026-02-30 100' is not a date and an amount."]
    msgs = _post(client, officer, url, {"step": "shield", "due_on": ["2099-01-01"], "amount": ["1e999999"]})
    assert msgs == [
        "分期「2099-01-01 1e999999」无效 / Instalment '2099-01-01 1e999999' is not a date and an amount."
    ]
    assert not RepairInstalment.objects.filter(repair=r).exists()
    assert CreditRepair.objects.get(pk=r.pk).status == "applied"


def test_batch_with_a_certificate_that_is_not_a_number_and_an_unknown_action(client, world):
    officer = world.user("enf_officer")
    msgs = _post(
        client,
        officer,
        "/enforcement/batches/",
        {"unit": "330212-CRT", "title": "第二批", "certificate": [str(world.cert_in.pk), "x"]},
    )
    assert len(msgs) == 1 and "The selection is not a list of record numbers." in msgs[0]
    assert not HonourBatch.objects.filter(title="第二批").exists()
    batch = HonourBatch.objects.create(
        unit=Unit.objects.get(code="330212-CRT"), title="第三批", created_by=officer
    )
    msgs = _post(client, officer, f"/enforcement/batches/{batch.pk}/", {"action": "delete"})
    assert len(msgs) == 1 and "delete is not one of the available choices" in msgs[0]
    after = HonourBatch.objects.get(pk=batch.pk)
    assert after.approved_at is None and after.published_at is None and not after.pushes.exists()


def test_clearance_with_a_bad_cut_off_day_is_refused_not_defaulted(client, world):
    msgs = _post(
        client,
        world.user("enf_officer"),
        "/enforcement/funds/?as_of=2026-09-30",
        {"unit": "330212-CRT", "title": "清理", "held_since": "2026-13-01"},
    )
    assert msgs == ["到账日不晚于: 输入一个有效的日期。 / Received on or before: Enter a valid date."]
    assert not ClearanceBatch.objects.filter(title="清理").exists()


def test_statement_upload_without_a_file(client, world):
    msgs = _post(
        client, world.user("enf_officer"), "/enforcement/funds/statements/new/", {"unit": "330212-CRT"}
    )
    assert msgs == ["文件: 这个字段是必填项。 / File: This field is required."]
    assert not StatementImport.objects.exists()


def test_listing_deletion_with_a_bad_date(client, world):
    msgs = _post(
        client,
        world.user("enf_officer"),
        f"/enforcement/listings/{world.listing_in.listing_id}/delete/",
        {"deleted_on": "yesterday", "trigger": "performed"},
    )
    assert msgs == ["删除日期: 输入一个有效的日期。 / Deleted on: Enter a valid date."]
    world.listing_in.refresh_from_db()
    assert world.listing_in.deleted_on is None

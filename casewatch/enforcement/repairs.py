"""Credit repair (信用修复): the five conditions checked against records, the four steps with deadlines.

Steps (绵竹 rules, ../shared/domain/anchors.md §5.7; shielding after 宁波 江北, rules-cn.md §4.4):

1. **Application** with a credit pledge (信用承诺书) — ``applied_on``, ``pledge_on``.
2. **Verification** of the conditions, due 15 days after the application (a design choice modelled
   on the correction review of art. 12; no national rule fixes it). Instead of a deletion the court
   may **temporarily shield** (暂时屏蔽) the listing with a performance plan in instalments.
3. **Deletion** of the listing within 3 working days of the verification (art. 10, 2017).
4. **Follow-up**: completed no earlier than 30 days after the deletion (or the end of the plan), or
   the repair is **revoked** and the listing restored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from casewatch.analytics import enforcement as enf
from casewatch.analytics import timelimits
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.permissions import user_can
from casewatch.enforcement.models import (
    CreditRepair,
    DebtorPayment,
    DishonestListing,
    EnforcementFiling,
    EnforcementRuling,
    EnforcementSettlement,
    RepairInstalment,
)

VERIFY_DAYS = 15
FOLLOW_UP_DAYS = 30


def deadlines(repair: CreditRepair) -> dict:
    """Due dates of the steps (None when the previous step has not happened)."""
    out = {
        "verify_due": timelimits.due_date(repair.applied_on, days=VERIFY_DAYS),
        "delete_due": None,
        "follow_up_from": None,
    }
    if repair.verified_on and repair.status != "shielded":
        out["delete_due"] = enf.add_working_days(repair.verified_on, enf.DELETE_WORKDAYS)
    if repair.deleted_on:
        out["follow_up_from"] = repair.deleted_on + dt.timedelta(days=FOLLOW_UP_DAYS)
    return out


def checklist(repair: CreditRepair) -> list[dict]:
    """The five conditions, each with what the records say (None: needs the officer's declaration)."""
    case = repair.case
    filing = EnforcementFiling.objects.filter(case=case).first()
    paid = DebtorPayment.objects.filter(case=case, debtor_party_id=repair.debtor_party_id).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    other_open = (
        EnforcementFiling.objects.filter(
            debtor_party_id=repair.debtor_party_id, case__status__in=("pending", "suspended")
        )
        .exclude(case=case)
        .exists()
    )
    settled = EnforcementSettlement.objects.filter(case=case, performed_on__isnull=False).exists()
    planned = repair.instalments.exists()
    ruled = EnforcementRuling.objects.filter(
        case=case, kind__in=("suspended_retrial", "suspended_bankruptcy", "terminated")
    ).exists()
    full = filing is not None and paid >= filing.amount_sought
    return [
        {
            "n": "1",
            "met": full and not other_open,
            "evidence": f"paid {paid:.2f} of {filing.amount_sought if filing else '—'}; other open cases: {other_open}",
        },
        {
            "n": "2",
            "met": settled or planned,
            "evidence": f"settlement performed: {settled}; plan: {planned}",
        },
        {"n": "3", "met": None, "evidence": "creditor's written consent (declared by the officer)"},
        {"n": "4", "met": ruled, "evidence": f"suspension/termination ruling: {ruled}"},
        {"n": "5", "met": None, "evidence": "public-interest entity or force majeure (declared)"},
    ]


def _require(user):
    if not user_can(user, Action.CHANGE):
        raise ValidationError(
            "无权办理信用修复 / Your role may not handle credit repairs.", code="permission"
        )


def verify(user, repair: CreditRepair, condition: str, declared: bool = False, today: dt.date | None = None):
    """Step 2: the chosen condition must be met by the records (3 and 5 need ``declared``)."""
    _require(user)
    today = today or timezone.localdate()
    if repair.status != "applied":
        raise ValidationError("只有已申请的修复可以核查 / Only an application can be verified.", code="state")
    if not repair.pledge_on:
        raise ValidationError("缺少信用承诺书 / The credit pledge is missing.", code="pledge")
    item = next((c for c in checklist(repair) if c["n"] == condition), None)
    if item is None:
        raise ValidationError("修复情形应为1–5 / The condition must be 1–5.", code="condition")
    if item["met"] is False or (item["met"] is None and not declared):
        raise ValidationError(
            f"记录不满足修复情形{condition}：{item['evidence']} / The records do not meet condition {condition}.",
            code="not_met",
        )
    repair.condition, repair.verified_on, repair.status = condition, today, "verified"
    repair.save()
    return repair


def shield(user, repair: CreditRepair, plan: list[tuple[dt.date, Decimal]], today: dt.date | None = None):
    """Step 2 alternative: temporary shielding with a performance plan (at least one instalment)."""
    _require(user)
    today = today or timezone.localdate()
    if repair.status != "applied":
        raise ValidationError("只有已申请的修复可以屏蔽 / Only an application can be shielded.", code="state")
    if not plan or any(a <= 0 for _d, a in plan) or any(d < today for d, _a in plan):
        raise ValidationError(
            "履行计划须至少一期，金额为正，日期不早于今天 / The plan needs instalments with positive amounts, not in the past.",
            code="plan",
        )
    with transaction.atomic():
        RepairInstalment.objects.bulk_create(
            [RepairInstalment(repair=repair, due_on=d, amount=a) for d, a in plan]
        )
        repair.plan_amount = sum((a for _d, a in plan), Decimal(0))
        repair.verified_on = repair.shielded_on = today
        repair.status = "shielded"
        repair.save()
    return repair


def instalments(repair: CreditRepair) -> list[dict]:
    """The plan's instalments and whether the debtor's payments so far cover each (cumulatively)."""
    paid = DebtorPayment.objects.filter(
        case=repair.case,
        debtor_party_id=repair.debtor_party_id,
        paid_on__gte=repair.shielded_on or repair.applied_on,
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    out, need = [], Decimal(0)
    for i in repair.instalments.all():
        need += i.amount
        out.append({"due_on": i.due_on, "amount": i.amount, "covered": paid >= need})
    return out


def delete_listing(user, repair: CreditRepair, today: dt.date | None = None):
    """Step 3: delete the listing (trigger 信用修复, on the verification day)."""
    _require(user)
    today = today or timezone.localdate()
    if repair.status not in ("verified", "shielded"):
        raise ValidationError("须先核查 / Verify first.", code="state")
    listing = DishonestListing.objects.filter(listing_id=repair.listing_id).first()
    if listing is None:
        raise ValidationError("找不到失信决定 / The listing was not found.", code="listing")
    if today < listing.decided_on:
        raise ValidationError(
            "删除日期不能早于纳入日期 / A deletion cannot precede the listing.", code="date"
        )
    with transaction.atomic():
        listing.trigger, listing.trigger_on, listing.deleted_on = "credit_repair", repair.verified_on, today
        listing.save()
        repair.deleted_on, repair.status = today, "deleted"
        repair.save()
    return repair


def complete(user, repair: CreditRepair, today: dt.date | None = None):
    """Step 4: follow-up done — no earlier than 30 days after the deletion."""
    _require(user)
    today = today or timezone.localdate()
    if repair.status != "deleted":
        raise ValidationError("须先删除失信信息 / Delete the listing first.", code="state")
    if today < repair.deleted_on + dt.timedelta(days=FOLLOW_UP_DAYS):
        raise ValidationError(
            f"回访期未满（{FOLLOW_UP_DAYS}日）/ The follow-up period of {FOLLOW_UP_DAYS} days has not ended.",
            code="early",
        )
    repair.completed_on, repair.status = today, "completed"
    repair.save()
    return repair


def revoke(user, repair: CreditRepair, reason: str, today: dt.date | None = None):
    """Revoke the repair and restore the listing (the debtor broke the pledge or the plan)."""
    _require(user)
    if not (reason or "").strip():
        raise ValidationError("请填写撤销理由 / A reason is required.", code="reason")
    if repair.status in ("completed", "revoked"):
        raise ValidationError("修复已结束 / The repair has ended.", code="state")
    with transaction.atomic():
        DishonestListing.objects.filter(listing_id=repair.listing_id, trigger="credit_repair").update(
            trigger="", trigger_on=None, deleted_on=None
        )
        repair.status = "revoked"
        repair.save()
        audit.record(
            AuditAction.TRANSITION, repair, user=user, message=f"credit repair revoked: {reason[:200]}"
        )
    return repair

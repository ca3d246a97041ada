"""Problems from listings, 诚信履行名单 batches, pushes to the credit platform and banks, fee reductions."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casewatch.cases.models import Case
from casewatch.core.choices import Action
from casewatch.core.permissions import user_can
from casewatch.enforcement import data
from casewatch.enforcement.models import Certificate, FeeReduction, HonourBatch, HonourEntry, Push
from casewatch.problems.choices import ProblemSource

#: listing state -> (severity, Chinese title, English title)
PROBLEM_STATES = {
    "overdue": ("high", "失信信息逾期未删除", "Listing not deleted within 3 working days"),
    "deleted_late": ("medium", "失信信息删除超期", "Listing deleted late"),
}
WRONGFUL = {
    "minor": "纳入未成年人（第4条）/ a minor was listed (art. 4)",
    "must_not_list": "属于不得纳入情形（第3条）/ a must-not-list case (art. 3)",
    "term_on_ground_1": "第1项情形不应设定加重期限 / ground 1 carries no extended term",
    "serious_extra_years": "情节严重应延长1至3年 / a serious case adds 1 to 3 years",
    "extra_years_not_serious": "非情节严重不得延长 / no extension without a serious finding",
    "grace_out_of_range": "宽限期应为1至3个月 / the grace period is 1 to 3 months",
    "published_in_grace": "宽限期内已公布 / published during the grace period",
}


def open_problems(user, as_of: dt.date) -> dict[str, int]:
    """Late or overdue deletions and wrongful listings in the user's scope become problems.

    Idempotent: each (listing, kind) opens one problem (problems.open_problem keys on source_ref).
    """
    from casewatch.problems.services import open_problem

    rows = data.listing_rows(user, as_of)
    keys = [(r["unit_code"], r["case_number"]) for r in rows]
    case_ids = {
        (c.unit_id, c.case_number): c.pk
        for c in Case.objects.filter(
            unit_id__in={k[0] for k in keys}, case_number__in=[k[1] for k in keys]
        ).only("id", "unit_id", "case_number")
    }
    counts = {"deletion": 0, "wrongful": 0}
    for r in rows:
        todo = []
        if r["deletion_state"] in PROBLEM_STATES:
            sev, zh, en = PROBLEM_STATES[r["deletion_state"]]
            desc = (
                f"删除事由：{r['trigger']}（{r['trigger_on']}），应于{r['deletion_due']}前删除。"
                f" / Trigger {r['trigger']} on {r['trigger_on']}; deletion due {r['deletion_due']}."
            )
            todo.append(
                ("deletion", sev, f"{zh} / {en}", desc, f"listing:{r['listing_id']}:{r['deletion_state']}")
            )
        if r["wrongful"]:
            todo.append(
                (
                    "wrongful",
                    "high",
                    "错误纳入失信名单 / Wrongful listing",
                    WRONGFUL[r["wrongful"]],
                    f"listing:{r['listing_id']}:wrongful",
                )
            )
        for kind, sev, title, desc, ref in todo:
            open_problem(
                user,
                ProblemSource.ENFORCEMENT,
                unit=r["unit_code"],
                severity=sev,
                title=f"{title}：{r['case_number']}",
                description=desc,
                case=case_ids.get((r["unit_code"], r["case_number"])),
                source_ref=ref,
                area="enforcement",
            )
            counts[kind] += 1
    return counts


# --- 诚信履行名单, pushes, fee reductions -------------------------------------------------------


def create_batch(user, unit, title: str, certificate_ids: list[int]) -> HonourBatch:
    """A batch of valid certificates of the unit's subtree (draft until approved)."""
    if not user_can(user, Action.HANDLE):
        raise ValidationError("无权编制名单 / Your role may not prepare the list.", code="permission")
    certs = list(
        Certificate.objects.restrict(user, Action.VIEW).filter(
            pk__in=certificate_ids, revoked_at__isnull=True, unit__path__startswith=unit.path
        )
    )
    if not certs or len(certs) != len(set(certificate_ids)):
        raise ValidationError(
            "名单只能包含本院有效的证明书 / The list may only hold valid certificates of this court.",
            code="certs",
        )
    with transaction.atomic():
        batch = HonourBatch.objects.create(unit=unit, title=title.strip()[:200] or unit.name, created_by=user)
        HonourEntry.objects.bulk_create([HonourEntry(batch=batch, certificate=c) for c in certs])
    return batch


def approve(user, batch: HonourBatch) -> HonourBatch:
    """Approval by a supervisor (someone other than the preparer)."""
    if not user_can(user, Action.CHANGE) or user.pk == batch.created_by_id:
        raise ValidationError(
            "须由编制人以外的有权人员审批 / Another authorised person must approve.", code="approver"
        )
    if batch.approved_at:
        raise ValidationError("已审批 / Already approved.", code="state")
    batch.approved_by, batch.approved_at = user, timezone.now()
    batch.save()
    return batch


def publish(user, batch: HonourBatch) -> HonourBatch:
    if not batch.approved_at:
        raise ValidationError("未经审批不得公布 / Approve before publishing.", code="state")
    if batch.published_at:
        raise ValidationError("已公布 / Already published.", code="state")
    batch.published_at = timezone.now()
    batch.save()
    return batch


PUSH_COLUMNS = [
    "certificate_number",
    "verification_code",
    "court_code",
    "court_name",
    "case_number",
    "subject_name",
    "subject_id",
    "subject_kind",
    "amount",
    "performed_on",
    "issued_on",
    "batch_id",
    "published_on",
]


def push_file(user, batch: HonourBatch, target: str, recipient: str) -> Push:
    """Write the batch as a push file: CSV (UTF-8 with BOM) for banks, JSON Lines for the credit
    platform; columns in docs/enforcement.md. Only a published batch can be pushed; recorded."""
    if not user_can(user, Action.EXPORT):
        raise ValidationError("无权推送 / Your role may not push.", code="permission")
    if not batch.published_at:
        raise ValidationError("名单公布后才能推送 / Publish the list before pushing it.", code="state")
    if target not in ("credit", "bank") or not recipient.strip():
        raise ValidationError("请选择推送对象 / Choose the target and recipient.", code="target")
    rows = []
    for e in batch.entries.select_related("certificate__unit", "certificate__case").order_by(
        "certificate__number"
    ):
        c = e.certificate
        rows.append(
            [
                c.number,
                c.code,
                c.unit.code,
                c.unit.name,
                c.case.case_number,
                c.debtor_name,
                c.debtor_party_id if c.debtor_is_org else "",
                "organisation" if c.debtor_is_org else "person",
                f"{Decimal(c.amount):.2f}",
                c.performed_on.isoformat(),
                c.issued_on.isoformat(),
                str(batch.pk),
                batch.published_at.date().isoformat(),
            ]
        )
    if target == "bank":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(PUSH_COLUMNS)
        w.writerows(rows)
        content, ext = "\ufeff" + buf.getvalue(), "csv"
    else:
        content = "".join(
            json.dumps(dict(zip(PUSH_COLUMNS, r, strict=True)), ensure_ascii=False) + "\n" for r in rows
        )
        ext = "jsonl"
    name = f"cxlx-{batch.unit.code}-{batch.pk}-{target}.{ext}"
    return Push.objects.create(
        batch=batch,
        target=target,
        recipient=recipient.strip()[:100],
        filename=name,
        content=content,
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        rows=len(rows),
        created_by=user,
    )


def record_fee_reduction(user, cert: Certificate, amount, reason: str) -> FeeReduction:
    """依法减免案件受理费 recorded against a valid certificate."""
    if not user_can(user, Action.CHANGE):
        raise ValidationError("无权登记减免 / Your role may not record fee reductions.", code="permission")
    if cert.revoked_at:
        raise ValidationError("证明书已撤销 / The certificate is revoked.", code="revoked")
    try:
        value = Decimal(str(amount))
    except Exception:  # noqa: BLE001
        value = Decimal(-1)
    if value <= 0 or value.as_tuple().exponent < -2:
        raise ValidationError(
            "减免金额须为正数，最多两位小数 / The amount must be positive with ≤ 2 decimals."
        )
    if not (reason or "").strip():
        raise ValidationError("请填写减免依据 / A reason is required.", code="reason")
    return FeeReduction.objects.create(
        certificate=cert, amount=value, reason=reason.strip()[:300], recorded_by=user
    )


# --- records entered by hand ------------------------------------------------------------------


def record_payment(user, case: Case, debtor_party_id: str, paid_on: dt.date, amount, channel: str):
    """A payment by the debtor; refused when it would take the total above the debt."""
    from django.db.models import Sum

    from casewatch.analytics.schema import PAYMENT_CHANNELS
    from casewatch.enforcement.models import DebtorPayment, EnforcementFiling, PerformanceDeadline

    if not user_can(user, Action.HANDLE):
        raise ValidationError("无权登记履行款 / Your role may not record payments.", code="permission")
    if channel not in PAYMENT_CHANNELS:
        raise ValidationError("付款方式无效 / Unknown payment channel.", code="channel")
    try:
        value = Decimal(str(amount))
    except Exception:  # noqa: BLE001
        value = Decimal(-1)
    if value <= 0 or value.as_tuple().exponent < -2:
        raise ValidationError(
            "金额须为正数，最多两位小数 / The amount must be positive with ≤ 2 decimals.", code="amount"
        )
    if paid_on > timezone.localdate():
        raise ValidationError("付款日期不能晚于今天 / The payment date cannot be in the future.", code="date")
    debt = (
        PerformanceDeadline.objects.filter(case=case, debtor_party_id=debtor_party_id)
        .values_list("amount_due", flat=True)
        .first()
        or EnforcementFiling.objects.filter(case=case, debtor_party_id=debtor_party_id)
        .values_list("amount_sought", flat=True)
        .first()
    )
    if debt is None:
        raise ValidationError(
            "本案没有该被执行人的债务记录 / No debt of this debtor is recorded in this case.", code="debt"
        )
    with transaction.atomic():
        paid = DebtorPayment.objects.select_for_update().filter(case=case, debtor_party_id=debtor_party_id)
        total = paid.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if total + value > debt:
            raise ValidationError(
                f"付款金额超过尚欠金额：已付{total:.2f}元，债务{debt:.2f}元，本次{value:.2f}元。"
                f" / The payment exceeds what is owed: paid {total:.2f}, debt {debt:.2f}, this payment {value:.2f}.",
                code="overpaid",
            )
        n = DebtorPayment.objects.count() + 1
        return DebtorPayment.objects.create(
            payment_id=f"HP{timezone.now():%Y%m%d%H%M%S}-{n}",
            unit=case.unit,
            case_number=case.case_number,
            case=case,
            debtor_party_id=debtor_party_id,
            paid_on=paid_on,
            amount=value,
            channel=channel,
            source="manual",
        )


def record_deletion(user, listing, deleted_on: dt.date, trigger: str, trigger_on: dt.date | None = None):
    """Record a deletion; a deletion before the listing (or before its trigger) is refused."""
    from casewatch.analytics.schema import DELETION_TRIGGERS

    if not user_can(user, Action.CHANGE):
        raise ValidationError("无权删除失信信息 / Your role may not delete listings.", code="permission")
    if trigger not in DELETION_TRIGGERS:
        raise ValidationError("删除事由无效 / Unknown deletion trigger.", code="trigger")
    if listing.deleted_on:
        raise ValidationError("已删除 / Already deleted.", code="state")
    if deleted_on < listing.decided_on:
        raise ValidationError(
            f"删除日期{deleted_on}早于纳入日期{listing.decided_on} / The deletion ({deleted_on}) precedes the listing "
            f"({listing.decided_on}).",
            code="before_listing",
        )
    if trigger_on and (trigger_on < listing.decided_on or trigger_on > deleted_on):
        raise ValidationError(
            "删除事由日期应在纳入之后、删除之前 / The trigger date must lie between the listing and the deletion.",
            code="trigger_date",
        )
    if deleted_on > timezone.localdate():
        raise ValidationError(
            "删除日期不能晚于今天 / The deletion date cannot be in the future.", code="date"
        )
    listing.deleted_on, listing.trigger, listing.trigger_on = deleted_on, trigger, trigger_on or deleted_on
    listing.save()
    return listing

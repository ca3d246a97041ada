"""Case funds (案款): ledger per case, aging, clearance batches, bank-statement reconciliation.

法发〔2017〕6号《最高人民法院关于执行款物管理工作的规定》 requires the enforcement officer to finish
the accounting, fee settlement, notice to the creditor and payout of enforcement money within 30
days of the finance department's notice that it arrived (see docs/enforcement.md for the source
and what could not be verified); money held longer is "aged".
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation

import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from casewatch.analytics import enforcement as enf
from casewatch.analytics.enforcement_recon import STATEMENT_SCHEMA, reconcile
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.enforcement.choices import LineStatus
from casewatch.enforcement.models import (
    CaseFundMovement,
    ClearanceBatch,
    ClearanceItem,
    StatementImport,
    StatementLine,
)

#: Accepted headers of a statement column (Chinese or English, case-insensitive).
HEADERS = {
    "account_no": ("账号", "账户", "account", "account_no", "account number"),
    "booked_on": ("日期", "交易日期", "记账日期", "date", "booked_on", "booking date"),
    "amount": ("金额", "交易金额", "amount"),
    "bank_ref": ("流水号", "交易流水号", "银行流水号", "reference", "bank_ref", "ref"),
}
MAX_LINES = 200_000

LINE_MESSAGES = {
    LineStatus.MATCHED: ("已对上", "Matched"),
    LineStatus.PARTIAL: ("流水号对上但金额不符", "Reference matches, amount differs"),
    LineStatus.UNMATCHED: ("台账中无对应款项", "No ledger movement matches"),
    LineStatus.DUPLICATE: ("与前一行重复，未参与对账", "Duplicate of an earlier line; not matched"),
    LineStatus.UNKNOWN_ACCOUNT: ("非本院案款账户", "Not one of the court's case-fund accounts"),
}


def ledger(case) -> dict:
    """A case's receipts, payouts and refunds in order, with the money still held."""
    moves = list(CaseFundMovement.objects.filter(case=case).order_by("occurred_on", "movement_id"))
    received = sum((m.amount for m in moves if m.kind == "receipt"), Decimal(0))
    out = sum((m.amount for m in moves if m.kind != "receipt"), Decimal(0))
    return {"moves": moves, "received": received, "paid_out": out, "held": received - out}


def aging(user, as_of: dt.date) -> list[dict]:
    """Receipts in the user's scope with money held on ``as_of``, oldest first (DuckDB, over the
    warm store's derived receipts when there is a store; see ``enforcement.data.aging_rows``)."""
    from casewatch.enforcement import data

    return data.aging_rows(user, as_of)


# --- clearance batches ------------------------------------------------------------------------


def create_clearance(user, unit: Unit, title: str, held_since: dt.date, today: dt.date | None = None):
    """A 集中清理 batch: every receipt of the unit's subtree received on/before ``held_since``
    with money still held today. Set-based: one aggregate query, one bulk insert."""
    if not user_can(user, Action.CHANGE):
        raise ValidationError(
            "无权创建清理批次 / Your role may not create clearance batches.", code="permission"
        )
    today = today or timezone.localdate()
    if held_since > today:
        raise ValidationError("截止日期不能晚于今天 / The cut-off date cannot be in the future.", code="date")
    paid = (
        CaseFundMovement.objects.filter(kind__in=("payout", "fee_refund"), occurred_on__lte=today)
        .values("receipt_id")
        .annotate(total=Sum("amount"))
    )
    paid_by = {p["receipt_id"]: p["total"] for p in paid}
    receipts = CaseFundMovement.objects.filter(
        kind="receipt", occurred_on__lte=held_since, unit__path__startswith=unit.path
    ).only("id", "movement_id", "amount")
    with transaction.atomic():
        batch = ClearanceBatch.objects.create(
            unit=unit, title=title.strip()[:200], held_since=held_since, started_on=today, created_by=user
        )
        items = [
            ClearanceItem(batch=batch, receipt=r, held_at_start=r.amount - (paid_by.get(r.movement_id) or 0))
            for r in receipts
            if r.amount - (paid_by.get(r.movement_id) or 0) > 0
        ]
        ClearanceItem.objects.bulk_create(items, batch_size=2000)
    return batch


def clearance_progress(batch: ClearanceBatch, today: dt.date | None = None) -> dict:
    """Receipts and money of a batch cleared since it started (payouts on or after the start)."""
    today = today or timezone.localdate()
    items = list(batch.items.select_related("receipt").values_list("receipt__movement_id", "held_at_start"))
    ids = [i for i, _h in items]
    paid = dict(
        CaseFundMovement.objects.filter(
            receipt_id__in=ids,
            kind__in=("payout", "fee_refund"),
            occurred_on__gte=batch.started_on,
            occurred_on__lte=today,
        )
        .values("receipt_id")
        .annotate(total=Sum("amount"))
        .values_list("receipt_id", "total")
    )
    payments = CaseFundMovement.objects.filter(
        receipt_id__in=ids, kind__in=("payout", "fee_refund"), occurred_on__gte=batch.started_on
    ).count()
    held = sum((h for _i, h in items), Decimal(0))
    cleared = sum((min(Decimal(paid.get(i) or 0), h) for i, h in items), Decimal(0)).quantize(Decimal("0.01"))
    done = sum(1 for i, h in items if (paid.get(i) or 0) >= h)
    return {
        "receipts": len(items),
        "receipts_cleared": done,
        "payments": payments,
        "held": held,
        "cleared": cleared,
        "percent": enf.round_half_up(cleared * 100 / held) if held else None,
    }


# --- reconciliation ---------------------------------------------------------------------------


def _err(row, col, zh, en) -> str:
    where = f"第{row}行" if row else ""
    return (
        f"{where}{'「' + col + '」' if col else ''}：{zh} / {'row ' + str(row) + ', ' if row else ''}"
        f"{'column ' + col + ': ' if col else ''}{en}"
    )


def _cell(row: list, index: dict, col: str) -> str:
    i = index.get(col)
    return str(row[i] if i is not None and i < len(row) and row[i] is not None else "").strip()


def read_statement(name: str, data: bytes) -> pa.Table:
    """Parse a CSV (UTF-8, BOM or GB18030) or XLSX statement; every bad cell is reported, in both
    languages, with its row and column, and nothing is returned unless the whole file is good."""
    rows: list[list[str]]
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
            raise ValidationError(
                _err(0, "", "无法读取 Excel 文件", f"cannot read the workbook ({exc})")
            ) from None
        rows = [
            ["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)) for v in r]
            for r in wb.active.iter_rows(values_only=True)
        ]
    elif lower.endswith(".csv"):
        import csv

        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_err(0, "", "文件编码无法识别", "unknown text encoding"))
        rows = list(csv.reader(io.StringIO(text)))
    else:
        raise ValidationError(_err(0, "", "只接受 CSV 或 XLSX 文件", "only CSV or XLSX files are accepted"))
    rows = [r for r in rows if any((c or "").strip() for c in r)]
    if not rows:
        raise ValidationError(_err(0, "", "文件为空", "the file is empty"))
    header = [(c or "").strip().lower() for c in rows[0]]
    index = {}
    for col, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                index[col] = i
    missing = [c for c in ("account_no", "booked_on", "amount") if c not in index]
    if missing:
        raise ValidationError(
            _err(1, ", ".join(missing), "缺少必需的列（账号、日期、金额）", "missing required columns")
        )
    if len(rows) - 1 > MAX_LINES:
        raise ValidationError(_err(0, "", f"超过{MAX_LINES}行", f"more than {MAX_LINES} lines"))
    errors, out = [], {k: [] for k in STATEMENT_SCHEMA.names}
    for n, r in enumerate(rows[1:], start=2):
        acct, day, amt, ref = (_cell(r, index, c) for c in ("account_no", "booked_on", "amount", "bank_ref"))
        if not acct:
            errors.append(_err(n, "账号/account", "账号为空", "the account is empty"))
        try:
            booked = dt.date.fromisoformat(day.replace("/", "-")[:10])
        except ValueError:
            errors.append(
                _err(n, "日期/date", f"日期「{day}」无法识别（应为 YYYY-MM-DD）", "not a date (YYYY-MM-DD)")
            )
            booked = None
        try:
            amount = Decimal(amt.replace(",", ""))
            if amount == 0 or amount.as_tuple().exponent < -2 or abs(amount) >= Decimal("1e16"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(
                _err(n, "金额/amount", f"金额「{amt}」无效", "not a non-zero amount with at most 2 decimals")
            )
            amount = None
        out["line_no"].append(n)
        out["account_no"].append(acct)
        out["booked_on"].append(booked)
        out["amount"].append(amount)
        out["bank_ref"].append(ref or None)
    if errors:
        shown = errors[:50] + (
            [f"……另有{len(errors) - 50}处错误 / … {len(errors) - 50} more"] if len(errors) > 50 else []
        )
        raise ValidationError(shown)
    return pa.table(out, schema=STATEMENT_SCHEMA)


def import_statement(user, unit: Unit, name: str, data: bytes) -> StatementImport:
    """Reconcile a statement against the unit's ledger; store the result atomically.

    Movements already matched by an earlier statement are left out, so nothing is matched twice
    (a database constraint backs this). Unknown accounts and duplicate lines are reported per line.
    """
    if not user_can(user, Action.IMPORT):
        raise ValidationError(
            "无权导入银行对账单 / Your role may not import bank statements.", code="permission"
        )
    statement = read_statement(name, data)
    scope = Q(unit__path__startswith=unit.path)
    taken = StatementLine.objects.filter(movement__isnull=False).values("movement_id")
    moves = CaseFundMovement.objects.filter(scope).exclude(pk__in=taken)
    led_rows = list(
        moves.values("id", "movement_id", "kind", "account_no", "occurred_on", "amount", "bank_ref")
    )
    accounts = list(
        CaseFundMovement.objects.filter(scope)
        .exclude(account_no="")
        .values_list("account_no", flat=True)
        .distinct()
    )
    ledger_t = pa.table(
        {
            "movement_id": pa.array([r["movement_id"] for r in led_rows], pa.string()),
            "kind": pa.array([r["kind"] for r in led_rows], pa.string()),
            "account_no": pa.array([r["account_no"] for r in led_rows], pa.string()),
            "occurred_on": pa.array([r["occurred_on"] for r in led_rows], pa.date32()),
            "amount": pa.array([r["amount"] for r in led_rows], pa.decimal128(18, 2)),
            "bank_ref": pa.array([r["bank_ref"] for r in led_rows], pa.string()),
        }
    )
    result = reconcile(statement, ledger_t, accounts)
    pk_of = {r["movement_id"]: r["id"] for r in led_rows}
    by_line = {r["line_no"]: r for r in statement.to_pylist()}
    with transaction.atomic():
        imp = StatementImport.objects.create(
            unit=unit, filename=name[:200], lines=statement.num_rows, counts=result["counts"], created_by=user
        )
        StatementLine.objects.bulk_create(
            [
                StatementLine(
                    statement=imp,
                    line_no=r["line_no"],
                    account_no=by_line[r["line_no"]]["account_no"][:40],
                    booked_on=by_line[r["line_no"]]["booked_on"],
                    amount=by_line[r["line_no"]]["amount"],
                    bank_ref=(by_line[r["line_no"]]["bank_ref"] or "")[:60],
                    status=r["status"],
                    movement_id=pk_of.get(r["movement_id"]),
                    difference=r["difference"],
                )
                for r in result["lines"].to_pylist()
            ],
            batch_size=5000,
        )
        audit.record(AuditAction.IMPORT, imp, user=user, message=f"bank statement {name}: {result['counts']}")
    imp.unmatched_ledger = result["unmatched_ledger"].num_rows
    return imp

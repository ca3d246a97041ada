"""Alert refresh: snapshot the held items to Arrow, run casewatch.analytics.property.alerts,
replace the alert rows in bulk, and put every newly overdue deadline on the problem list.

The snapshot reads with one SQL statement (``COPY … TO STDOUT`` on PostgreSQL, a cursor on
SQLite) and the write-back is one delete and one bulk insert, so the refresh is set-based end to
end; only the opening of problems goes through `casewatch.problems.services.open_problem` item by
item, because that is the problem list's one door (idempotent per ``property-alert:<item>:<rule>``).
"""

from __future__ import annotations

import datetime as dt
import io
import time

import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.analytics import property as plane
from casewatch.core import audit
from casewatch.core.choices import AuditAction
from casewatch.core.querysets import scope_path
from casewatch.property import choices as C
from casewatch.property.models import Alert


def _items_sql(ts) -> str:
    return (
        (
            "SELECT i.id AS item_id, i.centre_code AS centre, i.status, i.category, l.kind = 'account' AS in_account, "  # noqa: S608
            f"i.deposit_ref, i.relevant, {ts('i.seized_at')} AS seized_at, {ts('i.handed_over_at')} AS handed_over_at, "
            "i.freeze_until, i.claim_notice_on, i.claim_by_court, i.judgment_effective_on, i.receipt_sent_on "
            "FROM property_item i LEFT JOIN property_location l ON l.id = i.location_id "
            "WHERE i.status IN ('pending','in_store','borrowed','off_site') "
            "OR (i.judgment_effective_on IS NOT NULL AND i.receipt_sent_on IS NULL AND i.status = 'disposed') "
            "OR i.handed_over_at IS NOT NULL AND i.handed_over_at > i.seized_at + interval '24 hours'"  # noqa: S608 - column expressions are constants
        )
        if ts is _epoch
        else (
            "SELECT i.id, i.centre_code, i.status, i.category, l.kind = 'account', i.deposit_ref, i.relevant, "
            "i.seized_at, i.handed_over_at, i.freeze_until, i.claim_notice_on, i.claim_by_court, "
            "i.judgment_effective_on, i.receipt_sent_on FROM property_item i "
            "LEFT JOIN property_location l ON l.id = i.location_id "
            "WHERE i.status IN ('pending','in_store','borrowed','off_site') "
            "OR (i.judgment_effective_on IS NOT NULL AND i.receipt_sent_on IS NULL AND i.status = 'disposed') "
            "OR i.handed_over_at IS NOT NULL"
        )
    )


def _loans_sql(ts) -> str:
    return (
        f"SELECT l.item_id, i.centre_code AS centre, {ts('l.out_at')} AS out_at, {ts('l.due_at')} AS due_at "  # noqa: S608
        "FROM property_loan l JOIN property_item i ON i.id = l.item_id WHERE l.returned_at IS NULL"  # noqa: S608
    )


def _epoch(col: str) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {col}) AS BIGINT)"


def _plain(col: str) -> str:
    return col


_SEVERITY = {C.AlertRule.HANDOVER: "high", C.AlertRule.LOAN: "high", C.AlertRule.RELEASE: "high"}


def _local(ts: pa.Array) -> pa.Array:
    """UTC timestamps from the database as naive local wall-clock times (the rules count local days)."""
    import pyarrow.compute as pc

    tz = str(timezone.get_current_timezone())
    if pa.types.is_timestamp(ts.type) and ts.type.tz is None:
        ts = pc.assume_timezone(ts, "UTC")
    return pc.local_timestamp(ts.cast(pa.timestamp("s", tz=tz))) if len(ts) else ts.cast(pa.timestamp("s"))


def snapshot() -> tuple[pa.Table, pa.Table]:
    """(items, loans) as Arrow tables in the shape `analytics.property.alerts` reads.

    PostgreSQL streams CSV through ``COPY … TO STDOUT`` (timestamps as epoch seconds) into
    pyarrow's CSV reader; SQLite goes through one cursor fetch. Either way one statement per table.
    """
    if connection.vendor == "postgresql":
        return _copy(_items_sql(_epoch), plane.ITEM_COLUMNS), _copy(_loans_sql(_epoch), plane.LOAN_COLUMNS)
    return _fetch(_items_sql(_plain), plane.ITEM_COLUMNS), _fetch(_loans_sql(_plain), plane.LOAN_COLUMNS)


def _copy(sql: str, columns: dict) -> pa.Table:
    import pyarrow.csv as pcsv

    buf = io.BytesIO()
    with connection.cursor() as cur:
        with cur.connection.cursor().copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            for chunk in copy:
                buf.write(chunk)
    buf.seek(0)
    types = {k: (pa.int64() if pa.types.is_timestamp(v) else v) for k, v in columns.items()}
    table = pcsv.read_csv(
        buf,
        read_options=pcsv.ReadOptions(column_names=list(columns), skip_rows=1),
        convert_options=pcsv.ConvertOptions(
            column_types=types, true_values=["t"], false_values=["f"], strings_can_be_null=True
        ),
    )
    cols = {}
    for name, t in columns.items():
        col = table.column(name).combine_chunks()
        if pa.types.is_timestamp(t):
            col = col.cast(pa.timestamp("s")).cast(pa.timestamp("s", tz="UTC"))
        cols[name] = col
    return _normalise(pa.table(cols), columns)


def _fetch(sql: str, columns: dict) -> pa.Table:
    with connection.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    names = list(columns)
    data = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    for name, t in columns.items():
        if pa.types.is_timestamp(t):
            data[name] = [_aware(v) for v in data[name]]
        elif pa.types.is_date(t):
            data[name] = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in data[name]]
        elif pa.types.is_boolean(t):
            data[name] = [None if v is None else bool(v) for v in data[name]]
    table = pa.table(
        {
            n: pa.array(data[n], type=(pa.timestamp("s", tz="UTC") if pa.types.is_timestamp(t) else t))
            for n, t in columns.items()
        }
    )
    return _normalise(table, columns)


def _aware(v):
    if v is None:
        return None
    if isinstance(v, str):
        v = dt.datetime.fromisoformat(v)
    return v if v.tzinfo else v.replace(tzinfo=dt.UTC)


def _normalise(table: pa.Table, columns: dict) -> pa.Table:
    cols = {}
    for name, t in columns.items():
        col = table.column(name).combine_chunks()
        cols[name] = _local(col) if pa.types.is_timestamp(t) else col.cast(t)
    return pa.table(cols)


def refresh(
    actor=None, as_of: dt.datetime | None = None, *, open_problems: bool = True, progress=None
) -> dict:
    """Recompute every alert; open problems for new overdue ones in ``actor``'s scope.

    Returns counts and the seconds of each stage (snapshot, compute, write, problems).
    """
    now = as_of or timezone.now()
    local_now = timezone.localtime(now).replace(tzinfo=None)
    t0 = time.perf_counter()
    items, loans = snapshot()
    t1 = time.perf_counter()
    result = plane.alerts(items, loans, local_now)
    t2 = time.perf_counter()
    kept = {
        (i, r): p
        for i, r, p in Alert.objects.exclude(problem_id=None).values_list("item_id", "rule", "problem_id")
    }
    rows = result.to_pydict()
    with transaction.atomic():
        Alert.objects.all().delete()
        Alert.objects.bulk_create(
            [
                Alert(
                    item_id=i,
                    centre_id=c,
                    rule=r,
                    state=s,
                    started_on=st,
                    due_on=d,
                    days_over=o,
                    problem_id=kept.get((i, r)),
                    refreshed_at=now,
                )
                for i, c, r, s, st, d, o in zip(
                    rows["item_id"],
                    rows["centre"],
                    rows["rule"],
                    rows["state"],
                    rows["started_on"],
                    rows["due_on"],
                    rows["days_over"],
                    strict=True,
                )
            ],
            batch_size=5000,
        )
    t3 = time.perf_counter()
    opened = skipped = 0
    if open_problems and actor is not None:
        opened, skipped = _open_problems(actor)
    t4 = time.perf_counter()
    counts = {}
    for r, s in zip(rows["rule"], rows["state"], strict=True):
        counts[f"{r}:{s}"] = counts.get(f"{r}:{s}", 0) + 1
    if actor is not None:
        audit.record(
            AuditAction.JOB,
            user=actor,
            object_type="property.alert",
            message=(f"property alerts refreshed: {len(rows['rule'])} alerts, {opened} problems opened"),
        )
    if progress:
        progress(100, "done")
    return {
        "items": items.num_rows,
        "alerts": len(rows["rule"]),
        "counts": counts,
        "problems_opened": opened,
        "problems_out_of_scope": skipped,
        "seconds": {"snapshot": t1 - t0, "compute": t2 - t1, "write": t3 - t2, "problems": t4 - t3},
    }


def _open_problems(actor) -> tuple[int, int]:
    """One problem per overdue (item, rule) not yet on the list, for units in the actor's scope."""
    from casewatch.problems.services import open_problem

    path = scope_path(actor) or ""
    todo = (
        Alert.objects.filter(state=C.AlertState.OVERDUE, problem_id=None)
        .select_related("item", "item__case", "item__case__unit", "item__custody_unit")
        .order_by("due_on")
    )
    opened = skipped = 0
    for alert in todo.iterator(chunk_size=500):
        item = alert.item
        unit = item.case.unit if alert.rule == C.AlertRule.HANDOVER else item.custody_unit
        if not (path == "/" or unit.path.startswith(path)):
            skipped += 1
            continue
        rule = C.AlertRule(alert.rule).label
        problem = open_problem(
            actor,
            "property",
            unit=unit,
            case=item.case_id if (path == "/" or item.case.unit.path.startswith(path)) else None,
            severity=_SEVERITY.get(alert.rule, "medium"),
            title=f"{item.code} {item.name} · {rule}"[:200],
            description=_("%(rule)s: due %(due)s, %(days)s days overdue (item %(code)s, case %(case)s).")
            % {
                "rule": rule,
                "due": alert.due_on,
                "days": alert.days_over,
                "code": item.code,
                "case": item.case.case_number,
            },
            area=_("Seized property"),
            source_ref=f"property-alert:{item.pk}:{alert.rule}",
        )
        Alert.objects.filter(pk=alert.pk).update(problem_id=problem.pk)
        opened += 1
    return opened, skipped

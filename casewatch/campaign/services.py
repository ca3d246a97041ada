"""Workflow functions of the campaign app; each takes the acting user first.

Every change checks the role and scope, runs in one transaction and is audited: single records
through change logging, bulk attendance once per operation with its counts. Bad input raises a
`ValidationError` whose message says what, where and why in the user's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.campaign import indicators
from casewatch.campaign.choices import AttendanceMethod, LinkKind
from casewatch.campaign.models import (
    Attendance,
    EducationSession,
    Norm,
    NormLink,
    ReportSnapshot,
    ResearchTopic,
)
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Staff, Unit
from casewatch.core.permissions import user_can
from casewatch.core.querysets import scope_path


def require(user, action: str) -> None:
    """Refuse a user whose role lacks the action."""
    if not user_can(user, action):
        raise PermissionDenied(_("Your role does not allow this."))


def in_scope(user, unit: Unit) -> bool:
    """True when the unit lies in the user's scope subtree."""
    path = scope_path(user)
    return path is not None and (path == "/" or unit.path.startswith(path))


def _check_unit(user, unit: Unit) -> None:
    if not in_scope(user, unit):
        raise PermissionDenied(_("The unit %(unit)s is outside your scope.") % {"unit": unit.name})


# --- warning education ------------------------------------------------------------------------


def create_session(user, **fields) -> EducationSession:
    """Record a warning-education session; a session dated in the future is refused."""
    require(user, Action.CHANGE)
    _check_unit(user, fields["unit"])
    if fields["held_on"] > timezone.localdate():
        raise ValidationError(
            _("The session date %(day)s is in the future: record a session after it is held.")
            % {"day": fields["held_on"].isoformat()},
            code="future",
        )
    with transaction.atomic():
        session = EducationSession(created_by=user, **fields)
        session.full_clean()
        session.save()
    return session


def open_signin(user, session: EducationSession) -> str:
    """Open sign-in by QR code; returns the raw token (shown once, stored as a digest)."""
    require(user, Action.CHANGE)
    _check_unit(user, session.unit)
    with transaction.atomic():
        raw = session.issue_signin_token()
        session.save(update_fields=["signin_digest", "signin_open"])
    return raw


def close_signin(user, session: EducationSession) -> None:
    require(user, Action.CHANGE)
    _check_unit(user, session.unit)
    session.signin_open = False
    session.save(update_fields=["signin_open"])


def sign_in(session: EducationSession, staff_no: str, id_tail: str, *, user=None) -> Attendance:
    """A staff member signs in on a phone: staff number plus the last four characters of the ID number.

    The person must be on the roster of the organising unit's subtree; signing in twice is refused.
    """
    staff = Staff.objects.filter(staff_no=staff_no.strip(), unit__path__startswith=session.unit.path).first()
    if staff is None or (staff.id_number and staff.id_number[-4:].upper() != id_tail.strip().upper()):
        raise ValidationError(
            _("Staff number %(no)s with this ID ending is not on the roster of %(unit)s.")
            % {"no": staff_no, "unit": session.unit.name},
            code="not_on_roster",
        )
    try:
        with transaction.atomic():
            row = Attendance.objects.create(session=session, staff=staff, method=AttendanceMethod.SCAN)
    except IntegrityError:
        raise ValidationError(
            _("%(name)s has already signed in to this session.") % {"name": staff.name}, code="duplicate"
        ) from None
    audit.record(
        AuditAction.CREATE,
        session,
        user=user,
        message=f"signed in {staff.staff_no}",
        after={"staff_no": staff.staff_no, "method": "scan"},
    )
    return row


def _read_rows(data: bytes, name: str) -> list[dict]:
    """Rows of an attendance list (CSV in UTF-8/GB18030, or XLSX) with a 工号/staff_no column."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 — any unreadable workbook is the user's file problem
            raise ValidationError(
                _("%(file)s is not a readable Excel workbook (%(why)s).") % {"file": name, "why": exc},
                code="file",
            ) from exc
        rows = [
            ["" if v is None else str(v).strip() for v in r]
            for r in book.worksheets[0].iter_rows(values_only=True)
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
            raise ValidationError(
                _("%(file)s is neither UTF-8 nor GB18030 text.") % {"file": name}, code="encoding"
            )
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    else:
        raise ValidationError(
            _("%(file)s: only CSV and XLSX attendance lists are accepted.") % {"file": name}, code="type"
        )
    rows = [r for r in rows if any(r)]
    if not rows:
        raise ValidationError(_("%(file)s is empty.") % {"file": name}, code="empty")
    header = [h.lower() for h in rows[0]]
    for candidate in ("staff_no", "工号", "警号", "人员编号"):
        if candidate in header:
            col = header.index(candidate)
            break
    else:
        raise ValidationError(
            _("%(file)s row 1: no staff-number column (工号 / staff_no) in the header.") % {"file": name},
            code="header",
        )
    return [
        {"row": i, "staff_no": (r[col] if col < len(r) else "").strip()}
        for i, r in enumerate(rows[1:], start=2)
    ]


def import_attendance(user, session: EducationSession, data: bytes, name: str) -> dict:
    """Import an attendance list; all-or-nothing. Every bad row is reported with file, row, column and reason."""
    require(user, Action.CHANGE)
    _check_unit(user, session.unit)
    rows = _read_rows(data, name)
    wanted = [r["staff_no"] for r in rows if r["staff_no"]]
    roster = dict(
        Staff.objects.filter(staff_no__in=wanted, unit__path__startswith=session.unit.path).values_list(
            "staff_no", "id"
        )
    )
    already = set(Attendance.objects.filter(session=session).values_list("staff__staff_no", flat=True))
    errors, seen, new = [], set(), []
    for r in rows:
        no = r["staff_no"]
        where = {"file": name, "row": r["row"], "column": "staff_no", "value": no}
        if not no:
            errors.append({**where, "reason": _("the staff number is empty")})
        elif no not in roster:
            errors.append(
                {**where, "reason": _("not on the roster of %(unit)s") % {"unit": session.unit.name}}
            )
        elif no in seen:
            errors.append({**where, "reason": _("listed twice in this file")})
        else:
            seen.add(no)
            if no not in already:
                new.append(Attendance(session=session, staff_id=roster[no], method=AttendanceMethod.IMPORT))
    if errors:
        first = errors[0]
        raise ValidationError(
            _(
                "%(n)s row(s) refused, nothing imported. First: %(file)s row %(row)s, column %(column)s, value %(value)s: %(reason)s."
            )
            % {"n": len(errors), **first},
            code="rows",
            params={"errors": errors},
        )
    with transaction.atomic():
        Attendance.objects.bulk_create(new, batch_size=2000)
        audit.record(
            AuditAction.IMPORT,
            session,
            user=user,
            message=f"attendance list {name}: {len(new)} added, {len(seen) - len(new)} already present",
            after={"added": len(new), "file": name},
        )
    return {"added": len(new), "present": len(seen) - len(new)}


# --- register of norms ------------------------------------------------------------------------


def link_targets(kind: str) -> set[str]:
    """What a norm may be linked to: existing rule ids, rubric item codes, deadline settings."""
    if kind == LinkKind.SCREENING_RULE:
        from casewatch.analytics.rules import select_rules
        from casewatch.screening.models import RuleVersion

        return {r.id for r in select_rules()} | set(RuleVersion.objects.values_list("rule_id", flat=True))
    if kind == LinkKind.RUBRIC_ITEM:
        from casewatch.reviews.models import RubricItem

        return set(RubricItem.objects.values_list("code", flat=True))
    if kind == LinkKind.DEADLINE_SETTING:
        from casewatch.analytics.deadlines import LIMITS

        return {f"limit:{x.case_type}/{x.procedure}" for x in LIMITS} | {"lights", "escalation", "points"}
    return set()


def link_norm(user, norm: Norm, kind: str, target: str, note: str = "") -> NormLink:
    """Link a norm to what it grounds; a target that does not exist is refused."""
    require(user, Action.CHANGE)
    _check_unit(user, norm.unit)
    target = target.strip()
    if kind not in LinkKind.values:
        raise ValidationError(_("Unknown link kind %(kind)s.") % {"kind": kind}, code="kind")
    if target not in link_targets(kind):
        raise ValidationError(
            _("%(kind)s %(target)s does not exist; link the norm to an existing one.")
            % {"kind": LinkKind(kind).label, "target": target},
            code="target",
        )
    with transaction.atomic():
        link, created = NormLink.objects.get_or_create(
            norm=norm, kind=kind, target=target, defaults={"note": note}
        )
        if created:
            audit.record(AuditAction.CREATE, norm, user=user, message=f"linked {kind}:{target}")
    return link


def norms_for(kind: str, target: str):
    """The norms that ground a rule, rubric item or setting (the link read the other way)."""
    return Norm.objects.filter(links__kind=kind, links__target=target).distinct()


def search_norms(qs, text: str):
    """Full-text search over title, number, summary and full text (every word must occur)."""
    for word in text.split():
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(doc_number__icontains=word)
            | Q(summary__icontains=word)
            | Q(full_text__icontains=word)
        )
    return qs


# --- research topics --------------------------------------------------------------------------


def attach_report(user, topic: ResearchTopic, upload) -> ResearchTopic:
    """Attach a topic's report file, checked by content like problem evidence."""
    from casewatch.problems import evidence

    require(user, Action.CHANGE)
    _check_unit(user, topic.unit)
    kind, sha, _size = evidence.inspect(upload)
    with transaction.atomic():
        topic.report_file = evidence.store(upload, kind, sha)
        topic.report_kind = kind
        topic.report_name = evidence.safe_filename(upload.name or "report", kind)
        topic.save()
    return topic


# --- the report -------------------------------------------------------------------------------


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def period_message(start: dt.date, end: dt.date) -> str:
    return _("The report period ends (%(end)s) before it starts (%(start)s).") % {
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def check_period(start: dt.date, end: dt.date) -> None:
    """Refuse a period that ends before it starts."""
    if end < start:
        raise ValidationError(period_message(start, end), code="period")


def build_payload(
    user, unit: Unit, start: dt.date, end: dt.date, enforcement_until: dt.date | None = None
) -> dict:
    """The figures for the scope and period, without any timestamp (so two runs compare equal)."""
    check_period(start, end)
    if enforcement_until is not None:
        check_period(start, enforcement_until)
    figures = indicators.compute(user, unit, start, end, enforcement_until)
    return {
        "unit": unit.code,
        "unit_name": unit.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "enforcement_until": enforcement_until.isoformat() if enforcement_until else None,
        "figures": figures,
    }


def freeze_report(
    user,
    unit: Unit,
    start: dt.date,
    end: dt.date,
    *,
    staged: bool = False,
    enforcement_until: dt.date | None = None,
) -> ReportSnapshot:
    """Compute the report and keep it as a frozen snapshot (audited)."""
    require(user, Action.VIEW)
    _check_unit(user, unit)
    t0 = time.perf_counter()
    payload = build_payload(user, unit, start, end, enforcement_until)
    seconds = time.perf_counter() - t0
    with transaction.atomic():
        snap = ReportSnapshot.objects.create(
            unit=unit,
            as_of=end,
            period_start=start,
            payload=payload,
            digest=_digest(payload),
            staged=staged,
            created_by=user,
            seconds=round(seconds, 3),
        )
        audit.record(
            AuditAction.CREATE,
            snap,
            user=user,
            message=f"campaign report {unit.code} {start}..{end} frozen ({snap.digest[:12]})",
        )
    return snap


def previous_snapshot(snap: ReportSnapshot) -> ReportSnapshot | None:
    """The last report of the same scope computed before this one (for "change since the last report")."""
    return (
        ReportSnapshot.objects.filter(unit=snap.unit, created_at__lt=snap.created_at)
        .exclude(pk=snap.pk)
        .order_by("-created_at", "-id")
        .first()
    )


def with_changes(snap: ReportSnapshot) -> list[dict]:
    """The snapshot's figures, each with the value of the previous report of the same scope."""
    prev = previous_snapshot(snap)
    before = {f["key"]: f["value"] for f in prev.payload["figures"]} if prev else {}
    out = []
    for f in snap.payload["figures"]:
        value, old = f.get("value"), before.get(f["key"])
        delta = None
        if isinstance(value, int | float) and isinstance(old, int | float):
            delta = round(value - old, 2)
        out.append({**f, "previous": old, "delta": delta})
    return out

"""Storing a respondent's answers: the public, unauthenticated hot path.

`submit()` takes one submission (from the mobile form, its offline queue, or the no-script form)
and answers with an `Outcome`. The rules, in order:

1. The device's idempotency key is already stored → ``duplicate`` (a replay of an offline batch,
   or a retry after a lost reply) — whatever else would now be refused (used invitation, closed
   wave). Nothing is stored twice: the key is unique in the database, so this holds under
   concurrency too.
2. An invitation must exist and be unused (``unknown`` / ``used``); a public link must be active,
   under its daily cap per network address (``limited``) and, if so configured, not yet answered
   from this device (``device``).
3. The wave must be open today (``closed``); answers must satisfy the instrument (``invalid``,
   with a message per question).
4. In one transaction: the invitation is marked used by a conditional UPDATE (only one request can
   win it), the response and its answers are inserted.

Nothing here writes the audit trail: an audit row carries a timestamp and a request id, which
would pair a used invitation with its response.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.surveys import expressions
from casewatch.surveys.choices import Channel, ItemKind
from casewatch.surveys.models import Answer, DeviceSeen, PublicCounter, PublicLink, Response, Token
from casewatch.surveys.services import CompiledForm, compiled, hash_token

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TEXT = 2000
STATUS_HTTP = {
    "stored": 201,
    "duplicate": 200,
    "invalid": 422,
    "unknown": 404,
    "used": 409,
    "device": 409,
    "closed": 410,
    "limited": 429,
}


def message(status: str) -> str:
    """The sentence a respondent sees for an outcome, in the active language."""
    return {
        "stored": _("Thank you. Your answers have been received."),
        "duplicate": _("These answers had already been received. Nothing was stored twice."),
        "invalid": _("Some answers need attention."),
        "unknown": _("This link is not valid. Please check the address on your invitation."),
        "used": _("This invitation has already been used. Each invitation can be answered only once."),
        "device": _("This survey has already been answered on this device. Thank you."),
        "closed": _("This survey is not open at the moment."),
        "limited": _("Too many answers from this network today. Please try again tomorrow."),
    }[status]


@dataclass
class Outcome:
    status: str
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def http(self) -> int:
        return STATUS_HTTP[self.status]

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "duplicate")

    def as_dict(self, client_key: str = "") -> dict:
        return {
            "client_key": client_key,
            "status": self.status,
            "message": message(self.status),
            "errors": self.errors,
        }


class _Refused(Exception):
    def __init__(self, status: str):
        self.status = status


# --- validation -------------------------------------------------------------------------------


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in str(value).split() if v]


def _as_text(value) -> str:
    if value is None or isinstance(value, list | tuple | dict):
        return ""
    return str(value).strip()


def clean_answers(form: CompiledForm, raw: dict) -> tuple[list[dict], dict[str, str]]:
    """Check answers against the instrument; returns (answer rows, errors by question name).

    Questions hidden by skip logic are dropped even if the device sent a value, as XLSForm clients
    do. Expressions see the answers of the questions before them.
    """
    rows: list[dict] = []
    errors: dict[str, str] = {}
    seen: dict[str, object] = {}
    raw = raw if isinstance(raw, dict) else {}
    for item in form.items:
        if item.kind == ItemKind.NOTE or not expressions.holds(item.relevant, seen):
            continue
        value = raw.get(item.name)
        if item.kind == ItemKind.SELECT_MULTIPLE:
            chosen = list(dict.fromkeys(_as_list(value)))
            if not chosen:
                if item.required:
                    errors[item.name] = _("This question is required.")
                continue
            bad = [c for c in chosen if c not in item.choices]
            if bad:
                errors[item.name] = _("Not an option: %(values)s") % {"values": ", ".join(bad)[:100]}
                continue
            current: object = chosen
        else:
            text = _as_text(value)
            if not text:
                if item.required:
                    errors[item.name] = _("This question is required.")
                continue
            current = text
        row = {"item_id": item.id, "value": "", "score": None, "na": False, "number": None, "text": ""}
        if item.kind in (ItemKind.SELECT_ONE, ItemKind.LIKERT):
            if current not in item.choices:
                errors[item.name] = _("Not an option: %(values)s") % {"values": str(current)[:60]}
                continue
            row["value"] = current
            if item.kind == ItemKind.LIKERT:
                row["score"] = item.choices[current]
                row["na"] = row["score"] is None
        elif item.kind in (ItemKind.INTEGER, ItemKind.DECIMAL):
            try:
                number = float(current)
                if item.kind == ItemKind.INTEGER and not number.is_integer():
                    raise ValueError
            except ValueError:
                errors[item.name] = (
                    _("Enter a whole number.") if item.kind == ItemKind.INTEGER else _("Enter a number.")
                )
                continue
            row["number"] = number
            row["value"] = str(int(number)) if item.kind == ItemKind.INTEGER else str(number)
        elif item.kind == ItemKind.TEXT:
            row["text"] = str(current)[:MAX_TEXT]
        if item.constraint is not None and not expressions.holds(item.constraint, seen, current):
            errors[item.name] = _("This answer is outside the allowed range.")
            continue
        seen[item.name] = current
        if item.kind == ItemKind.SELECT_MULTIPLE:
            rows.extend({**row, "value": c} for c in current)
        else:
            rows.append(row)
    return rows, errors


# --- storing ----------------------------------------------------------------------------------


def _ip_hash(ip: str | None, day) -> str:
    # Salted with the secret key and the day: a counter row cannot be traced to an address later.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{day.isoformat()}|{ip or '-'}".encode(), hashlib.sha256).hexdigest()


def _count_address(link: PublicLink, day, ip: str | None) -> None:
    limit = link.ip_daily_limit
    if not limit:
        return
    key = _ip_hash(ip, day)
    counters = PublicCounter.objects.filter(link=link, day=day, ip_hash=key)
    if counters.filter(count__lt=limit).update(count=F("count") + 1):
        return
    if counters.exists():
        raise _Refused("limited")
    try:
        with transaction.atomic():
            PublicCounter.objects.create(link=link, day=day, ip_hash=key, count=1)
    except IntegrityError:
        if not counters.filter(count__lt=limit).update(count=F("count") + 1):
            raise _Refused("limited") from None


def _mark_device(link: PublicLink, device: str) -> None:
    if not link.one_per_device or not device:
        return
    digest = hashlib.sha256(f"{link.slug}|{device}".encode()).hexdigest()
    try:
        with transaction.atomic():
            DeviceSeen.objects.create(link=link, device_hash=digest)
    except IntegrityError:
        raise _Refused("device") from None


def _refuse(client_key: str, status: str, errors: dict | None = None) -> Outcome:
    """A refusal — unless this very submission is already stored (a replay), which is a success."""
    if Response.objects.filter(client_key=client_key).exists():
        return Outcome("duplicate")
    return Outcome(status, errors or {})


class _Invalid(Exception):
    def __init__(self, errors: dict):
        self.errors = errors


# Small per-process caches for the hot path. Units do not change their district or agency; a wave's
# status and period, and a link's settings, are re-read after CACHE_SECONDS, so closing a wave or
# switching a link off takes effect within that time in every server process.
CACHE_SECONDS = 5.0
_units: dict[int, tuple[str, str]] = {}
_waves: dict[int, tuple[float, tuple]] = {}
_links: dict[str, tuple[float, PublicLink | None]] = {}


def _unit_info(unit_id: int) -> tuple[str, str]:
    info = _units.get(unit_id)
    if info is None:
        from casewatch.core.models import Unit

        info = tuple(Unit.objects.filter(pk=unit_id).values_list("division_code", "agency_kind").get())
        _units[unit_id] = info
    return info


def _wave_open(wave_id: int, today) -> bool:
    from casewatch.surveys.choices import WaveStatus
    from casewatch.surveys.models import Wave

    now = time.monotonic()
    hit = _waves.get(wave_id)
    if hit is None or now - hit[0] > CACHE_SECONDS:
        hit = (
            now,
            tuple(Wave.objects.filter(pk=wave_id).values_list("status", "period_start", "period_end").get()),
        )
        _waves[wave_id] = hit
    status, start, end = hit[1]
    return status == WaveStatus.OPEN and start <= today <= end


def _link(slug: str) -> PublicLink | None:
    now = time.monotonic()
    hit = _links.get(slug)
    if hit is None or now - hit[0] > CACHE_SECONDS:
        found = PublicLink.objects.select_related("instrument").filter(slug=slug, active=True).first()
        hit = (now, found)
        _links[slug] = hit
    return hit[1]


def clear_caches() -> None:
    """Forget cached waves, links and units (tests; after bulk changes)."""
    _units.clear()
    _waves.clear()
    _links.clear()


_CLAIM = (
    "UPDATE surveys_token SET used = %s WHERE token_hash = %s AND used = %s "
    "RETURNING id, wave_id, instrument_id, unit_id, case_type, respondent_group"
)


def _claim(token: str) -> tuple | None:
    """Mark an unused invitation used and return its cell, in one statement (one request wins)."""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM, [True, hash_token(token), False])
        return cursor.fetchone()


def _store(
    client_key: str,
    wave_id: int,
    instrument_id: int,
    unit_id: int,
    case_type: str,
    group: str,
    channel: str,
    language: str,
    today,
    rows: list[dict],
) -> None:
    district, agency_kind = _unit_info(unit_id)
    response = Response(
        client_key=client_key,
        wave_id=wave_id,
        instrument_id=instrument_id,
        unit_id=unit_id,
        district_code=district,
        agency_kind=agency_kind,
        case_type=case_type,
        respondent_group=group,
        channel=channel,
        language=(language or "")[:10],
        submitted_on=today,
    )
    Response.objects.bulk_create([response])  # an INSERT without the save() machinery
    Answer.objects.bulk_create([Answer(response_id=response.pk, **row) for row in rows])


def submit(
    *,
    client_key: str,
    answers: dict,
    token: str = "",
    link: str = "",
    device: str = "",
    language: str = "",
    client_ip: str | None = None,
    channel: str | None = None,
    today=None,
) -> Outcome:
    """Store one submission (see the module docstring for the rules)."""
    if not KEY_PATTERN.match(client_key or ""):
        return Outcome("invalid", {"client_key": _("A device key of 8–64 letters and digits is required.")})
    today = today or timezone.localdate()
    # The fast path does not look anything up first: the invitation is claimed by a conditional
    # UPDATE and the response inserted in one transaction; a failed check, or the unique key of a
    # replay, rolls the claim back. Every refusal then checks whether it was a replay.
    try:
        with transaction.atomic():
            if token:
                claimed = _claim(token)
                if claimed is None:
                    exists = Token.objects.filter(token_hash=hash_token(token)).exists()
                    raise _Refused("used" if exists else "unknown")
                _pk, wave_id, instrument_id, unit_id, case_type, group = claimed
                channel = channel or Channel.TOKEN
            elif link:
                public = _link(link.lower())
                if public is None:
                    raise _Refused("unknown")
                wave_id, instrument_id, unit_id = public.wave_id, public.instrument_id, public.unit_id
                case_type, group, channel = "", public.instrument.respondent_group, channel or Channel.PUBLIC
            else:
                raise _Refused("unknown")
            if not _wave_open(wave_id, today):
                raise _Refused("closed")
            rows, errors = clean_answers(compiled(instrument_id), answers)
            if errors:
                raise _Invalid(errors)
            if not token:
                _count_address(public, today, client_ip)
                _mark_device(public, device)
            _store(
                client_key, wave_id, instrument_id, unit_id, case_type, group, channel, language, today, rows
            )
    except _Refused as refused:
        return _refuse(client_key, refused.status)
    except _Invalid as invalid:
        return _refuse(client_key, "invalid", invalid.errors)
    except IntegrityError:
        if Response.objects.filter(client_key=client_key).exists():
            return Outcome("duplicate")
        raise
    return Outcome("stored")

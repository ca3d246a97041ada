"""One-time codes that identify an applicant on the public pages (no login).

The applicant gives name, ID number (GB 11643 check digit verified) and phone; a 6-digit code goes
through the configured sender. Only an HMAC of the code is stored; it expires after
``NOTARY_CODE_MINUTES`` (10), allows ``NOTARY_CODE_ATTEMPTS`` (5) tries, and a phone or ID number
gets at most ``NOTARY_CODE_PER_HOUR`` (5) codes an hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.cases.identifiers import id_number_problem, is_valid_phone
from casewatch.notary.models import OneTimeCode
from casewatch.notary.senders import get_sender


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _hmac(purpose: str, value: str) -> str:
    key = (settings.SECRET_KEY + ":notary:" + purpose).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def applicant_key(id_number: str) -> str:
    """A stable, non-reversible key for an ID number (finds an applicant's own applications)."""
    return _hmac("applicant", id_number.strip().upper())


def check_identity(name: str, id_number: str, phone: str) -> dict[str, str]:
    """Field errors (bilingual via gettext) for the identity step; empty when all is well."""
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["applicant_name"] = _("Enter the applicant's name.")
    problem = id_number_problem((id_number or "").strip().upper())
    if problem == "format":
        errors["id_number"] = _("The ID number must have 18 characters: 17 digits and a digit or X.")
    elif problem == "birth_date":
        errors["id_number"] = _("The birth date inside the ID number is not a real date.")
    elif problem == "check_digit":
        errors["id_number"] = _("The ID number fails its check digit (GB 11643): please check it.")
    if not is_valid_phone((phone or "").strip()):
        errors["phone"] = _("Enter a valid mobile phone number.")
    return errors


def send_code(name: str, id_number: str, phone: str, now: dt.datetime | None = None) -> OneTimeCode:
    """Check the identity fields, rate-limit, store the hashed code and send it."""
    errors = check_identity(name, id_number, phone)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    key, phone = applicant_key(id_number), phone.strip()
    recent = OneTimeCode.objects.filter(
        Q(applicant_key=key) | Q(phone=phone), created_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if recent >= _setting("NOTARY_CODE_PER_HOUR", 5):
        raise ValidationError(
            _("Too many codes were requested for this phone or ID number; try again in an hour."), code="rate"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    otc = OneTimeCode.objects.create(
        applicant_key=key,
        phone=phone,
        code_hash=_hmac("code", f"{key}:{code}"),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=_setting("NOTARY_CODE_MINUTES", 10)),
    )
    transaction.on_commit(
        lambda: get_sender().send(
            phone, _("Your notarisation code is %(code)s (valid 10 minutes).") % {"code": code}
        )
    )
    return otc


def verify_code(id_number: str, phone: str, code: str, now: dt.datetime | None = None) -> str:
    """The applicant key when ``code`` is the live code for this ID number and phone; else an error."""
    now = now or timezone.now()
    key = applicant_key(id_number)
    error = None
    with transaction.atomic():
        otc = (
            OneTimeCode.objects.select_for_update()
            .filter(applicant_key=key, phone=(phone or "").strip(), used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if otc is None or otc.expires_at <= now:
            error = _("The code has expired or was never sent; request a new one.")
        elif otc.attempts >= _setting("NOTARY_CODE_ATTEMPTS", 5):
            error = _("Too many wrong codes; request a new one.")
        elif not hmac.compare_digest(otc.code_hash, _hmac("code", f"{key}:{(code or '').strip()}")):
            # Counted even though the caller sees an error: the block commits, nothing is raised in it.
            OneTimeCode.objects.filter(pk=otc.pk).update(attempts=F("attempts") + 1)
            error = _("The code is not correct.")
        else:
            otc.used_at = now
            otc.save(update_fields=["used_at"])
    if error:
        raise ValidationError({"code": error})
    return key

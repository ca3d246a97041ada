"""Notarisation workflow: intake by every channel, processing with the time limit, certificates.

Every transition is a function taking the acting user first: it checks role and scope, locks the
row, refuses illegal moves with a bilingual message, and writes a TRANSITION audit event.
Applicants on the public pages act without an account: their identity is the applicant key
proven by a one-time code (`codes.verify_code`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models import Unit
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.notary import certificates, workdays
from casewatch.notary.catalogue import material_label
from casewatch.notary.choices import Channel, Complexity, Delivery, ItemStatus, ReviewKind
from casewatch.notary.codes import applicant_key, check_identity
from casewatch.notary.models import (
    Application,
    Certificate,
    Item,
    Material,
    MaterialRequest,
    MatterType,
    Review,
)
from casewatch.problems import evidence

S = ItemStatus
OFFICE_SUFFIX = "-JUS-GZ"


def require(user, *actions: str) -> None:
    if not any(user_can(user, a) for a in actions):
        raise PermissionDenied(_("Your role does not allow this."))


def offices():
    """The notary offices (公证处) of the organisation tree."""
    return Unit.objects.filter(code__endswith=OFFICE_SUFFIX).order_by("code")


def _transition(user, item, before: str, message: str, **after) -> None:
    audit.record(
        AuditAction.TRANSITION,
        item,
        user=user,
        before={"status": before},
        after={"status": item.status, **after},
        message=message,
    )


# --- intake ---------------------------------------------------------------------------------------


def validate_application(
    *,
    channel: str,
    office_code: str,
    applicant_name: str,
    id_number: str,
    phone: str,
    matter_codes,
    files: dict | None,
    require_files: bool,
) -> tuple[Unit, list[MatterType], dict]:
    """Check everything before anything is written; returns (office, matters, inspected files).

    ``files`` maps ``"<matter>:<material>"`` to an uploaded file. Raises a ValidationError whose
    dict names the field (``matters``, ``file:<matter>:<material>`` …).
    """
    errors: dict[str, list[str]] = {
        k: [v] for k, v in check_identity(applicant_name, id_number, phone).items()
    }
    office = Unit.objects.filter(code=office_code, code__endswith=OFFICE_SUFFIX).first()
    if office is None:
        errors["office"] = [_("Choose a notary office.")]
    codes = list(dict.fromkeys(c for c in (matter_codes or []) if c))
    matters = list(MatterType.objects.filter(code__in=codes, active=True))
    unknown = sorted(set(codes) - {m.code for m in matters})
    if not codes:
        errors["matters"] = [_("Choose at least one matter.")]
    elif unknown:
        errors["matters"] = [_("Unknown matter: %(codes)s.") % {"codes": ", ".join(unknown)}]
    for m in matters:
        if channel == Channel.ONLINE and not m.online_allowed:
            errors.setdefault("matters", []).append(
                _("%(matter)s cannot be done online: apply at a notary office window.")
                % {"matter": m.display_name}
            )
        if office is not None and not m.allowed_at(office.code):
            errors.setdefault("matters", []).append(
                _("%(matter)s is handled only at a designated office, not at %(office)s.")
                % {"matter": m.display_name, "office": office.name}
            )
    inspected = {}
    for key, upload in (files or {}).items():
        if upload is None:
            continue
        try:
            inspected[key] = (upload, *evidence.inspect(upload))
        except ValidationError as exc:
            errors[f"file:{key}"] = [
                _("%(material)s: %(reason)s") % {"material": material_label(key.split(":")[-1]), "reason": m}
                for m in exc.messages
            ]
    if require_files:
        for m in matters:
            for req in m.materials:
                key = f"{m.code}:{req}"
                if key not in inspected and f"file:{key}" not in errors:
                    errors[f"file:{key}"] = [
                        _("Missing material for %(matter)s: %(material)s.")
                        % {"matter": m.display_name, "material": material_label(req)}
                    ]
    if errors:
        raise ValidationError(errors)
    order = {c: i for i, c in enumerate(codes)}
    return office, sorted(matters, key=lambda m: order[m.code]), inspected


def next_numbers(office: Unit, year: int, count: int) -> list[str]:
    """``count`` new application numbers for the office and year; call inside a transaction."""
    Unit.objects.select_for_update().filter(pk=office.pk).first()
    prefix = f"{office.division_code or office.code[:6]}GZ{year}"
    last = (
        Application.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    start = int(last[len(prefix) :]) + 1 if last else 1
    return [f"{prefix}{n:06d}" for n in range(start, start + count)]


def submit_application(
    user,
    *,
    channel: str,
    office_code: str,
    applicant_name: str,
    id_number: str,
    phone: str,
    matter_codes,
    files: dict | None = None,
    external_ref: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """Take in one application with one or more matters and their materials, all or nothing.

    Online (``user`` is None, the applicant proved by code) only simple matters; window intake by
    staff of the office (HANDLE in scope). Materials are required for both.
    """
    if channel != Channel.ONLINE:
        require(user, Action.HANDLE)
        get_scoped_or_404(user, Unit, Action.HANDLE, code=office_code)
    id_number = (id_number or "").strip().upper()
    office, matters, inspected = validate_application(
        channel=channel,
        office_code=office_code,
        applicant_name=applicant_name,
        id_number=id_number,
        phone=phone,
        matter_codes=matter_codes,
        files=files,
        require_files=True,
    )
    now = now or timezone.now()
    staff = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        app = Application.objects.create(
            number=next_numbers(office, timezone.localtime(now).year, 1)[0],
            office=office,
            channel=channel,
            applicant_name=applicant_name.strip(),
            id_number=id_number,
            phone=phone.strip(),
            applicant_key=applicant_key(id_number),
            external_ref=external_ref,
            submitted_at=now,
            created_by=staff,
        )
        items = {m.code: Item.objects.create(application=app, matter=m) for m in matters}
        for key, (upload, kind, sha, size) in inspected.items():
            matter_code, req = key.split(":", 1)
            if matter_code in items:
                _store_material(items[matter_code], req, upload, kind, sha, size, staff, now)
        audit.record(
            AuditAction.CREATE,
            app,
            user=staff,
            after={"channel": channel, "matters": [m.code for m in matters], "materials": len(inspected)},
            message=f"application {app.number} via {channel}, {len(matters)} matter(s)",
        )
    return app


def _store_material(item, req, upload, kind, sha, size, user, now) -> Material:
    name = evidence.store(upload, kind, sha)
    return Material.objects.create(
        item=item,
        requirement=req,
        file=name,
        original_name=evidence.safe_filename(upload.name or req, kind),
        kind=kind,
        size=size,
        sha256=sha,
        uploaded_at=now,
        uploaded_by=user,
    )


# --- processing -----------------------------------------------------------------------------------


def _locked(user, item, action=Action.HANDLE) -> Item:
    require(user, action)
    item = get_scoped_or_404(user, Item, action, pk=item.pk)
    return (
        Item.objects.select_for_update()
        .select_related("matter", "application", "application__office")
        .get(pk=item.pk)
    )


def _refuse_status(item, allowed, verb: str):
    if item.status not in allowed:
        raise ValidationError(
            _("This matter is %(status)s and cannot be %(verb)s.")
            % {"status": item.get_status_display(), "verb": verb},
            code="status",
        )


def accept(user, item: Item, on: dt.date | None = None) -> Item:
    """Accept the matter (受理): the 15-working-day clock starts the next working day."""
    on = on or timezone.localdate()
    with transaction.atomic():
        item = _locked(user, item)
        _refuse_status(item, (S.SUBMITTED,), _("accepted"))
        before = item.status
        item.status, item.accepted_on, item.notary = S.ACCEPTED, on, user
        item.due_on = workdays.due_on(on, item.matter.time_limit_days)[0]
        item.save(update_fields=["status", "accepted_on", "notary", "due_on"])
        _transition(user, item, before, f"accepted, due {item.due_on}", due_on=item.due_on)
    return item


def check_material(user, material: Material, ok: bool = True) -> Material:
    """Mark a material as checked by the notary."""
    with transaction.atomic():
        item = _locked(user, material.item)
        material = Material.objects.select_for_update().get(pk=material.pk, item=item)
        material.checked = ok
        material.save(update_fields=["checked"])
        audit.record(
            AuditAction.UPDATE,
            material,
            user=user,
            after={"checked": ok},
            message=f"material {material.requirement} checked={ok}",
        )
    return material


def request_materials(
    user, item: Item, requirement: str, message: str, on: dt.date | None = None
) -> MaterialRequest:
    """Ask the applicant for more materials, all at once (一次性告知); the clock pauses."""
    on = on or timezone.localdate()
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Say what is needed.")})
    with transaction.atomic():
        item = _locked(user, item)
        _refuse_status(item, (S.ACCEPTED,), _("sent a request for materials"))
        if requirement not in item.matter.materials:
            raise ValidationError(
                {"requirement": _("Choose a material on this matter's list (清单之外无证明).")}
            )
        before = item.status
        req = MaterialRequest.objects.create(
            item=item, requirement=requirement, message=message[:500], requested_on=on, requested_by=user
        )
        item.status, item.paused_since = S.MORE_MATERIALS, on
        item.save(update_fields=["status", "paused_since"])
        _transition(user, item, before, f"more materials requested: {requirement}", requirement=requirement)
    return req


def provide_materials(key: str, item: Item, uploads: dict, on: dt.date | None = None, now=None) -> Item:
    """The applicant (proved by ``key``) hands in what was requested; the clock resumes.

    The working days after the request up to and including the answer day are not counted.
    """
    on = on or timezone.localdate()
    now = now or timezone.now()
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("matter", "application").get(pk=item.pk)
        if item.application.applicant_key != key:
            raise PermissionDenied(_("This application is not yours."))
        _refuse_status(item, (S.MORE_MATERIALS,), _("given more materials"))
        open_reqs = list(item.requests.filter(answered_on__isnull=True))
        errors, inspected = {}, {}
        for req in open_reqs:
            upload = uploads.get(req.requirement)
            if upload is None:
                errors[f"file:{req.requirement}"] = [
                    _("Missing material: %(material)s.") % {"material": material_label(req.requirement)}
                ]
                continue
            try:
                inspected[req.requirement] = (upload, *evidence.inspect(upload))
            except ValidationError as exc:
                errors[f"file:{req.requirement}"] = exc.messages
        if errors:
            raise ValidationError(errors)
        for req_code, (upload, kind, sha, size) in inspected.items():
            _store_material(item, req_code, upload, kind, sha, size, None, now)
        item.requests.filter(answered_on__isnull=True).update(answered_on=on)
        before = item.status
        item.paused_days += workdays.working_days_between(item.paused_since, on)
        item.status, item.paused_since = S.ACCEPTED, None
        item.due_on = workdays.due_on(item.accepted_on, item.matter.time_limit_days, item.paused_days)[0]
        item.save(update_fields=["status", "paused_days", "paused_since", "due_on"])
        _transition(
            None,
            item,
            before,
            f"materials provided, due {item.due_on}",
            due_on=item.due_on,
            paused_days=item.paused_days,
        )
    return item


def approve(user, item: Item, on: dt.date | None = None) -> Item:
    """Approve (审批): every required material present and checked."""
    on = on or timezone.localdate()
    with transaction.atomic():
        item = _locked(user, item)
        _refuse_status(item, (S.ACCEPTED,), _("approved"))
        checked = set(item.materials.filter(checked=True).values_list("requirement", flat=True))
        missing = [r for r in item.matter.materials if r not in checked]
        if missing:
            raise ValidationError(
                _("Materials not yet checked: %(list)s.")
                % {"list": "、".join(str(material_label(r)) for r in missing)},
                code="materials",
            )
        before = item.status
        item.status, item.approved_on = S.APPROVED, on
        item.save(update_fields=["status", "approved_on"])
        _transition(user, item, before, "approved")
    return item


def certificate_number(item: Item, on: dt.date) -> str:
    office = item.application.office
    return f"({on.year})浙甬{office.division_code or office.code[:6]}证字第{item.pk:06d}号"


def issue(user, item: Item, on: dt.date | None = None) -> Certificate:
    """Issue the certificate: facts signed with the verification code; complex matters queue a
    second-person review."""
    on = on or timezone.localdate()
    with transaction.atomic():
        item = _locked(user, item)
        _refuse_status(item, (S.APPROVED,), _("issued"))
        number = certificate_number(item, on)
        facts = certificates.facts_for(item, number, on, user.get_full_name() or user.username)
        cert = Certificate.objects.create(
            item=item, number=number, facts=facts, code=certificates.sign(facts), issued_on=on, issued_by=user
        )
        before = item.status
        item.status, item.issued_on = S.ISSUED, on
        item.net_working_days = max(workdays.working_days_between(item.accepted_on, on) - item.paused_days, 0)
        item.save(update_fields=["status", "issued_on", "net_working_days"])
        if item.matter.complexity == Complexity.COMPLEX:
            Review.objects.get_or_create(item=item, kind=ReviewKind.MANDATORY)
        _transition(
            user, item, before, f"certificate {number} issued", certificate=number, on_time=item.on_time
        )
    return cert


def deliver(user, item: Item, method: str, on: dt.date | None = None) -> Item:
    """Record delivery of the certificate."""
    if method not in Delivery.values:
        raise ValidationError({"delivery": _("Choose how the certificate was delivered.")})
    on = on or timezone.localdate()
    with transaction.atomic():
        item = _locked(user, item)
        _refuse_status(item, (S.ISSUED,), _("delivered"))
        before = item.status
        item.status, item.delivered_on, item.delivery = S.DELIVERED, on, method
        item.save(update_fields=["status", "delivered_on", "delivery"])
        _transition(user, item, before, f"delivered ({method})")
    return item


def refuse(user, item: Item, reason: str) -> Item:
    """Refuse the matter (不予办理, 公证法 第31条) with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for refusing.")})
    with transaction.atomic():
        item = _locked(user, item)
        _refuse_status(item, (S.SUBMITTED, S.ACCEPTED, S.MORE_MATERIALS), _("refused"))
        before = item.status
        item.status, item.refusal_reason = S.REFUSED, reason[:300]
        item.save(update_fields=["status", "refusal_reason"])
        _transition(user, item, before, "refused", reason=reason[:300])
    return item


def revoke(user, cert: Certificate, reason: str) -> Certificate:
    """Revoke a certificate (撤销公证书); the public page then says so."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    require(user, Action.CHANGE)
    cert = get_scoped_or_404(user, Certificate, Action.CHANGE, pk=cert.pk)
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=cert.pk)
        if cert.revoked_at:
            raise ValidationError(_("The certificate is already revoked."), code="status")
        cert.revoked_at, cert.revoke_reason = timezone.now(), reason[:300]
        cert.save(update_fields=["revoked_at", "revoke_reason"])
        audit.record(
            AuditAction.TRANSITION,
            cert,
            user=user,
            before={"revoked": False},
            after={"revoked": True, "reason": reason[:300]},
            message=f"certificate {cert.number} revoked",
        )
    return cert

"""The audit trail: request context, typed events, and change logging for every save and delete.

Change logging uses signals because it is infrastructure (HOUSE_STYLE): any model deriving from
`ChangeLoggedModel` records who, when, request id, client address, before and after. Domain
events (login, reveal, export, transitions) are written explicitly with `record()`.
Bulk work (imports, analysis runs) is logged once per run, not per row.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from dataclasses import dataclass

from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from casewatch.core.choices import AuditAction


@dataclass
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None
    user: object | None = None


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "casewatch_audit", default=None
)


def current() -> RequestContext:
    """The context opened by `begin` (request, job, command), or an empty one.

    The empty one is not stored: a user set outside any context (a login that is not part of a
    request) must not stick to later, unrelated records.
    """
    ctx = _context.get()
    return ctx if ctx is not None else RequestContext()


def begin(request_id: str | None = None, client_ip: str | None = None, user=None):
    """Start a new audit context (one per request, job or command); returns a reset token."""
    return _context.set(RequestContext(request_id or uuid.uuid4().hex[:16], client_ip, user))


def end(token) -> None:
    _context.reset(token)


def set_user(user) -> None:
    current().user = user


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID | bytes):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance) -> dict:
    """The concrete field values of a model instance, JSON-ready (foreign keys as ids)."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(field.value_from_object(instance))
    return data


def owning_unit_path(instance) -> str:
    """The path of the unit that owns a scoped object ('' when it has none)."""
    field = getattr(type(instance), "scope_field", None)
    if field is None:
        return ""
    node = instance
    for part in [p for p in field.split("__") if p]:
        node = getattr(node, part, None)
        if node is None:
            return ""
    return getattr(node, "path", "") or ""


def record(
    action: str,
    obj=None,
    *,
    user=None,
    before=None,
    after=None,
    message: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    unit_path: str = "",
):
    """Append one audit record, filling who/when/request id/address from the current context."""
    from casewatch.core.models import AuditLog

    ctx = current()
    actor = user if user is not None else ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
        unit_path = unit_path or owning_unit_path(obj)
    if not unit_path and actor is not None and getattr(actor, "unit_id", None):
        unit_path = actor.unit.path
    return AuditLog.objects.create(
        user=actor,
        username=getattr(actor, "username", "") if actor else "",
        unit_path=unit_path,
        request_id=ctx.request_id,
        client_ip=ctx.client_ip,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=_jsonable(before),
        after=_jsonable(after),
        message=message,
    )


def _is_logged(sender) -> bool:
    from casewatch.core.models import ChangeLoggedModel

    return isinstance(sender, type) and issubclass(sender, ChangeLoggedModel)


@receiver(pre_save)
def _capture_before(sender, instance, raw=False, **kwargs):
    if raw or not _is_logged(sender):
        return
    instance._audit_before = None
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).first()
        if old is not None:
            instance._audit_before = snapshot(old)


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _is_logged(sender):
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    if not created and before is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after[k] for k in sorted(changed)}
    record(AuditAction.CREATE if created else AuditAction.UPDATE, instance, before=before, after=after)


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if not _is_logged(sender):
        return
    record(AuditAction.DELETE, instance, before=snapshot(instance))

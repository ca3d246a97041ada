"""Organisation tree, staff, accounts, API tokens, the audit trail and background jobs."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casewatch.core.choices import AgencyKind, AuditAction, JobStatus, Role, UnitKind
from casewatch.core.querysets import AuditQuerySet, RestrictedQuerySet


class ChangeLoggedModel(models.Model):
    """Marker base: every save and delete through the application lands in the audit trail."""

    class Meta:
        abstract = True


class Unit(ChangeLoggedModel):
    """A node of the organisation tree: city → district → agency → unit → division.

    ``path`` is a materialised path of codes (``/330200/330212/330212-CRT/``) so that "this
    subtree" is one indexed prefix filter, the same on SQLite and PostgreSQL.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    agency_kind = models.CharField(
        _("agency kind"), max_length=20, choices=AgencyKind.choices, blank=True, default=""
    )
    division_code = models.CharField(
        _("division code"),
        max_length=6,
        blank=True,
        default="",
        help_text=_("GB/T 2260 county-level code; for courts, the code inside new-style case numbers."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=400, db_index=True, editable=False)

    objects = RestrictedQuerySet.as_manager()
    scope_field = ""  # the unit itself

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def is_within(self, other: Unit) -> bool:
        """True when this unit lies in `other`'s subtree (or is it)."""
        return self.path.startswith(other.path)

    @property
    def district(self) -> Unit | None:
        """The district (or city) this unit belongs to."""
        node = self
        while node is not None and node.kind not in (UnitKind.DISTRICT, UnitKind.CITY):
            node = node.parent
        return node

    @property
    def agency(self) -> Unit | None:
        """The agency this unit belongs to (itself when it is an agency)."""
        node = self
        while node is not None and node.kind != UnitKind.AGENCY:
            node = node.parent
        return node


class Staff(ChangeLoggedModel):
    """A member of staff of a unit: handlers, judges, prosecutors, custodians, reviewers."""

    staff_no = models.CharField(_("staff number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff")
    position = models.CharField(_("position"), max_length=60, blank=True, default="")
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"
    personal_fields = ("id_number", "phone")

    class Meta:
        ordering = ["unit__path", "staff_no"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return f"{self.name} ({self.staff_no})"


class UserManager(DjangoUserManager.from_queryset(RestrictedQuerySet)):
    """Django's user manager with the scope gate."""


class User(AbstractUser, ChangeLoggedModel):
    """An account. It belongs to a unit, holds one role, and sees one subtree (its scope)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    scope = models.ForeignKey(
        Unit,
        verbose_name=_("scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The subtree of the organisation this account sees. Empty means nothing."),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.HANDLER)
    position = models.CharField(_("position"), max_length=60, blank=True, default="")
    staff = models.OneToOneField(
        Staff, verbose_name=_("staff record"), null=True, blank=True, on_delete=models.SET_NULL
    )
    must_change_password = models.BooleanField(_("must change password"), default=True)
    failed_login_count = models.PositiveIntegerField(_("failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    objects = UserManager()
    scope_field = "unit"
    audit_exclude = ("password", "last_login", "failed_login_count")

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def is_locked(self, now=None) -> bool:
        now = now or timezone.now()
        return self.locked_until is not None and self.locked_until > now


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. The secret is shown once; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str, expires_at) -> tuple[ApiToken, str]:
        """Create a token; returns the row and the raw secret (never stored)."""
        raw = "cw_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:10], key_hash=_hash_token(raw), expires_at=expires_at
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str):
        """The user of an active token, or None (unknown, expired, revoked or inactive user)."""
        now = timezone.now()
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=_hash_token(raw), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AuditLog(models.Model):
    """One entry of the append-only audit trail.

    Entries are never updated or deleted by the application: the model refuses it, the queryset
    refuses it, and a database trigger refuses UPDATE (and DELETE on PostgreSQL) as well.
    """

    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("username"), max_length=150, blank=True, default="")
    unit_path = models.CharField(max_length=400, blank=True, default="", db_index=True)
    request_id = models.CharField(_("request id"), max_length=40, blank=True, default="", db_index=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True, default="", db_index=True)
    object_id = models.CharField(_("object id"), max_length=200, blank=True, default="")
    object_repr = models.CharField(_("object"), max_length=300, blank=True, default="")
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True, default="")

    objects = AuditQuerySet.as_manager()
    scope_field = ""  # scoped by unit_path, see AuditQuerySet

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit records are append-only")


class Job(models.Model):
    """A unit of background work (import, analysis run, report) run by `casewatch worker`."""

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.CharField(_("message"), max_length=300, blank=True, default="")
    log = models.TextField(_("log"), blank=True, default="")
    error = models.TextField(_("error"), blank=True, default="")
    result = models.JSONField(_("result"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self):
        return f"#{self.pk} {self.kind}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return max(0, min(100, round(self.progress)))


from casewatch.core.models_ops import (  # noqa: E402,F401 - operations tables of the core app
    LoginThrottle,
    PasswordHistory,
    Schedule,
    SchedulerLease,
    UserSession,
)
from casewatch.core.models_saved import SavedSearch  # noqa: E402,F401 - saved searches of the core app

"""Operations tables: login throttles, session records, password history, the scheduler.

Imported by `casewatch.core.models` so they belong to the core app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginThrottle(models.Model):
    """Failed-login counter for one key: ``ip:<address>`` or ``pair:<user id>:<address>``.

    An account is locked only for the address that failed (so nobody can lock a colleague out of
    their own workstation by typing wrong passwords elsewhere); an address that fails too often
    with any username is blocked as a whole. Rows are shared by all server processes.
    """

    key = models.CharField(max_length=120, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self):
        return self.key


class UserSession(models.Model):
    """A signed-in browser session, listed on the account's session page and revocable."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_records"
    )
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, default="")
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("ended because"), max_length=20, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return f"{self.user_id} {self.session_key[:6]}…"


class PasswordHistory(models.Model):
    """Earlier password hashes of an account (for the optional no-reuse rule)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Schedule(models.Model):
    """A recurring piece of work the scheduler queues as a job (daily at a time, or every N minutes)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("job kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    daily_at = models.TimeField(_("daily at"), null=True, blank=True)
    interval_minutes = models.PositiveIntegerField(_("every (minutes)"), null=True, blank=True)
    condition = models.CharField(_("only when"), max_length=30, blank=True, default="")
    enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_job = models.ForeignKey(
        "core.Job", verbose_name=_("last job"), null=True, blank=True, on_delete=models.SET_NULL
    )
    last_status = models.CharField(_("last status"), max_length=12, blank=True, default="")
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")
    skipped = models.PositiveIntegerField(_("runs skipped"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self):
        return self.name


class SchedulerLease(models.Model):
    """The one row that says which worker runs the scheduler (renewed while it lives)."""

    name = models.CharField(max_length=30, unique=True)
    holder = models.CharField(max_length=120)
    acquired_at = models.DateTimeField()
    renewed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: {self.holder}"

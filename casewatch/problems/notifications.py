"""The inbox: in-app notifications, e-mail (each or as a daily digest), and who gets told.

Notification rows are written inside the transaction of the change they report; e-mails leave
only after it commits (`transaction.on_commit`). Texts are rendered from `kind` and `params` in
the reader's language, so a notification reads right after the reader switches language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casewatch.core.choices import Role
from casewatch.core.models import User
from casewatch.problems.choices import EmailMode, NotificationKind
from casewatch.problems.models import InboxPreference, Notification

log = logging.getLogger(__name__)

K = NotificationKind

#: Message templates; placeholders come from `Notification.params`.
TEMPLATES = {
    K.ASSIGNED: gettext_lazy("Problem #%(id)s was assigned to you: %(title)s (deadline %(deadline)s)."),
    K.SUBMITTED: gettext_lazy("Rectification of problem #%(id)s was submitted for verification: %(title)s."),
    K.RETURNED: gettext_lazy("Rectification of problem #%(id)s was returned: %(reason)s"),
    K.VERIFIED: gettext_lazy("Rectification of problem #%(id)s was verified: %(title)s."),
    K.DISMISSED: gettext_lazy("Problem #%(id)s was dismissed: %(reason)s"),
    K.REOPENED: gettext_lazy("Problem #%(id)s was reopened: %(reason)s"),
    K.OVERDUE: gettext_lazy("Problem #%(id)s is overdue (deadline %(deadline)s): %(title)s."),
    K.ESCALATED: gettext_lazy(
        "Problem #%(id)s is more than %(days)s days overdue and became supervision order #%(order)s."
    ),
    K.ORDER_ISSUED: gettext_lazy(
        "Supervision order #%(order)s was issued to your unit: %(title)s (deadline %(deadline)s)."
    ),
    K.ORDER_REPORT: gettext_lazy("A progress report was filed on supervision order #%(order)s: %(title)s."),
    K.ORDER_ESCALATED: gettext_lazy(
        "Supervision order #%(order)s is overdue and was escalated to the %(level)s: %(title)s."
    ),
    K.ORDER_CLOSED: gettext_lazy("Supervision order #%(order)s was closed: %(title)s."),
    K.ACCOUNTABILITY: gettext_lazy("An accountability review was opened for %(subject)s: %(summary)s"),
}


class _Default(dict):
    def __missing__(self, key):
        return ""


def render(notification: Notification) -> str:
    """The notification's text in the active language."""
    template = TEMPLATES.get(notification.kind)
    if template is None:
        return notification.kind
    return str(template) % _Default(notification.params or {})


def ancestor_paths(path: str) -> list[str]:
    """'/a/b/c/' → ['/a/', '/a/b/', '/a/b/c/']: the scopes that cover a unit."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def covering_users(unit, roles: Iterable[str]):
    """Active users of the given roles whose scope covers the unit."""
    return User.objects.filter(
        is_active=True, role__in=list(roles), scope__path__in=ancestor_paths(unit.path)
    ).order_by("id")


def unit_supervisors(unit) -> list:
    """The agency supervisors over a unit; the committee supervisors when there are none."""
    users = list(covering_users(unit, [Role.AGENCY_SUPERVISOR]))
    return users or list(covering_users(unit, [Role.COMMITTEE_SUPERVISOR]))


def committee_supervisors(unit) -> list:
    return list(covering_users(unit, [Role.COMMITTEE_SUPERVISOR]))


def problem_owner(problem) -> list:
    """Who must act on a problem: its assignee, otherwise the legal officers over its unit."""
    if problem.assignee_id:
        return [problem.assignee] if problem.assignee.is_active else []
    return list(covering_users(problem.unit, [Role.LEGAL_OFFICER]))


def notify(
    recipients, kind: str, *, params: dict, url: str = "", problem=None, order=None
) -> list[Notification]:
    """Write one notification per distinct recipient; e-mail those who want it after commit."""
    seen, rows = set(), []
    now = timezone.now()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                params=params,
                url=url,
                problem=problem,
                order=order,
                created_at=now,
            )
        )
    Notification.objects.bulk_create(rows)
    if rows:
        ids = [r.pk for r in rows if r.pk]
        if ids:
            transaction.on_commit(lambda: send_immediate(ids))
    return rows


def notify_many(items: list[tuple[object, str, dict, str, object, object]]) -> int:
    """Bulk form of `notify` for scheduled jobs: (recipient, kind, params, url, problem, order) tuples."""
    now = timezone.now()
    rows = [
        Notification(recipient=u, kind=k, params=p, url=url, problem=pr, order=o, created_at=now)
        for u, k, p, url, pr, o in items
        if u is not None and u.is_active
    ]
    Notification.objects.bulk_create(rows, batch_size=1000)
    ids = [r.pk for r in rows if r.pk]
    if ids:
        transaction.on_commit(lambda: send_immediate(ids))
    return len(rows)


def email_mode(user) -> str:
    pref = InboxPreference.objects.filter(user=user).only("email_mode").first()
    return pref.email_mode if pref else EmailMode.IMMEDIATE


def _language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def send_immediate(notification_ids: list[int]) -> int:
    """E-mail notifications to recipients who want each one (and have an address)."""
    daily_or_none = set(
        InboxPreference.objects.exclude(email_mode=EmailMode.IMMEDIATE).values_list("user_id", flat=True)
    )
    sent = 0
    qs = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
        "recipient"
    )
    for n in qs:
        user = n.recipient
        if not user.email or user.pk in daily_or_none:
            continue
        with translation.override(_language(user)):
            body = render(n)
            subject = "[casewatch] " + str(NotificationKind(n.kind).label)
            if n.url:
                body += "\n\n" + n.url
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:  # a mail outage must not undo the change; the inbox still holds it
            log.exception("could not e-mail notification %s", n.pk)
            continue
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def send_digests(now=None) -> int:
    """Send one digest e-mail to each person who chose the daily digest and has news since the last."""
    now = now or timezone.now()
    sent = 0
    prefs = InboxPreference.objects.filter(email_mode=EmailMode.DAILY).select_related("user")
    for pref in prefs:
        user = pref.user
        if not user.is_active or not user.email:
            continue
        if pref.last_digest_at and (now - pref.last_digest_at).total_seconds() < 20 * 3600:
            continue
        pending = list(
            Notification.objects.filter(
                recipient=user, emailed_at__isnull=True, read_at__isnull=True
            ).order_by("created_at")[:200]
        )
        if pending:
            with translation.override(_language(user)):
                subject = "[casewatch] " + _("Daily digest: %(n)d new notification(s)") % {"n": len(pending)}
                body = "\n".join(
                    f"- {timezone.localtime(n.created_at):%Y-%m-%d %H:%M} {render(n)}" for n in pending
                )
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            except Exception:
                log.exception("could not send the digest to user %s", user.pk)
                continue
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            sent += 1
        InboxPreference.objects.filter(pk=pref.pk).update(last_digest_at=now)
    return sent


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def set_email_mode(user, mode: str) -> InboxPreference:
    if mode not in EmailMode.values:
        raise ValueError(mode)
    pref, _created = InboxPreference.objects.update_or_create(user=user, defaults={"email_mode": mode})
    return pref

"""Pluggable senders of one-time codes. An SMS gateway is outside the platform.

``NOTARY_CODE_SENDER`` names a class with ``send(phone, message)``; the default,
`ConsoleSender`, writes the message to the log (stderr) and keeps it in `outbox` so tests and the
demo can read it, like Django's locmem mail backend.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("casewatch.notary")

#: (phone, message) pairs sent by the console sender in this process, newest last.
outbox: list[tuple[str, str]] = []


class ConsoleSender:
    """Writes the code to the log instead of sending an SMS (development, demo, tests)."""

    def send(self, phone: str, message: str) -> None:
        outbox.append((phone, message))
        del outbox[:-100]
        log.warning("one-time code for %s: %s", phone, message)


def get_sender():
    """An instance of the configured sender."""
    path = getattr(settings, "NOTARY_CODE_SENDER", "casewatch.notary.senders.ConsoleSender")
    return import_string(path)()

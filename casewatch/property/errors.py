"""Errors of the centre: one code, the item named, the reason in Chinese and in English."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "mistyped": _("%(code)s: the check character does not match; the code was mistyped or misread."),
    "unknown": _("%(code)s: no item with this code in the centres you may see."),
    "already_in": _("%(code)s (%(name)s) is already checked in at %(place)s since %(since)s."),
    "not_in_store": _("%(code)s (%(name)s) is not in store (status: %(status)s)."),
    "held_by_other": _(
        "%(code)s (%(name)s) is in the legal custody of %(agency)s; only that agency or the centre may %(what)s it."
    ),
    "no_judgment": _(
        "%(code)s (%(name)s): no effective judgment is on record, so it cannot be disposed of by %(route)s."
    ),
    "approval": _("%(code)s (%(name)s): %(route)s needs the approval of %(level)s."),
    "counted": _("Inventory %(number)s was already submitted at %(at)s; a count is submitted once."),
    "cash_account": _(
        "%(code)s (%(name)s) is cash: it goes into the compliant account with a deposit record, never onto a shelf."
    ),
    "unknown_location": _("%(location)s: no such location in this centre."),
    "same_location": _("%(code)s (%(name)s) is already at %(location)s."),
    "loan_fields": _(
        "%(code)s (%(name)s): a loan needs a borrower, an approver and a due time in the future."
    ),
    "not_borrowed": _("%(code)s (%(name)s) is not lent out."),
    "handover_nothing": _("Case %(case)s has no held item in the legal custody of %(agency)s to transfer."),
    "handover_done": _("Transfer list %(number)s was already accepted at %(at)s."),
    "handover_scope": _(
        "Transfer list %(number)s is addressed to %(agency)s; only that agency may accept it."
    ),
    "certificate": _(
        "%(code)s (%(name)s): a disposal needs an approver and a certificate or receipt number."
    ),
    "inventory_scope": _("Inventory %(number)s is not open."),
}


class PropertyError(ValidationError):
    """A refused operation: ``code`` is stable, the message names the item and the reason."""

    def __init__(self, code: str, /, **params):
        self.error_code = code
        self.error_params = {k: str(v) for k, v in params.items()}
        super().__init__(MESSAGES[code], code=code, params=self.error_params)

    def text(self, language: str | None = None) -> str:
        """The message in ``language`` (the active one when None)."""
        if language is None:
            return str(MESSAGES[self.error_code]) % self.error_params
        with translation.override(language):
            return str(MESSAGES[self.error_code]) % self.error_params

    def bilingual(self) -> dict:
        """``{"code", "message", "message_zh", "message_en"}`` for the API and the scan page."""
        return {
            "code": self.error_code,
            "message": self.text(),
            "message_zh": self.text("zh-hans"),
            "message_en": self.text("en"),
        }

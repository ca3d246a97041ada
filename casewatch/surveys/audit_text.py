"""How the surveys app's audit messages read in the reader's language (see core.audit_text);
the patterns are the format `authoring`, `services`, `importing` and `views` write them in."""

from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message


def register() -> None:
    register_message(r"XLSForm (?P<file>.+)", _("questionnaire imported from the XLSForm %(file)s"))
    register_message(r"published", _("questionnaire published"))
    register_message(r"retired", _("questionnaire retired"))
    register_message(r"item (?P<name>\S+) saved", _("question %(name)s saved"))
    register_message(r"item (?P<name>\S+) deleted", _("question %(name)s deleted"))
    register_message(r"choice list (?P<name>\S+) saved", _("choice list %(name)s saved"))
    register_message(
        r"(?P<n>\d+) invitations for wave (?P<wave>\d+) \((?P<chosen>\d+) of (?P<cases>\d+) cases sampled\)",
        _("%(n)s survey invitations issued for wave #%(wave)s (%(chosen)s of %(cases)s cases sampled)"),
    )
    register_message(r"sealed", _("invitation batch sealed (links can no longer be printed)"))
    register_message(
        r"(?P<n>\d+) survey responses imported from (?P<file>.+) \((?P<refused>\d+) rows refused\)",
        _("%(n)s survey responses imported from %(file)s (%(refused)s rows refused)"),
    )
    register_message(
        r"print sheet, (?P<n>\d+) invitations", _("invitation print sheet exported, %(n)s invitations")
    )
    register_message(r"SMS export with phone numbers", _("invitations exported for SMS, with phone numbers"))

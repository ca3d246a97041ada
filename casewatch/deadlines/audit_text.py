"""How the deadlines app's audit messages read in the reader's language (see core.audit_text);
the patterns are the format `services` writes them in."""

from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message


def register() -> None:
    from casewatch.deadlines import labels

    register_message(
        r"deadlines refreshed as of (?P<day>[\d-]+): (?P<cases>\d+) cases, (?P<persons>\d+) persons",
        _("deadlines recomputed as of %(day)s: %(cases)s cases, %(persons)s persons in custody"),
    )
    register_message(
        r"light rule (?P<type>[\w*]+) v(?P<v>\d+)",
        _("light rule for %(type)s, version %(v)s"),
        type=lambda c: _("every case type") if c == "*" else labels.case_type(c),
    )
    register_message(r"escalation ladder v(?P<v>\d+)", _("escalation ladder, version %(v)s"))
    register_message(r"points rule v(?P<v>\d+)", _("points rule, version %(v)s"))
    register_message(
        r"escalation (?P<step>\w+) noted on open order #(?P<order>\d+)",
        _("escalation (%(step)s) noted on the open order #%(order)s"),
        step=labels.step,
    )
    register_message(
        r"escalation (?P<step>\w+) confirmed: order #(?P<order>\d+)",
        _("escalation (%(step)s) confirmed: order #%(order)s"),
        step=labels.step,
    )
    register_message(
        r"display token (?P<prefix>\S+) for (?P<unit>\S+)", _("display token %(prefix)s for %(unit)s")
    )
    register_message(r"display token (?P<prefix>\S+) revoked", _("display token %(prefix)s revoked"))

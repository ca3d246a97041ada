"""How the problems app's audit messages read in the reader's language (see core.audit_text).

The messages are stored as written by `services`, `services_orders`, `services_accountability`
and `tasks` (codes inside an English sentence); these patterns are their format."""

from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message
from casewatch.problems.choices import OrderOrigin, Outcome, ProblemAction, ProblemStatus


def _status(code: str) -> str:
    return "—" if code in ("", "-") else str(dict(ProblemStatus.choices).get(code, code))


def register() -> None:
    register_message(
        r"problem (?P<action>\w+): (?P<before>[\w-]+) → (?P<after>\w+) \((?P<reason>.*)\)",
        _("Problem: %(action)s, %(before)s → %(after)s (%(reason)s)"),
        action=ProblemAction,
        before=_status,
        after=_status,
    )
    register_message(
        r"problem (?P<action>\w+): (?P<before>[\w-]+) → (?P<after>\w+)",
        _("Problem: %(action)s, %(before)s → %(after)s"),
        action=ProblemAction,
        before=_status,
        after=_status,
    )
    register_message(r"problem opened from a confirmed finding", _("problem opened from a confirmed finding"))
    register_message(r"evidence attached", _("evidence attached"))
    register_message(
        r"supervision order closed with its problem: (?P<note>.*)",
        _("supervision order closed with its problem: %(note)s"),
    )
    register_message(r"supervision order issued", _("supervision order issued"))
    register_message(
        r"supervision order issued; nobody at the unit receives it",
        _("supervision order issued; nobody at the unit receives it"),
    )
    register_message(
        r"supervision order opened automatically \((?P<origin>\w+)\)",
        _("supervision order opened automatically (%(origin)s)"),
        origin=OrderOrigin,
    )
    register_message(
        r"supervision order opened automatically \((?P<origin>\w+)\); nobody at the unit receives it",
        _("supervision order opened automatically (%(origin)s); nobody at the unit receives it"),
        origin=OrderOrigin,
    )
    register_message(r"progress report filed", _("progress report filed"))
    register_message(r"supervision order closed", _("supervision order closed"))
    register_message(r"supervision order escalated \(overdue\)", _("supervision order escalated (overdue)"))
    register_message(
        r"problem escalated to supervision order #(?P<order>\d+) \((?P<days>\d+) days overdue\)",
        _("problem escalated to supervision order #%(order)s (%(days)s days overdue)"),
    )
    register_message(r"supervision order opened by escalation", _("supervision order opened by escalation"))
    register_message(
        r"accountability review opened by a trigger", _("accountability review opened by a trigger")
    )
    register_message(
        r"accountability outcome recorded: (?P<outcome>\w+)",
        _("accountability outcome recorded: %(outcome)s"),
        outcome=Outcome,
    )

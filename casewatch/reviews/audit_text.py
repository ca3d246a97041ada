"""How the case-quality review's audit messages read in the reader's language (see
core.audit_text); the patterns are the format `services` writes them in (grades are stored as
the rubric names them, already in Chinese; a conflict's reason as the sentence it was refused
with)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message


def register() -> None:
    from casewatch.reviews.choices import DualCheckTrack

    register_message(
        r"campaign draw: seed (?P<seed>.+), (?P<n>\d+) of (?P<m>\d+) cases",
        _("review sample drawn: seed %(seed)s, %(n)s of %(m)s cases"),
    )
    register_message(
        r"campaign list frozen: seed (?P<seed>.+), (?P<n>\d+) cases",
        _("review list frozen: seed %(seed)s, %(n)s cases"),
    )
    register_message(r"campaign to report", _("review campaign closed for its report"))
    register_message(
        r"picked case (?P<case>.+?): (?P<reason>.*)", _("case %(case)s picked for review: %(reason)s")
    )
    register_message(
        r"assignment refused: (?P<reviewer>.+?) / (?P<case>.+?): (?P<why>.*)",
        _("assignment of %(reviewer)s to %(case)s refused: %(why)s"),
        why=gettext,
    )
    register_message(
        r"review submitted: (?P<score>[\d.]+) (?P<grade>.*)",
        _("review submitted: score %(score)s, grade %(grade)s"),
    )
    register_message(
        r"petition outcome from review panel #(?P<panel>\d+)",
        _("petition outcome set by the review panel #%(panel)s"),
    )
    register_message(r"panel decided", _("review panel decided"))
    register_message(
        r"dual check (?P<track>\w+) concluded", _("dual check (%(track)s) concluded"), track=DualCheckTrack
    )

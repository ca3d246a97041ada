"""How the campaign app's audit messages read in the reader's language (see core.audit_text);
the patterns are the format `services` writes them in (sign-in, attendance import, norm links,
frozen reports)."""

from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message


def register() -> None:
    from casewatch.campaign.choices import LinkKind

    register_message(r"signed in (?P<staff>\S+)", _("signed in: staff number %(staff)s"))
    register_message(
        r"attendance list (?P<file>.+): (?P<added>\d+) added, (?P<present>\d+) already present",
        _("attendance list %(file)s: %(added)s added, %(present)s already present"),
    )
    register_message(
        r"linked (?P<kind>" + "|".join(LinkKind.values) + r"):(?P<target>.+)",
        _("norm linked to %(kind)s %(target)s"),
        kind=LinkKind,
    )
    register_message(
        r"campaign report (?P<unit>\S+) (?P<start>[\d-]+)\.\.(?P<end>[\d-]+) frozen \((?P<digest>\w+)\)",
        _("campaign report of %(unit)s for %(start)s to %(end)s frozen (digest %(digest)s)"),
    )

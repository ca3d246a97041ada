"""How the notary app's audit messages read in the reader's language (see core.audit_text);
the patterns are the format `services`, `standards`, `importing`, `views` and `views_review`
write them in (codes inside: channel, delivery method, material requirement)."""

from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message


def _checked(value: str) -> str:
    return str(_("passed") if value == "True" else _("not passed"))


def register() -> None:
    from casewatch.notary.catalogue import material_label
    from casewatch.notary.choices import Channel, Delivery

    material = lambda code: str(material_label(code))  # noqa: E731

    register_message(r"accepted, due (?P<due>[\d-]+)", _("notarisation accepted, due %(due)s"))
    register_message(
        r"more materials requested: (?P<req>\S+)",
        _("more materials requested: %(req)s"),
        req=material,
    )
    register_message(r"materials provided, due (?P<due>[\d-]+)", _("materials provided, now due %(due)s"))
    register_message(r"approved", _("notarisation approved"))
    register_message(r"certificate (?P<number>.+) issued", _("certificate %(number)s issued"))
    register_message(
        r"delivered \((?P<method>\w+)\)", _("certificate delivered (%(method)s)"), method=Delivery
    )
    register_message(r"refused", _("notarisation refused"))
    register_message(
        r"application (?P<number>\S+) via (?P<channel>\w+), (?P<n>\d+) matter\(s\)",
        _("application %(number)s received (%(channel)s), %(n)s matter(s)"),
        channel=Channel,
    )
    register_message(
        r"material (?P<req>\S+) checked=(?P<ok>True|False)",
        _("material %(req)s checked: %(ok)s"),
        req=material,
        ok=_checked,
    )
    register_message(r"certificate (?P<number>.+) revoked", _("certificate %(number)s revoked"))
    register_message(r"imported (?P<n>\d+) applications", _("%(n)s notarisation applications imported"))
    register_message(r"material (?P<req>\S+) downloaded", _("material %(req)s downloaded"), req=material)
    register_message(
        r"certificate (?P<number>.+) as (?P<fmt>\w+)", _("certificate %(number)s exported as %(fmt)s")
    )
    register_message(
        r"notary measures (?P<since>[\d-]+)\.\.(?P<until>[\d-]+), (?P<n>\d+) offices",
        _("notarisation measures %(since)s to %(until)s, %(n)s offices"),
    )
    register_message(
        r"review sample: seed (?P<seed>\S+), (?P<n>\d+) of (?P<m>\d+) items",
        _("review sample drawn: seed %(seed)s, %(n)s of %(m)s items"),
    )
    register_message(
        r"review of (?P<number>\S+): (?P<n>\d+) finding\(s\)",
        _("review of %(number)s: %(n)s finding(s)"),
    )

"""How the seized-property centre's audit messages read in the reader's language (see
core.audit_text); the patterns are the format `services`, `services_inventory` and `alerts` write
them in (verb, disposal route and inventory mode as codes; an inventory's result as a dict)."""

from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message

#: The verbs `services._audit` writes (``property <verb>``).
VERBS = {
    "check-in": _("checked in"),
    "move": _("moved"),
    "lend": _("lent out"),
    "return": _("taken back"),
}

_RESULT = (
    r"\{'expected': (?P<expected>\d+), 'scanned': (?P<scanned>\d+), 'missing': (?P<missing>\d+), "
    r"'unexpected': (?P<unexpected>\d+), 'misplaced': (?P<misplaced>\d+), "
)


def register() -> None:
    from casewatch.property.choices import DisposalRoute, InventoryMode

    register_message(
        r"view refused: outside the user's scope", _("property lookup refused: outside the user's scope")
    )
    register_message(r"property (?P<verb>" + "|".join(VERBS) + r")", _("property item %(verb)s"), verb=VERBS)
    register_message(
        r"property disposal (?P<route>\w+)", _("property item disposed of: %(route)s"), route=DisposalRoute
    )
    register_message(
        r"transfer list of (?P<n>\d+) items", _("transfer list of %(n)s items sent with the case")
    )
    register_message(
        r"accepted: (?P<n>\d+) items' custody", _("transfer accepted: custody of %(n)s items taken over")
    )
    register_message(
        r"inventory (?P<mode>\w+): (?P<n>\d+) of (?P<population>\d+) items",
        _("inventory started (%(mode)s): %(n)s of %(population)s items"),
        mode=InventoryMode,
    )
    register_message(
        r"inventory submitted: " + _RESULT + r".*'error_rate': (?P<rate>[\d.]+).*",
        _(
            "inventory submitted: %(expected)s expected, %(scanned)s scanned, %(missing)s missing, "
            "%(unexpected)s unexpected, %(misplaced)s misplaced, error rate %(rate)s%%"
        ),
    )
    register_message(
        r"inventory submitted: " + _RESULT + r".*",
        _(
            "inventory submitted: %(expected)s expected, %(scanned)s scanned, %(missing)s missing, "
            "%(unexpected)s unexpected, %(misplaced)s misplaced"
        ),
    )
    register_message(
        r"property alerts refreshed: (?P<alerts>\d+) alerts, (?P<opened>\d+) problems opened",
        _("property alerts refreshed: %(alerts)s alerts, %(opened)s problems opened"),
    )

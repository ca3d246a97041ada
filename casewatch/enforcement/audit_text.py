"""How the enforcement app's audit messages read in the reader's language (see core.audit_text);
the patterns are the format `funds`, `repairs`, `certificates` and `views` write them in (a bank
statement's counts are stored as a dict of line-status codes)."""

import re

from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message

_COUNT = re.compile(r"'(\w+)': (\d+)")


def _counts(text: str) -> str:
    """``{'matched': 3, 'duplicate': 1}`` → ``已对上 3、重复行 1`` (the statuses by their labels)."""
    from casewatch.enforcement.choices import LineStatus

    labels = dict(LineStatus.choices)
    pairs = _COUNT.findall(text)
    if not pairs:
        return "—"
    return "、".join(f"{labels.get(code, code)} {n}" for code, n in pairs)


#: The pages whose personal data can be shown in full (``views._reveal`` stores the path).
PAGES = {
    "/enforcement/": _("Dishonest-debtor list"),
    "/enforcement/incentive/": _("Positive incentive"),
}


def _page(path: str) -> str:
    return str(PAGES.get(path, path))


def register() -> None:
    register_message(
        r"bank statement (?P<name>.+): (?P<counts>\{.*\})",
        _("bank statement %(name)s reconciled: %(counts)s"),
        counts=_counts,
    )
    register_message(r"credit repair revoked: (?P<reason>.*)", _("credit repair revoked: %(reason)s"))
    register_message(r"certificate revoked", _("enforcement certificate revoked"))
    register_message(
        r"(?P<page>/enforcement/\S*)", _("debtors' personal data shown in full on %(page)s"), page=_page
    )

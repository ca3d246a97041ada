"""How the screening app's audit messages read in the reader's language (see core.audit_text)."""

from django.utils.translation import gettext_lazy as _

from casewatch.core.audit_text import register_message
from casewatch.screening.choices import RunMode, RunStatus


def register() -> None:
    register_message(
        r"screening (?P<mode>\w+) on (?P<engine>\w+): (?P<new>\d+) new, (?P<same>\d+) unchanged, "
        r"(?P<resolved>\d+) resolved \((?P<status>\w+)\)",
        _(
            "screening (%(mode)s, %(engine)s): %(new)s new, %(same)s unchanged, %(resolved)s resolved "
            "(%(status)s)"
        ),
        mode=RunMode,
        engine={"duckdb": "DuckDB", "spark": "Spark"},
        status=RunStatus,
    )
    register_message(
        r"custom rule (?P<rule>\S+) v(?P<v>\d+) saved", _("custom rule %(rule)s version %(v)s saved")
    )
    register_message(r"custom rule (?P<rule>\S+) deactivated", _("custom rule %(rule)s deactivated"))

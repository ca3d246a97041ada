"""The shell speaks Chinese by default: its main strings are in the zh-hans catalogue."""

import re

import pytest
from django.utils import translation

CJK = re.compile(r"[\u4e00-\u9fff]")

#: Strings every user meets: navigation, login, the 404 page, the API's JSON errors.
SHELL = [
    "Overview",
    "Cases",
    "Organisation",
    "Jobs",
    "Audit trail",
    "Log in",
    "Log out",
    "Change password",
    "Not found",
    "The page or record does not exist, or it is outside your scope.",
    "Not found.",
    "Authentication required: a valid API token or session.",
    "Your role does not allow this.",
    "Only auditors may read the audit trail.",
    "The request is not valid.",
]


@pytest.mark.parametrize("msgid", SHELL)
def test_shell_strings_are_translated(msgid):
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    assert CJK.search(text), f"no zh-hans translation for {msgid!r} (casewatch/locale/zh_Hans)"
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid

"""Every translation catalogue in the repository is complete: no empty, fuzzy or stale translation."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
ENTRY = re.compile(r'(?m)^(#,[^\n]*\n)?(?:#\|[^\n]*\n)*msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n?)+)')


def _text(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    text = path.read_text(encoding="utf-8")
    missing, fuzzy = [], []
    for flags, msgid, msgstr in ENTRY.findall(text):
        mid = _text(msgid)
        if not mid:
            continue  # the header
        if "fuzzy" in (flags or ""):
            fuzzy.append(mid)
        if not _text(msgstr):
            missing.append(mid)
    assert not missing, f"{path}: {len(missing)} untranslated, e.g. {missing[:3]}"
    assert not fuzzy, f"{path}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"
    mo = path.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= path.stat().st_mtime - 1, f"{mo} is missing or older than its .po"


def test_every_app_catalogue_is_found():
    assert len(CATALOGUES) >= 2

"""Every translation catalogue in the repository is complete: no empty, fuzzy or stale translation."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'(?m)^(#,[^\n]*\n)?(?:#\|[^\n]*\n)*(msgctxt [^\n]*\n)?msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n?)+)'
)


def _text(block: str) -> str:
    raw = "".join(re.findall(r'"(.*)"', block))
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), raw)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    text = path.read_text(encoding="utf-8")
    import gettext

    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    missing, fuzzy, stale = [], [], []
    for flags, ctxt, msgid, msgstr in ENTRY.findall(text):
        mid, mstr = _text(msgid), _text(msgstr)
        if not mid:
            continue  # the header
        if "fuzzy" in (flags or ""):
            fuzzy.append(mid)
        if not mstr:
            missing.append(mid)
        elif not ctxt and compiled.gettext(mid) != mstr:
            stale.append(mid)
    assert not missing, f"{path}: {len(missing)} untranslated, e.g. {missing[:3]}"
    assert not fuzzy, f"{path}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"
    assert not stale, f"{mo} is older than its .po (run compilemessages), e.g. {stale[:3]}"


def test_every_app_catalogue_is_found():
    assert len(CATALOGUES) >= 2

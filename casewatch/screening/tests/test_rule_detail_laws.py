"""The rule page says why a cited article has no text (issue 12, item 11): with the statute folder
set, "set CASEWATCH_LAWS_DIR" was shown for every citation without a text — a whole-document
citation, a law the folder does not hold — although the folder was set."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from casewatch.core.choices import Role
from casewatch.screening import services
from casewatch.screening.tests.test_services import city, user  # noqa: F401

LAWS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "laws"


def _page(client, rule_id: str) -> str:
    return client.get(reverse("screening:rule_detail", args=[rule_id])).content.decode()


@pytest.mark.django_db
def test_rule_page_says_why_an_article_has_no_text(city, client, settings):  # noqa: F811
    if not LAWS.is_dir():
        pytest.skip("the shared statute folder is not present")
    settings.LAWS_DIR = str(LAWS)
    services.sync_catalogue()
    client.force_login(user(Role.COMMITTEE_SUPERVISOR, "330200"))
    for rule_id in ("DE-01", "PP-01", "EN-02"):
        page = _page(client, rule_id)
        assert "CASEWATCH_LAWS_DIR" not in page, rule_id
        assert 'data-testid="article-missing"' in page
        assert "text not in the shared law corpus" not in page  # English notes only in English
    assert "整部" in _page(client, "DE-01")  # a whole-document citation
    assert "不在法规文本库中" in _page(client, "PP-01")  # a ministry rule the folder lacks
    settings.LAWS_DIR = ""
    assert "CASEWATCH_LAWS_DIR" in _page(client, "DE-01")  # unset: said as such
    settings.LAWS_DIR = "/nonexistent/laws"
    assert "/nonexistent/laws" in _page(client, "PP-01")


@pytest.mark.django_db
def test_evidence_template_marks_its_placeholders(city, client):  # noqa: F811
    """The evidence template's {filed_on} are the finding's columns, shown as code, not as prose."""
    services.sync_catalogue()
    client.force_login(user(Role.COMMITTEE_SUPERVISOR, "330200"))
    page = _page(client, "DE-01")
    template = page.split('data-testid="evidence-template">', 1)[1].split("</p>", 1)[0]
    assert "<code>{filed_on}</code>" in template and "立案" in template

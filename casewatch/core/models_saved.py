"""Saved searches: a person's named filters of a list page (case search, findings, problems).

A saved search stores only the page and its query string, never rows: applying it opens the page
with those filters, and the page passes them through its own scope gate (`restrict(user, …)`),
so a search saved by someone whose scope later shrank shows only what they may see now.
Imported by `casewatch.core.models` so it belongs to the core app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedSearchPage(models.TextChoices):
    CASES = "cases", _("Case search")
    FINDINGS = "findings", _("Findings")
    PROBLEMS = "problems", _("Problems")


#: page -> URL name of the list it filters
PAGE_URLS = {
    SavedSearchPage.CASES: "cases:case_list",
    SavedSearchPage.FINDINGS: "screening:finding_list",
    SavedSearchPage.PROBLEMS: "problems:problem_list",
}


class SavedSearch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    page = models.CharField(_("page"), max_length=20, choices=SavedSearchPage.choices)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=2000, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["page", "name"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="core_savedsearch_unique_name")
        ]

    def __str__(self):
        return f"{self.get_page_display()}: {self.name}"

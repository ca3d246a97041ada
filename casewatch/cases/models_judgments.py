"""Judgment documents read by the importer: the provenance of every field taken from them.

Why a table of its own: the canonical tables hold the values (a case's filing date, a party's
role); a supervisor who doubts one needs to see where it came from — the span of text, its line,
and how sure the parser was. One row per document (keyed by the hash of its text, so re-importing
the same document updates it in place), its fields, parties (with role as written, firm,
anonymised or not) and cited articles as JSON, and the text itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casewatch.core.querysets import RestrictedQuerySet


class JudgmentDocument(models.Model):
    """One imported judgment document and where each of its values came from."""

    sha1 = models.CharField(_("text hash"), max_length=40, unique=True)
    file = models.CharField(_("file"), max_length=300)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="judgment_documents"
    )
    doc_no = models.CharField(_("document number"), max_length=80)
    kind = models.CharField(_("kind (from the body)"), max_length=40)
    title = models.CharField(_("title"), max_length=40, blank=True, default="")
    fields = models.JSONField(_("fields with spans and confidence"), default=dict)
    parties = models.JSONField(_("parties with spans"), default=list)
    articles = models.JSONField(_("cited articles"), default=list)
    warnings = models.JSONField(_("warnings"), default=list)
    text = models.TextField(_("text"))
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "case__unit"

    class Meta:
        ordering = ["-imported_at", "file"]
        verbose_name = _("judgment document")
        verbose_name_plural = _("judgment documents")

    def __str__(self):
        return self.file

    def confidence(self, field: str) -> float | None:
        """The parser's confidence in one field, None when the field was not found."""
        entry = self.fields.get(field)
        return entry["confidence"] if entry else None

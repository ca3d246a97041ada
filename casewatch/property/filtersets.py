"""The ledger's (item list's) filters, shared by the page and ``GET /api/v1/property/items``:
``q`` is a code prefix (as typed or scanned: normalised) or part of a case number, ``status`` an
item status, ``case_id`` one case. A malformed value is refused by both with the same message in
Chinese and English (core.filtersets.SharedFilterForm)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casewatch.core.filtersets import SharedFilterForm
from casewatch.property import choices as C


class ItemFilterForm(SharedFilterForm):
    q = forms.CharField(label=_("Code or case number"), required=False, max_length=80)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—")] + list(C.ItemStatus.choices)
    )
    case_id = forms.IntegerField(label=_("Case"), required=False, min_value=1, widget=forms.HiddenInput)

    def filter(self, qs):
        if not self.is_bound or not self.is_valid():
            return qs
        from casewatch.property.services import normalise

        d = self.cleaned_data
        if d["q"]:
            term = d["q"].strip()
            qs = qs.filter(Q(code__startswith=normalise(term)) | Q(case__case_number__contains=term))
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["case_id"]:
            qs = qs.filter(case_id=d["case_id"])
        return qs

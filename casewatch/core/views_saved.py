"""Saved searches: save the current filters of a list page under a name, apply, delete.

Only the owner sees and uses their searches (404 for anyone else). Applying one redirects to the
page with the stored filters; the page gates them through its own `restrict(user, …)`. Saving and
deleting are audited.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.models_saved import PAGE_URLS, SavedSearch, SavedSearchPage
from casewatch.core.permissions import user_can

#: Parameters that are not filters (pagination, exports, the form's own token).
NOT_FILTERS = frozenset({"page", "after", "export", "format", "print", "csrfmiddlewaretoken"})
MAX_PER_PAGE = 50


def clean_query(query: str) -> str:
    """The filters of a query string, without pagination or export parameters, re-encoded."""
    params = QueryDict(query.lstrip("?"), mutable=True)
    for key in list(params):
        if key in NOT_FILTERS or not any(v.strip() for v in params.getlist(key)):
            del params[key]
    return params.urlencode()


class SavedSearchForm(forms.Form):
    page = forms.ChoiceField(label=gettext_lazy("page"), choices=SavedSearchPage.choices)
    name = forms.CharField(label=gettext_lazy("Name of the search"), max_length=80)
    query = forms.CharField(label=gettext_lazy("filters"), max_length=2000, required=False)

    def clean_query(self):
        return clean_query(self.cleaned_data.get("query") or "")


def page_url(page: str, query: str = "") -> str:
    url = reverse(PAGE_URLS[page])
    return f"{url}?{query}" if query else url


def _snapshot(search: SavedSearch) -> dict:
    return {"page": search.page, "name": search.name, "query": search.query}


@login_required
@require_POST
def saved_search_save(request):
    if not user_can(request.user, Action.VIEW):
        raise PermissionDenied(_("Your role does not allow this."))
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, _("The search was not saved: %(errors)s") % {"errors": errors})
        page = request.POST.get("page")
        return redirect(page_url(page) if page in PAGE_URLS else reverse("core:home"))
    page, name, query = (form.cleaned_data[k] for k in ("page", "name", "query"))
    existing = SavedSearch.objects.filter(user=request.user, page=page, name=name).first()
    if existing is None and SavedSearch.objects.filter(user=request.user, page=page).count() >= MAX_PER_PAGE:
        messages.error(request, _("At most %(n)d saved searches per page.") % {"n": MAX_PER_PAGE})
        return redirect(page_url(page, query))
    before = _snapshot(existing) if existing else None
    search = existing or SavedSearch(user=request.user, page=page, name=name)
    search.query = query
    search.save()
    audit.record(
        AuditAction.UPDATE if existing else AuditAction.CREATE,
        search,
        user=request.user,
        before=before,
        after=_snapshot(search),
    )
    messages.success(request, _("Search “%(name)s” saved.") % {"name": name})
    return redirect(page_url(page, query))


@login_required
def saved_search_apply(request, pk: int):
    """Open the page with the saved filters (the page applies its scope gate to them)."""
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    return redirect(page_url(search.page, search.query))


@login_required
@require_POST
def saved_search_delete(request, pk: int):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    before, page = _snapshot(search), search.page
    audit.record(AuditAction.DELETE, search, user=request.user, before=before)
    search.delete()
    messages.success(request, _("Search “%(name)s” deleted.") % {"name": before["name"]})
    return redirect(page_url(page))

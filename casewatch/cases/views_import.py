"""Pages of the importer: the list of imports, the upload form, an import's detail and report.

Everything passes the scope gate with the ``import`` action: an import's error report echoes
values from the file (ID numbers included), so only roles that may import see imports, and only
those of units in their subtree. The upload queues a job; the detail page follows its progress.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from casewatch.analytics.schema import TABLES
from casewatch.cases.importing.tables import IMPORT_ORDER
from casewatch.cases.importing.uploads import UploadRejected, save_uploads
from casewatch.cases.models import ImportRun
from casewatch.cases.tasks import start_import
from casewatch.core.choices import Action
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export

STATUS_LABELS = {
    "queued": gettext_lazy("Queued"),
    "pending": gettext_lazy("Queued"),
    "running": gettext_lazy("Running"),
    "imported": gettext_lazy("Imported"),
    "partial": gettext_lazy("Imported in part (invalid rows skipped)"),
    "rejected": gettext_lazy("Rejected (nothing written)"),
    "empty": gettext_lazy("Nothing to import"),
    "failed": gettext_lazy("Failed"),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "accept": ".csv,.txt,.tsv,.xlsx,.xlsm,.jsonl,.ndjson,.parquet,.docx,.html,.htm,.pdf,.zip"
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Files"),
        help_text=gettext_lazy(
            "CSV (UTF-8 or GBK), Excel (.xlsx), JSON Lines or Parquet. Name each file after its table, "
            "e.g. cases.csv or 案件.xlsx, or choose the table below."
        ),
    )
    table = forms.ChoiceField(
        label=gettext_lazy("Table"),
        required=False,
        choices=[("", gettext_lazy("From the file names"))]
        + [(t, f"{TABLES[t].zh} ({t})") for t in IMPORT_ORDER],
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Skip invalid rows"),
        required=False,
        help_text=gettext_lazy(
            "Without this, one invalid row rejects the whole import and nothing is written. With it, valid "
            "rows are written and invalid rows (and rows that depend on them) are listed in the report."
        ),
    )


def _require_import(user) -> None:
    if not user_can(user, Action.IMPORT):
        raise PermissionDenied(_("Your role may not import data."))


@login_required
def import_list(request):
    _require_import(request.user)
    qs = ImportRun.objects.restrict(request.user, Action.IMPORT).select_related("actor", "unit")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "cases/import_list.html", {"page": page, "status_labels": STATUS_LABELS})


@login_required
def import_upload(request):
    _require_import(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                paths, names = save_uploads(form.cleaned_data["files"])
            except UploadRejected as exc:
                form.add_error("files", str(exc))
            else:
                run = start_import(
                    paths,
                    request.user,
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    table=form.cleaned_data["table"] or None,
                    names=names,
                )
                messages.success(request, _("The import is queued; this page follows its progress."))
                return redirect("cases:import_detail", pk=run.pk)
    else:
        form = UploadForm()
    return render(request, "cases/import_upload.html", {"form": form})


@login_required
def import_detail(request, pk):
    _require_import(request.user)
    run = get_scoped_or_404(
        request.user, ImportRun.objects.select_related("job", "actor", "unit"), Action.IMPORT, pk=pk
    )
    rows = [
        {"table": t, "zh": TABLES[t].zh, **run.counts[t]} for t in IMPORT_ORDER if t in (run.counts or {})
    ]
    context = {
        "run": run,
        "rows": rows,
        "status_label": STATUS_LABELS.get(run.status, run.status),
        "finished": run.status not in ("queued", "pending", "running"),
    }
    template = (
        "cases/_import_status.html" if request.headers.get("HX-Request") else "cases/import_detail.html"
    )
    return render(request, template, context)


@login_required
def import_report(request, pk, fmt):
    """The error report of an import, as written by the job (already neutralised)."""
    _require_import(request.user)
    run = get_scoped_or_404(request.user, ImportRun, Action.IMPORT, pk=pk)
    path = {"csv": run.report_csv, "xlsx": run.report_xlsx}.get(fmt)
    if path and (get_language() or "").startswith("en"):
        english = Path(path).with_suffix(f".en.{fmt}")  # written beside the Chinese one
        path = str(english) if english.is_file() else path
    if not path or not Path(path).is_file():
        raise Http404(_("Not found."))
    record_export(request.user, "cases.importrun", run.error_count, fmt)
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return FileResponse(
        Path(path).open("rb"),
        as_attachment=True,
        filename=f"import-{run.pk}-errors.{fmt}",
        content_type=content_type,
    )

"""Importing responses collected on paper or another platform: upload, report, download."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from casewatch.core.choices import Action
from casewatch.core.models import Unit
from casewatch.surveys import importing
from casewatch.surveys.choices import Channel
from casewatch.surveys.views import _wave, require_action

REPORTS_KEY = "surveys_import_reports"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Responses file (CSV, XLSX, KoboToolbox or ODK export)"))
    instrument = forms.TypedChoiceField(label=_("Instrument"), coerce=int)
    unit_code = forms.CharField(label=_("Counted for unit (code)"), max_length=40)
    channel = forms.ChoiceField(
        label=_("Collected on"),
        choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.IMPORT, Channel.IMPORT.label)],
    )
    skip_invalid = forms.BooleanField(label=_("Store the valid rows and report the rest"), required=False)

    def __init__(self, *args, wave=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [
            (t.instrument_id, str(t.instrument)) for t in wave.targets.select_related("instrument")
        ]


def _report_dir():
    path = settings.VAR_DIR / "surveys" / "import-reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def responses_import(request, pk):
    """Upload a file of responses for this wave; show what was stored and every problem."""
    wave = _wave(request, pk)
    require_action(request, Action.CHANGE)
    result = None
    report = ""
    form = ImportForm(
        request.POST or None, request.FILES or None, wave=wave, initial={"unit_code": wave.unit.code}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        target = wave.targets.filter(instrument_id=d["instrument"]).select_related("instrument").first()
        unit = Unit.objects.filter(code=d["unit_code"].strip()).first()
        if target is None:
            form.add_error("instrument", _("Choose the instrument."))
        elif unit is None:
            form.add_error("unit_code", _("Unknown unit."))
        else:
            upload = d["file"]
            try:
                result = importing.import_responses(
                    request.user,
                    wave,
                    target.instrument,
                    unit,
                    upload.read(),
                    upload.name,
                    skip_invalid=d["skip_invalid"],
                    channel=d["channel"],
                )
            except PermissionDenied:
                raise
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if result.issues:
                    report = secrets.token_hex(16)
                    (_report_dir() / f"{report}.csv").write_text(
                        importing.report_csv(result), encoding="utf-8-sig"
                    )
                    request.session[REPORTS_KEY] = [*request.session.get(REPORTS_KEY, [])[-19:], report]
    return render(
        request,
        "surveys/responses_import.html",
        {"wave": wave, "form": form, "result": result, "report": report},
    )


@login_required
def responses_import_report(request, pk, report):
    """The problems of an import this session made, as CSV."""
    _wave(request, pk)
    if report not in request.session.get(REPORTS_KEY, []) or not report.isalnum():
        raise Http404
    path = _report_dir() / f"{report}.csv"
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename="import-errors.csv", content_type="text/csv"
    )

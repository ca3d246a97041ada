"""Staff pages of the surveys app: instruments, waves, invitations, links, results, free text,
exports and reports. Every object goes through the scope gate; out of scope answers 404.

Forums are in `views_forums.py`; the respondents' pages (no login) in `views_public.py`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.cases.choices import label as enum_label
from casewatch.core import audit, jobs
from casewatch.core.choices import Action, AuditAction
from casewatch.core.exports import csv_response
from casewatch.core.models import Job
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.surveys import reports, results, services, tables
from casewatch.surveys.choices import ItemKind, WaveStatus
from casewatch.surveys.forms import (
    ExportForm,
    PublicLinkForm,
    ResultFilterForm,
    TagForm,
    TokenForm,
    ToProblemForm,
    WaveForm,
    WaveStatusForm,
    form_errors,
    instruments_for_choice,
)
from casewatch.surveys.models import Answer, Instrument, PublicLink, Response, Token, TokenBatch, Wave
from casewatch.surveys.results_charts import results_charts


def require_action(request, action: str) -> None:
    if not user_can(request.user, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _errors(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def public_base(request) -> str:
    """Where respondents reach the server: ``SURVEYS_PUBLIC_BASE_URL`` if set, else this request's host."""
    base = getattr(settings, "SURVEYS_PUBLIC_BASE_URL", "")
    return base.rstrip("/") if base else request.build_absolute_uri("/").rstrip("/")


def _district_choices():
    return list(results.district_names().items())


# --- overview ---------------------------------------------------------------------------------


@login_required
def home(request):
    """Waves in scope with their headline figures, and the instrument catalogue."""
    require_action(request, Action.VIEW)
    waves = list(Wave.objects.restrict(request.user).select_related("unit")[:50])
    counts = dict(
        Response.objects.restrict(request.user)
        .filter(wave__in=waves)
        .order_by()
        .values("wave_id")
        .annotate(n=Count("pk"))
        .values_list("wave_id", "n")
    )
    for wave in waves:
        wave.response_count = counts.get(wave.pk, 0)
    instruments = Instrument.objects.restrict(request.user).order_by("code", "-version")
    return render(
        request,
        "surveys/home.html",
        {
            "waves": tables.waves_table(waves),
            "instruments": instruments,
            "can_change": user_can(request.user, Action.CHANGE),
        },
    )


# --- waves ------------------------------------------------------------------------------------


def _wave(request, pk, action=Action.VIEW) -> Wave:
    return get_scoped_or_404(request.user, Wave.objects.select_related("unit"), action, pk=pk)


def _save_targets(user, wave, form) -> None:
    chosen = {g for g, _pk, _n in form.targets()}
    for group, pk, size in form.targets():
        instrument = get_scoped_or_404(user, Instrument, pk=pk)
        services.set_target(user, wave, group, instrument, size)
    if not wave.responses.exists():
        wave.targets.exclude(respondent_group__in=chosen).delete()


@login_required
def wave_create(request):
    require_action(request, Action.CHANGE)
    instruments = instruments_for_choice(request.user)
    form = WaveForm(
        request.POST or None,
        user=request.user,
        instruments=instruments,
        initial={"unit_code": getattr(request.user.scope, "code", "")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            wave = services.create_wave(
                request.user,
                name=d["name"],
                unit=d["unit"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                top_box=d["top_box"],
                weights=d["weights"],
                notes=d["notes"],
            )
            _save_targets(request.user, wave, form)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("surveys:wave_detail", pk=wave.pk)
    return render(request, "surveys/wave_form.html", {"form": form, "wave": None})


@login_required
def wave_edit(request, pk):
    wave = _wave(request, pk, Action.CHANGE)
    instruments = instruments_for_choice(request.user)
    initial = {
        "name": wave.name,
        "unit_code": wave.unit.code,
        "period_start": wave.period_start,
        "period_end": wave.period_end,
        "top_box": wave.top_box,
        "notes": wave.notes,
        "weights": json.dumps(wave.weights, ensure_ascii=False) if wave.weights else "",
    }
    for t in wave.targets.all():
        initial[f"instrument_{t.respondent_group}"] = str(t.instrument_id)
        initial[f"size_{t.respondent_group}"] = t.sample_size
    form = WaveForm(request.POST or None, user=request.user, instruments=instruments, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_wave(
                request.user,
                wave,
                name=d["name"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                top_box=d["top_box"],
                weights=d["weights"],
                notes=d["notes"],
            )
            _save_targets(request.user, wave, form)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("surveys:wave_detail", pk=wave.pk)
    return render(request, "surveys/wave_form.html", {"form": form, "wave": wave})


@login_required
def wave_detail(request, pk):
    wave = _wave(request, pk)
    res = results.compute(request.user, [wave])
    batches = (
        TokenBatch.objects.restrict(request.user)
        .filter(wave=wave)
        .annotate(used=Count("tokens", filter=Q(tokens__used=True)))
    )
    links = PublicLink.objects.restrict(request.user).filter(wave=wave).select_related("unit", "instrument")
    targets = list(wave.targets.select_related("instrument"))
    instruments = [t.instrument for t in targets]
    return render(
        request,
        "surveys/wave_detail.html",
        {
            "wave": wave,
            "targets": targets,
            "res": res,
            "batches": batches,
            "links": links,
            "public_base": public_base(request),
            "link_form": PublicLinkForm(
                user=request.user, instruments=instruments, initial={"unit_code": wave.unit.code}
            ),
            "export_form": ExportForm(districts=_district_choices(), instruments=instruments),
            "districts": _district_choices(),
            "can_change": user_can(request.user, Action.CHANGE),
            "can_export": user_can(request.user, Action.EXPORT),
            "forums": wave.forums.all()[:20],
            "statuses": WaveStatus,
        },
    )


@login_required
@require_POST
def wave_status(request, pk):
    wave = _wave(request, pk, Action.CHANGE)
    form = WaveStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.set_wave_status(request.user, wave, form.cleaned_data["status"])
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:wave_detail", pk=pk)


# --- invitations ------------------------------------------------------------------------------


@login_required
def tokens_issue(request, pk):
    wave = _wave(request, pk, Action.CHANGE)
    form = TokenForm(
        request.POST or None,
        user=request.user,
        initial={"unit_code": wave.unit.code, "closed_from": wave.period_start, "closed_to": wave.period_end},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            batch = services.issue_tokens(
                request.user,
                wave,
                services.Sampling(
                    d["unit"],
                    d["closed_from"],
                    d["closed_to"],
                    d["case_types"],
                    d["roles"],
                    d["sample_size"],
                    d["seed"],
                ),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("%(n)s invitations issued.") % {"n": batch.count})
            return redirect("surveys:batch_detail", pk=batch.pk)
    return render(request, "surveys/token_form.html", {"wave": wave, "form": form})


def _batch(request, pk, action=Action.VIEW) -> TokenBatch:
    return get_scoped_or_404(request.user, TokenBatch.objects.select_related("wave", "unit"), action, pk=pk)


@login_required
def batch_detail(request, pk):
    batch = _batch(request, pk)
    tokens = Token.objects.restrict(request.user).filter(batch=batch)
    strata = (
        tokens.order_by()
        .values("unit__name", "case_type", "respondent_group")
        .annotate(n=Count("pk"), used=Count("pk", filter=Q(used=True)))
        .order_by("unit__name", "case_type")
    )
    for s in strata:
        s["case_type_label"] = enum_label("case_type", s["case_type"])
    return render(
        request,
        "surveys/batch_detail.html",
        {
            "batch": batch,
            "strata": tables.strata_table(strata),
            "total": tokens.count(),
            "used": tokens.filter(used=True).count(),
            "can_change": user_can(request.user, Action.CHANGE),
            "can_export": user_can(request.user, Action.EXPORT),
        },
    )


def _deliverable(request, batch):
    """(token, raw, url) for a batch's invitations, refusing roles that may not export."""
    require_action(request, Action.EXPORT)
    try:
        raws = services.raw_tokens(batch)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None
    base = public_base(request)
    tokens = (
        Token.objects.restrict(request.user)
        .filter(batch=batch)
        .select_related("case", "unit")
        .order_by("serial")
    )
    return [
        (t, raws[t.serial], f"{base}{reverse('surveys:token_form', args=[raws[t.serial]])}") for t in tokens
    ]


@login_required
def batch_print(request, pk):
    """A print page: one card per invitation with its QR code and short link."""
    batch = _batch(request, pk)
    cards = []
    for token, raw, url in _deliverable(request, batch):
        qr = segno.make(url, error="m")
        cards.append(
            {
                "token": token,
                "code": services.format_token(raw),
                "url": url,
                "svg": qr.svg_inline(scale=3, border=1),
                "role": enum_label("party_role", token.party_role),
            }
        )
    audit.record(
        AuditAction.EXPORT, batch, user=request.user, message=f"print sheet, {len(cards)} invitations"
    )
    return render(request, "surveys/batch_print.html", {"batch": batch, "cards": cards})


@login_required
def batch_qr(request, pk, serial, fmt):
    """The QR code of one invitation as PNG or SVG."""
    batch = _batch(request, pk)
    found = [(t, url) for t, _raw, url in _deliverable(request, batch) if t.serial == int(serial)]
    if not found:
        raise Http404(_("Not found."))
    return _qr_response(found[0][1], fmt, f"invitation-{batch.pk}-{serial}")


def _qr_response(url: str, fmt: str, name: str) -> HttpResponse:
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        qr.save(buffer, kind="png", scale=8, border=2)
        content_type = "image/png"
    else:
        qr.save(buffer, kind="svg", scale=8, border=2, xmldecl=False)
        content_type = "image/svg+xml"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    return response


@login_required
def batch_sms(request, pk):
    """SMS text export: one row per party in an invited role, with the phone in clear (audited)."""
    from casewatch.cases.models import CaseParty

    batch = _batch(request, pk)
    require_action(request, Action.REVEAL)
    cards = _deliverable(request, batch)
    by_case_role: dict[tuple, list] = {}
    case_ids = [t.case_id for t, _r, _u in cards if t.case_id]
    for link in CaseParty.objects.restrict(request.user).filter(case_id__in=case_ids).select_related("party"):
        by_case_role.setdefault((link.case_id, link.role), []).append(link.party)
    text = _("Please rate anonymously how your case was handled (one use only): %(url)s")

    def rows():
        for token, _raw, url in cards:
            for party in by_case_role.get((token.case_id, token.party_role), []) or [None]:
                yield [
                    token.serial,
                    token.case.case_number if token.case else "",
                    token.party_role,
                    getattr(party, "phone", "") or "",
                    text % {"url": url},
                ]

    count = sum(len(by_case_role.get((t.case_id, t.party_role), [None])) for t, _r, _u in cards)
    record_export(request.user, "surveys.token_sms", count, "csv")
    audit.record(AuditAction.REVEAL, batch, user=request.user, message="SMS export with phone numbers")
    return csv_response(
        f"invitations-{batch.pk}-sms.csv", ["serial", "case number", "role", "phone", "message"], rows()
    )


@login_required
@require_POST
def batch_seal(request, pk):
    batch = _batch(request, pk, Action.CHANGE)
    services.seal_batch(request.user, batch)
    messages.success(request, _("The batch is sealed; its links can no longer be printed."))
    return redirect("surveys:batch_detail", pk=pk)


# --- public links -----------------------------------------------------------------------------


@login_required
@require_POST
def link_create(request, pk):
    wave = _wave(request, pk, Action.CHANGE)
    instruments = [t.instrument for t in wave.targets.select_related("instrument")]
    form = PublicLinkForm(request.POST, user=request.user, instruments=instruments)
    if form.is_valid():
        d = form.cleaned_data
        instrument = get_scoped_or_404(request.user, Instrument, pk=d["instrument"])
        try:
            services.create_public_link(
                request.user,
                wave,
                instrument,
                d["unit"],
                name=d["name"],
                ip_daily_limit=d["ip_daily_limit"],
                one_per_device=d["one_per_device"],
            )
        except ValidationError as exc:
            _errors(request, exc)
    else:
        for field, errs in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
    return redirect("surveys:wave_detail", pk=pk)


@login_required
def link_qr(request, pk, fmt):
    link = get_scoped_or_404(request.user, PublicLink, pk=pk)
    url = f"{public_base(request)}{reverse('surveys:public_form', args=[link.slug])}"
    return _qr_response(url, fmt, f"link-{link.slug}")


@login_required
@require_POST
def link_toggle(request, pk):
    link = get_scoped_or_404(request.user, PublicLink, Action.CHANGE, pk=pk)
    link.active = not link.active
    link.save(update_fields=["active"])
    from casewatch.surveys import submission

    submission._links.pop(link.slug, None)
    return redirect("surveys:wave_detail", pk=link.wave_id)


# --- results ----------------------------------------------------------------------------------


@login_required
def wave_results(request, pk):
    wave = _wave(request, pk)
    instruments = [t.instrument for t in wave.targets.select_related("instrument")]
    form = ResultFilterForm(request.GET or None, districts=_district_choices(), instruments=instruments)
    filters = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {
            "district": d["district"],
            "agency": d["agency"],
            "group": d["group"],
            "instrument_id": int(d["instrument"]) if d["instrument"] else None,
            "top_box": d["top_box"],
        }
    # Trend: the waves of the same organising unit the user may see, oldest first.
    series = list(Wave.objects.restrict(request.user).filter(unit=wave.unit).order_by("period_start", "pk"))
    if wave not in series:
        series.append(wave)
    res = results.compute(request.user, [wave], **filters)
    trend = results.compute(
        request.user, series, **{**filters, "top_box": filters.get("top_box") or wave.top_box}
    )
    # the figures describe the answers up to the wave's end (or today, while it runs)
    charts = results_charts(res, trend, as_of=min(wave.period_end, timezone.localdate()))
    return render(
        request,
        "surveys/results.html",
        {
            "wave": wave,
            "form": form,
            "res": res,
            "trend": trend,
            "charts": charts,
            "formulas": res.formula_texts(),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def wave_texts(request, pk):
    """Free-text answers of a wave (in scope), to tag and to put on the problem list."""
    wave = _wave(request, pk)
    qs = (
        Answer.objects.restrict(request.user)
        .filter(response__wave=wave, item__kind=ItemKind.TEXT)
        .exclude(text="")
        .select_related("item", "response", "response__unit", "review")
        .order_by("-response__submitted_on", "id")
    )
    tag = request.GET.get("tag", "").strip()
    if tag:
        qs = qs.filter(review__tags__icontains=tag)
    if request.GET.get("untagged"):
        qs = qs.filter(Q(review__isnull=True) | Q(review__tags=[]))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/texts.html",
        {
            "wave": wave,
            "page": page,
            "tag": tag,
            "tag_form": TagForm(),
            "can_change": user_can(request.user, Action.CHANGE),
            "can_problem": services.can_open_problems(request.user),
            "problems_available": services.problems_available(),
        },
    )


def _answer(request, pk, action=Action.VIEW) -> Answer:
    return get_scoped_or_404(request.user, Answer.objects.select_related("response", "item"), action, pk=pk)


@login_required
@require_POST
def answer_tag(request, pk):
    answer = _answer(request, pk, Action.CHANGE)
    form = TagForm(request.POST)
    if form.is_valid():
        services.tag_answer(request.user, answer, form.cleaned_data["tags"].replace("，", ",").split(","))
    else:
        messages.error(request, form_errors(form))
    back = form.cleaned_data.get("next") if form.is_valid() else ""
    return redirect(back or reverse("surveys:wave_texts", args=[answer.response.wave_id]))


@login_required
@require_POST
def answer_problem(request, pk):
    answer = _answer(request, pk, Action.VIEW)
    if not services.can_open_problems(request.user):  # the role first, then the input
        raise PermissionDenied(_("Your role may not open problems."))
    form = ToProblemForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        review = services.answer_to_problem(request.user, answer, form.cleaned_data["severity"])
        messages.success(request, _("Put on the problem list as %(ref)s.") % {"ref": review.problem_ref})
    except ValidationError as exc:
        _errors(request, exc)
    back = form.cleaned_data.get("next") if form.is_valid() else ""
    return redirect(back or reverse("surveys:wave_texts", args=[answer.response.wave_id]))


# --- exports and reports ----------------------------------------------------------------------


@login_required
@require_POST
def export_start(request, pk):
    wave = _wave(request, pk)
    require_action(request, Action.EXPORT)
    instruments = [t.instrument for t in wave.targets.select_related("instrument")]
    form = ExportForm(request.POST, districts=_district_choices(), instruments=instruments)
    if not form.is_valid():
        messages.error(request, _("Choose a format."))
        return redirect("surveys:wave_detail", pk=pk)
    d = form.cleaned_data
    job = jobs.enqueue(
        "surveys.export",
        request.user,
        wave_ids=[wave.pk],
        fmt=d["format"],
        instrument_id=int(d["instrument"]) if d["instrument"] else None,
        district=d["district"],
        labels=d["labels"],
        language=request.LANGUAGE_CODE,
    )
    return redirect("surveys:export_detail", pk=job.pk)


def _export_job(request, pk) -> Job:
    """An export job whose unit lies in the user's scope (the file holds only the starter's scope)."""
    return get_scoped_or_404(request.user, Job.objects.filter(kind="surveys.export"), pk=pk)


@login_required
def export_detail(request, pk):
    job = _export_job(request, pk)
    template = (
        "surveys/_export_progress.html" if request.headers.get("HX-Request") else "surveys/export_detail.html"
    )
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk):
    job = _export_job(request, pk)
    require_action(request, Action.EXPORT)
    if not job.result or not job.result.get("path"):
        raise Http404(_("The export is not ready."))
    path = Path(job.result["path"])
    if not path.exists():
        raise Http404(_("The export file is gone; run the export again."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result.get("filename", path.name))


@login_required
def wave_report(request, pk, fmt):
    """The staged evaluation report of a wave (optionally one district) as DOCX or PDF."""
    wave = _wave(request, pk)
    require_action(request, Action.EXPORT)
    district = request.GET.get("district", "")
    report = reports.build(request.user, wave, district=district)
    name = f"wave-{wave.pk}{'-' + district if district else ''}-report.{fmt}"
    if fmt == "docx":
        data, content_type = (
            reports.to_docx(report),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )
    else:
        data, content_type = reports.to_pdf(report), "application/pdf"
    record_export(request.user, "surveys.report", report.results.overall.answers, fmt)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=content_type)

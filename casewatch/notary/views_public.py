"""Applicants' pages (no login, phone first): identify with a one-time code, apply for one or more
matters with their materials, follow the status, hand in requested materials, fetch the
certificate; and the public verification page that a certificate's QR code opens."""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.notary import certificates, codes, services
from casewatch.notary.catalogue import material_label
from casewatch.notary.choices import Channel
from casewatch.notary.forms import CodeForm, IdentityForm
from casewatch.notary.models import Certificate, Item, MatterType

SESSION_KEY = "notary_applicant"
SESSION_SECONDS = 2 * 3600


def _applicant(request) -> dict | None:
    data = request.session.get(SESSION_KEY)
    if not data or data.get("until", 0) < time.time():
        return None
    return data


def _field_errors(form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


def matters(request):
    """The public catalogue: what each matter needs, where it may be done, time limit and fee."""
    rows = [(m, [material_label(c) for c in m.materials]) for m in MatterType.objects.filter(active=True)]
    return render(request, "notary/matters.html", {"rows": rows})


def identify(request):
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            codes.send_code(d["applicant_name"], d["id_number"], d["phone"])
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            request.session["notary_pending"] = {
                "applicant_name": d["applicant_name"].strip(),
                "id_number": d["id_number"].strip().upper(),
                "phone": d["phone"].strip(),
            }
            return redirect("notary:apply_code")
    return render(request, "notary/public_identify.html", {"form": form})


def enter_code(request):
    pending = request.session.get("notary_pending")
    if not pending:
        return redirect("notary:apply")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key = codes.verify_code(pending["id_number"], pending["phone"], form.cleaned_data["code"])
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = {**pending, "key": key, "until": time.time() + SESSION_SECONDS}
            request.session.pop("notary_pending", None)
            return redirect("notary:apply_matters")
    return render(request, "notary/public_code.html", {"form": form, "phone": pending["phone"]})


def _material_slots(chosen):
    return [(m, [(f"{m.code}:{c}", material_label(c)) for c in m.materials]) for m in chosen]


def apply_matters(request):
    """Choose the office and matters (GET), then upload each matter's materials and submit (POST)."""
    who = _applicant(request)
    if who is None:
        return redirect("notary:apply")
    all_matters = list(MatterType.objects.filter(active=True))
    office = request.POST.get("office") or request.GET.get("office", "")
    codes_chosen = request.POST.getlist("matters") or request.GET.getlist("matters")
    chosen = [m for m in all_matters if m.code in codes_chosen]
    errors: dict = {}
    if request.method == "POST":
        files = {
            key: request.FILES.get(f"file:{key}") for m in chosen for key, _l in _material_slots([m])[0][1]
        }
        try:
            app = services.submit_application(
                None,
                channel=Channel.ONLINE,
                office_code=office,
                applicant_name=who["applicant_name"],
                id_number=who["id_number"],
                phone=who["phone"],
                matter_codes=codes_chosen,
                files=files,
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Application %(number)s received.") % {"number": app.number})
            return redirect("notary:my")
    step = (
        "materials"
        if (chosen and office and request.GET.get("step") == "materials") or request.method == "POST"
        else "choose"
    )
    return render(
        request,
        "notary/public_apply.html",
        {
            "who": who,
            "offices": services.offices(),
            "matters": all_matters,
            "office": office,
            "chosen_codes": codes_chosen,
            "slots": _material_slots(chosen),
            "step": step,
            "errors": errors,
        },
    )


def my_applications(request):
    who = _applicant(request)
    if who is None:
        return redirect("notary:apply")
    items = (
        Item.objects.filter(application__applicant_key=who["key"])
        .select_related("application", "application__office", "matter", "certificate")
        .prefetch_related("requests", "materials")
        .order_by("-application__submitted_at", "id")
    )
    return render(request, "notary/public_my.html", {"who": who, "items": items})


def _my_item(request, pk) -> tuple[dict, Item]:
    who = _applicant(request)
    if who is None:
        raise PermissionDenied(_("Identify yourself with a code first."))
    item = Item.objects.filter(pk=pk, application__applicant_key=who["key"]).first()
    if item is None:
        raise Http404(_("Not found."))
    return who, item


@require_POST
def my_materials(request, pk):
    who, item = _my_item(request, pk)
    uploads = {
        r.requirement: request.FILES.get(f"file:{r.requirement}")
        for r in item.requests.filter(answered_on__isnull=True)
    }
    uploads = {k: v for k, v in uploads.items() if v is not None}
    try:
        services.provide_materials(who["key"], item, uploads)
    except ValidationError as exc:
        for msgs in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(request, _("Materials received; processing continues."))
    return redirect("notary:my")


def my_certificate(request, pk):
    _who, item = _my_item(request, pk)
    cert = Certificate.objects.filter(item=item).first()
    if cert is None:
        raise Http404(_("Not found."))
    pdf = certificates.certificate_pdf(cert, request.build_absolute_uri(certificates.verify_url(cert)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{item.pk}.pdf"'
    return response


def verify(request, code: str = ""):
    """Public verification: valid / revoked / tampered / unknown, with only the certificate's facts."""
    code = certificates.normalise_code(code or request.GET.get("code", ""))
    cert = Certificate.objects.filter(code=code).first() if code else None
    state = certificates.status_of(cert) if code else ""
    facts = certificates.public_facts(cert) if cert is not None and state != certificates.TAMPERED else None
    return render(
        request,
        "notary/verify.html",
        {
            "code": certificates.pretty_code(code) if code else "",
            "state": state,
            "facts": facts,
            "revoked_at": cert.revoked_at if cert else None,
        },
    )


@require_POST
def leave(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("notary:apply")

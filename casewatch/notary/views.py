"""Staff pages: the office queue with time limits, an application and its matters (materials,
requests, approval, issue, delivery), window intake, import, certificates and revocation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.masking import mask
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, reveal
from casewatch.notary import certificates, importing, services, tables
from casewatch.notary.catalogue import material_label
from casewatch.notary.choices import Channel, ItemStatus
from casewatch.notary.forms import DeliveryForm, ImportForm, MaterialCheckForm, ReasonForm, RequestForm
from casewatch.notary.forms import errors as form_errors
from casewatch.notary.models import Application, Certificate, Item, Material, MatterType
from casewatch.problems import evidence


def _errors(request, exc) -> None:
    if hasattr(exc, "error_dict"):
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


@login_required
def queue(request):
    """Matters of the user's offices, open first by due day, with the light of the time limit."""
    status = request.GET.get("status", "open")
    qs = Item.objects.restrict(request.user).select_related("application", "application__office", "matter")
    if status == "open":
        qs = qs.filter(
            status__in=[
                ItemStatus.SUBMITTED,
                ItemStatus.ACCEPTED,
                ItemStatus.MORE_MATERIALS,
                ItemStatus.APPROVED,
            ]
        )
    elif status in ItemStatus.values:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    rows = []
    for item in qs.order_by("due_on", "id")[:300]:
        light = ""
        if item.due_on and item.status in (ItemStatus.ACCEPTED, ItemStatus.APPROVED):
            light = (
                "red" if item.due_on < today else ("yellow" if (item.due_on - today).days <= 3 else "green")
            )
        rows.append((item, mask("name", item.application.applicant_name), light))
    return render(
        request,
        "notary/queue.html",
        {
            "rows": tables.queue_table(rows),
            "status": status,
            "statuses": ItemStatus.choices,
            "can_handle": user_can(request.user, Action.HANDLE),
        },
    )


@login_required
def application_detail(request, pk):
    app = get_scoped_or_404(request.user, Application, Action.VIEW, pk=pk)
    shown = {}
    for field in Application.personal_fields:
        shown[field] = mask("name" if field == "applicant_name" else field, getattr(app, field))
    items = app.items.select_related("matter", "notary").prefetch_related("materials", "requests")
    certs = {c.item_id: c for c in Certificate.objects.filter(item__application=app)}
    return render(
        request,
        "notary/application_detail.html",
        {
            "app": app,
            "shown": shown,
            "items": [
                (i, certs.get(i.pk), [(c, material_label(c)) for c in i.matter.materials]) for i in items
            ],
            "can_reveal": user_can(request.user, Action.REVEAL),
            "can_handle": user_can(request.user, Action.HANDLE),
            "request_form": RequestForm(),
            "reason_form": ReasonForm(),
            "delivery_form": DeliveryForm(),
        },
    )


@login_required
@require_POST
def application_reveal(request, pk, field):
    app = get_scoped_or_404(request.user, Application, Action.REVEAL, pk=pk)
    value = reveal(request.user, app, field)
    return HttpResponse(value, content_type="text/plain; charset=utf-8")


_ACTIONS = {
    "accept": lambda r, item: services.accept(r.user, item),
    "approve": lambda r, item: services.approve(r.user, item),
    "issue": lambda r, item: services.issue(r.user, item),
    "request": lambda r, item: services.request_materials(
        r.user, item, r.POST.get("requirement", ""), r.POST.get("message", "")
    ),
    "deliver": lambda r, item: services.deliver(r.user, item, r.POST.get("delivery", "")),
    "refuse": lambda r, item: services.refuse(r.user, item, r.POST.get("reason", "")),
}


@login_required
@require_POST
def item_action(request, pk, action):
    services.require(request.user, Action.HANDLE)
    item = get_scoped_or_404(request.user, Item, Action.HANDLE, pk=pk)
    if action not in _ACTIONS:
        messages.error(request, _("Unknown action."))
    else:
        try:
            _ACTIONS[action](request, item)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Done."))
    return redirect("notary:application_detail", item.application_id)


@login_required
@require_POST
def material_check(request, pk):
    material = get_scoped_or_404(request.user, Material, Action.HANDLE, pk=pk)
    form = MaterialCheckForm(request.POST)
    if not form.is_valid():
        for text in form_errors(form):
            messages.error(request, text)
    else:
        services.check_material(request.user, material, form.cleaned_data["ok"])
    return redirect("notary:application_detail", material.item.application_id)


@login_required
def material_download(request, pk):
    material = get_scoped_or_404(request.user, Material, Action.VIEW, pk=pk)
    audit.record(
        AuditAction.EXPORT, material, user=request.user, message=f"material {material.requirement} downloaded"
    )
    fh = default_storage.open(material.file.name, "rb")
    response = FileResponse(
        fh, as_attachment=True, filename=material.original_name, content_type=evidence.KINDS[material.kind][0]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def certificate_file(request, pk, fmt):
    cert = get_scoped_or_404(request.user, Certificate, Action.VIEW, pk=pk)
    url = request.build_absolute_uri(certificates.verify_url(cert))
    audit.record(AuditAction.EXPORT, cert, user=request.user, message=f"certificate {cert.number} as {fmt}")
    if fmt == "docx":
        data = certificates.certificate_docx(cert, url)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        data, ctype = certificates.certificate_pdf(cert, url), "application/pdf"
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.pk}.{fmt}"'
    return response


@login_required
@require_POST
def certificate_revoke(request, pk):
    cert = get_scoped_or_404(request.user, Certificate, Action.CHANGE, pk=pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.revoke(request.user, cert, form.cleaned_data["reason"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Certificate revoked."))
    return redirect("notary:application_detail", cert.item.application_id)


@login_required
def window(request):
    """Window intake by office staff: same checks as online, any matter the office may handle."""
    services.require(request.user, Action.HANDLE)
    offices = [o for o in services.offices() if Unit_in_scope(request.user, o)]
    all_matters = list(MatterType.objects.filter(active=True))
    # Personal data travels in POST bodies only, never in a URL: step one (choose matters) posts too.
    data = request.POST if request.method == "POST" else request.GET
    office = data.get("office", "")
    chosen_codes = data.getlist("matters")
    chosen = [m for m in all_matters if m.code in chosen_codes]
    errors: dict = {}
    if request.method == "POST" and data.get("go") == "1":
        files = {
            f"{m.code}:{c}": request.FILES.get(f"file:{m.code}:{c}") for m in chosen for c in m.materials
        }
        try:
            app = services.submit_application(
                request.user,
                channel=Channel.WINDOW,
                office_code=office,
                applicant_name=data.get("applicant_name", ""),
                id_number=data.get("id_number", ""),
                phone=data.get("phone", ""),
                matter_codes=chosen_codes,
                files=files,
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Application %(number)s received.") % {"number": app.number})
            return redirect("notary:application_detail", app.pk)
    slots = [(m, [(f"{m.code}:{c}", material_label(c)) for c in m.materials]) for m in chosen]
    return render(
        request,
        "notary/window.html",
        {
            "offices": offices,
            "matters": all_matters,
            "office": office,
            "chosen_codes": chosen_codes,
            "slots": slots,
            "errors": errors,
            "data": data,
        },
    )


def Unit_in_scope(user, unit) -> bool:  # noqa: N802 - reads like the gate it wraps
    from casewatch.core.models import Unit

    return Unit.objects.restrict(user, Action.HANDLE).filter(pk=unit.pk).exists()


@login_required
def import_view(request):
    """Import applications from other systems (CSV or XLSX), all or nothing, with a row report."""
    services.require(request.user, Action.HANDLE)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = importing.import_file(request.user, form.cleaned_data["file"])
        if report["ok"]:
            messages.success(request, _("%(n)s applications imported.") % {"n": report["created"]})
    return render(
        request,
        "notary/import.html",
        {
            "form": form,
            "report": report,
            "errors": tables.import_error_table(report["errors"]) if report else None,
            "columns": importing.COLUMNS,
        },
    )


@login_required
def certificate_list(request):
    qs = Certificate.objects.restrict(request.user).select_related("item__application")
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(item__application__number__icontains=q))
    return render(
        request, "notary/certificate_list.html", {"certs": tables.certificate_table(qs[:200]), "q": q}
    )

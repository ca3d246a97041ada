"""Instrument pages: the catalogue, XLSForm import and download, authoring a draft in the UI
(items, choice lists, order), publishing, versioning and the phone preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casewatch.core.choices import Action
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404
from casewatch.surveys import services, tables
from casewatch.surveys.choices import InstrumentStatus
from casewatch.surveys.forms import BlankInstrumentForm, ChoiceListForm, ImportForm, ItemForm, form_errors
from casewatch.surveys.models import Instrument
from casewatch.surveys.views import _errors, require_action

# --- instruments ------------------------------------------------------------------------------


@login_required
def instrument_list(request):
    require_action(request, Action.VIEW)
    qs = Instrument.objects.restrict(request.user).annotate(n_items=Count("items"))
    return render(
        request,
        "surveys/instrument_list.html",
        {
            "instruments": tables.instruments_table(qs),
            "import_form": ImportForm(),
            "blank_form": BlankInstrumentForm(),
            "can_change": user_can(request.user, Action.CHANGE),
        },
    )


@login_required
@require_POST
def instrument_import(request):
    require_action(request, Action.CHANGE)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an XLSForm file to import."))
        return redirect("surveys:instrument_list")
    upload = form.cleaned_data["file"]
    try:
        instrument, warnings = services.import_xlsform(
            request.user, upload.read(), upload.name, publish=form.cleaned_data["publish"]
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("surveys:instrument_list")
    for w in warnings:
        messages.warning(request, w)
    messages.success(request, _("Imported %(title)s.") % {"title": instrument})
    return redirect("surveys:instrument_detail", pk=instrument.pk)


@login_required
@require_POST
def instrument_create(request):
    require_action(request, Action.CHANGE)
    form = BlankInstrumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the code, the Chinese title and the group."))
        return redirect("surveys:instrument_list")
    try:
        instrument = services.new_blank_instrument(request.user, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("surveys:instrument_list")
    return redirect("surveys:instrument_detail", pk=instrument.pk)


@login_required
def instrument_detail(request, pk):
    instrument = get_scoped_or_404(request.user, Instrument, pk=pk)
    items = list(instrument.items.order_by("position"))
    lists: dict[str, list] = {}
    for c in instrument.choices.order_by("list_name", "position"):
        lists.setdefault(c.list_name, []).append(c)
    editable = instrument.status == InstrumentStatus.DRAFT and user_can(request.user, Action.CHANGE)
    edit_name = request.GET.get("edit", "")
    edit_item = next((i for i in items if i.name == edit_name), None)
    item_form = ItemForm(
        initial={f: getattr(edit_item, f) for f in ItemForm.base_fields if f != "original"}
        | {"original": edit_item.name}
        if edit_item
        else {"weight": 1.0}
    )
    list_lines = {
        name: "\n".join(
            f"{c.name} | {c.label_zh} | {c.label_en}" + (f" | {c.score:g}" if c.score is not None else "")
            for c in options
        )
        for name, options in lists.items()
    }
    return render(
        request,
        "surveys/instrument_detail.html",
        {
            "instrument": instrument,
            "items": items,
            "lists": lists,
            "list_lines": list_lines,
            "editable": editable,
            "item_form": item_form,
            "edit_item": edit_item,
            "choice_form": ChoiceListForm(),
            "can_change": user_can(request.user, Action.CHANGE),
            "used": instrument.responses.exists(),
        },
    )


@login_required
def instrument_xlsform(request, pk):
    instrument = get_scoped_or_404(request.user, Instrument, pk=pk)
    response = HttpResponse(
        services.export_xlsform(instrument),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{instrument.code}-v{instrument.version}.xlsx"'
    return response


@login_required
@require_POST
def instrument_action(request, pk, action):
    """publish / retire / new-version."""
    instrument = get_scoped_or_404(request.user, Instrument, pk=pk)
    try:
        if action == "publish":
            instrument = services.publish_instrument(request.user, instrument)
            messages.success(request, _("Published."))
        elif action == "retire":
            instrument = services.retire_instrument(request.user, instrument)
        elif action == "new-version":
            instrument = services.new_version(request.user, instrument)
            messages.success(request, _("A draft of version %(v)s was created.") % {"v": instrument.version})
        else:
            raise Http404(_("Not found."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:instrument_detail", pk=instrument.pk)


@login_required
@require_POST
def item_save(request, pk):
    instrument = get_scoped_or_404(request.user, Instrument, Action.CHANGE, pk=pk)
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        original = form.cleaned_data.get("original", "")
        return redirect(
            reverse("surveys:instrument_detail", args=[pk]) + (f"?edit={original}" if original else "")
        )
    original = form.cleaned_data["original"]
    item = instrument.items.filter(name=original).first() if original else None
    if original and item is None:  # was: silently added as a new item
        messages.error(request, _("The instrument has no item %(name)s.") % {"name": original})
        return redirect("surveys:instrument_detail", pk=pk)
    try:
        services.save_item(request.user, instrument, form.cleaned_data, item)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:instrument_detail", pk=pk)


@login_required
@require_POST
def item_change(request, pk, name, action):
    """delete / up / down."""
    instrument = get_scoped_or_404(request.user, Instrument, Action.CHANGE, pk=pk)
    try:
        if action == "delete":
            services.delete_item(request.user, instrument, name)
        elif action in ("up", "down"):
            services.move_item(request.user, instrument, name, -1 if action == "up" else 1)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:instrument_detail", pk=pk)


@login_required
@require_POST
def choices_save(request, pk):
    instrument = get_scoped_or_404(request.user, Instrument, Action.CHANGE, pk=pk)
    form = ChoiceListForm(request.POST)
    if form.is_valid():
        try:
            services.save_choice_list(
                request.user, instrument, form.cleaned_data["list_name"], form.cleaned_data["lines"]
            )
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Give the list a name and at least one option."))
    return redirect("surveys:instrument_detail", pk=pk)


@login_required
def instrument_preview(request, pk):
    """The respondents' form, for checking wording and skip logic; nothing is stored."""
    from casewatch.surveys.views_public import render_form

    instrument = get_scoped_or_404(request.user, Instrument, pk=pk)
    return render_form(request, instrument, preview=True)

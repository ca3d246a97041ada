"""The respondents' pages: no login, phone first, Chinese with an English switch, works offline.

A form page is plain HTML that works without script (it posts back here); with script
(`static/surveys/form.js`, no framework) it shows and hides questions by skip logic, keeps answers on
the device, queues the submission in localStorage and sends it — now, or when the connection
returns — to the idempotent batch endpoint, so a replay is stored once. A small service worker keeps
the page and its two static files for a reload while offline.

Both languages are in the page (the switch needs no round trip), so every interface string is
rendered twice, in Chinese and in English.
"""

from __future__ import annotations

import json
import uuid

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from casewatch.surveys import services
from casewatch.surveys.choices import ItemKind
from casewatch.surveys.forms import PublicAnswersForm
from casewatch.surveys.models import Instrument, PublicLink, Token
from casewatch.surveys.submission import message, submit

UI = {
    "submit": _("Submit"),
    "sending": _("Sending…"),
    "required": _("This question is required."),
    "required_mark": _("required"),
    "fix": _("Please check the questions marked below."),
    "offline": _(
        "No connection. Your answers are saved on this phone and will be sent automatically when it is back online."
    ),
    "pending": _("Answers waiting to be sent from this phone:"),
    "thanks_title": _("Thank you"),
    "thanks": _(
        "Your answers have been received. Results are published only as totals; nobody sees individual answers."
    ),
    "anonymous": _("Anonymous: no name or phone number is recorded."),
    "preview": _("Preview: answers are not stored."),
    "preview_ok": _("All required questions are answered. (Preview: nothing was stored.)"),
    "range": _("This answer is outside the allowed range."),
    "number": _("Enter a number."),
    "integer": _("Enter a whole number."),
    "error": _("The answers could not be sent. Please try again."),
    "choose_all": _("Choose all that apply."),
    "title_used": _("Already answered"),
    "title_closed": _("Survey closed"),
    "title_unknown": _("Link not valid"),
    "title_limited": _("Please try again later"),
}


def ui_strings() -> dict[str, dict[str, str]]:
    """Every interface string in both languages (Chinese from the catalogue, English as written)."""
    out: dict[str, dict[str, str]] = {}
    for lang, key in (("zh-hans", "zh"), ("en", "en")):
        with translation.override(lang):
            for name, text in UI.items():
                out.setdefault(name, {})[key] = str(text)
            for status in (
                "used",
                "closed",
                "unknown",
                "device",
                "limited",
                "duplicate",
                "stored",
                "invalid",
            ):
                out.setdefault(f"status_{status}", {})[key] = message(status)
    return out


def _page_lang(request) -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


def _form_items(instrument: Instrument, values: dict | None = None, errors: dict | None = None) -> list[dict]:
    values, errors = values or {}, errors or {}
    options: dict[str, list] = {}
    for c in instrument.choices.order_by("position"):
        options.setdefault(c.list_name, []).append(c)
    items, group = [], None
    for item in instrument.items.order_by("position"):
        raw = values.get(item.name)
        chosen = set(raw if isinstance(raw, list) else [raw] if raw else [])
        entry = {
            "item": item,
            "heading": None,
            "choices": [
                {
                    "name": c.name,
                    "zh": c.label_zh,
                    "en": c.label_en or c.label_zh,
                    "checked": c.name in chosen,
                    "na": item.kind == ItemKind.LIKERT and c.score is None,
                }
                for c in options.get(item.list_name, [])
            ],
            "value": raw if isinstance(raw, str) else "",
            "error": errors.get(item.name, ""),
            "input_type": "radio" if item.kind in (ItemKind.SELECT_ONE, ItemKind.LIKERT) else "checkbox",
        }
        if item.group_name != group:
            group = item.group_name
            if item.group_label_zh or item.group_label_en:
                entry["heading"] = {
                    "zh": item.group_label_zh,
                    "en": item.group_label_en or item.group_label_zh,
                    "name": item.group_name,
                }
        items.append(entry)
    return items


def render_form(
    request, instrument: Instrument, *, preview=False, kind="", key="", values=None, errors=None, status=200
):
    """The form page (also the staff preview)."""
    form = services.compiled(instrument)
    context = {
        "instrument": instrument,
        "items": _form_items(instrument, values, errors),
        "ui": ui_strings(),
        "lang": _page_lang(request),
        "preview": preview,
        "meta": {
            "kind": kind,
            "key": key,
            "preview": preview,
            "submit": reverse("api:surveys_public_batch"),
            "sw": reverse("surveys:service_worker"),
            "scope": reverse("surveys:service_worker").rsplit("/", 1)[0] + "/",
            "form": f"{kind}:{key}" if kind else f"preview:{instrument.pk}",
            "rules": form.client_rules(),
        },
        "server_key": uuid.uuid4().hex,
        "has_errors": bool(errors),
    }
    response = render(request, "surveys/public_form.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _state(request, status: str, http: int = 200, instrument: Instrument | None = None, form: str = ""):
    """A page with one message (used, closed, unknown, thanks …) in both languages. `form` names the
    invitation or link, so that the phone that answered it shows its thank-you instead."""
    ui = ui_strings()
    response = render(
        request,
        "surveys/public_state.html",
        {
            "form": form,
            "status": status,
            "ui": ui,
            "text": ui[f"status_{status}"],
            "lang": _page_lang(request),
            "title": ui.get(f"title_{status}", ui["thanks_title"]),
            "instrument": instrument,
        },
        status=http,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _handle_post(request, instrument: Instrument, *, token="", link="", kind="", key=""):
    """The no-script path: the same `submit()` as the API, then a thank-you or the form with errors."""
    form = PublicAnswersForm(request.POST, instrument=instrument)
    if not form.is_valid():
        errors = {name: " ".join(errs) for name, errs in form.errors.items()}
        return render_form(
            request, instrument, kind=kind, key=key, values=form.raw_answers(), errors=errors, status=422
        )
    answers = form.answers()
    outcome = submit(
        client_key=form.cleaned_data["_client_key"],
        answers=answers,
        token=token,
        link=link,
        language=translation.get_language() or "",
        client_ip=request.META.get("REMOTE_ADDR"),
    )
    if outcome.ok:
        return _state(request, "stored", 201 if outcome.status == "stored" else 200, instrument)
    if outcome.status == "invalid":
        return render_form(
            request, instrument, kind=kind, key=key, values=answers, errors=outcome.errors, status=422
        )
    return _state(request, outcome.status, outcome.http, instrument)


@csrf_exempt  # no session, no cookie authority: nothing for a forged request to borrow
@gzip_page  # the page carries both languages: ~60 kB, ~7 kB compressed for a slow connection
def token_form(request, token):
    """An invitation's form (short link and QR code target)."""
    invitation = (
        Token.objects.select_related("wave", "instrument")
        .filter(token_hash=services.hash_token(token))
        .first()
    )
    if invitation is None:
        return _state(request, "unknown", 404)
    key = services.normalise_token(token)
    if request.method == "POST":
        return _handle_post(request, invitation.instrument, token=key, kind="token", key=key)
    if invitation.used:
        return _state(request, "used", 409, invitation.instrument, form=f"token:{key}")
    if not invitation.wave.is_open_on(timezone.localdate()):
        return _state(request, "closed", 410, invitation.instrument)
    return render_form(request, invitation.instrument, kind="token", key=key)


@csrf_exempt
@gzip_page
def public_form(request, slug):
    """A public link's form (residents)."""
    link = (
        PublicLink.objects.select_related("wave", "instrument").filter(slug=slug.lower(), active=True).first()
    )
    if link is None:
        return _state(request, "unknown", 404)
    if request.method == "POST":
        return _handle_post(request, link.instrument, link=link.slug, kind="link", key=link.slug)
    if not link.wave.is_open_on(timezone.localdate()):
        return _state(request, "closed", 410, link.instrument)
    return render_form(request, link.instrument, kind="link", key=link.slug)


@require_GET
def service_worker(request):
    """The service worker, served under /surveys/ so that it may control the form pages."""
    body = render_to_string(
        "surveys/sw.js",
        {
            "assets": json.dumps([static("surveys/form.js"), static("surveys/form.css")]),
            "version": "cw-survey-v1",
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/surveys/"
    return response

"""Pages: dishonest-debtor list, incentive eligibility and certificates, public verification, measures."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casewatch.analytics import enforcement as enf
from casewatch.analytics.schema import DELETION_TRIGGERS, LISTING_GROUNDS
from casewatch.cases.models import Party
from casewatch.core import audit
from casewatch.core.choices import Action, AuditAction
from casewatch.core.masking import mask, mask_name
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.core.tables import xlsx
from casewatch.enforcement import certificates, data, services, tables
from casewatch.enforcement import forms as enf_forms
from casewatch.enforcement.models import Certificate, DishonestListing

LIMIT = 500
#: rows per page of the listing, incentive and aged-money tables (rendering 500 rows cost more
#: than computing them; the counts above the table are of every row)
PAGE = 100


def pager(request, total: int) -> tuple[int, dict]:
    """(offset, the pager's context) from ``?page=`` (a number from 1; anything else is page 1)."""
    pages = max(1, -(-total // PAGE))
    try:
        page = min(max(int(request.GET.get("page") or 1), 1), pages)
    except ValueError:
        page = 1
    query = request.GET.copy()

    def link(n: int) -> str:
        query["page"] = str(n)
        return query.urlencode()

    return (page - 1) * PAGE, {
        "page": page,
        "pages": pages,
        "prev": link(page - 1) if page > 1 else "",
        "next": link(page + 1) if page < pages else "",
    }


def _page_offset(request) -> int:
    try:
        return (min(max(int(request.GET.get("page") or 1), 1), 100_000) - 1) * PAGE
    except ValueError:
        return 0


STATES = ("overdue", "due", "deleted_late", "deleted_on_time", "listed", "deleted_before_listing")
#: the computed states (analytics/enforcement.py) as people read them
STATE_LABELS = {
    "overdue": gettext_lazy("Deletion overdue"),
    "due": gettext_lazy("Deletion pending, in time"),
    "deleted_late": gettext_lazy("Deleted late"),
    "deleted_on_time": gettext_lazy("Deleted in time"),
    "listed": gettext_lazy("On the list"),
    "deleted_before_listing": gettext_lazy("Deleted before the listing date"),
    "deleted_no_trigger": gettext_lazy("Deleted without a recorded trigger"),
}
CORRECTION_LABELS = {
    "review_overdue": gettext_lazy("Correction review overdue"),
    "in_review": gettext_lazy("Correction under review"),
    "reviewed_late": gettext_lazy("Correction reviewed late"),
    "correction_overdue": gettext_lazy("Correction overdue"),
    "corrected_late": gettext_lazy("Corrected late"),
    "reconsideration_out_of_time": gettext_lazy("Reconsideration asked out of time"),
    "reconsideration_overdue": gettext_lazy("Reconsideration overdue"),
    "in_time": gettext_lazy("Correction in time"),
}
WRONGFUL_LABELS = {
    "minor": gettext_lazy("A minor was listed"),
    "must_not_list": gettext_lazy("Security or sufficient assets: must not be listed"),
    "term_on_ground_1": gettext_lazy("A term set on ground 1"),
    "serious_extra_years": gettext_lazy("Serious case: extra years outside 1–3"),
    "extra_years_not_serious": gettext_lazy("Extra years without a serious case"),
    "grace_out_of_range": gettext_lazy("Grace period outside 1–3 months"),
    "published_in_grace": gettext_lazy("Published within the grace period"),
}


def _label(labels: dict, code) -> str:
    return str(labels.get(code, code)) if code else ""


def require(user, action: str) -> None:
    if not user_can(user, action):
        raise PermissionDenied(_("Your role does not allow this."))


def _date(value, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _errors(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _names(party_ids, reveal: bool) -> dict[str, str]:
    """Debtor display names: organisations in full, persons masked unless revealed."""
    out = {}
    for p in Party.objects.filter(party_id__in=set(party_ids)).values("party_id", "name", "kind"):
        person = p["kind"] == "person"
        out[p["party_id"]] = (
            p["name"] if (reveal or not person) else mask_name(p["name"]),
            p["party_id"] if (reveal or not person) else mask("party_id", p["party_id"]),
        )
    return out


def _reveal(request) -> bool:
    if request.GET.get("reveal") and user_can(request.user, Action.REVEAL):
        audit.record(
            AuditAction.REVEAL, user=request.user, object_type="enforcement.debtors", message=request.path
        )
        return True
    return False


def _correction_text(r: dict) -> str:
    """A listing's correction state with its deadlines, in words ("" when there is none)."""
    if not r.get("correction_state"):
        return ""
    text = f"{_label(CORRECTION_LABELS, r['correction_state'])} {_('review due')} {_iso(r.get('review_due'))}"
    if r.get("correction_due"):
        text += f", {_('correct by')} {_iso(r['correction_due'])}"
    if r.get("reconsideration_due"):
        text += f", {_('reconsideration due')} {_iso(r['reconsideration_due'])}"
    return text


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _label_rows(rows: list[dict], reveal: bool) -> None:
    """The labels the list shows and exports (tables.listings_table), set on each row."""
    names = _names([r["debtor_party_id"] for r in rows], reveal)
    for r in rows:
        r["debtor_name"], r["debtor_id"] = names.get(r["debtor_party_id"], ("", ""))
        r["ground_label"] = LISTING_GROUNDS.get(r["ground"], (r["ground"], r["ground"]))[0]
        r["trigger_label"] = (
            DELETION_TRIGGERS.get(r["trigger"], (r["trigger"], ""))[0] if r["trigger"] else ""
        )
        r["state_label"] = _label(STATE_LABELS, r["deletion_state"])
        r["correction_text"] = _correction_text(r)
        r["wrongful_label"] = _label(WRONGFUL_LABELS, r["wrongful"])


@login_required
def listings(request):
    """The dishonest-debtor list with deletion and correction deadlines, computed in DuckDB."""
    require(request.user, Action.VIEW)
    as_of = _date(request.GET.get("as_of"), timezone.localdate())
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    wrongful = bool(request.GET.get("wrongful"))
    reveal = _reveal(request)
    if request.GET.get("format") == "xlsx":
        require(request.user, Action.EXPORT)
        rows = data.listing_rows(request.user, as_of)
        if state:
            rows = [r for r in rows if r["deletion_state"] == state]
        if wrongful:
            rows = [r for r in rows if r["wrongful"]]
        _label_rows(rows, reveal)
        # the page's table: the file has its headings and values (tables.listings_table)
        record_export(request.user, "enforcement.listings", len(rows), "xlsx")
        return xlsx(tables.listings_table(rows), "dishonest-listings.xlsx", "listings")
    # Filter, count and the first LIMIT rows in DuckDB: the page never holds the whole city's listings.
    shown, total, by_state = data.listing_page(
        request.user, as_of, state=state, wrongful=wrongful, limit=PAGE, offset=_page_offset(request)
    )
    _offset, page = pager(request, total)
    counts = {s: by_state.get(s, 0) for s in STATES}
    _label_rows(shown, reveal)
    can_change = user_can(request.user, Action.CHANGE)
    form = None
    if can_change:
        # the same options on every row: escaped once here, not once per row
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((k, v[0]) for k, v in DELETION_TRIGGERS.items())
        )
        form = tables.deletion_form(
            lambda listing_id: reverse("enforcement:listing_delete", args=[listing_id]),
            get_token(request),
            options,
            {"deleted_on": _("Deleted on"), "trigger": _("Trigger"), "record": _("Record deletion")},
        )
    return render(
        request,
        "enforcement/listings.html",
        {
            "table": tables.listings_table(shown, deletion_form=form),
            "total": total,
            "pager": page,
            "as_of": as_of,
            "state": state,
            "counts": counts,
            "state_counts": [(s, _label(STATE_LABELS, s), counts[s]) for s in STATES],
            "can_reveal": user_can(request.user, Action.REVEAL),
        },
    )


class DeletionForm(forms.Form):
    """A recorded deletion from the list: the day it was deleted, why, and when the reason arose.
    (A date that is not a date used to become today; now it is refused with the field named.)"""

    deleted_on = forms.DateField(label=gettext_lazy("Deleted on"))
    trigger = forms.ChoiceField(
        label=gettext_lazy("Trigger"), choices=[(k, v[0]) for k, v in DELETION_TRIGGERS.items()]
    )
    trigger_on = forms.DateField(label=gettext_lazy("Trigger on"), required=False)


@login_required
@require_POST
def listing_delete(request, listing_id: str):
    listing = get_scoped_or_404(request.user, DishonestListing, Action.CHANGE, listing_id=listing_id)
    form = DeletionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(enf_forms.errors(form))
        services.record_deletion(
            request.user,
            listing,
            form.cleaned_data["deleted_on"],
            form.cleaned_data["trigger"],
            form.cleaned_data["trigger_on"],
        )
        messages.success(request, _("Deletion recorded."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("enforcement:listings")


@login_required
def incentive(request):
    """Incentive eligibility per judgment with the reason; eligible debtors get a certificate."""
    require(request.user, Action.VIEW)
    as_of = _date(request.GET.get("as_of"), timezone.localdate())
    only = request.GET.get("reason", "")
    # Filter, count and the first LIMIT rows in DuckDB (the whole city's judgments never reach Python).
    shown, total = data.eligibility_page(
        request.user,
        as_of,
        reason=only if only in certificates.REASONS else "",
        limit=PAGE,
        offset=_page_offset(request),
    )
    _offset, page = pager(request, total)
    names = _names([r["debtor_party_id"] for r in shown], _reveal(request))
    live = set(
        Certificate.objects.restrict(request.user, Action.VIEW)
        .filter(
            revoked_at__isnull=True,
            case__unit_id__in={r["unit_code"] for r in shown},
            case__case_number__in=[r["case_number"] for r in shown],
        )
        .values_list("case__case_number", "debtor_party_id")
    )
    from casewatch.cases.models import Case

    ids = {
        (c.unit_id, c.case_number): c.pk
        for c in Case.objects.filter(
            unit_id__in={r["unit_code"] for r in shown}, case_number__in=[r["case_number"] for r in shown]
        ).only("id", "unit_id", "case_number")
    }
    for r in shown:
        r["debtor_name"], r["debtor_id"] = names.get(r["debtor_party_id"], ("", ""))
        r["reason_text"] = certificates.reason_text(r["reason"])
        r["has_certificate"] = (r["case_number"], r["debtor_party_id"]) in live
        r["case_id"] = ids.get((r["unit_code"], r["case_number"]))
    return render(
        request,
        "enforcement/incentive.html",
        {
            "rows": shown,
            "total": total,
            "pager": page,
            "as_of": as_of,
            "reasons": certificates.REASONS,
            "reason": only,
            "can_issue": user_can(request.user, Action.HANDLE),
        },
    )


@login_required
@require_POST
def certificate_issue(request):
    form = enf_forms.CertificateIssueForm(request.POST)
    if not form.is_valid():
        for text in enf_forms.errors(form):
            messages.error(request, text)
        return redirect("enforcement:incentive")
    try:
        cert = certificates.issue(
            request.user, form.cleaned_data["case_id"], form.cleaned_data["debtor_party_id"]
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("enforcement:incentive")
    messages.success(request, _("Certificate issued."))
    return redirect("enforcement:certificate", number=cert.number)


@login_required
def certificate_list(request):
    require(request.user, Action.VIEW)
    qs = Certificate.objects.restrict(request.user, Action.VIEW).select_related("unit", "case")[:LIMIT]
    return render(
        request, "enforcement/certificate_list.html", {"certificates": tables.certificates_table(qs)}
    )


@login_required
def certificate(request, number: str):
    cert = get_scoped_or_404(
        request.user, Certificate.objects.select_related("unit", "case"), Action.VIEW, number=number
    )
    url = certificates.verify_url(request, cert)
    fmt = request.GET.get("format")
    if fmt in ("docx", "pdf"):
        require(request.user, Action.EXPORT)
        record_export(request.user, "enforcement.certificate", 1, fmt)
        if fmt == "docx":
            body, ctype = (
                certificates.certificate_docx(cert, url),
                ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            )
        else:
            body, ctype = certificates.certificate_pdf(cert, url), "application/pdf"
        resp = HttpResponse(body, content_type=ctype)
        resp["Content-Disposition"] = f'attachment; filename="{cert.number}.{fmt}"'
        return resp
    return render(
        request,
        "enforcement/certificate.html",
        {
            "cert": cert,
            "facts": certificates.public_facts(cert),
            "url": url,
            "reductions": cert.fee_reductions.all(),
            "can_change": user_can(request.user, Action.CHANGE),
        },
    )


@login_required
@require_POST
def certificate_revoke(request, number: str):
    cert = get_scoped_or_404(request.user, Certificate, Action.CHANGE, number=number)
    form = enf_forms.ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(enf_forms.errors(form))
        certificates.revoke(request.user, cert, form.cleaned_data["reason"])
        messages.success(request, _("Certificate revoked."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("enforcement:certificate", number=number)


@login_required
@require_POST
def fee_reduction(request, number: str):
    cert = get_scoped_or_404(request.user, Certificate, Action.CHANGE, number=number)
    form = enf_forms.FeeReductionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(enf_forms.errors(form))
        services.record_fee_reduction(
            request.user, cert, form.cleaned_data["amount"], form.cleaned_data["reason"]
        )
        messages.success(request, _("Fee reduction recorded."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("enforcement:certificate", number=number)


def verify(request):
    """Public: a bank or tender office checks a certificate; only its facts are shown."""
    number, code = request.GET.get("number", "").strip(), request.GET.get("code", "").strip()
    status, cert = ("", None)
    if number or code:
        status, cert = certificates.verify(number, code)
        # public and read-only: nothing changes, so nothing is audited per request
    return render(
        request,
        "enforcement/verify.html",
        {
            "status": status,
            "facts": certificates.public_facts(cert) if cert else None,
            "number": number,
            "code": code,
        },
    )


@login_required
def measures(request):
    """The enforcement measures with their definitions (half-up rounding)."""
    require(request.user, Action.VIEW)
    today = timezone.localdate()
    start = _date(request.GET.get("start"), dt.date(today.year, 1, 1))
    end = _date(request.GET.get("end"), today)
    as_of = _date(request.GET.get("as_of"), today)
    m = data.measures(request.user, start, end, as_of)
    d = enf.DEFINITIONS
    lang_en = (request.LANGUAGE_CODE or "").startswith("en")
    pick = lambda k: d[k][1] if lang_en else d[k][0]  # noqa: E731
    rows = [
        (
            "voluntary_rate",
            _("Voluntary performance rate"),
            f"{m['voluntary_rate']}%" if m["voluntary_rate"] is not None else "—",
            f"{m['voluntary_n']} / {m['voluntary_d']}",
        ),
        (
            "listings",
            _("Listing decisions"),
            m["listings"],
            _("of which wrongful: %(n)s") % {"n": m["wrongful"]},
        ),
        (
            "deletions_on_time",
            _("Deletions on time"),
            f"{m['deletions_on_time']}%" if m["deletions_on_time"] is not None else "—",
            f"{m['deletions_ok']} / {m['deletions_due']}",
        ),
        ("repairs_completed", _("Credit repairs completed"), m["repairs_completed"], ""),
        (
            "performed_after_repair",
            _("Amount performed after repair (yuan)"),
            f"{m['performed_after_repair']:,.2f}",
            _("%(v)s hundred million yuan")
            % {"v": enf.round_half_up(m["performed_after_repair"] / 100_000_000, 2)},
        ),
        ("incentive_firms", _("Firms benefiting from the incentive"), m["incentive_firms"], ""),
        ("payments_cleared", _("Case-fund payments cleared"), m["payments_cleared"], ""),
        (
            "aged_money",
            _("Money aged over 30 days"),
            f"{m['aged_amount']:,.2f}",
            _("%(n)s receipts") % {"n": m["aged_count"]},
        ),
    ]
    return render(
        request,
        "enforcement/measures.html",
        {
            "rows": tables.measures_table([(k, t, v, extra, pick(k)) for k, t, v, extra in rows]),
            "start": start,
            "end": end,
            "as_of": as_of,
        },
    )

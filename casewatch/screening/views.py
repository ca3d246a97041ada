"""Screening pages: findings (filters, charts, bulk triage, export), finding, rules, runs."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casewatch.analytics.rules.model import AREAS
from casewatch.core import charts, jobs
from casewatch.core.choices import Action
from casewatch.core.forms import IdsField
from casewatch.core.pagination import paginate
from casewatch.core.permissions import user_can
from casewatch.core.services import get_scoped_or_404, record_export
from casewatch.core.tables import xlsx
from casewatch.screening import services, texts
from casewatch.screening.choices import FindingStatus, RunMode, RunStatus, Severity
from casewatch.screening.filtersets import DISTRICT_NAMES, FindingFilterForm
from casewatch.screening.models import Finding, RuleVersion, ScreeningRun
from casewatch.screening.tables import finding_table, rule_table, run_rules_table, run_table


def _lang_zh() -> bool:
    return texts.lang() == "zh"


#: sort keys of the findings list → ORDER BY (severity by rank, not alphabetically)
SORTS = {
    "severity": ("-severity_rank", "rule_id", "-id"),
    "-severity": ("severity_rank", "rule_id", "-id"),
    "first_seen": ("first_seen_at", "id"),
    "-first_seen": ("-first_seen_at", "-id"),
    "rule": ("rule_id", "-severity_rank", "-id"),
    "-rule": ("-rule_id", "-severity_rank", "-id"),
    "unit": ("unit__code", "-severity_rank", "-id"),
    "-unit": ("-unit__code", "-severity_rank", "-id"),
}


def export_header() -> list[str]:
    """Column headings of the findings export, in the reader's language."""
    return finding_table([], texts.RuleTexts([]), zh=_lang_zh()).header()


def _last_run_day():
    run = ScreeningRun.objects.filter(status=RunStatus.SUCCEEDED).order_by("-finished_at", "-id").first()
    return run.as_of if run else None


@login_required
def finding_list(request):
    form = FindingFilterForm(request.GET or None)
    qs = form.apply(Finding.objects.restrict(request.user)).select_related("case", "unit")
    qs = qs.with_severity_rank()
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "severity"
    qs = qs.order_by(*SORTS[sort])
    zh = _lang_zh()
    # a malformed filter exports nothing: the page says what is wrong instead
    if request.GET.get("export") == "xlsx" and not (form.is_bound and form.errors):
        if not user_can(request.user, Action.EXPORT):
            raise PermissionDenied(_("Your role may not export."))
        table = finding_table(
            qs.select_related("decided_by").iterator(chunk_size=2000), texts.RuleTexts(), zh=zh
        )
        record_export(request.user, "screening.finding", qs.count(), "xlsx")
        return xlsx(table, _("findings") + ".xlsx", _("Findings"))
    by_area = list(qs.order_by().values("area").annotate(n=Count("id")).order_by("-n", "area"))
    by_district = list(
        qs.order_by().values("unit__division_code").annotate(n=Count("id")).order_by("unit__division_code")
    )
    by_status = {r["status"]: r["n"] for r in qs.order_by().values("status").annotate(n=Count("id"))}
    page = paginate(request, qs)
    as_of = _last_run_day()
    base = reverse("screening:finding_list")
    chart_area = charts.bars(
        [r["area"] if zh else AREAS.get(r["area"], r["area"]) for r in by_area],
        values=[r["n"] for r in by_area],
        links=[f"{base}?{_with(request, area=r['area'])}" for r in by_area],
        as_of=as_of,
    )
    chart_district = charts.bars(
        [DISTRICT_NAMES.get(r["unit__division_code"], r["unit__division_code"]) for r in by_district],
        values=[r["n"] for r in by_district],
        links=[f"{base}?{_with(request, district=r['unit__division_code'])}" for r in by_district],
        as_of=as_of,
    )
    can_triage = user_can(request.user, Action.SUPERVISE) or user_can(request.user, Action.CHANGE)
    table = finding_table(
        list(page), texts.RuleTexts(list(page)), zh=zh, sort=sort, query=request.GET, select=can_triage
    )
    return render(
        request,
        "screening/finding_list.html",
        {
            "form": form,
            "page": page,
            "table": table,
            "chart_area": chart_area,
            "chart_district": chart_district,
            "by_status": by_status,
            "can_triage": can_triage,
            "can_run": user_can(request.user, Action.SUPERVISE),
            "sort": sort,
        },
    )


def _with(request, **params) -> str:
    """The current filters with some replaced (a chart's bar links to its list); no page, no sort."""
    query = request.GET.copy()
    for name in ("page", "export"):
        query.pop(name, None)
    for k, v in params.items():
        query[k] = v
    return query.urlencode()


@login_required
def finding_detail(request, pk):
    finding = get_scoped_or_404(
        request.user, Finding.objects.select_related("case", "unit", "decided_by"), pk=pk
    )
    rule = RuleVersion.objects.filter(rule_id=finding.rule_id, version=finding.rule_version).first()
    return render(
        request,
        "screening/finding_detail.html",
        {
            "finding": finding,
            "rule": rule,
            "evidence_text": texts.RuleTexts([finding]).evidence(finding),
            "zh": _lang_zh(),
            "can_triage": user_can(request.user, Action.SUPERVISE) or user_can(request.user, Action.CHANGE),
        },
    )


class TriageForm(forms.Form):
    """Bulk triage of the selected findings (the reason is the service's to require)."""

    ids = IdsField(label=gettext_lazy("Selected findings"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"), choices=[("confirm", "confirm"), ("dismiss", "dismiss")]
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000)


class RunStartForm(forms.Form):
    """A screening run: full or incremental, as of a day (empty: today)."""

    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=RunMode.choices, initial=RunMode.FULL)
    as_of = forms.DateField(label=gettext_lazy("As of"), required=False)


def _form_error_text(form) -> str:
    return "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())


@login_required
@require_POST
def finding_triage(request):
    """Bulk confirm or dismiss (reason required) the selected findings."""
    form = TriageForm(request.POST)
    try:
        if not form.is_valid():
            messages.error(request, _form_error_text(form))
        elif not form.cleaned_data["ids"]:
            messages.error(request, _("Select at least one finding."))
        elif form.cleaned_data["action"] == "confirm":
            n = services.confirm(request.user, form.cleaned_data["ids"])
            messages.success(request, _("%(n)d finding(s) confirmed.") % {"n": n})
        else:
            n = services.dismiss(request.user, form.cleaned_data["ids"], form.cleaned_data["reason"])
            messages.success(request, _("%(n)d finding(s) dismissed.") % {"n": n})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    nxt = request.POST.get("next") or ""
    return redirect(nxt if nxt.startswith("/screening/") else "screening:finding_list")


@login_required
def rule_list(request):
    services.sync_catalogue()
    latest: dict[str, RuleVersion] = {}
    for rv in RuleVersion.objects.filter(active=True).order_by("rule_id", "version"):
        latest[rv.rule_id] = rv
    counts = {
        r["rule_id"]: r["n"]
        for r in Finding.objects.restrict(request.user)
        .exclude(status=FindingStatus.RESOLVED)
        .order_by()
        .values("rule_id")
        .annotate(n=Count("id"))
    }
    rules = sorted(latest.values(), key=lambda r: (r.area, r.rule_id))
    for r in rules:
        r.open_findings = counts.get(r.rule_id, 0)
    return render(
        request,
        "screening/rule_list.html",
        {
            "table": rule_table(rules, zh=_lang_zh()),
            "can_write_rules": user_can(request.user, Action.SUPERVISE),
        },
    )


def _placeholders(template: str):
    """An evidence template with its {placeholders} marked as such (they are the finding's columns,
    filled per finding), the rest escaped."""
    import re

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    return mark_safe(re.sub(r"\{(\w+)\}", r"<code>{\1}</code>", escape(template or "")))  # noqa: S308 - escaped above


def _article(citation: dict) -> dict:
    """A cited article with its text, or why there is none. The folder being set is not enough:
    a citation may name a whole document (no article), a law the folder does not hold (another
    version, a ministry rule, an internal norm) or an article the text lacks — each said as it is,
    not as "folder not set"."""
    from casewatch.analytics.laws import article_text, library

    law, number = citation.get("law"), citation.get("article")
    text, missing = None, ""
    if not settings.LAWS_DIR:
        missing = _("Article text not loaded (set CASEWATCH_LAWS_DIR to the statute folder).")
    elif not number:
        missing = _("The citation names the whole document, not an article.")
    else:
        try:
            found = library(str(settings.LAWS_DIR)).resolve(law) if law else None
        except FileNotFoundError:
            missing = _("The statute folder %(folder)s does not exist.") % {"folder": settings.LAWS_DIR}
        else:
            if found is None:
                missing = _("This law (or this version of it) is not among the statute texts.")
            else:
                text = article_text(settings.LAWS_DIR, law, number)
                if not text:
                    missing = _("%(article)s is not in the statute text %(file)s.") % {
                        "article": number,
                        "file": found.name,
                    }
    # Citation notes are written in English in the rule catalogue; shown to English readers only.
    note = "" if _lang_zh() else citation.get("note") or ""
    return {"label": citation.get("label"), "text": text, "missing": missing, "note": note}


@login_required
def rule_detail(request, rule_id):
    versions = list(RuleVersion.objects.filter(rule_id=rule_id).order_by("-version"))
    if not versions:
        raise Http404
    rule = versions[0]
    articles = [_article(c) for c in rule.basis]
    evidence = _placeholders(rule.evidence_zh if _lang_zh() else rule.evidence_en)
    return render(
        request,
        "screening/rule_detail.html",
        {"rule": rule, "versions": versions, "articles": articles, "zh": _lang_zh(), "evidence": evidence},
    )


class CustomRuleForm(forms.Form):
    rule_id = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    area = forms.ChoiceField(label=gettext_lazy("Area"), choices=[])
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices)
    explanation_zh = forms.CharField(
        label=gettext_lazy("Explanation (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sql = forms.CharField(
        label=gettext_lazy("SQL (one SELECT over the canonical tables)"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "spellcheck": "false"}),
        max_length=20000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(zh, f"{zh} / {en}") for zh, en in AREAS.items()]


@login_required
def custom_rules(request):
    """Supervisors' own rules: list, add / edit (a new version), test run with limits."""
    from casewatch.analytics.custom_rules import UnsafeRule
    from casewatch.screening import custom

    if not user_can(request.user, Action.SUPERVISE):
        raise PermissionDenied(_("Only supervisors may write screening rules."))
    preview = None
    if request.method == "POST":
        form = CustomRuleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            if request.POST.get("action") == "test":
                try:
                    columns, rows = custom.test_run(request.user, d["sql"])
                    preview = {"columns": columns, "rows": [[r.get(c) for c in columns] for r in rows]}
                except UnsafeRule as exc:
                    form.add_error("sql", str(exc))
            else:
                try:
                    rv = custom.save_custom_rule(
                        request.user,
                        rule_id=d["rule_id"] or None,
                        title_zh=d["title_zh"],
                        title_en=d["title_en"],
                        area=d["area"],
                        severity=d["severity"],
                        explanation_zh=d["explanation_zh"],
                        sql=d["sql"],
                    )
                except ValidationError as exc:
                    form.add_error("sql", " ".join(exc.messages))
                else:
                    messages.success(
                        request,
                        _("Rule %(rule)s saved as version %(version)d.")
                        % {"rule": rv.rule_id, "version": rv.version},
                    )
                    return redirect("screening:custom_rules")
    else:
        initial = {}
        edit = request.GET.get("edit")
        if edit:
            rv = RuleVersion.objects.filter(rule_id=edit, builtin=False).order_by("-version").first()
            if rv is None:
                raise Http404
            initial = {
                "rule_id": rv.rule_id,
                "title_zh": rv.title_zh,
                "title_en": rv.title_en,
                "area": rv.area,
                "severity": rv.severity,
                "explanation_zh": rv.explanation_zh,
                "sql": rv.sql,
            }
        form = CustomRuleForm(initial=initial)
    rules = sorted(custom.latest_custom_versions(active_only=False).values(), key=lambda r: r.rule_id)
    return render(
        request,
        "screening/custom_rules.html",
        {
            "rules": rules,
            "form": form,
            "preview": preview,
            "zh": _lang_zh(),
            "row_limit": custom.ROW_LIMIT,
            "seconds": custom.SECONDS,
            "preview_rows": custom.PREVIEW_ROWS,
        },
    )


@login_required
@require_POST
def custom_rule_deactivate(request, rule_id):
    from casewatch.screening import custom

    try:
        custom.deactivate_custom_rule(request.user, rule_id)
        messages.success(request, _("Rule %(rule)s deactivated.") % {"rule": rule_id})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("screening:custom_rules")


@login_required
def run_list(request):
    runs = ScreeningRun.objects.all() if user_can(request.user, Action.VIEW) else ScreeningRun.objects.none()
    page = Paginator(runs.select_related("actor"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/run_list.html",
        {"page": page, "table": run_table(page), "can_run": user_can(request.user, Action.SUPERVISE)},
    )


@login_required
def run_detail(request, pk):
    if not user_can(request.user, Action.VIEW):
        raise PermissionDenied
    run = ScreeningRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    return render(request, "screening/run_detail.html", {"run": run, "table": run_rules_table(run)})


@login_required
@require_POST
def run_start(request):
    if not user_can(request.user, Action.SUPERVISE):
        raise PermissionDenied(_("Only supervisors may start a screening run."))
    form = RunStartForm(request.POST)
    if not form.is_valid():  # a bad date is said on the page, not left to fail inside the job
        messages.error(request, _form_error_text(form))
        return redirect("screening:finding_list")
    as_of = form.cleaned_data["as_of"]
    job = jobs.enqueue(
        "screening.analyze",
        request.user,
        engine="duckdb",
        as_of=as_of.isoformat() if as_of else None,
        mode=form.cleaned_data["mode"],
    )
    return redirect("core:job_detail", pk=job.pk)

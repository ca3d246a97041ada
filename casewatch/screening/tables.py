"""The screening pages' tables (core.tables): findings (page and XLSX export from one
definition), the rule catalogue, runs and a run's rules."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casewatch.analytics.rules.model import AREAS
from casewatch.core.tables import Column, Table


def finding_table(rows, rule_texts, *, zh: bool, sort: str = "", query=None, select: bool = False) -> Table:
    """Findings: the page shows rule (with title), severity, status, unit, case and evidence; the
    export adds title, area, subject, first seen, who decided and the reason for a dismissal."""
    C = Column  # noqa: N806 - short constructor keeps the columns readable

    def rule_cell(f):
        url = reverse("screening:finding_detail", args=[f.pk])
        return format_html('<a href="{}">{}</a> {}', url, f.rule_id, rule_texts.title(f))

    columns = [
        C(_("Rule"), lambda f: f.rule_id, sort="rule", show=rule_cell),
        C(_("Title"), rule_texts.title, page=False),
        C(_("Area"), lambda f: f.area if zh else AREAS.get(f.area, f.area), page=False),
        C(_("Severity"), lambda f: f.get_severity_display(), sort="severity"),
        C(_("Status"), lambda f: f.get_status_display()),
        C(_("Unit"), lambda f: f.unit.name, sort="unit"),
        C(
            _("Case number"),
            lambda f: f.case.case_number,
            link=lambda f: reverse("cases:case_detail", args=[f.case_id]),
        ),
        C(_("Subject"), lambda f: f.subject, page=False),
        C(_("Evidence"), rule_texts.evidence),
        C(_("First seen"), lambda f: f.first_seen_at, sort="first_seen", page=False),
        C(
            _("Decided by"),
            lambda f: (f.decided_by.get_full_name() or f.decided_by.username) if f.decided_by_id else "",
            page=False,
        ),
        C(_("Reason for dismissal"), lambda f: f.dismissed_reason, page=False),
    ]
    return Table(
        columns,
        rows,
        empty=_("No findings match."),
        testid="findings",
        sort=sort,
        query=query,
        select=(lambda f: f.pk) if select else None,
        select_label=_("Select"),
    )


def rule_table(rules, *, zh: bool) -> Table:
    C = Column  # noqa: N806
    return Table(
        [
            C(
                _("Rule"),
                lambda r: r.rule_id,
                link=lambda r: reverse("screening:rule_detail", args=[r.rule_id]),
            ),
            C(_("Title"), lambda r: r.title_zh if zh else r.title_en),
            C(_("Area"), lambda r: r.area if zh else AREAS.get(r.area, r.area)),
            C(_("Severity"), lambda r: r.get_severity_display()),
            C(_("Legal basis"), lambda r: "; ".join(str(c.get("label") or "") for c in r.basis)),
            C(
                _("Open findings"),
                lambda r: r.open_findings,
                num=True,
                link=lambda r: reverse("screening:finding_list") + f"?rule={r.rule_id}",
            ),
            C(_("Version"), lambda r: f"v{r.version}"),
        ],
        rules,
        empty=_("No rules."),
        testid="rules",
    )


def run_table(runs) -> Table:
    C = Column  # noqa: N806
    return Table(
        [
            C("#", lambda r: r.pk, link=lambda r: reverse("screening:run_detail", args=[r.pk])),
            C(_("Started"), lambda r: r.started_at),
            C(_("Engine"), lambda r: r.engine),
            C(_("Mode"), lambda r: r.get_mode_display()),
            C(_("As of"), lambda r: r.as_of),
            C(_("Status"), lambda r: r.get_status_display()),
            C(_("New"), lambda r: r.findings_new, num=True),
            C(_("Unchanged"), lambda r: r.findings_unchanged, num=True),
            C(_("Resolved"), lambda r: r.findings_resolved, num=True),
            C(_("Seconds"), lambda r: None if r.seconds is None else f"{r.seconds:.2f}", num=True),
        ],
        runs,
        empty=_("No runs yet."),
        testid="runs",
    )


def run_rules_table(run) -> Table:
    """A run's rules: version, findings and seconds each."""
    C = Column  # noqa: N806
    return Table(
        [
            C(_("Rule"), lambda r: r[0]),
            C(_("Version"), lambda r: f"v{run.rule_versions[r[0]]}" if r[0] in run.rule_versions else ""),
            C(_("Findings"), lambda r: run.rule_counts.get(r[0], ""), num=True),
            C(_("Seconds"), lambda r: f"{r[1]:.3f}", num=True),
        ],
        sorted(run.rule_seconds.items()),
        testid="run-rules",
    )

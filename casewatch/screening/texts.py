"""What people read about a finding: its rule's title, explanation and evidence sentence.

One place for built-in rules (the data plane's catalogue) and supervisors' own rules (their
stored `RuleVersion`, matched by the finding's rule version), used by the findings pages, the
export and the problem a confirmed finding opens.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from casewatch.screening.models import RuleVersion


@dataclass(frozen=True)
class RuleText:
    """The readable parts of one rule version."""

    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    rule: object | None  # the analytics Rule of a built-in rule (renders its evidence template)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else (self.title_en or self.title_zh)

    def explanation(self, lang: str) -> str:
        return self.explanation_zh if lang == "zh" else (self.explanation_en or self.explanation_zh)


def lang() -> str:
    """'zh' or 'en' for the active language."""
    return "en" if (get_language() or "zh-hans").startswith("en") else "zh"


class RuleTexts:
    """Texts of the rules behind a set of findings, loaded once (two queries at most)."""

    def __init__(self, findings=None):
        from casewatch.analytics.rules import RULES_BY_ID

        self.builtin = RULES_BY_ID
        self.custom: dict[tuple[str, int], RuleVersion] = {}
        self.latest: dict[str, RuleVersion] = {}
        rule_ids = None
        if findings is not None:
            rule_ids = {f.rule_id for f in findings} - set(RULES_BY_ID)
            if not rule_ids:
                return
        qs = RuleVersion.objects.filter(builtin=False).order_by("rule_id", "version")
        if rule_ids is not None:
            qs = qs.filter(rule_id__in=rule_ids)
        for rv in qs.only("rule_id", "version", "title_zh", "title_en", "explanation_zh", "explanation_en"):
            self.custom[(rv.rule_id, rv.version)] = rv
            self.latest[rv.rule_id] = rv

    def text(self, rule_id: str, version: int | None = None) -> RuleText | None:
        rule = self.builtin.get(rule_id)
        if rule is not None:
            return RuleText(rule.title_zh, rule.title_en, rule.explanation_zh, rule.explanation_en, rule)
        rv = self.custom.get((rule_id, version)) or self.latest.get(rule_id)
        if rv is None:
            return None
        return RuleText(rv.title_zh, rv.title_en, rv.explanation_zh, rv.explanation_en, None)

    def title(self, finding, language: str | None = None) -> str:
        """The rule's title (the rule id when the rule is unknown)."""
        t = self.text(finding.rule_id, finding.rule_version)
        return t.title(language or lang()) if t else finding.rule_id

    def evidence(self, finding, language: str | None = None) -> str:
        """The evidence sentence: the built-in template, or every column of a custom rule's row."""
        language = language or lang()
        t = self.text(finding.rule_id, finding.rule_version)
        evidence = finding.evidence or {}
        if t is not None and t.rule is not None:
            try:
                return t.rule.render_evidence(evidence, language)
            except (KeyError, ValueError, TypeError, AttributeError):
                pass
        return custom_evidence(evidence, language)

    def problem_text(self, finding) -> tuple[str, str]:
        """Title and description of the problem a confirmed finding opens (Chinese, the list's
        working language): '<rule title>（<rule id>）' and the explanation plus the evidence."""
        t = self.text(finding.rule_id, finding.rule_version)
        title = f"{t.title_zh}（{finding.rule_id}）" if t else finding.rule_id
        parts = [t.explanation_zh.strip() if t else "", self.evidence(finding, "zh")]
        return title, "\n".join(p for p in parts if p)


def custom_evidence(evidence: dict, language: str) -> str:
    """A custom rule's evidence row as 'column：value；…' with values shown as people read them."""
    from casewatch.analytics.rules.model import _Display

    display = _Display(evidence, language)
    sep, colon = ("；", "：") if language == "zh" else ("; ", ": ")
    return sep.join(f"{key}{colon}{display[key]}" for key in evidence)

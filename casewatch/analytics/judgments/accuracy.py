"""Per-field accuracy of the parser against documents whose true values are known.

A field counts as correct when the parsed value equals the truth exactly (parties: the set of
(name, role) pairs; firms: the set of firm names; articles: their number). A field the parser
did not find counts as wrong. This module never imports Django.
"""

from __future__ import annotations

from collections import Counter

from casewatch.analytics.judgments import parse, records, text
from casewatch.cases import casenumber

FIELDS = (
    "case_number", "division_code", "document_kind", "outcome", "filed_at", "decided_at", "cause",
    "procedure", "claim_amount", "parties", "firms", "articles",
)  # fmt: skip


def parsed_values(j: parse.Judgment) -> dict:
    """The parser's values in the shape of `corpus.Truth`."""
    claim = j.value("claim_amount")
    return {
        "case_number": records.canonical_number(j.value("case_number")),
        "division_code": j.number.division_code,
        "document_kind": j.value("document_kind"),
        "outcome": j.value("outcome"),
        "filed_at": j.value("filed_at"),
        "decided_at": j.value("decided_at"),
        "cause": j.value("cause"),
        "procedure": j.value("procedure"),
        "claim_amount": None if claim is None else f"{claim:.2f}",
        "parties": sorted((str(p.name.value), p.role) for p in j.parties),
        "firms": sorted({str(p.firm.value) for p in j.parties if p.firm is not None}),
        "articles": len(j.articles),
    }


def truth_values(truth) -> dict:
    return {
        "case_number": records.canonical_number(casenumber.normalise(truth.case_number)),
        "division_code": truth.division_code,
        "document_kind": truth.document_kind,
        "outcome": truth.outcome,
        "filed_at": truth.filed_at,
        "decided_at": truth.decided_at,
        "cause": truth.cause,
        "procedure": truth.procedure,
        "claim_amount": truth.claim_amount,
        "parties": sorted(truth.parties),
        "firms": sorted(set(truth.firms)),
        "articles": truth.articles,
    }


def score(documents) -> tuple[dict[str, float], int, list[tuple[int, str, object, object]]]:
    """documents: (bytes or str, name, truth) → (field → share correct, documents that failed to
    parse, the first mismatches for inspection)."""
    right: Counter = Counter()
    failed, misses, n = 0, [], 0
    for i, (data, name, truth) in enumerate(documents):
        n += 1
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            got = parsed_values(parse.parse(text.extract(raw, name)))
        except (parse.JudgmentError, text.TextError) as exc:
            failed += 1
            misses.append((i, "error", exc.args, None))
            continue
        want = truth_values(truth)
        for f in FIELDS:
            if got[f] == want[f]:
                right[f] += 1
            elif len(misses) < 50:
                misses.append((i, f, got[f], want[f]))
    return {f: right[f] / n if n else 0.0 for f in FIELDS}, failed, misses

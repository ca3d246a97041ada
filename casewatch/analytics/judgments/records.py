"""Parsed judgments → rows of the canonical tables, and the provenance of every field.

Why these keys: the canonical tables key a party by an identifier (ID number, credit code or a
source id). A judgment gives names only, and published ones are anonymised — 张某 in one
document is not 张某 in the next. So:

* natural persons and anonymised organisations (宁波某某贸易有限公司) get a per-document key,
  ``JD<document hash>-<n>``: never merged across documents by name alone (entity resolution in
  the false-litigation pipeline may still link them on real evidence);
* named organisations get ``ORG-<hash of the name>``: a company's registered name is public and
  is what identifies it in a judgment;
* named lawyers get ``LAW-<hash of firm and name>``: a lawyer appears under his firm.

The case number is written in the canonical form (full-width brackets, half-width digits, no
spaces) so a judgment and a registry export of the same case meet on the same key.

This module never imports Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from casewatch.analytics.judgments.parse import Judgment
from casewatch.cases import casenumber

DECISION_EVENT = {
    "judgment": "judgment_pronounced",
    "default_judgment": "judgment_pronounced",
    "mediation": "mediation_concluded",
    "withdrawal": "withdrawn",
    "ruling": "ruling",
    "other": "closed",
}
CASE_TYPE = {"criminal": "criminal", "civil": "civil", "administrative": "administrative"}
CASE_TYPE["enforcement"] = "enforcement"


def canonical_number(number: str) -> str:
    """（2021）浙0212民初1234号: full-width brackets, half-width digits, no spaces."""
    text = casenumber.normalise(number)
    return re.sub(r"^\((\d{4})\)", r"（\1）", text).replace("(", "（").replace(")", "）")


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def party_key(j: Judgment, index: int, doc_hash: str) -> str:
    p = j.parties[index]
    name = str(p.name.value)
    if not p.anonymised and p.kind == "organisation":
        return "ORG-" + digest(name)[:16]
    if not p.anonymised and p.lawyer and p.firm is not None:
        return "LAW-" + digest(f"{p.firm.value}/{name}")[:16]
    return f"JD{doc_hash[:10]}-{index + 1}"


def court_division(j: Judgment) -> str:
    """Today's division code of the court: from the case number (aliases resolved)."""
    return j.number.division_code


def to_rows(j: Judgment, display: str, doc_hash: str, unit_code: str) -> dict[str, list[dict]]:
    """Rows for cases, parties, case_parties, events and documents, plus one ``provenance`` row.

    Values are strings as an import file would carry them (the importer types and validates them);
    ``__line`` is the line of the document the row came from, for error reports."""
    number = canonical_number(j.value("case_number"))
    filed, decided = j.value("filed_at"), j.value("decided_at")
    ref = {"unit_code": unit_code, "case_number": number}
    rows: dict[str, list[dict]] = {t: [] for t in ("cases", "parties", "case_parties", "events", "documents")}
    outcome = j.value("outcome", "other")
    rows["cases"].append(
        ref
        | {
            "case_type": CASE_TYPE.get(j.number.matter_kind, "civil"),
            "cause_name": j.value("cause"),
            "procedure": j.value("procedure"),
            "status": "closed",
            "filed_at": _iso(filed),
            "closed_at": _iso(decided),
            "claim_amount": _money(j.value("claim_amount")),
            "outcome": outcome,
            "instance": _str(j.value("instance")),
            "__line": j.fields["case_number"].line,
        }
    )
    keys = [party_key(j, i, doc_hash) for i in range(len(j.parties))]
    reps = {
        p.represents: keys[i]
        for i, p in enumerate(j.parties)
        if p.role == "legal_rep" and p.represents is not None
    }
    seen: set[tuple[str, str]] = set()
    for i, p in enumerate(j.parties):
        rows["parties"].append(
            {
                "party_id": keys[i],
                "kind": p.kind,
                "name": str(p.name.value),
                "sex": p.sex or None,
                "birth_date": _iso(p.birth_date),
                "legal_rep_party_id": reps.get(i),
                "__line": p.line,
            }
        )
        if (keys[i], p.role) in seen:
            continue
        seen.add((keys[i], p.role))
        rows["case_parties"].append(
            ref
            | {
                "party_id": keys[i],
                "role": p.role,
                "represents_party_id": keys[p.represents] if p.represents is not None else None,
                "__line": p.line,
            }
        )
    if filed is not None:
        rows["events"].append(
            ref
            | {
                "kind": "filed",
                "occurred_at": f"{filed.isoformat()} 00:00:00",
                "__line": j.fields["filed_at"].line,
            }
        )
    rows["events"].append(
        ref
        | {
            "kind": DECISION_EVENT.get(outcome, "closed"),
            "occurred_at": f"{decided.isoformat()} 00:00:00",
            "result": outcome,
            "__line": j.fields["decided_at"].line,
        }
    )
    rows["documents"].append(
        ref
        | {
            "doc_no": f"J{doc_hash[:12]}",
            "kind": j.value("document_kind") or "other",
            "issued_at": _iso(decided),
            "signatories": "; ".join(f"{role} {name}" for role, name in j.signatories)[:300] or None,
            "__line": j.fields["decided_at"].line,
        }
    )
    rows["provenance"] = [provenance(j, display, doc_hash, unit_code, number, keys)]
    return rows


def provenance(
    j: Judgment, display: str, doc_hash: str, unit_code: str, number: str, keys: list[str]
) -> dict:
    """Where every value came from: span, line, text and confidence per field, party and article."""
    text = j.text
    parties = []
    for i, p in enumerate(j.parties):
        entry = {
            "party_id": keys[i],
            "role": p.role,
            "role_as_written": p.role_as_written,
            "kind": p.kind,
            "anonymised": p.anonymised,
            "name": p.name.as_dict(text),
            "lawyer": p.lawyer,
            "represents": keys[p.represents] if p.represents is not None else None,
        }
        if p.firm is not None:
            entry["firm"] = p.firm.as_dict(text)
        parties.append(entry)
    fields = {name: f.as_dict(text) for name, f in j.fields.items()}
    for name in ("claim_amount", "awarded_amount"):
        if name in fields:
            fields[name]["value"] = str(fields[name]["value"])
    return {
        "sha1": doc_hash,
        "file": display[:300],
        "unit_code": unit_code,
        "case_number": number,
        "doc_no": f"J{doc_hash[:12]}",
        "kind": j.value("document_kind") or "other",
        "title": j.value("title") or "",
        "fields": fields,
        "parties": parties,
        "articles": [a.as_dict(text) for a in j.articles],
        "warnings": [{"code": c, "line": line, "detail": d} for c, line, d in j.warnings],
        "text": text,
    }


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _str(value) -> str | None:
    return None if value is None else str(value)

"""Loading the organisation tree (set-based upserts, parents before children)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from casewatch.analytics import ningbo
from casewatch.core import audit
from casewatch.core.choices import AuditAction
from casewatch.core.models import Unit


def check_divisions(divisions_dir: str | Path) -> list[str]:
    """Compare the seeded district names with the national division table; returns problems."""
    path = Path(divisions_dir) / "areas.csv"
    if not path.exists():
        return [f"{path} not found"]
    with path.open(encoding="utf-8") as fh:
        names = {row["code"]: row["name"] for row in csv.DictReader(fh)}
    problems = []
    for code, (name, _abbr) in ningbo.DISTRICTS.items():
        if names.get(code) != name:
            problems.append(f"{code}: expected {name}, table says {names.get(code)!r}")
    return problems


def seed_ningbo(user=None) -> tuple[int, int]:
    """Create or update Ningbo's tree; returns (created, updated). Idempotent."""
    rows = ningbo.units()
    existing = {u.code: u for u in Unit.objects.all()}
    created = updated = 0
    with transaction.atomic():
        by_code: dict[str, Unit] = dict(existing)
        for row in rows:
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            unit = by_code.get(row["code"])
            fields = {
                "name": row["name"],
                "kind": row["kind"],
                "agency_kind": row["agency_kind"] or "",
                "division_code": row["division_code"] or "",
                "parent": parent,
            }
            if unit is None:
                unit = Unit(code=row["code"], **fields)
                unit.save()
                created += 1
            elif any(getattr(unit, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(unit, k, v)
                unit.save()
                updated += 1
            by_code[row["code"]] = unit
        audit.record(
            AuditAction.IMPORT,
            user=user,
            object_type="core.unit",
            message=f"seed-orgs: {created} created, {updated} updated",
        )
    return created, updated

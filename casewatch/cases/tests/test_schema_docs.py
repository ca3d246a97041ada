"""The data dictionary in docs/ is generated from the machine-readable schema and must match it."""

from pathlib import Path

from casewatch.analytics import schema
from casewatch.cases import models

DOC = Path(__file__).resolve().parents[3] / "docs" / "data-dictionary.md"


def test_data_dictionary_is_generated_from_schema():
    assert DOC.read_text(encoding="utf-8") == schema.data_dictionary_markdown(), (
        "docs/data-dictionary.md is stale: run python -m casewatch.analytics.schema > docs/data-dictionary.md"
    )


def test_every_enumeration_value_is_a_model_choice():
    field = models.Case._meta.get_field("case_type")
    assert {v for v, _ in field.choices} == set(schema.CASE_TYPES)
    field = models.Event._meta.get_field("kind")
    assert {v for v, _ in field.choices} == set(schema.EVENT_KINDS)


def test_every_canonical_column_has_a_database_home():
    """Each non-derived canonical column of the case tables is a model field (or its FK column)."""
    mapping = {
        "cases": models.Case,
        "events": models.Event,
        "parties": models.Party,
        "petitions": models.Petition,
        "property_items": models.PropertyItem,
        "documents": models.Document,
    }
    for table, model in mapping.items():
        names = {f.column for f in model._meta.concrete_fields} | {
            f.name for f in model._meta.concrete_fields
        }
        for col in schema.TABLES[table].columns:
            if col.derived or col.name in ("unit_code", "case_number") and table != "cases":
                continue
            assert col.name in names, f"{table}.{col.name} has no column in {model.__name__}"

"""Anonymity: the invitation table and the response store cannot be joined.

Checked on the schema itself (the models' metadata and the database's own column lists), not on
what the code happens to do: no foreign key in either direction, no shared identifier, responses
keyed by random UUIDs, and no timestamp on either side more precise than a day.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection, models

from casewatch.core.models import AuditLog, Unit
from casewatch.surveys import services
from casewatch.surveys.factories import make_closed_case
from casewatch.surveys.models import Answer, Response, Token, TokenBatch
from casewatch.surveys.submission import submit

IDENTITY_MODELS = {
    "cases.case",
    "cases.party",
    "cases.caseparty",
    "surveys.token",
    "surveys.tokenbatch",
    "core.user",
}
#: Group-level attributes both tables may carry (they describe a cell, not a person).
GROUP_LEVEL = {"wave_id", "instrument_id", "unit_id", "case_type", "respondent_group"}


def related_labels(model) -> set[str]:
    return {
        f.related_model._meta.label_lower
        for f in model._meta.get_fields()
        if f.is_relation and f.related_model
    }


def test_no_foreign_key_between_responses_and_identities():
    for model in (Response, Answer):
        assert not related_labels(model) & IDENTITY_MODELS, model
    # nor from the invitation side to the responses
    for model in (Token, TokenBatch):
        assert not related_labels(model) & {"surveys.response", "surveys.answer"}, model


def test_no_shared_identifier_and_no_precise_time():
    token_cols = {f.column for f in Token._meta.concrete_fields}
    response_cols = {f.column for f in Response._meta.concrete_fields}
    assert token_cols & response_cols <= GROUP_LEVEL | {"id"}
    # both have an "id", but of disjoint kinds: a sequence number on the invitation, a random UUID on
    # the response and its answers — no sequence to line up with anything
    assert isinstance(Token._meta.pk, models.BigAutoField)
    assert isinstance(Response._meta.pk, models.UUIDField) and isinstance(Answer._meta.pk, models.UUIDField)
    for model in (Response, Answer, Token):
        timestamps = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateTimeField | models.TimeField)
        ]
        assert timestamps == [], (model, timestamps)
    assert isinstance(Response._meta.get_field("submitted_on"), models.DateField)
    # the invitation keeps a hash and a flag, never the secret or the time of use
    assert {"token_hash", "used"} <= {f.name for f in Token._meta.concrete_fields}
    assert not {"token", "raw", "used_at", "client_key"} & {f.name for f in Token._meta.concrete_fields}


def test_database_columns_agree(db):
    """The same check on the live database's tables (what a DBA could join on)."""
    with connection.cursor() as cursor:
        tables = {
            t: {c.name for c in connection.introspection.get_table_description(cursor, t)}
            for t in (Token._meta.db_table, Response._meta.db_table, Answer._meta.db_table)
        }
        relations = connection.introspection.get_relations(cursor, Response._meta.db_table)
    assert tables[Token._meta.db_table] & tables[Response._meta.db_table] <= GROUP_LEVEL | {"id"}
    assert not tables[Token._meta.db_table] & tables[Answer._meta.db_table] - {"id"}
    assert Token._meta.db_table not in {target for _col, (target_col, target) in relations.items()}


def test_a_used_invitation_points_to_a_cell_not_a_response(wave, zhenhai_user):
    """Two parties in the same unit and case type answer: the token table cannot say which is whose."""
    for _ in range(2):
        make_closed_case("330211-CRT-MS1", roles=("plaintiff",))
    batch = services.issue_tokens(
        zhenhai_user,
        wave,
        services.Sampling(
            Unit.objects.get(code="330211"),
            dt.date.today() - dt.timedelta(days=30),
            dt.date.today(),
            [],
            [],
            0,
            1,
        ),
    )
    raws = list(services.raw_tokens(batch).values())
    answers = {
        "role": "plaintiff",
        "agencies": ["court"],
        "overall": "5",
        **{
            f"court_{d}": "5"
            for d in ("process", "outcome", "respect", "efficiency", "transparency", "integrity")
        },
    }
    audit_before = AuditLog.objects.count()
    for raw, overall in zip(raws, ["5", "1"], strict=True):
        assert submit(client_key=uuid.uuid4().hex, token=raw, answers={**answers, "overall": overall}).ok
    assert AuditLog.objects.count() == audit_before  # no timestamped trace of the submissions
    for token in Token.objects.filter(used=True):
        # the best join an insider can write: on the group-level attributes
        candidates = Response.objects.filter(
            wave_id=token.wave_id,
            instrument_id=token.instrument_id,
            unit_id=token.unit_id,
            case_type=token.case_type,
            respondent_group=token.respondent_group,
        )
        assert candidates.count() == 2  # both responses match both invitations
    assert set(Response.objects.values_list("submitted_on", flat=True)) == {dt.date.today()}


@pytest.mark.parametrize("model", [Response, Answer])
def test_responses_are_not_change_logged(model):
    from casewatch.core.models import ChangeLoggedModel

    assert not issubclass(model, ChangeLoggedModel)
    assert not issubclass(Token, ChangeLoggedModel)

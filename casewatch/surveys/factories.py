"""Test and demo factories (factory_boy) for survey records, plus small helpers for cases."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from casewatch.core.choices import Role
from casewatch.core.models import Unit, User
from casewatch.surveys.choices import Channel, RespondentGroup, WaveStatus
from casewatch.surveys.models import Answer, Forum, Response, Wave

_serial = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COMMITTEE_SUPERVISOR
    must_change_password = False
    is_active = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "Casewatch-2026!")
        if create:
            self.save()


def make_user(role: str, scope_code: str | None, **kwargs) -> User:
    """A user of `role` whose unit and scope are the unit with `scope_code` (None: no scope)."""
    unit = Unit.objects.get(code=scope_code) if scope_code else None
    return UserFactory(role=role, unit=unit, scope=unit, **kwargs)


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    name = factory.Sequence(lambda n: f"Wave {n}")
    unit = factory.LazyFunction(lambda: Unit.objects.get(code="330211"))
    period_start = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    period_end = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=10))
    status = WaveStatus.OPEN


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum

    unit = factory.LazyFunction(lambda: Unit.objects.get(code="330212"))
    title = factory.Sequence(lambda n: f"Forum {n}")
    place = "首南街道"
    held_on = factory.LazyFunction(dt.date.today)
    organiser = "鄞州区委政法委"
    agencies = ["police", "court"]


def make_closed_case(
    unit_code: str,
    case_type: str = "civil",
    roles=("plaintiff", "defendant"),
    closed_at=None,
    phone: str = "13800000000",
):
    """A closed case with one party per role (for sampling invitations)."""
    from casewatch.cases.models import Case, CaseParty, Party

    n = next(_serial)
    closed_at = closed_at or dt.date.today() - dt.timedelta(days=5)
    case = Case.objects.create(
        unit_id=unit_code,
        case_number=f"(2025)测{n}号",
        case_type=case_type,
        status="closed",
        filed_at=closed_at - dt.timedelta(days=60),
        closed_at=closed_at,
    )
    for role in roles:
        party = Party.objects.create(
            party_id=f"P{n}-{role}", kind="person", name=f"当事人{n}{role}", phone=phone
        )
        CaseParty.objects.create(case=case, party=party, role=role)
    return case


def bulk_responses(
    wave: Wave,
    instrument,
    unit: Unit,
    rows: list[dict],
    *,
    day=None,
    group=None,
    channel=Channel.PUBLIC,
    case_type="",
) -> list[Response]:
    """Insert responses directly: each row maps item name → value (list for multiple choice)."""
    import uuid

    from casewatch.surveys.services import compiled

    form = compiled(instrument)
    by_name = {i.name: i for i in form.items}
    day = day or dt.date.today()
    responses, answers = [], []
    for row in rows:
        response = Response(
            client_key=uuid.uuid4().hex,
            wave=wave,
            instrument=instrument,
            unit=unit,
            district_code=unit.division_code,
            agency_kind=unit.agency_kind,
            case_type=case_type,
            respondent_group=group or instrument.respondent_group or RespondentGroup.RESIDENT,
            channel=channel,
            language="zh",
            submitted_on=day,
        )
        responses.append(response)
        for name, value in row.items():
            item = by_name[name]
            for v in value if isinstance(value, list) else [value]:
                score = item.choices.get(str(v)) if item.kind == "likert" else None
                answers.append(
                    Answer(
                        response=response,
                        item_id=item.id,
                        value=str(v) if item.kind != "text" else "",
                        score=score,
                        na=item.kind == "likert" and score is None,
                        number=float(v) if item.kind in ("integer", "decimal") else None,
                        text=str(v) if item.kind == "text" else "",
                    )
                )
    Response.objects.bulk_create(responses, batch_size=2000)
    Answer.objects.bulk_create(answers, batch_size=5000)
    return responses


def insert_rows(model, rows: list[dict], batch: int = 10_000) -> None:
    """A fast bulk insert for large test data: one executemany per batch of plain values (Django's
    bulk_create spends most of its time compiling SQL for SQLite's small batches). Handles the
    value types the survey tables use: UUIDs, dates, text, numbers, booleans and None."""
    import datetime as _dt
    import uuid as _uuid

    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    names = [f.attname for f in fields]

    def plain(value):
        if sqlite and isinstance(value, _uuid.UUID):
            return value.hex
        if sqlite and isinstance(value, _dt.date):
            return value.isoformat()
        return value

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: an order of magnitude faster than executemany
            copy_sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row([row[n] for n in names])
            return
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, [[plain(row[n]) for n in names] for row in rows[start : start + batch]])

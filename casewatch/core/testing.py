"""Test helpers any app may import: fast password hashing, a small seeded world, and the
reusable permission matrix (anonymous / no permission / in scope / out of scope).

Fast hashing (PBKDF2 is slow by design) — in an app's ``conftest.py`` or test module::

    from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)

A small world (the Ningbo tree, one account per role, staff, jobs, audit markers; optionally cases),
built once per test module inside a transaction that is rolled back when the module ends, so
nothing leaks into other apps' tests::

    @pytest.fixture(scope="module")
    def cw_world_module(django_db_setup, django_db_blocker):
        yield from testing.module_world(django_db_blocker, cases=True)

    @pytest.fixture
    def world(cw_world_module, db):  # `db`: every test runs in its own savepoint
        return cw_world_module

The permission matrix: declare one `Probe` per list, detail, action, export or API endpoint and
run every applicable cell::

    PROBES = [Probe("case-detail", "/cases/{w.case_in.pk}/", kind=DETAIL, marker="{w.case_in.case_number}")]

    @pytest.mark.parametrize(("probe", "cell"), matrix_params(PROBES))
    def test_permission_matrix(client, world, probe, cell):
        check_cell(client, world, probe, cell)

Out-of-scope details must answer 404 (never 403) and leave an ``access_denied`` audit record.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from casewatch.core import audit, jobs
from casewatch.core.choices import AuditAction, Role
from casewatch.core.models import ApiToken, AuditLog, Job, Staff, Unit, User

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

#: The password of every seeded account: ≥ 10 characters from 3 classes.
PASSWORD = "Casewatch-Test-2025"


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashers():
    """MD5 instead of PBKDF2 while testing (import this fixture into a conftest to enable it)."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


# --- the world --------------------------------------------------------------------------------

#: username -> (role, scope unit code or None, member unit code)
STANDARD_USERS: dict[str, tuple[str, str | None, str]] = {
    "city_supervisor": (Role.COMMITTEE_SUPERVISOR, "330200", "330200-CMT-JD"),
    "district_legal": (Role.LEGAL_OFFICER, "330212-PSB", "330212-PSB-FZ"),
    "district_handler": (Role.HANDLER, "330212-PSB", "330212-PSB-XJ"),
    "other_court": (Role.AGENCY_SUPERVISOR, "330203-CRT", "330203-CRT-SG"),
    "city_auditor": (Role.AUDITOR, "330200", "330200-CMT-JD"),
    "other_auditor": (Role.AUDITOR, "330203-CRT", "330203-CRT-SG"),
    "sysadmin": (Role.SYSADMIN, "330200", "330200-CMT-ZH"),
    "noscope": (Role.HANDLER, None, "330212-PSB-XJ"),
}


def make_user(
    username: str,
    role: str,
    scope_code: str | None,
    unit_code: str | None = None,
    *,
    password: str = PASSWORD,
    must_change_password: bool = False,
    **extra,
) -> User:
    """An account with a role, a scope and a member unit (the units must exist)."""
    user = User(
        username=username,
        role=role,
        scope=Unit.objects.get(code=scope_code) if scope_code else None,
        unit=Unit.objects.get(code=unit_code) if unit_code else None,
        must_change_password=must_change_password,
        **extra,
    )
    user.set_password(password)
    user.save()
    return user


@dataclass
class World:
    """What `build_world` created; `extra` holds what app builders add (cases, parties …)."""

    users: dict[str, User]
    staff_in: Staff
    staff_out: Staff
    job_in: Job
    job_out: Job
    token_in: ApiToken
    token_in_raw: str
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        # `w.case_in` in probe templates reads world.extra["case_in"].
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(name)

    def user(self, username: str) -> User:
        return User.objects.get(pk=self.users[username].pk)


def _run_one(job: Job) -> Job:
    claimed = jobs.claim_next()
    assert claimed is not None and claimed.pk == job.pk, "the world's job queue is not empty"
    return jobs.run(claimed)


def build_world() -> World:
    """The Ningbo tree, the standard accounts, two staff, two jobs, two audit markers, a token."""
    from casewatch.core.services_org import seed_ningbo

    seed_ningbo()
    users = {name: make_user(name, *spec) for name, spec in STANDARD_USERS.items()}
    staff_in = Staff.objects.create(
        staff_no="T-PSB-0001",
        name="张警官",
        unit=Unit.objects.get(code="330212-PSB-FZ"),
        position="法制员",
        id_number="330203198001011234",
        phone="13812345678",
    )
    staff_out = Staff.objects.create(
        staff_no="T-CRT-0001",
        name="李法官",
        unit=Unit.objects.get(code="330203-CRT-SG"),
        position="审判员",
        id_number="330212197505054321",
        phone="13987654321",
    )
    job_in = _run_one(jobs.enqueue("core.selftest", users["district_legal"], steps=2, fail=True))
    job_out = _run_one(jobs.enqueue("core.selftest", users["other_court"], steps=1))
    audit.record(AuditAction.UPDATE, staff_in, user=users["district_legal"], message="matrix-marker-330212")
    audit.record(AuditAction.UPDATE, staff_out, user=users["other_court"], message="matrix-marker-330203")
    token_in, raw = ApiToken.issue(
        users["district_legal"], "matrix-token", timezone.now() + dt.timedelta(days=30)
    )
    return World(users, staff_in, staff_out, job_in, job_out, token_in, raw)


def build_case_world(world: World) -> World:
    """Cases, parties, events, a matter per side and transfers, in 330212-PSB (in) and 330203-CRT (out).

    ``district_legal`` sees ``case_in`` (鄞州 police); ``other_court`` sees ``case_out`` (海曙 court).
    """
    from casewatch.cases.models import Case, CaseParty, Event, Matter, Party, Transfer

    tz = dt.timezone(dt.timedelta(hours=8))
    matter_in = Matter.objects.create(
        matter_id="M-T-330212-001", kind="criminal", opened_at=dt.date(2024, 3, 1), title="盗窃案"
    )
    matter_out = Matter.objects.create(
        matter_id="M-T-330203-001", kind="civil", opened_at=dt.date(2024, 4, 1), title="借款合同纠纷"
    )
    case_in = Case.objects.create(
        unit_id="330212-PSB-XJ",
        case_number="甬鄞公(刑)立字[2024]90001号",
        matter=matter_in,
        case_type="police_criminal",
        cause_name="盗窃罪",
        status="pending",
        filed_at=dt.date(2024, 3, 2),
    )
    case_in_2 = Case.objects.create(
        unit_id="330212-PSB-ZA",
        case_number="甬鄞公(治)行字[2024]90002号",
        case_type="police_public_order",
        cause_name="殴打他人",
        status="closed",
        filed_at=dt.date(2024, 5, 6),
        closed_at=dt.date(2024, 5, 20),
    )
    case_out = Case.objects.create(
        unit_id="330203-CRT-MS1",
        case_number="(2024)浙0203民初90003号",
        matter=matter_out,
        case_type="civil",
        cause_name="民间借贷纠纷",
        status="pending",
        filed_at=dt.date(2024, 4, 2),
    )
    party_in = Party.objects.create(
        party_id="330212199001017777",
        kind="person",
        name="王小明",
        id_number="330212199001017777",
        phone="13700001111",
        address="浙江省宁波市鄞州区中河街道某路1号",
    )
    party_out = Party.objects.create(
        party_id="330203198502028888",
        kind="person",
        name="赵大海",
        id_number="330203198502028888",
        phone="13600002222",
        address="浙江省宁波市海曙区某街2号",
    )
    CaseParty.objects.create(case=case_in, party=party_in, role="suspect")
    CaseParty.objects.create(case=case_out, party=party_out, role="plaintiff")
    Event.objects.create(
        case=case_in, seq=1, kind="filed", occurred_at=dt.datetime(2024, 3, 2, 9, 0, tzinfo=tz)
    )
    Event.objects.create(
        case=case_in,
        seq=2,
        kind="detained",
        occurred_at=dt.datetime(2024, 3, 3, 10, 30, tzinfo=tz),
        reason="matrix-event-in",
    )
    Event.objects.create(
        case=case_out, seq=1, kind="accepted", occurred_at=dt.datetime(2024, 4, 2, 9, 0, tzinfo=tz)
    )
    # 鄞州 police sent two transfers in 2024, one electronic only: 50.00 % single-track coverage.
    Transfer.objects.create(
        transfer_id="TR-T-1",
        matter=matter_in,
        from_case=case_in,
        from_unit_id="330212-PSB",
        to_unit_id="330212-PRO",
        sent_at=dt.datetime(2024, 3, 10, 9, 0, tzinfo=tz),
        electronic=True,
    )
    Transfer.objects.create(
        transfer_id="TR-T-2",
        from_case=case_in_2,
        from_unit_id="330212-PSB",
        to_unit_id="330212-PRO",
        sent_at=dt.datetime(2024, 6, 10, 9, 0, tzinfo=tz),
        electronic=False,
    )
    world.extra.update(
        matter_in=matter_in,
        matter_out=matter_out,
        case_in=case_in,
        case_in_2=case_in_2,
        case_out=case_out,
        party_in=party_in,
        party_out=party_out,
    )
    return world


@contextmanager
def rolled_back(django_db_blocker):
    """Database work inside this block is rolled back at its end (module- or class-scoped data)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def module_world(django_db_blocker, *, cases: bool = False) -> Iterator[World]:
    """Generator for a module-scoped fixture: the world, rolled back when the module ends."""
    with rolled_back(django_db_blocker):
        world = build_world()
        if cases:
            build_case_world(world)
        yield world


# --- the permission matrix --------------------------------------------------------------------

ANON, DENIED, IN_SCOPE, OUT_OF_SCOPE = "anonymous", "no_permission", "in_scope", "out_of_scope"
CELLS = (ANON, DENIED, IN_SCOPE, OUT_OF_SCOPE)
LIST, DETAIL, ACTION = "list", "detail", "action"


@dataclass(frozen=True)
class Expect:
    """What one cell must answer: the status, whether the marker shows, whether access_denied is logged."""

    status: int
    shows: bool | None = None
    access_denied: bool = False


_DEFAULTS = {
    # A list filters: out of scope and without permission it answers 200 without the marker.
    LIST: {
        DENIED: Expect(200, shows=False),
        IN_SCOPE: Expect(200, shows=True),
        OUT_OF_SCOPE: Expect(200, False),
    },
    # A detail of someone else's subtree answers exactly like a missing record, and is logged.
    DETAIL: {
        DENIED: Expect(404, shows=False, access_denied=True),
        IN_SCOPE: Expect(200, shows=True),
        OUT_OF_SCOPE: Expect(404, shows=False, access_denied=True),
    },
    # An action (reveal, retry, export): the role without the action gets 403.
    ACTION: {
        DENIED: Expect(403, shows=False),
        IN_SCOPE: Expect(200, shows=True),
        OUT_OF_SCOPE: Expect(404, shows=False, access_denied=True),
    },
}

DEFAULT_USERS = MappingProxyType({IN_SCOPE: "district_legal", OUT_OF_SCOPE: "other_court", DENIED: "noscope"})


@dataclass(frozen=True)
class Probe:
    """One endpoint of the matrix.

    ``url`` and ``marker`` are ``str.format`` templates over the world (``{w.job_in.pk}``); the
    marker is a text that only the in-scope answer contains. ``users`` maps cells to usernames of
    the world (a cell absent from it is not applicable); ``expect`` overrides the defaults of ``kind``.
    API probes authenticate with a fresh bearer token, pages with the session.
    """

    name: str
    url: str
    kind: str = LIST
    marker: str = ""
    method: str = "get"
    api: bool = False
    data: Mapping | None = None
    users: Mapping[str, str] = field(default_factory=lambda: DEFAULT_USERS)
    expect: Mapping[str, Expect] = field(default_factory=dict)
    denied_type: str = ""

    def cells(self) -> list[str]:
        return [ANON] + [c for c in CELLS[1:] if self.users.get(c)]

    def expectation(self, cell: str) -> Expect:
        if cell in self.expect:
            return self.expect[cell]
        if cell == ANON:
            return Expect(401 if self.api else 302, shows=False)
        return _DEFAULTS[self.kind][cell]


def matrix_params(probes) -> list:
    """`pytest.mark.parametrize` values: one (probe, cell) pair per applicable cell."""
    return [pytest.param(p, c, id=f"{p.name}-{c}") for p in probes for c in p.cells()]


def response_text(response) -> str:
    """The body as text: JSON re-dumped unescaped, workbooks flattened to tab-separated rows."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    text = raw.decode("utf-8-sig", errors="replace")
    if ctype.startswith("application/json") and text:
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    """An API error: JSON ``{"code": …, "message": …}`` with the status."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], body
    assert isinstance(body.get("message"), str) and body["message"], body
    if code is not None:
        assert body["code"] == code, body
    return body


def request_as(client, user, url: str, *, method: str = "get", api: bool = False, data=None, **headers):
    """One request as `user` (None = anonymous): a bearer token for the API, the session for pages."""
    client.logout()
    if user is not None:
        if api:
            _token, raw = ApiToken.issue(user, "test", timezone.now() + dt.timedelta(days=1))
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        else:
            client.force_login(user)
    kwargs = {"data": data} if data is not None else {}
    if api and method != "get" and data is not None:
        kwargs = {"data": json.dumps(data), "content_type": "application/json"}
    return getattr(client, method)(url, **kwargs, **headers)


def check_cell(client, world: World, probe: Probe, cell: str):
    """Run one cell of the matrix and assert status, marker and the access_denied audit record."""
    expect = probe.expectation(cell)
    user = world.user(probe.users[cell]) if cell != ANON else None
    url = probe.url.format(w=world)
    marker = probe.marker.format(w=world)
    last_id = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = request_as(client, user, url, method=probe.method, api=probe.api, data=probe.data)
    where = f"{probe.name} [{cell}] {probe.method.upper()} {url}"
    body = response_text(response)
    assert response.status_code == expect.status, f"{where}: {response.status_code}, expected {expect.status}"
    if cell == ANON and not probe.api:
        assert response["Location"].startswith(reverse("core:login")), where
    if probe.api and response.status_code >= 400:
        assert_json_error(response, expect.status)
    if expect.shows is not None and marker:
        assert (marker in body) is expect.shows, f"{where}: marker {marker!r} shown={not expect.shows}"
    denied = AuditLog.objects.filter(id__gt=last_id, action=AuditAction.ACCESS_DENIED)
    if expect.access_denied:
        mine = denied.filter(user=user)
        assert mine.exists(), f"{where}: no access_denied audit record"
        if probe.denied_type:
            assert mine.filter(object_type=probe.denied_type).exists(), (
                f"{where}: access_denied recorded for {list(mine.values_list('object_type', flat=True))}"
            )
    else:
        assert not denied.exists(), f"{where}: unexpected access_denied record"
    return response


# --- audit messages in the reader's language (each app's test_audit_language.py) -------------------


def last_audit_id() -> int:
    """The newest audit record's id (0 when there is none): what `audit_messages_since` counts from."""
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_messages_since(since: int) -> list[str]:
    """The stored messages of the audit records written after `since`, oldest first."""
    return list(
        AuditLog.objects.filter(pk__gt=since)
        .exclude(message="")
        .order_by("id")
        .values_list("message", flat=True)
    )


def message_in_both(stored: str) -> tuple[str, str]:
    """A stored audit message as the Chinese and as the English reader see it."""
    from django.utils import translation

    from casewatch.core.audit_text import message_text

    with translation.override("zh-hans"):
        zh = message_text(stored)
    with translation.override("en"):
        en = message_text(stored)
    return zh, en

"""Fixtures of the problem tests.

The Ningbo tree and one account per role are built once per test module inside a transaction
that is rolled back when the module ends (nothing leaks into other apps' tests); each test runs
in its own savepoint on top. Accounts never have to change their password (must_change_password
is False), so pages open directly.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from casewatch.core.choices import Role
from casewatch.core.models import Staff, Unit, User
from casewatch.problems import board
from casewatch.problems.choices import ProblemSource, ProblemStatus, Severity
from casewatch.problems.models import Evidence, Problem

PASSWORD = "Casewatch-Test-2025"

#: username -> (role, scope code, member unit code)
ACCOUNTS = {
    "city_sup": (Role.COMMITTEE_SUPERVISOR, "330200", "330200-CMT-JD"),
    "haishu_sup": (Role.AGENCY_SUPERVISOR, "330203-CRT", "330203-CRT-SG"),
    "haishu_legal": (Role.LEGAL_OFFICER, "330203-CRT", "330203-CRT-SG"),
    "handler": (Role.HANDLER, "330203-CRT-MS1", "330203-CRT-MS1"),
    "handler2": (Role.HANDLER, "330203-CRT-MS1", "330203-CRT-MS1"),
    "yinzhou_sup": (Role.AGENCY_SUPERVISOR, "330212-CRT", "330212-CRT-SG"),
    "yinzhou_handler": (Role.HANDLER, "330212-CRT-MS1", "330212-CRT-MS1"),
    "reviewer": (Role.REVIEWER, "330200", "330200-CMT-JD"),
    "auditor": (Role.AUDITOR, "330200", "330200-CMT-JD"),
    "sysadmin": (Role.SYSADMIN, "330200", "330200-CMT-ZH"),
}

UNIT_IN = "330203-CRT-MS1"  # 海曙 court, civil division 1: seen by the 海曙 accounts and the city
UNIT_OUT = "330212-CRT-MS1"  # 鄞州 court, civil division 1: out of the 海曙 accounts' scope


@dataclass
class World:
    users: dict[str, User]
    judge: Staff
    extra: dict = field(default_factory=dict)

    def user(self, name: str) -> User:
        return User.objects.select_related("scope", "unit").get(pk=self.users[name].pk)


def make_user(username, role, scope_code, unit_code, **extra) -> User:
    user = User(
        username=username,
        role=role,
        scope=Unit.objects.get(code=scope_code),
        unit=Unit.objects.get(code=unit_code),
        must_change_password=False,
        email=f"{username}@example.test",
        **extra,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world() -> World:
    from casewatch.core.services_org import seed_ningbo

    seed_ningbo()
    users = {name: make_user(name, *spec) for name, spec in ACCOUNTS.items()}
    judge = Staff.objects.create(staff_no="T-HS-0001", name="陈法官", unit=Unit.objects.get(code=UNIT_IN))
    return World(users=users, judge=judge)


@contextmanager
def rolled_back(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True, scope="session")
def _fast_hashers():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="module")
def pw_module(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(pw_module, db):
    return pw_module


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The board caches by a version kept in the database, which each test rolls back: start clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_problem(
    unit: str = UNIT_IN,
    status: str = ProblemStatus.OPEN,
    *,
    assignee: User | None = None,
    severity: str = Severity.MEDIUM,
    deadline: dt.date | None = None,
    created_at=None,
    title: str = "笔录缺少签名",
    with_evidence: bool = False,
    **extra,
) -> Problem:
    """A problem in a given state, written directly (the services are tested separately)."""
    now = timezone.now()
    fields = {
        "source": ProblemSource.MANUAL,
        "unit_id": unit,
        "severity": severity,
        "title": title,
        "description": "询问笔录未经当事人签名确认。",
        "deadline": deadline or timezone.localdate() + dt.timedelta(days=30),
        "status": status,
        "assignee": assignee,
        "created_at": created_at or now,
    }
    if status in (
        ProblemStatus.ASSIGNED,
        ProblemStatus.RECTIFYING,
        ProblemStatus.SUBMITTED,
        ProblemStatus.VERIFIED,
    ):
        fields.setdefault("assigned_at", now)
    if status == ProblemStatus.VERIFIED:
        fields.update(verified_at=now, closed_at=now)
    if status == ProblemStatus.DISMISSED:
        fields.update(closed_at=now, dismissed_reason="重复")
    fields.update(extra)
    problem = Problem.objects.create(**fields)
    board.bump()  # as the services do: the board's cached figures are stale now
    if with_evidence or status in (ProblemStatus.SUBMITTED, ProblemStatus.VERIFIED):
        Evidence.objects.create(
            problem=problem,
            file="problems/evidence/00/none.pdf",
            original_name="整改报告.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=10,
            sha256=f"{problem.pk:064d}",
        )
    return problem


# --- sample files -----------------------------------------------------------------------------


def pdf_bytes(text: str = "rectification report") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def docx_bytes(text: str = "整改说明") -> bytes:
    import io

    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "整改台账"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

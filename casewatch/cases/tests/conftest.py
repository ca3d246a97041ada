"""Shared fixtures of the case-registry tests.

Importer tests: a small, valid file set (`sample_files`) that every malformed variant is derived
from, a way to run an import in-process (`run`), and `registry_state()`, a count and checksum of
every registry table, to prove that a rejected import left the database exactly as it was.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import connection

from casewatch.cases.identifiers import credit_check_char, id_check_char
from casewatch.core import testing
from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)

DATA_DIR = Path(__file__).parent / "data"


def id_number(first17: str) -> str:
    return first17 + id_check_char(first17)


def credit_code(first17: str) -> str:
    return first17 + credit_check_char(first17)


PERSON = id_number("33020319900101123")  # born 1990-01-01
PERSON_2 = id_number("33021219851231002")  # born 1985-12-31
ORG = credit_code("91330200MA2AB3CD4")

#: The valid sample set: file name -> text. Headers mix Chinese and English on purpose.
SAMPLE = {
    "staff.csv": (
        "staff_no,name,unit_code,position\n"
        "T-IMP-CRT-01,王法官,330212-CRT-MS1,审判员\n"
        "T-IMP-PSB-01,李警官,330212-PSB-XJ,侦查员\n"
    ),
    "matters.csv": "matter_id,kind,opened_at,title\nM-IMP-001,civil,2021-03-01,借款纠纷\n",
    "cases.csv": (
        "承办单位代码,案号,案事件编号,案件类型,案件状态,承办人工号,立案日期,结案日期,标的额(元),认罪认罚,结案方式\n"
        "330212-CRT-MS1,（2021）浙0212民初1234号,M-IMP-001,civil,closed,T-IMP-CRT-01,2021-03-05,2021-06-30,150000.00,否,judgment\n"
        "330212-CRT-MS1,(2021)浙0212民初1235号,,民事审判案件,在办,,2021-04-01,,,,\n"
        "330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,,police_criminal,pending,T-IMP-PSB-01,2021-05-01,,,是,\n"
    ),
    "parties.csv": (
        "party_id,kind,name,id_number,birth_date,phone,credit_code\n"
        f"{PERSON},person,李明,{PERSON},1990-01-01,13800001234,\n"
        f"{PERSON_2},person,张华,{PERSON_2},,0574-87654321,\n"
        f"{ORG},organisation,宁波某某贸易有限公司,,,,{ORG}\n"
    ),
    "case_parties.csv": (
        "unit_code,case_number,party_id,role\n"
        f"330212-CRT-MS1,（2021）浙0212民初1234号,{PERSON},plaintiff\n"
        f"330212-CRT-MS1,（2021）浙0212民初1234号,{ORG},defendant\n"
        f"330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,{PERSON_2},suspect\n"
    ),
    "events.csv": (
        "unit_code,case_number,seq,kind,occurred_at,reason\n"
        "330212-CRT-MS1,（2021）浙0212民初1234号,1,accepted,2021-03-05 09:00:00,\n"
        "330212-CRT-MS1,（2021）浙0212民初1234号,2,hearing,2021-05-10 14:30,\n"
        "330212-CRT-MS1,（2021）浙0212民初1234号,3,judgment_pronounced,2021-06-30T10:00:00,\n"
        "330212-CRT-MS1,（2021）浙0212民初1234号,4,appealed,2021-07-10 09:00:00,\n"
        "330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,1,received,2021-04-29 20:00:00,报警\n"
        "330212-PSB-XJ,甬鄞公(刑)立字[2021]00077号,2,filed,2021-05-01 09:00:00,\n"
    ),
}

REGISTRY_TABLES = (
    "core_staff",
    "cases_matter",
    "cases_party",
    "cases_case",
    "cases_caseparty",
    "cases_event",
    "cases_document",
    "cases_propertyitem",
    "cases_custodyevent",
    "cases_transfer",
    "cases_petition",
)


def write_files(folder: Path, files: dict[str, str | bytes], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
    return folder


def registry_state() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of every registry table (ordered by id)."""
    state = {}
    with connection.cursor() as cur:
        for table in REGISTRY_TABLES:
            cur.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - fixed names
            rows = cur.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            state[table] = (len(rows), digest)
    return state


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    """The Ningbo tree and one account per role, rolled back when the module ends."""
    yield from testing.module_world(django_db_blocker)


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    """A folder with the valid sample set (UTF-8)."""
    return write_files(tmp_path / "sample", SAMPLE)


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT

import datetime as dt

import pytest

from casewatch.core import testing
from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)

TZ = dt.timezone(dt.timedelta(hours=8))


def build_campaign_world(w):
    """A small hand-computable dataset in 鄞州 (in scope of district_legal's police? no: of city users) and 海曙."""
    from casewatch.campaign.models import Attendance, EducationSession, Norm, ResearchTopic
    from casewatch.cases.models import Case, CaseParty, Event, Party
    from casewatch.core.models import Staff, Unit

    def case(unit, number, ctype, filed, closed=None, **kw):
        return Case.objects.create(
            unit_id=unit,
            case_number=number,
            case_type=ctype,
            status="closed" if closed else "pending",
            filed_at=filed,
            closed_at=closed,
            **kw,
        )

    # Plea leniency by persons: 鄞州 procuratorate concludes 3 reviews in 2026 with 8 suspects, 7 with a plea.
    suspects = [
        Party.objects.create(party_id=f"P-CW-{i:02d}", kind="person", name=f"嫌疑人{i}") for i in range(1, 10)
    ]
    r1 = case(
        "330212-PRO-J1",
        "甬鄞检刑诉〔2026〕9001号",
        "prosecution_review",
        dt.date(2026, 1, 5),
        dt.date(2026, 2, 1),
        plea_leniency=True,
    )
    r2 = case(
        "330212-PRO-J1",
        "甬鄞检刑诉〔2026〕9002号",
        "prosecution_review",
        dt.date(2026, 2, 5),
        dt.date(2026, 3, 1),
        plea_leniency=True,
    )
    r3 = case(
        "330212-PRO-J2",
        "甬鄞检刑诉〔2026〕9003号",
        "prosecution_review",
        dt.date(2026, 3, 5),
        dt.date(2026, 4, 1),
        plea_leniency=False,
    )
    # concluded in 2025: outside the period
    r4 = case(
        "330212-PRO-J2",
        "甬鄞检刑诉〔2025〕9004号",
        "prosecution_review",
        dt.date(2025, 3, 5),
        dt.date(2025, 4, 1),
        plea_leniency=False,
    )
    for c, ps in ((r1, suspects[0:4]), (r2, suspects[4:7]), (r3, suspects[7:8]), (r4, suspects[8:9])):
        for p in ps:
            CaseParty.objects.create(case=c, party=p, role="suspect")
    # Administrative first instance in 鄞州: 7 filed Jan–Sep 2026, 8 in Jan–Sep 2025 → −12.50 %.
    # Concluded 2026: 4, the organ lost 1 (revoke) → 25.0 %; 2025: 5 concluded, 2 lost → 40.0 %; −15.0 pp.
    n = 0

    def admin(filed, closed=None, result=""):
        nonlocal n
        n += 1
        c = case(
            "330212-CRT-XZ",
            f"（{filed.year}）浙0212行初{900 + n}号",
            "administrative",
            filed,
            closed,
            instance=1,
        )
        if result:
            Event.objects.create(
                case=c,
                seq=1,
                kind="judgment_pronounced",
                occurred_at=dt.datetime.combine(closed, dt.time(9), TZ),
                result=result,
            )
        return c

    admin(dt.date(2026, 1, 10), dt.date(2026, 3, 1), "revoke")
    admin(dt.date(2026, 1, 11), dt.date(2026, 3, 2), "dismiss")
    admin(dt.date(2026, 2, 11), dt.date(2026, 4, 2))  # withdrawn, no judgment
    admin(dt.date(2026, 3, 11), dt.date(2026, 5, 2), "dismiss")
    for d in (4, 5, 6):
        admin(dt.date(2026, d, 1))
    admin(dt.date(2026, 10, 1))  # after the period
    for i, (res) in enumerate(("alter", "unlawful", "dismiss", "dismiss", "")):
        admin(dt.date(2025, 1, 10 + i), dt.date(2025, 6, 1 + i), res)
    for d in (7, 8, 9):  # filed in the prior period, concluded after it (December 2025)
        admin(dt.date(2025, d, 1), dt.date(2025, 12, d))
    # Civil first instance closed in 2026: 3 simplified (10, 20, 30 days), 1 small claims (15), 2 ordinary (100, 101).
    k = 0
    for proc, days in (
        ("simplified", 10),
        ("simplified", 20),
        ("simplified", 30),
        ("small_claims", 15),
        ("ordinary", 100),
        ("ordinary", 101),
    ):
        k += 1
        filed = dt.date(2026, 1, 10)
        case(
            "330212-CRT-MS1",
            f"（2026）浙0212民初{9100 + k}号",
            "civil",
            filed,
            filed + dt.timedelta(days=days),
            procedure=proc,
            instance=1,
        )
    # Long pending (over 12 months), with the world's police case of 2024-03-02: at 2026-01-01 four, at
    # 2026-09-30 two → −50.00 %.
    case("330212-CRT-MS2", "（2024）浙0212民初9201号", "civil", dt.date(2024, 6, 1))
    case("330212-CRT-MS2", "（2024）浙0212民初9202号", "civil", dt.date(2024, 7, 1), dt.date(2026, 3, 1))
    case("330212-CRT-MS2", "（2024）浙0212民初9203号", "civil", dt.date(2024, 8, 1), dt.date(2026, 5, 1))
    case(
        "330212-CRT-MS2", "（2025）浙0212民初9204号", "civil", dt.date(2025, 11, 1)
    )  # not yet 12 months at 09-30

    # Education: a roster of 5 persons in 鄞州 police; 王一 holds posts in two units (same ID number).
    fz, xj = Unit.objects.get(code="330212-PSB-FZ"), Unit.objects.get(code="330212-PSB-XJ")
    people = [
        Staff.objects.create(staff_no="E-001", name="王一", unit=fz, id_number="330212198001010011"),
        Staff.objects.create(staff_no="E-002", name="王一", unit=xj, id_number="330212198001010011"),
        Staff.objects.create(staff_no="E-003", name="李二", unit=xj, id_number="330212198101010022"),
        Staff.objects.create(staff_no="E-004", name="张三", unit=xj),
        Staff.objects.create(staff_no="E-005", name="赵四", unit=fz),
    ]
    s1 = EducationSession.objects.create(
        unit=Unit.objects.get(code="330212-PSB"),
        title="警示教育大会",
        held_on=dt.date(2026, 3, 1),
        form="meeting",
    )
    s2 = EducationSession.objects.create(
        unit=xj, title="警示教育片", held_on=dt.date(2026, 4, 1), form="film"
    )
    EducationSession.objects.create(unit=xj, title="2025年旧场次", held_on=dt.date(2025, 4, 1), form="film")
    for s, staff in ((s1, people[0]), (s1, people[2]), (s2, people[1]), (s2, people[2])):
        Attendance.objects.create(session=s, staff=staff, method="manual")
    Norm.objects.create(
        title="执法办案“零容忍”八条红线",
        kind="agency",
        unit=Unit.objects.get(code="330212-PSB"),
        issued_on=dt.date(2026, 5, 1),
        full_text="严禁刑讯逼供；严禁违规处置涉案财物。",
    )
    Norm.objects.create(
        title="旧规定",
        kind="agency",
        unit=Unit.objects.get(code="330212-PSB"),
        issued_on=dt.date(2025, 5, 1),
        status="repealed",
    )
    ResearchTopic.objects.create(
        unit=Unit.objects.get(code="330212-PSB-FZ"), title="健全专职法制员制度", status="concluded"
    )
    ResearchTopic.objects.create(unit=Unit.objects.get(code="330212-PSB-XJ"), title="规范涉案物品处置")
    w.extra.update(people=people, session=s1, session_old=s2)
    return w


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    for w in testing.module_world(django_db_blocker, cases=True):
        with django_db_blocker.unblock():
            build_campaign_world(w)
        yield w


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module

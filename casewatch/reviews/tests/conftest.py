"""Fixtures of the review tests: the core world with cases, the sample rubrics, a court with
four civil judges and two criminal judges (36 closed cases), and review accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from casewatch.core import testing
from casewatch.core.choices import Role
from casewatch.core.models import Staff, Unit
from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)

TZ = dt.timezone(dt.timedelta(hours=8))


def build_review_world(world):
    from casewatch.cases.models import Case, CaseParty, Event, Party, Petition
    from casewatch.reviews.rubrics import load_builtin

    load_builtin()
    judges = []
    for n, unit in enumerate(
        [
            "330212-CRT-MS1",
            "330212-CRT-MS1",
            "330212-CRT-MS2",
            "330212-CRT-MS2",
            "330212-CRT-XS",
            "330212-CRT-XS",
        ]
    ):
        judges.append(
            Staff.objects.create(staff_no=f"RV-J{n}", name=f"法官{n}", unit=Unit.objects.get(code=unit))
        )
    cases = []
    for j, judge in enumerate(judges):
        ctype = "criminal" if judge.unit.code.endswith("XS") else "civil"
        for k in range(6):
            cases.append(
                Case.objects.create(
                    unit_id=judge.unit.code,
                    case_number=f"(2024)浙0212{'刑' if ctype == 'criminal' else '民'}初{j}{k:03d}号",
                    case_type=ctype,
                    status="closed",
                    handler=judge,
                    filed_at=dt.date(2024, 1, 10),
                    closed_at=dt.date(2024, 3, 1) + dt.timedelta(days=j * 6 + k),
                )
            )
    reversed_case, petition_case = cases[3], cases[20]
    Event.objects.create(
        case=reversed_case, seq=1, kind="reversed", occurred_at=dt.datetime(2024, 6, 1, 9, tzinfo=TZ)
    )
    petition = Petition.objects.create(
        petition_id="RV-PET-1",
        unit_id="330212-CRT",
        case=petition_case,
        received_at=dt.date(2024, 7, 1),
        subject="不服判决",
    )
    party = Party.objects.create(
        party_id="RV-P-1", kind="person", name="欧阳明", id_number="330212199001012222"
    )
    CaseParty.objects.create(case=cases[0], party=party, role="plaintiff")
    users = {
        "rev_a": testing.make_user("rev_a", Role.REVIEWER, "330200", "330200-CMT-JD"),
        "rev_b": testing.make_user("rev_b", Role.REVIEWER, "330200", "330200-CMT-ZH"),
        "rev_same_unit": testing.make_user("rev_same_unit", Role.REVIEWER, "330200", "330212-CRT-MS1"),
        "rev_agency": testing.make_user("rev_agency", Role.REVIEWER, "330200", "330212-CRT-SG"),
        "rev_judge": testing.make_user(
            "rev_judge", Role.REVIEWER, "330200", "330203-CRT-SG", staff=judges[0]
        ),
        "rev_narrow": testing.make_user("rev_narrow", Role.REVIEWER, "330203-CRT", "330203-CRT-SG"),
        "self_legal": testing.make_user("self_legal", Role.LEGAL_OFFICER, "330212-CRT", "330212-CRT-SG"),
    }
    world.users.update(users)
    world.extra.update(
        judges=judges,
        court_cases=cases,
        reversed_case=reversed_case,
        petition_case=petition_case,
        petition=petition,
    )
    return world


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    with testing.rolled_back(django_db_blocker):
        world = testing.build_world()
        testing.build_case_world(world)
        build_review_world(world)
        yield world


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


@pytest.fixture
def make_campaign(world):
    from casewatch.reviews import services

    def make(**kw):
        params = {
            "name": "2024年民事刑事案件评查",
            "scope_units": [Unit.objects.get(code="330212-CRT")],
            "case_types": ["civil", "criminal"],
            "closed_from": dt.date(2024, 1, 1),
            "closed_to": dt.date(2024, 12, 31),
            "sample_rate": Decimal("0.2"),
        }
        params.update(kw)
        return services.create_campaign(world.user("city_supervisor"), **params)

    return make


@pytest.fixture
def reviewing(world, make_campaign):
    """A campaign in its reviewing stage with a frozen list, seed 'fixed'."""
    from casewatch.reviews import services

    sup = world.user("city_supervisor")
    campaign = make_campaign(reviewers=[world.user("rev_a"), world.user("rev_b")])
    services.run_draw(sup, campaign, "fixed")
    services.start_reviewing(sup, campaign)
    campaign.refresh_from_db()
    return campaign

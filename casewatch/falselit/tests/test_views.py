"""Leads: scope gate (out of scope → 404), workflow transitions, exports, case risk panel."""

import pytest

from casewatch.core import testing
from casewatch.core.testing import fast_password_hashers  # noqa: F401
from casewatch.falselit import services
from casewatch.falselit.choices import LeadOutcome, LeadStatus
from casewatch.falselit.models import Lead


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    yield from testing.module_world(django_db_blocker, cases=True)


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


@pytest.fixture
def lead(world):
    case = world.extra["case_out"]
    key = f"{case.unit_id}|{case.case_number}"
    lead = Lead.objects.create(
        ref="FLC-test",
        title="Collusive pair · test",
        category="collusive_pair",
        score=0.9,
        codes=["F1", "F3"],
        case_keys=[key],
        case=case,
        unit=case.unit,
        evidence=[
            {
                "case_key": key,
                "code": "F3",
                "detail": "plaintiff and defendant share: phone",
                "evidence": ["phone:13812345678"],
            }
        ],
        graph={
            "nodes": [
                {"id": "c:x", "kind": "case", "label": case.case_number},
                {"id": "ph:13812345678", "kind": "phone", "label": "13812345678"},
            ],
            "edges": [{"source": "c:x", "target": "ph:13812345678", "label": "same phone"}],
        },
    )
    lead.cases.add(case)
    return lead


def _login(client, world, name):
    client.force_login(world.users[name])


def test_in_scope_pages_and_masking(client, world, lead):
    _login(client, world, "other_court")
    r = client.get("/falselit/")
    assert r.status_code == 200 and "Collusive pair · test" in r.content.decode()
    r = client.get(f"/falselit/leads/{lead.pk}/")
    body = r.content.decode()
    assert r.status_code == 200 and "same phone" in body and "13812345678" not in body
    r = client.get(f"/falselit/case/{lead.case_id}/")
    assert r.status_code == 200 and "F3" in r.content.decode()
    for fmt in ("docx", "xlsx"):
        assert client.get(f"/falselit/leads/{lead.pk}/export.{fmt}").status_code == 200


def test_out_of_scope_is_404(client, world, lead):
    _login(client, world, "district_legal")
    assert client.get(f"/falselit/leads/{lead.pk}/").status_code == 404
    assert client.get(f"/falselit/leads/{lead.pk}/export.docx").status_code == 404
    assert client.get(f"/falselit/case/{lead.case_id}/").status_code == 404
    assert "Collusive pair · test" not in client.get("/falselit/").content.decode()


def test_triage_refer_outcome(world, lead):
    from casewatch.core.models import Unit

    user = world.users["city_supervisor"]
    services.triage(user, lead.pk, accept=True, note="looks collusive")
    police = Unit.objects.filter(agency_kind="police", kind="agency").first()
    ref = services.refer(user, lead.pk, to_unit=police.code, note="please investigate")
    assert ref.package["codes"] == ["F1", "F3"]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.REFERRED and lead.unit_id == police.code
    services.record_outcome(user, lead.pk, outcome=LeadOutcome.CRIMINAL, feedback="case opened")
    lead.refresh_from_db()
    assert lead.outcome == LeadOutcome.CRIMINAL
    assert services.stats(user)["labelled"] >= 1

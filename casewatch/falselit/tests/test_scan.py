"""Loading scans: a cluster that grows or shrinks keeps its lead (triage, referral, outcome);
leads name the court; the lead page carries no inline script."""

import datetime as dt
import re

import pyarrow as pa
import pytest

from casewatch.analytics.falselit.pipeline import Result
from casewatch.cases.models import Case
from casewatch.core import testing
from casewatch.core.testing import fast_password_hashers  # noqa: F401
from casewatch.falselit import services
from casewatch.falselit.choices import LeadStatus
from casewatch.falselit.models import Lead


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    yield from testing.module_world(django_db_blocker, cases=True)


@pytest.fixture
def world(cw_world_module, db):
    return cw_world_module


@pytest.fixture
def keys(world):
    unit = world.extra["case_out"].unit
    out = []
    for i in range(6):
        c = Case.objects.create(
            unit=unit,
            case_number=f"(2024)浙0212民初9{i:03d}号",
            case_type="civil",
            status="closed",
            filed_at=dt.date(2024, 1, 1 + i),
            cause_name="民间借贷纠纷",
        )
        out.append(f"{c.unit_id}|{c.case_number}")
    return out


def _result(clusters):
    cl = pa.Table.from_pylist(
        [
            {
                "cluster_id": cid,
                "score": 0.8,
                "n_cases": len(ks),
                "codes": ["F2"],
                "category": "serial_lender",
                "case_keys": ks,
                "lead": True,
                "unit_codes": [],
            }
            for cid, ks in clusters
        ]
    )
    hits = pa.Table.from_pylist(
        [
            {"case_key": k, "code": "F2", "detail": "one lender", "evidence": [k]}
            for _c, ks in clusters
            for k in ks
        ],
        schema=pa.schema(
            [
                ("case_key", pa.string()),
                ("code", pa.string()),
                ("detail", pa.string()),
                ("evidence", pa.list_(pa.string())),
            ]
        ),
    )
    cases = pa.table({"case_key": [k for _c, ks in clusters for k in ks]})
    return Result(cases=cases, hits=hits, clusters=cl)


def test_growing_and_shrinking_cluster_updates_its_lead(world, keys):
    user = world.users["city_supervisor"]
    services.load_scan(_result([("FLC-a", keys[:3])]), user=user)
    lead = Lead.objects.get(ref="FLC-a")
    services.triage(user, lead.pk, accept=True, note="under review")
    services.load_scan(_result([("FLC-b", keys[:5])]), user=user)  # grew
    services.load_scan(_result([("FLC-c", keys[1:4])]), user=user)  # shrank
    leads = Lead.objects.filter(case_keys__isnull=False, ref__startswith="FLC-")
    assert leads.count() == 1
    lead.refresh_from_db()
    assert lead.ref == "FLC-c" and lead.case_keys == keys[1:4]
    assert lead.status == LeadStatus.TRIAGED and "under review" in lead.note
    assert lead.cases.count() == 3


def test_split_cluster_keeps_the_lead_for_the_larger_part(world, keys):
    user = world.users["city_supervisor"]
    services.load_scan(_result([("FLC-x", keys)]), user=user)
    first = Lead.objects.get(ref="FLC-x")
    services.load_scan(_result([("FLC-y", keys[:2]), ("FLC-z", keys[2:])]), user=user)
    assert Lead.objects.get(ref="FLC-z").pk == first.pk
    assert Lead.objects.get(ref="FLC-y").pk != first.pk
    assert Lead.objects.filter(ref__startswith="FLC-").count() == 2


def test_lead_names_the_court_and_the_page_has_no_inline_script(client, world, keys):
    user = world.users["city_supervisor"]
    services.load_scan(_result([("FLC-k", keys[:2])]), user=user)
    lead = Lead.objects.get(ref="FLC-k")
    court = lead.unit.agency
    assert court is not None and court.pk != lead.unit.pk  # the case sits in a division of the court
    assert court.name in lead.title
    lead.graph = {"nodes": [{"id": "c:x", "kind": "case", "label": "x"}], "edges": []}
    lead.save()
    client.force_login(user)
    body = client.get(f"/falselit/leads/{lead.pk}/").content.decode()
    assert court.name in body
    assert not re.search(
        r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', body.split("</header>")[-1]
    )
    assert "falselit/lead_graph" in body and ' style="' not in body.split("<main")[-1]
    api = client.get("/api/v1/falselit/leads/")
    if api.status_code == 200:
        row = next(r for r in api.json() if r["id"] == lead.pk)
        assert row["court_name"] == court.name

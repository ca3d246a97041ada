"""The warm store's derived state tables give pages the same rows and figures as computing them.

A small demo city (``casewatch demo-data`` + ``import``, 800 cases) is read twice: without a store
(the fallback: a snapshot of the registry, every state computed per request) and from a store
whose derived tables (`casewatch.analytics.derived`) hold the listing state, eligibility, fund
receipts, the deadline performance cases and the measures' fact table. Then a case is edited and
the store synced: the per-case tables are redone for that case only and still equal a full build.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from casewatch.analytics import derived
from casewatch.analytics import store as st
from casewatch.cases import warehouse
from casewatch.core import testing
from casewatch.core.models import User

AS_OF = dt.date(2026, 9, 30)
PAST = dt.date(2025, 6, 30)  # a day with payouts, filings and deletions after it


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker, tmp_path_factory):
    lake = tmp_path_factory.mktemp("lake")
    with testing.rolled_back(django_db_blocker):
        call_command("seed-orgs", verbosity=0)
        call_command("demo-accounts", verbosity=0)
        call_command("demo-data", cases=800, seed=3, out=str(lake), verbosity=0)
        call_command("import", str(lake), user="sysadmin", verbosity=0)
        yield {u: User.objects.get(username=u) for u in ("city_supervisor", "haishu_court_supervisor")}


@pytest.fixture
def var(tmp_path, settings, demo_city, db):
    settings.VAR_DIR = tmp_path
    return tmp_path


def _enforcement(user) -> dict:
    from casewatch.enforcement import data

    out = {}
    for day in (AS_OF, PAST):
        listings = data.listing_rows(user, day)
        out[f"listings {day}"] = listings
        out[f"listing page {day}"] = data.listing_page(user, day, limit=20)
        out[f"overdue page {day}"] = data.listing_page(user, day, state="overdue", limit=5)
        out[f"eligibility {day}"] = data.eligibility_rows(user, day)
        out[f"eligible page {day}"] = data.eligibility_page(user, day, reason="eligible", limit=10)
        out[f"aging {day}"] = data.aging_rows(user, day)
        out[f"aging page {day}"] = data.aging_page(user, day, limit=10)
        out[f"measures {day}"] = data.measures(user, dt.date(day.year, 1, 1), day, day)
    return out


def _deadlines(user) -> dict:
    from casewatch.deadlines import measures_store, services

    month = timezone.localdate().replace(day=1)
    params = measures_store.parse_params({"by": ["court", "year"], "start": "2024-01-01"}, AS_OF)
    result = measures_store.compute_for(user, params)
    result.pop("_meta")
    return {"performance": services.performance(user, month), "measures": result}


def test_derived_tables_give_the_same_rows_and_figures_as_the_fallback(var, demo_city):
    users = demo_city.values()
    assert not warehouse.available()
    fallback = {u.username: {**_enforcement(u), **_deadlines(u)} for u in users}

    result = warehouse.rebuild()
    assert {name: r["how"] for name, r in result["derived"].items()} == {
        s.name: "full" for s in derived.SPECS
    }
    con = warehouse.reader()
    params = warehouse.derive_params()
    for spec in derived.SPECS:  # every derived table is current, so the pages read it
        assert derived.table_if_current(con, spec.name, params) == f"store.main.d_{spec.name}"
    from_store = {u.username: {**_enforcement(u), **_deadlines(u)} for u in users}

    for name, figures in fallback.items():
        for key, value in figures.items():
            assert from_store[name][key] == value, (name, key)

    # real values, not two empty answers
    city = fallback["city_supervisor"]
    states = city[f"listing page {AS_OF}"][2]
    assert city[f"listing page {AS_OF}"][1] == len(city[f"listings {AS_OF}"]) == sum(states.values()) > 10
    assert len(states) >= 3
    assert city[f"listing page {PAST}"][2] != states  # the day changes the state
    reasons = {r["reason"] for r in city[f"eligibility {AS_OF}"]}
    assert {"eligible", "not_paid_in_full"} <= reasons
    assert city[f"eligible page {AS_OF}"][1] == sum(
        1 for r in city[f"eligibility {AS_OF}"] if r["reason"] == "eligible"
    )
    aging = city[f"aging page {AS_OF}"]
    assert aging["held_count"] == len(city[f"aging {AS_OF}"]) > aging["aged_count"] > 0
    assert aging["aged_amount"] == sum(r["held"] for r in city[f"aging {AS_OF}"] if r["aged"]) > 0
    assert [r["movement_id"] for r in aging["aged"]] == [
        r["movement_id"] for r in city[f"aging {AS_OF}"] if r["aged"]
    ][:10]
    assert city[f"aging {PAST}"] != city[f"aging {AS_OF}"]
    assert city[f"measures {AS_OF}"]["listings"] > 0 and city[f"measures {AS_OF}"]["aged_count"] > 0
    assert sum(r["pending"] for r in city["performance"]) > 0
    district = fallback["haishu_court_supervisor"]
    assert 0 < len(district[f"listings {AS_OF}"]) < len(city[f"listings {AS_OF}"])
    assert {r["unit_code"].split("-")[0] for r in district[f"listings {AS_OF}"]} == {"330203"}
    assert (
        0
        < sum(r["pending"] for r in district["performance"])
        < sum(r["pending"] for r in city["performance"])
    )
    assert city["measures"]["duration"] and city["measures"] != district["measures"]


def _derived_rows(name: str) -> list[tuple]:
    con = st.connect(warehouse.path(), tables=())
    try:
        return con.execute(f"SELECT * FROM store.main.d_{name} ORDER BY ALL").fetchall()  # noqa: S608
    finally:
        con.close()


def test_a_sync_redoes_the_changed_cases_only_and_equals_a_full_build(var, demo_city):
    from casewatch.cases.models import Case

    warehouse.rebuild()
    nothing = warehouse.sync()
    assert nothing["applied"] == {} and nothing["derived"] == {}  # nothing changed: nothing published

    from casewatch.enforcement.models import DishonestListing

    case = Case.objects.filter(status="pending").order_by("id").first()
    case.status, case.closed_at = "closed", timezone.now()
    case.save()
    # a listed debtor performs: the listing's trigger and deletion deadline change
    listed = Case.objects.get(
        pk=DishonestListing.objects.filter(deleted_on__isnull=True).order_by("id")[0].case_id
    )
    before = {r[0]: r for r in _derived_rows("enf_listings")}
    listed.status, listed.outcome, listed.closed_at = "closed", "performed", timezone.now()
    listed.save()
    # a debtor with a judgment and pending enforcement cases: those cases closed
    from casewatch.cases.models import CaseParty

    debtor = next(r[2] for r in _derived_rows("enf_eligibility") if r[10] is not None)
    pending = Case.objects.filter(
        party_links__party__party_id=debtor,
        party_links__role="debtor",
        case_type="enforcement",
        status="pending",
    ).distinct()
    closed = list(pending.values_list("pk", flat=True))
    assert closed and CaseParty.objects.filter(case_id__in=closed).exists()
    Case.objects.filter(pk__in=closed).update(
        status="closed", closed_at=timezone.now(), updated_at=timezone.now()
    )
    eligibility_before = {r[:3]: r for r in _derived_rows("enf_eligibility")}
    result = warehouse.sync()
    assert result["applied"]["cases"] == (2 + len(closed), 0)
    how = {name: r["how"] for name, r in result["derived"].items()}
    assert (
        how["perf_state"]
        == how["measure_facts"]
        == how["enf_listings"]
        == how["enf_eligibility"]
        == "incremental"
    )
    eligibility_after = {r[:3]: r for r in _derived_rows("enf_eligibility")}
    moved = [k for k in eligibility_after if eligibility_after[k] != eligibility_before.get(k)]
    assert moved and {k[2] for k in moved} == {debtor}  # that debtor's judgments only
    after = {r[0]: r for r in _derived_rows("enf_listings")}
    changed = [k for k in after if after[k] != before.get(k)]
    assert changed and all(after[k][2] == listed.case_number for k in changed)  # that case's listings only
    assert how["enf_fund_receipts"] == "unchanged"  # its input did not change
    incremental = {
        name: _derived_rows(name)
        for name in ("perf_state", "measure_facts", "enf_listings", "enf_eligibility")
    }
    assert (case.unit_id, case.case_number) not in {(r[0], r[1]) for r in incremental["perf_state"]}

    warehouse.rebuild()
    for name, rows in incremental.items():
        assert rows == _derived_rows(name), name


def test_a_stale_derived_table_is_not_read(var, demo_city):
    """Another deadline configuration (or month) than the stored one: the page computes instead."""
    from casewatch.deadlines import services

    warehouse.rebuild()
    con = warehouse.reader()
    params = {**warehouse.derive_params(), "perf_month_end": dt.date(2020, 1, 31)}
    assert derived.table_if_current(con, "perf_state", params) is None
    user = demo_city["city_supervisor"]
    old = services.performance(user, dt.date(2026, 1, 1))  # computed from the store's base tables
    assert sum(r["pending"] for r in old) > 0

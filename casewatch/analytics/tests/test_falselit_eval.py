"""The independent evaluation set: it builds every shape and look-alike, and its metrics count right."""

from types import SimpleNamespace

import pyarrow as pa

from casewatch.analytics.falselit_eval import HONEST_KINDS, RING_SHAPES, build_city, evaluate, linkage


def test_city_has_every_shape_and_look_alike_and_records_without_ids():
    city = build_city(n_cases=1_500, seed=5, rings_per_shape=2)
    labels = {lab for lab, _ in city.truth.values()}
    assert set(RING_SHAPES) <= labels
    assert {f"honest:{k}" for k in HONEST_KINDS} <= labels
    parties = city.tables["parties"].to_pylist()
    no_id = [p for p in parties if p["kind"] == "person" and not p["id_number"]]
    assert len(no_id) > 0.3 * sum(p["kind"] == "person" for p in parties)
    phones = {p["phone"] for p in no_id if p["phone"]}
    assert any(ph.startswith("+86") for ph in phones) and any("-" in ph for ph in phones)
    assert any(
        p["name"] != p["name"].encode("gb2312", "ignore").decode("gb2312") for p in parties
    )  # traditional
    keys = {f"{c['unit_code']}|{c['case_number']}" for c in city.tables["cases"].to_pylist()}
    assert set(city.truth) <= keys


def test_metrics_count_leads_rings_and_look_alikes():
    truth = {
        "a1": ("serial_lender", "s1"),
        "a2": ("serial_lender", "s1"),
        "a3": ("serial_lender", "s1"),
        "b1": ("serial_lender", "s2"),
        "b2": ("serial_lender", "s2"),
        "h1": ("honest:bank", "bank"),
        "h2": ("honest:bank", "bank"),
    }
    clusters = pa.Table.from_pylist(
        [
            {"case_keys": ["a1", "a2", "x9"], "lead": True},  # right (2 of 3 from ring s1)
            {"case_keys": ["h1", "h2", "b1"], "lead": True},  # dominated by the bank: wrong
            {"case_keys": ["zz"], "lead": True},  # no ring case: wrong
            {"case_keys": ["b2"], "lead": False},
        ]
    )
    f = evaluate(SimpleNamespace(clusters=clusters), truth, ("serial_lender",))
    s = f["shapes"]["serial_lender"]
    assert s["ring"] == {"found": 1, "rings": 2, "recall": 0.5}
    assert s["lead"]["precision"] == 1.0 and s["lead"]["flagged"] == 1
    assert f["overall"]["leads"] == 3 and f["overall"]["right_leads"] == 1
    assert f["overall"]["false_leads_no_ring_case"] == 1
    assert f["honest"]["bank"] == {"cases": 2, "in_leads": 2, "leads_touched": 1, "leads_dominated": 1}
    assert abs(s["case"]["recall"] - 3 / 5) < 1e-9


def test_pairwise_linkage():
    person = {"r1": "p", "r2": "p", "r3": "p", "r4": "q", "r5": "q"}
    entity = {"r1": "E1", "r2": "E1", "r3": "E2", "r4": "E2", "r5": "E3"}
    lk = linkage(entity, person)
    assert lk["true_pairs"] == 4 and lk["predicted_pairs"] == 2 and lk["correct_pairs"] == 1
    assert lk["precision"] == 0.5 and lk["recall"] == 0.25

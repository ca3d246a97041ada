"""False-litigation pipeline on a small generated city (5,000 cases, seed 7) and the
probabilistic entity-resolution pass on records without identifiers."""

import pyarrow as pa
import pytest

from casewatch.analytics.falselit import Config, run
from casewatch.analytics.falselit.quality import SHAPES, evaluate, ground_truth


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from casewatch.demo.generator import generate

    out = tmp_path_factory.mktemp("fl-city")
    generate(n_cases=5_000, seed=7, out_dir=str(out), fmt="parquet")
    return out


@pytest.fixture(scope="module")
def result(city):
    return run(city, Config())


def test_quality_per_shape(city, result):
    q = evaluate(result, ground_truth(city))
    for shape in SHAPES:
        assert q[shape]["truth"] > 0, shape
        assert q[shape]["recall"] >= 0.95, (shape, q[shape])
        assert q[shape]["precision"] >= 0.80, (shape, q[shape])
    assert q["overall"]["precision"] >= 0.80


def test_every_lead_explains_itself(result):
    hits = {}
    for h in result.hits.to_pylist():
        hits.setdefault(h["case_key"], []).append(h)
    for case in result.lead_cases():
        assert hits[case["case_key"]], case
        assert all(h["detail"] and h["evidence"] for h in hits[case["case_key"]])
    for cid in (c["cluster_id"] for c in result.clusters.to_pylist() if c["lead"]):
        g = result.graphs[cid]
        assert g["nodes"] and all(e["label"] for e in g["edges"])


def test_honest_repeat_litigants_not_flagged_for_volume(city, result):
    import duckdb

    con = duckdb.connect()
    busy = {
        r[0]
        for r in con.execute(
            f"SELECT cp.unit_code || '|' || cp.case_number FROM '{city}/case_parties.parquet' cp "
            f"JOIN '{city}/parties.parquet' p USING (party_id) WHERE cp.role = 'plaintiff' AND p.kind = 'organisation' "
            "AND party_id IN (SELECT party_id FROM "
            f"'{city}/case_parties.parquet' WHERE role = 'plaintiff' GROUP BY 1 HAVING count(*) > 20)"
        ).fetchall()
    }
    assert busy, "the demo city has honest repeat litigants"
    flagged = {c["case_key"] for c in result.lead_cases()}
    assert not busy & flagged


def test_thresholds_are_configuration(city):
    strict = run(city, Config(lead_score=0.99), graphs=False)
    assert not strict.lead_cases()


def test_probabilistic_pass_links_records_without_identifiers():
    people = []
    for i in range(30):
        base = {
            "kind": "person",
            "name": f"王{'伟芳明丽强'[i % 5]}{i}",
            "birth_date": f"1980-01-{i % 28 + 1:02d}",
            "phone": f"1380000{i:04d}",
            "division_code": "330212",
            "address": f"鄞州区某路{i}号",
        }
        people.append({**base, "party_id": f"S-{i}-a"})
        if i < 10:
            people.append({**base, "party_id": f"S-{i}-b"})
    parties = pa.Table.from_pylist(
        [
            {**p, "id_number": None, "credit_code": None, "sex": None, "legal_rep_party_id": None}
            for p in people
        ]
    )
    empty_cases = pa.table(
        {
            c: pa.array([], pa.string())
            for c in ("unit_code", "case_number", "case_type", "cause_name", "outcome")
        }
    )
    empty_cases = (
        empty_cases.append_column("filed_at", pa.array([], pa.date32()))
        .append_column("closed_at", pa.array([], pa.date32()))
        .append_column("claim_amount", pa.array([], pa.float64()))
        .append_column("instance", pa.array([], pa.int64()))
    )
    cp = pa.table(
        {
            c: pa.array([], pa.string())
            for c in ("unit_code", "case_number", "party_id", "role", "represents_party_id")
        }
    )
    ev = pa.table({c: pa.array([], pa.string()) for c in ("unit_code", "case_number", "kind")})
    import duckdb

    from casewatch.analytics.falselit import resolve
    from casewatch.analytics.falselit.pipeline import _register

    con = duckdb.connect()
    _register(con, {"parties": parties, "cases": empty_cases, "case_parties": cp, "events": ev})
    counts = resolve.resolve(con, Config())
    assert counts["probabilistic"] == 40
    ent = dict(con.execute("SELECT party_id, entity_id FROM fl_entity").fetchall())
    linked = sum(ent[f"S-{i}-a"] == ent[f"S-{i}-b"] for i in range(10))
    assert linked >= 9
    assert len({ent[f"S-{i}-a"] for i in range(10, 30)}) == 20
    fields = con.execute(
        "SELECT matched_fields FROM fl_entity WHERE method = 'probabilistic' LIMIT 1"
    ).fetchone()[0]
    assert "phone_norm" in fields

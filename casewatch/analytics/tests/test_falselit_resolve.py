"""Entity resolution on records without identifiers: no crash, name variants, phones, addresses."""

import duckdb
import pyarrow as pa

from casewatch.analytics.falselit import Config, resolve, run
from casewatch.analytics.falselit.pipeline import _register

PARTY_COLS = (
    "party_id",
    "kind",
    "name",
    "id_number",
    "credit_code",
    "birth_date",
    "sex",
    "phone",
    "address",
    "division_code",
    "legal_rep_party_id",
)


def _parties(rows):
    return pa.Table.from_pylist(
        [{c: r.get(c) for c in PARTY_COLS} for r in rows],
        schema=pa.schema([(c, pa.string()) for c in PARTY_COLS]),
    )


def _empty_rest():
    cases = pa.table(
        {
            c: pa.array([], pa.string())
            for c in ("unit_code", "case_number", "case_type", "cause_name", "outcome")
        }
    )
    cases = (
        cases.append_column("filed_at", pa.array([], pa.date32()))
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
    return {"cases": cases, "case_parties": cp, "events": ev}


def _background(n=400):
    """Distinct people (some sharing common names) so the population frequencies mean something."""
    sur, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    out = []
    for i in range(n):
        out.append(
            {
                "party_id": f"B{i}",
                "kind": "person",
                "name": sur[i % 10] + given[(i * 7) % 20] + ("" if i % 3 else given[(i * 3) % 20]),
                "birth_date": f"19{60 + i % 40}-0{1 + i % 9}-1{i % 10}",
                "phone": f"139{i:08d}",
                "address": f"浙江省宁波市鄞州区某某街道康{given[i % 20]}路{i}号",
            }
        )
    return out


def _resolve(rows):
    con = duckdb.connect()
    _register(con, {"parties": _parties(rows), **_empty_rest()})
    resolve.resolve(con, Config())
    return con, dict(con.execute("SELECT party_id, entity_id FROM fl_entity").fetchall())


def test_identifier_less_city_does_not_crash():
    """Regression: the splink model crashed with 'math domain error' when no party had an ID number."""
    rows = _background(60)
    parties = _parties(rows)
    cases = pa.table(
        {
            "unit_code": ["CRT1"] * 30,
            "case_number": [f"(2024)浙0212民初{i}号" for i in range(30)],
            "case_type": ["civil"] * 30,
            "cause_name": ["民间借贷纠纷"] * 30,
            "outcome": ["mediation"] * 30,
            "filed_at": pa.array([19000 + i for i in range(30)], pa.date32()),
            "closed_at": pa.array([19005 + i for i in range(30)], pa.date32()),
            "claim_amount": pa.array([1000.0] * 30),
            "instance": pa.array([1] * 30, pa.int64()),
        }
    )
    cp = pa.Table.from_pylist(
        [
            {
                "unit_code": "CRT1",
                "case_number": f"(2024)浙0212民初{i}号",
                "party_id": f"B{i if r == 'plaintiff' else 59 - i}",
                "role": r,
                "represents_party_id": None,
            }
            for i in range(30)
            for r in ("plaintiff", "defendant")
        ]
    )
    ev = pa.table({c: pa.array([], pa.string()) for c in ("unit_code", "case_number", "kind")})
    res = run({"parties": parties, "cases": cases, "case_parties": cp, "events": ev}, Config())
    assert res.entities["exact"] == 0 and res.entities["probabilistic"] == 60
    assert res.cases.num_rows > 0  # F5 fires on the quick mediations: the pipeline ran to the end


def test_name_variants_link_and_namesakes_do_not():
    rows = _background()
    same = [  # (record a, record b) of one person, written differently
        ({"name": "欧阳振华", "birth_date": "1975-03-02"}, {"name": "欧阳振華", "birth_date": "1975-03-02"}),
        ({"name": "张晓明", "phone": "13957412345"}, {"name": "張小明", "phone": "+86 139 5741 2345"}),
        (
            {
                "name": "陈建国",
                "phone": "0574-87654321",
                "address": "浙江省宁波市江北区洪塘街道洪都路12号3幢201室",
            },
            {"name": "陈建囯", "phone": "87654321", "address": "宁波江北洪塘街道洪都路１２号3幢201室"},
        ),
        (
            {"name": "林思远", "birth_date": "1988-11-30", "address": "海曙区中山西路8号"},
            {"name": "林思源", "birth_date": "1988-11-30"},
        ),
    ]
    # a rare name and nothing else: the evidence is too thin to merge (a false merge makes false rings)
    rows.append({"party_id": "T1", "kind": "person", "name": "司马相如"})
    rows.append({"party_id": "T2", "kind": "person", "name": "司马相如"})
    for i, (a, b) in enumerate(same):
        rows.append({"party_id": f"S{i}a", "kind": "person", **a})
        rows.append({"party_id": f"S{i}b", "kind": "person", **b})
    # namesakes: a common name, different birth dates and phones
    rows.append(
        {
            "party_id": "N1",
            "kind": "person",
            "name": "王伟",
            "birth_date": "1970-01-01",
            "phone": "13800000001",
        }
    )
    rows.append(
        {
            "party_id": "N2",
            "kind": "person",
            "name": "王伟",
            "birth_date": "1991-06-06",
            "phone": "13800000002",
        }
    )
    rows.append({"party_id": "N3", "kind": "person", "name": "王伟"})
    _, ent = _resolve(rows)
    for i in range(len(same)):
        assert ent[f"S{i}a"] == ent[f"S{i}b"], same[i]
    assert len({ent["N1"], ent["N2"], ent["N3"]}) == 3
    assert ent["T1"] != ent["T2"]
    assert len({ent[f"B{i}"] for i in range(400)}) == 400


def test_unidentified_record_joins_identified_entity():
    rows = _background()
    rows.append(
        {
            "party_id": "I1",
            "kind": "person",
            "name": "郑海波",
            "id_number": "330203198001011234",
            "birth_date": "1980-01-01",
            "phone": "13712345678",
        }
    )
    rows.append({"party_id": "U1", "kind": "person", "name": "郑海波", "phone": "137 1234 5678"})
    rows.append(
        {
            "party_id": "O1",
            "kind": "organisation",
            "name": "宁波甬信贸易有限公司",
            "credit_code": "91330200MA2AB3CD4E",
        }
    )
    rows.append({"party_id": "O2", "kind": "organisation", "name": "宁波甬信贸易公司"})
    _, ent = _resolve(rows)
    assert ent["U1"] == "P:330203198001011234"
    assert ent["O2"] == "O:91330200MA2AB3CD4E"


def test_normalised_phone_and_address():
    rows = [
        {
            "party_id": "a",
            "kind": "person",
            "name": "甲",
            "phone": "+86 138-0000-1234",
            "address": "浙江省宁波市鄞州区首南街道天童南路588号",
        },
        {
            "party_id": "b",
            "kind": "person",
            "name": "乙",
            "phone": "0574 8765 4321",
            "address": "宁波鄞州天童南路 ５８８ 号",
        },
        {
            "party_id": "c",
            "kind": "person",
            "name": "丙",
            "phone": "008657487654321",
            "address": "鄞州区天童南路588号2幢101室",
        },
    ]
    con, _ = _resolve(rows)
    got = dict(
        (r[0], r[1:])
        for r in con.execute(
            "SELECT party_id, phone_norm, address_norm FROM fl_party_norm ORDER BY 1"
        ).fetchall()
    )
    assert got["a"] == ("13800001234", "童南路588")
    assert got["b"] == ("87654321", "童南路588")
    assert got["c"] == ("87654321", "童南路588-2-101")

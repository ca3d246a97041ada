"""Entity resolution of parties across cases.

Two passes:

1. **Exact** — a natural person with a well-formed 18-character ID number (GB 11643 shape) is the
   entity ``P:<id number>``; an organisation with an 18-character unified social credit code is
   ``O:<credit code>``. Match weight is ``None`` (deterministic) and the matched field is the
   identifier.
2. **Probabilistic** — records without a reliable identifier are linked by splink (Fellegi–Sunter,
   DuckDB backend) on name, birth date, phone, address division and the normalised address
   (organisation names normalised by dropping legal-form suffixes), together with the identified
   records that share a blocking key with them, so an unidentified record can join an identified
   entity. Pairs at ``Config.match_probability`` or above are merged by connected components.

Output table ``fl_entity(party_id, entity_id, method, match_weight, matched_fields)``: one row per
source party record.
"""

from __future__ import annotations

import logging

import duckdb
import igraph as ig

from casewatch.analytics.falselit.config import Config

log = logging.getLogger(__name__)

ID_RE = r"^[0-9]{17}[0-9X]$"
ORG_SUFFIX_RE = r"(有限责任公司|股份有限公司|有限公司|集团|公司|分公司|合伙企业|（普通合伙）|\(普通合伙\))$"


def normalise_sql() -> str:
    """A view ``fl_party_norm`` with normalised name, phone, address and the reliable identifier."""
    return rf"""
    CREATE OR REPLACE TEMP VIEW fl_party_norm AS
    SELECT party_id, kind,
           CASE WHEN kind = 'organisation' THEN regexp_replace(trim(name), '{ORG_SUFFIX_RE}', '')
                ELSE regexp_replace(trim(name), '\s+', '', 'g') END AS name_norm,
           CAST(birth_date AS VARCHAR) AS birth_date,
           nullif(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), '') AS phone_norm,
           coalesce(division_code, substr(regexp_extract(coalesce(id_number, ''), '^[0-9]{{6}}'), 1, 6))
               AS division,
           nullif(regexp_replace(coalesce(address, ''), '[\s,，。]', '', 'g'), '') AS address_norm,
           CASE WHEN kind = 'person' AND regexp_matches(upper(coalesce(id_number, '')), '{ID_RE}')
                     THEN 'P:' || upper(id_number)
                WHEN kind = 'organisation' AND length(coalesce(credit_code, '')) = 18
                     THEN 'O:' || upper(credit_code)
                ELSE NULL END AS reliable_id,
           legal_rep_party_id
    FROM parties
    """  # noqa: S608 - constants only


def resolve(con: duckdb.DuckDBPyConnection, cfg: Config) -> dict:
    """Create ``fl_entity``; returns counts ``{'exact': n, 'probabilistic': n, 'linked_pairs': n}``."""
    con.execute(normalise_sql())
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE fl_entity AS
        SELECT party_id, reliable_id AS entity_id, 'exact' AS method,
               CAST(NULL AS DOUBLE) AS match_weight,
               CASE WHEN kind = 'person' THEN 'id_number' ELSE 'credit_code' END AS matched_fields
        FROM fl_party_norm WHERE reliable_id IS NOT NULL
        """
    )
    n_exact = con.execute("SELECT count(*) FROM fl_entity").fetchall()[0][0]
    n_rest = con.execute("SELECT count(*) FROM fl_party_norm WHERE reliable_id IS NULL").fetchall()[0][0]
    pairs = 0
    if n_rest:
        pairs = _probabilistic(con, cfg)
    return {"exact": n_exact, "probabilistic": n_rest, "linked_pairs": pairs}


def _probabilistic(con: duckdb.DuckDBPyConnection, cfg: Config) -> int:
    """Link records without a reliable identifier (and identified records sharing a key with them)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE fl_er_input AS
        WITH rest AS (SELECT * FROM fl_party_norm WHERE reliable_id IS NULL),
        near AS (
            SELECT DISTINCT p.* FROM fl_party_norm p JOIN rest r
              ON p.reliable_id IS NOT NULL AND p.kind = r.kind
             AND (p.phone_norm = r.phone_norm OR p.name_norm = r.name_norm)
        )
        SELECT party_id AS unique_id, kind, name_norm, birth_date, phone_norm, division, address_norm,
               reliable_id FROM rest
        UNION ALL
        SELECT party_id, kind, name_norm, birth_date, phone_norm, division, address_norm, reliable_id FROM near
        """
    )
    n = con.execute("SELECT count(*) FROM fl_er_input").fetchall()[0][0]
    links: list[tuple[str, str, float, str]] = []
    if n >= 2:
        links = _splink_pairs(con, cfg)
    ids = [r[0] for r in con.execute("SELECT unique_id FROM fl_er_input").fetchall()]
    index = {u: i for i, u in enumerate(ids)}
    g = ig.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b, _, _ in links], directed=False)
    comp = g.connected_components().membership
    reliable = dict(con.execute("SELECT unique_id, reliable_id FROM fl_er_input").fetchall())
    best: dict[str, tuple[float, str]] = {}
    for a, b, w, fields in links:
        for u in (a, b):
            if u not in best or w > best[u][0]:
                best[u] = (w, fields)
    # a component takes the identifier of an identified member, else its first record's id
    comp_id: dict[int, str] = {}
    for u, c in zip(ids, comp, strict=True):
        if reliable.get(u):
            comp_id[c] = reliable[u]
    for u, c in zip(ids, comp, strict=True):
        comp_id.setdefault(c, f"R:{u}")
    rows = []
    for u, c in zip(ids, comp, strict=True):
        if reliable.get(u):
            continue
        w, fields = best.get(u, (None, ""))
        method = "probabilistic" if w is not None else "unmatched"
        rows.append((u, comp_id[c], method, w, fields))
    if rows:
        con.executemany("INSERT INTO fl_entity VALUES (?, ?, ?, ?, ?)", rows)
    return len(links)


def _splink_pairs(con: duckdb.DuckDBPyConnection, cfg: Config) -> list[tuple[str, str, float, str]]:
    """splink dedupe on ``fl_er_input``; returns (id_l, id_r, match weight, matched fields)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    fields = ("name_norm", "birth_date", "phone_norm", "division", "address_norm")
    # splink gets its own connection: it runs many statements while ours has open results
    table = con.sql("SELECT * FROM fl_er_input").arrow().read_all()
    api = DuckDBAPI()
    sdf = api.register(table, table_name="fl_er_input")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_norm", [0.92]),
            cl.ExactMatch("birth_date"),
            cl.ExactMatch("phone_norm"),
            cl.ExactMatch("division"),
            cl.ExactMatch("address_norm"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("phone_norm"),
            block_on("name_norm", "birth_date"),
            block_on("name_norm", "division"),
        ],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(sdf, settings, log_level=logging.ERROR)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name_norm", "birth_date")], recall=0.8
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=200_000)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_norm"))
    except Exception as exc:  # too few pairs to train: splink keeps its default m/u values
        log.info("splink training incomplete (%s); using default parameters", exc)
    pred = linker.inference.predict(threshold_match_probability=cfg.match_probability)
    gammas = ", ".join(f"gamma_{f}" for f in fields)
    out = []
    rel = pred.as_duckdbpyrelation()
    for row in rel.select(f"unique_id_l, unique_id_r, match_weight, {gammas}").fetchall():
        matched = ",".join(f for f, gm in zip(fields, row[3:], strict=True) if gm is not None and gm > 0)
        out.append((row[0], row[1], float(row[2]), matched))
    return out

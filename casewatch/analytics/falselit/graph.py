"""Relationship graph of candidate cases and connected components (igraph).

Nodes: candidate cases (those with at least one indicator), the entities acting in them
(plaintiffs, defendants, third parties, applicants, debtors, agents), and the phones, addresses
and legal representatives two or more of those entities share. Edges carry what links the two
ends (role, "same phone", "legal representative").

Components are computed without hub nodes (an entity in more than ``Config.hub_degree`` cases —
banks, leasing companies, property managers, busy lawyers — links unrelated suits). A component
larger than ``Config.max_component`` is split by a stricter check: only case–party edges count
(no agent, phone or address edges).
"""

from __future__ import annotations

import igraph as ig
import pyarrow as pa

from casewatch.analytics.falselit.config import Config

EDGES_SQL = """
CREATE OR REPLACE TEMP TABLE fl_gedge AS
WITH cand AS (SELECT DISTINCT case_key FROM fl_hit),
cp AS (SELECT cp.* FROM fl_cp cp JOIN cand USING (case_key)),
deg AS (SELECT entity_id, count(DISTINCT case_key) AS d FROM fl_cp GROUP BY 1),
ents AS (SELECT DISTINCT entity_id FROM cp),
shared_phone AS (
    SELECT e.phone FROM fl_ent e JOIN ents USING (entity_id) WHERE e.phone IS NOT NULL
    GROUP BY 1 HAVING count(*) >= 2),
shared_addr AS (
    SELECT e.address FROM fl_ent e JOIN ents USING (entity_id) WHERE e.address IS NOT NULL
    GROUP BY 1 HAVING count(*) >= 2)
SELECT 'c:' || cp.case_key AS a, 'e:' || cp.entity_id AS b, cp.role AS label,
       CASE WHEN cp.role = 'agent' THEN 'agent' ELSE 'party' END AS kind, deg.d AS deg
FROM cp JOIN deg USING (entity_id)
UNION ALL
SELECT 'e:' || e.entity_id, 'ph:' || e.phone, 'same phone', 'phone', deg.d
FROM fl_ent e JOIN ents USING (entity_id) JOIN shared_phone USING (phone) JOIN deg USING (entity_id)
UNION ALL
SELECT 'e:' || e.entity_id, 'ad:' || e.address, 'same address', 'address', deg.d
FROM fl_ent e JOIN ents USING (entity_id) JOIN shared_addr USING (address) JOIN deg USING (entity_id)
UNION ALL
SELECT 'e:' || e.entity_id, 'e:' || e.legal_rep, 'legal representative', 'legal_rep', deg.d
FROM fl_ent e JOIN ents USING (entity_id) JOIN ents l ON l.entity_id = e.legal_rep JOIN deg USING (entity_id)
"""


def _components(edges: list[tuple[str, str]], nodes: list[str]) -> list[int]:
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in edges], directed=False)
    return g.connected_components().membership


def components(con, cfg: Config) -> dict[str, int]:
    """case_key -> component number for every candidate case."""
    con.execute(EDGES_SQL)
    hub = int(cfg.hub_degree)
    rows = con.execute(f"SELECT a, b, kind FROM fl_gedge WHERE deg <= {hub}").fetchall()  # noqa: S608
    cases = [r[0] for r in con.execute("SELECT DISTINCT 'c:' || case_key FROM fl_hit").fetchall()]
    nodes = sorted(set(cases) | {a for a, _, _ in rows} | {b for _, b, _ in rows})
    member = _components([(a, b) for a, b, _ in rows], nodes)
    comp = {n: m for n, m in zip(nodes, member, strict=True)}
    sizes: dict[int, int] = {}
    for c in cases:
        sizes[comp[c]] = sizes.get(comp[c], 0) + 1
    big = {m for m, s in sizes.items() if s > cfg.max_component}
    out = {c[2:]: comp[c] for c in cases}
    if big:
        offset = max(member) + 1
        inner = [(a, b) for a, b, k in rows if k == "party" and comp[a] in big]
        sub_nodes = sorted({n for n in nodes if comp[n] in big})
        sub = _components(inner, sub_nodes)
        for n, m in zip(sub_nodes, sub, strict=True):
            if n.startswith("c:"):
                out[n[2:]] = offset + m
    return out


def cluster_graphs(con, clusters: pa.Table, cluster_ids: list[str], max_nodes: int = 400) -> dict[str, dict]:
    """For each lead cluster: ``{"nodes": [...], "edges": [...]}`` with a label on every edge.

    Node labels carry raw names and values; the control plane masks them before display.
    """
    wanted = set(cluster_ids)
    keys = {r["cluster_id"]: r["case_keys"] for r in clusters.to_pylist() if r["cluster_id"] in wanted}
    if not keys:
        return {}
    con.register(
        "fl_want",
        pa.table(
            {
                "cluster_id": [c for c, ks in keys.items() for _ in ks],
                "case_key": [k for ks in keys.values() for k in ks],
            }
        ),
    )
    rows = con.execute(
        """
        SELECT w.cluster_id, g.a, g.b, g.label, g.kind FROM fl_want w
        JOIN fl_gedge g ON g.a = 'c:' || w.case_key
        UNION ALL
        SELECT DISTINCT w.cluster_id, g2.a, g2.b, g2.label, g2.kind FROM fl_want w
        JOIN fl_gedge g ON g.a = 'c:' || w.case_key
        JOIN fl_gedge g2 ON g2.a = g.b AND g2.kind IN ('phone', 'address', 'legal_rep')
        """
    ).fetchall()
    names = dict(con.execute("SELECT 'e:' || entity_id, name FROM fl_ent").fetchall())
    kinds = dict(con.execute("SELECT 'e:' || entity_id, kind FROM fl_ent").fetchall())
    cases = dict(con.execute("SELECT 'c:' || case_key, case_number FROM fl_case").fetchall())
    out: dict[str, dict] = {}
    for cid, a, b, label, kind in rows:
        g = out.setdefault(cid, {"nodes": {}, "edges": []})
        if len(g["nodes"]) >= max_nodes:
            continue
        for n in (a, b):
            if n in g["nodes"]:
                continue
            if n.startswith("c:"):
                g["nodes"][n] = {"id": n, "kind": "case", "label": cases.get(n, n[2:])}
            elif n.startswith("ph:"):
                g["nodes"][n] = {"id": n, "kind": "phone", "label": n[3:]}
            elif n.startswith("ad:"):
                g["nodes"][n] = {"id": n, "kind": "address", "label": n[3:]}
            else:
                k = "agent" if kind == "agent" and n == b else (kinds.get(n) or "person")
                g["nodes"][n] = {"id": n, "kind": k, "label": names.get(n, n[2:]), "entity_id": n[2:]}
        g["edges"].append({"source": a, "target": b, "label": label})
    return {cid: {"nodes": list(g["nodes"].values()), "edges": g["edges"]} for cid, g in out.items()}

"""Relationship graph of candidate cases and connected components (igraph).

Nodes: risky cases (own score ≥ ``Config.member_score`` — a case joins a cluster on its own
evidence, never by being near one), the entities acting in them (plaintiffs, defendants, third
parties, applicants, debtors, agents), and the phones, addresses and legal representatives two
or more of those entities share (``fl_tie``). Edges carry what links the two ends (role, "same
phone", "legal representative").

Components are computed without honest hubs (licensed lenders, property managers, law firms and
any organisation in more than ``Config.hub_degree`` suits — ``fl_ent.hub``) and without agents in
more than ``Config.agent_max_cases`` risky cases. A component larger than
``Config.max_component`` is split by a stricter check: only case–party edges count.
"""

from __future__ import annotations

import igraph as ig
import pyarrow as pa

from casewatch.analytics.falselit.config import Config

EDGES_SQL = """
CREATE OR REPLACE TEMP TABLE fl_gedge AS
WITH cand AS (SELECT case_key FROM fl_score WHERE risky),
cp AS (SELECT cp.* FROM fl_cp cp JOIN cand USING (case_key)),
deg AS (SELECT entity_id, count(DISTINCT case_key) AS d FROM cp GROUP BY 1),
ents AS (SELECT DISTINCT cp.entity_id FROM cp JOIN fl_ent e USING (entity_id) WHERE NOT e.hub AND cp.role <> 'agent'),
vals AS (SELECT t.a AS entity_id, t.via, t.val FROM fl_tie t JOIN ents x ON x.entity_id = t.a JOIN ents y ON y.entity_id = t.b
         UNION SELECT t.b, t.via, t.val FROM fl_tie t JOIN ents x ON x.entity_id = t.a JOIN ents y ON y.entity_id = t.b)
SELECT 'c:' || cp.case_key AS a, 'e:' || cp.entity_id AS b, cp.role AS label,
       CASE WHEN cp.role = 'agent' THEN 'agent' ELSE 'party' END AS kind,
       CASE WHEN e.hub OR (cp.role = 'agent' AND deg.d > {agent_max}) THEN 1000000 ELSE deg.d END AS deg
FROM cp JOIN deg USING (entity_id) JOIN fl_ent e USING (entity_id)
UNION ALL
SELECT DISTINCT 'e:' || entity_id, CASE WHEN via = 'phone' THEN 'ph:' ELSE 'ad:' END || val,
       'same ' || via, via, 1 FROM vals
UNION ALL
SELECT 'e:' || e.entity_id, 'e:' || e.legal_rep, 'legal representative', 'legal_rep', 1
FROM fl_ent e JOIN ents USING (entity_id) WHERE e.legal_rep IS NOT NULL
"""


def _components(edges: list[tuple[str, str]], nodes: list[str]) -> list[int]:
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in edges], directed=False)
    return g.connected_components().membership


def components(con, cfg: Config) -> dict[str, int]:
    """case_key -> component number for every candidate case."""
    con.execute(EDGES_SQL.format(agent_max=int(cfg.agent_max_cases)))
    rows = con.execute("SELECT a, b, kind FROM fl_gedge WHERE deg < 1000000").fetchall()
    cases = [r[0] for r in con.execute("SELECT 'c:' || case_key FROM fl_score WHERE risky").fetchall()]
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
    # labels only for the nodes of these graphs (not a dictionary of every entity and case)
    ends = sorted({n for _c, a, b, _l, _k in rows for n in (a, b)})
    con.register("fl_want_nodes", pa.table({"n": pa.array(ends, pa.string())}))
    names, kinds = {}, {}
    for n, name, kind in con.execute(
        "SELECT w.n, e.name, e.kind FROM fl_want_nodes w JOIN fl_ent e ON e.entity_id = substr(w.n, 3) "
        "WHERE w.n LIKE 'e:%'"
    ).fetchall():
        names[n], kinds[n] = name, kind
    cases = dict(
        con.execute(
            "SELECT w.n, c.case_number FROM fl_want_nodes w JOIN fl_case c ON c.case_key = substr(w.n, 3) "
            "WHERE w.n LIKE 'c:%'"
        ).fetchall()
    )
    con.unregister("fl_want_nodes")
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

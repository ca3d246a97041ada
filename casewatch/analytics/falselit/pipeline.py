"""The false-litigation pipeline on DuckDB: load → resolve → indicators → graph → scores.

``run(source, cfg)`` takes a folder of canonical Parquet files (read directly, never copied) or a
mapping ``{table: pyarrow.Table}`` and returns a ``Result`` with Arrow tables and per-stage times.
"""

from __future__ import annotations

import hashlib
import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from casewatch.analytics.falselit import graph as fl_graph
from casewatch.analytics.falselit import indicators, resolve
from casewatch.analytics.falselit.config import INDICATORS, Config

TABLES = ("cases", "parties", "case_parties", "events")
STRONG = ("F1", "F2", "F3", "F8", "F9", "F11")


@dataclass
class Result:
    """Case scores, hits with evidence, clusters, cluster graphs of leads, timings."""

    cases: pa.Table  # case_key, unit_code, case_number, score, codes, category, cluster_id, lead
    hits: pa.Table  # case_key, code, detail, evidence
    clusters: pa.Table  # cluster_id, score, n_cases, codes, category, case_keys, lead
    graphs: dict[str, dict] = field(default_factory=dict)  # cluster_id -> {nodes, edges}
    entities: dict = field(default_factory=dict)  # resolution counts
    party_entities: pa.Table | None = None  # party_id, entity_id, method (when run(..., keep_entities=True))
    times: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    config: dict = field(default_factory=dict)

    def lead_cases(self) -> list[dict]:
        return [r for r in self.cases.to_pylist() if r["lead"]]


def _register(con: duckdb.DuckDBPyConnection, source) -> None:
    if isinstance(source, Mapping):
        for t in TABLES:
            con.register(t, source[t])
        return
    folder = Path(source)
    for t in TABLES:
        path = folder / f"{t}.parquet"
        con.execute(f"CREATE OR REPLACE VIEW {t} AS SELECT * FROM read_parquet('{path.as_posix()}')")  # noqa: S608


BASE_SQL = [
    """
    CREATE OR REPLACE TEMP TABLE fl_case AS
    SELECT unit_code || '|' || case_number AS case_key, unit_code, case_number, case_type, cause_name,
           CAST(filed_at AS DATE) AS filed, CAST(closed_at AS DATE) AS closed, outcome, claim_amount,
           coalesce(instance, 1) AS instance
    FROM cases WHERE case_type IN ('civil', 'enforcement')
    """,
    """
    CREATE OR REPLACE TEMP TABLE fl_cp AS
    SELECT cp.unit_code || '|' || cp.case_number AS case_key, e.entity_id, cp.role, cp.party_id,
           r.entity_id AS represents
    FROM case_parties cp
    JOIN fl_case c ON c.unit_code = cp.unit_code AND c.case_number = cp.case_number
    JOIN fl_entity e ON e.party_id = cp.party_id
    LEFT JOIN fl_entity r ON r.party_id = cp.represents_party_id
    WHERE cp.role IN ('plaintiff', 'defendant', 'third_party', 'agent', 'applicant', 'debtor')
    """,
    """
    CREATE OR REPLACE TEMP TABLE fl_ent AS
    WITH np AS (SELECT entity_id, count(DISTINCT case_key) AS n FROM fl_cp WHERE role = 'plaintiff' GROUP BY 1)
    SELECT e.entity_id, any_value(p.kind) AS kind, any_value(p.name_norm) AS name,
           any_value(p.phone_norm) AS phone, any_value(p.address_norm) AS address,
           any_value(CASE WHEN p.kind = 'person' THEN substr(p.name_norm, 1, 1) END) AS surname,
           any_value(lr.entity_id) AS legal_rep, coalesce(any_value(np.n), 0) AS n_plaintiff
    FROM fl_entity e JOIN fl_party_norm p ON p.party_id = e.party_id
    LEFT JOIN fl_entity lr ON lr.party_id = p.legal_rep_party_id
    LEFT JOIN np ON np.entity_id = e.entity_id
    WHERE e.entity_id IN (SELECT entity_id FROM fl_cp)
    GROUP BY e.entity_id
    """,
    """
    CREATE OR REPLACE TEMP TABLE fl_event AS
    SELECT ev.unit_code || '|' || ev.case_number AS case_key, ev.kind
    FROM events ev JOIN fl_case c ON c.unit_code = ev.unit_code AND c.case_number = ev.case_number
    WHERE ev.kind IN ('execution_objection', 'distribution_claim')
    """,
]


def run(
    source,
    cfg: Config | None = None,
    *,
    threads: int | None = None,
    graphs: bool = True,
    keep_entities: bool = False,
) -> Result:
    """Run the whole pipeline; ``source`` is a Parquet folder or ``{table: pyarrow.Table}``."""
    cfg = cfg or Config()
    times: dict[str, float] = {}
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    _register(con, source)

    t = time.perf_counter()
    counts = resolve.resolve(con, cfg)
    times["resolution"] = time.perf_counter() - t

    t = time.perf_counter()
    for sql in BASE_SQL:
        con.execute(sql)
    times["load"] = time.perf_counter() - t

    t = time.perf_counter()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fl_hit (case_key VARCHAR, code VARCHAR, detail VARCHAR, evidence VARCHAR[])"
    )
    for _code, sql in indicators.statements(cfg):
        con.execute(f"INSERT INTO fl_hit {sql}")
    con.execute(f"INSERT INTO fl_hit {indicators.F12_SQL.format(n=int(cfg.f12_min_cases))}")
    times["indicators"] = time.perf_counter() - t

    t = time.perf_counter()
    membership = fl_graph.components(con, cfg)
    times["graph"] = time.perf_counter() - t

    t = time.perf_counter()
    result = _score(con, cfg, membership)
    times["scoring"] = time.perf_counter() - t

    if graphs:
        t = time.perf_counter()
        lead_ids = [r["cluster_id"] for r in result.clusters.to_pylist() if r["lead"]]
        result.graphs = fl_graph.cluster_graphs(con, result.clusters, lead_ids)
        times["evidence_graphs"] = time.perf_counter() - t
    result.entities = counts
    if keep_entities:
        result.party_entities = (
            con.sql("SELECT party_id, entity_id, method FROM fl_entity").arrow().read_all()
        )
    result.times = times
    result.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.config = cfg.as_dict()
    con.close()
    return result


def _noisy_or(codes, weights) -> float:
    p = 1.0
    for c in set(codes):
        p *= 1.0 - weights.get(c, 0.0)
    return round(1.0 - p, 4)


def _category(codes: set[str], labour: bool) -> str:
    if "F9" in codes:
        return "divorce_debt"
    if "F2" in codes:
        return "serial_lender"
    if "F1" in codes:
        return "collusive_pair"
    if "F11" in codes:
        return "fake_labour" if labour else "debtor_pileup"
    if "F8" in codes:
        return "execution_related"
    return "other"


def _score(con, cfg: Config, membership: dict[str, int]) -> Result:
    w = cfg.weights
    labour = set(cfg.labour_causes)
    hit_rows = con.execute(
        "SELECT h.case_key, h.code, h.detail, h.evidence, c.unit_code, c.case_number, c.cause_name "
        "FROM fl_hit h JOIN fl_case c USING (case_key) ORDER BY h.case_key, h.code"
    ).fetchall()
    per_case: dict[str, dict] = {}
    for key, code, _detail, _ev, unit, number, cause in hit_rows:
        rec = per_case.setdefault(
            key, {"unit_code": unit, "case_number": number, "codes": set(), "cause": cause}
        )
        rec["codes"].add(code)
    clusters: dict[int, list[str]] = {}
    for key in per_case:
        clusters.setdefault(membership.get(key, -1), []).append(key)
    cluster_rows = []
    cluster_of: dict[str, str] = {}
    cluster_lead: dict[str, bool] = {}
    for comp, keys in clusters.items():
        keys.sort()
        groups = [[k] for k in keys] if comp == -1 else [keys]
        for ks in groups:
            codes = set().union(*(per_case[k]["codes"] for k in ks))
            score = _noisy_or(codes, w)
            lab = sum(per_case[k]["cause"] in labour for k in ks) * 2 >= len(ks)
            cid = "FLC-" + hashlib.sha1("\n".join(ks).encode()).hexdigest()[:10]
            lead = score >= cfg.lead_score and bool(codes & set(STRONG))
            cluster_rows.append(
                {
                    "cluster_id": cid,
                    "score": score,
                    "n_cases": len(ks),
                    "codes": sorted(codes),
                    "category": _category(codes, lab),
                    "case_keys": ks,
                    "lead": lead,
                }
            )
            for k in ks:
                cluster_of[k] = cid
            cluster_lead[cid] = lead
    case_rows = []
    for key, rec in sorted(per_case.items()):
        score = _noisy_or(rec["codes"], w)
        case_rows.append(
            {
                "case_key": key,
                "unit_code": rec["unit_code"],
                "case_number": rec["case_number"],
                "score": score,
                "codes": sorted(rec["codes"]),
                "category": _category(rec["codes"], rec["cause"] in labour),
                "cluster_id": cluster_of[key],
                "lead": score >= cfg.lead_score and bool(rec["codes"] & set(STRONG)),
            }
        )
    hits = pa.Table.from_pylist(
        [{"case_key": k, "code": c, "detail": d, "evidence": list(e or [])} for k, c, d, e, *_ in hit_rows],
        schema=pa.schema(
            [
                ("case_key", pa.string()),
                ("code", pa.string()),
                ("detail", pa.string()),
                ("evidence", pa.list_(pa.string())),
            ]
        ),
    )
    case_schema = pa.schema(
        [
            ("case_key", pa.string()),
            ("unit_code", pa.string()),
            ("case_number", pa.string()),
            ("score", pa.float64()),
            ("codes", pa.list_(pa.string())),
            ("category", pa.string()),
            ("cluster_id", pa.string()),
            ("lead", pa.bool_()),
        ]
    )
    cl_schema = pa.schema(
        [
            ("cluster_id", pa.string()),
            ("score", pa.float64()),
            ("n_cases", pa.int64()),
            ("codes", pa.list_(pa.string())),
            ("category", pa.string()),
            ("case_keys", pa.list_(pa.string())),
            ("lead", pa.bool_()),
        ]
    )
    return Result(
        cases=pa.Table.from_pylist(case_rows, schema=case_schema),
        hits=hits,
        clusters=pa.Table.from_pylist(cluster_rows, schema=cl_schema),
    )


def indicator_labels() -> dict[str, tuple[str, str, str]]:
    return INDICATORS

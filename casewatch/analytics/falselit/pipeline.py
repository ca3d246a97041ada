"""The false-litigation pipeline on DuckDB: load → resolve → indicators → graph → scores.

``run(source, cfg)`` takes a folder of canonical Parquet files (read directly, never copied), the
warm analytics store file (attached read-only, never copied) or a mapping ``{table: pyarrow.Table}`` and returns a ``Result`` with Arrow tables and per-stage times.
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
STRONG = indicators.STRUCTURAL


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
    """``cases``, ``parties``, ``case_parties``, ``events`` on ``con``: registered Arrow tables,
    views over a warm analytics store file (``*.duckdb``, attached read-only: no copy to Arrow)
    or views over a folder of Parquet files."""
    if isinstance(source, Mapping):
        for t in TABLES:
            con.register(t, source[t])
        return
    if Path(source).is_file():
        from casewatch.analytics import store

        store.attach(con, source, alias="fl_store")
        for t in TABLES:
            con.execute(f"CREATE OR REPLACE VIEW {t} AS SELECT * FROM fl_store.main.{t}")  # noqa: S608 - constant names
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
    CREATE OR REPLACE TEMP TABLE fl_event AS
    SELECT ev.unit_code || '|' || ev.case_number AS case_key, ev.kind
    FROM events ev JOIN fl_case c ON c.unit_code = ev.unit_code AND c.case_number = ev.case_number
    WHERE ev.kind IN ('execution_objection', 'distribution_claim')
    """,
]


def entity_sql(cfg: Config) -> list[str]:
    """``fl_ent`` (one row per entity, with its controller and the honest-hub flag), ``fl_attr``
    (every phone and address an entity gave), ``fl_tie`` (entities sharing one of them) and
    ``fl_rel(x, y, via, val)``: x and y are related — directly, or through the legal
    representative of either (a company counts as its controller)."""
    lic = cfg.licensed_name_re.replace("'", "''")
    ids = ", ".join("'O:" + i.replace("'", "''") + "'" for i in cfg.licensed_ids)
    ids = f"e.entity_id IN ({ids})" if ids else "false"
    return [
        f"""
        CREATE OR REPLACE TEMP TABLE fl_ent AS
        WITH ec AS (SELECT entity_id, case_key, bool_or(role IN ('plaintiff', 'applicant')) AS pl
                    FROM fl_cp GROUP BY ALL),
        np AS (SELECT entity_id, count(*) FILTER (WHERE pl) AS n, count(*) AS na FROM ec GROUP BY 1),
        rec AS (
            SELECT e.entity_id, p.kind, p.name_norm, p.phone_norm, p.address_norm, p.division,
                   CASE WHEN p.kind = 'person' THEN substr(p.name_norm, 1, 1) END AS surname,
                   l.entity_id AS legal_rep,
                   CASE WHEN p.kind = 'organisation' THEN regexp_matches(p.name_norm, '{lic}') ELSE false END AS lic
            FROM fl_entity e JOIN fl_party_norm p ON p.party_id = e.party_id
            LEFT JOIN fl_entity l ON l.party_id = p.legal_rep_party_id
            SEMI JOIN np ON np.entity_id = e.entity_id
        ),
        k AS (SELECT entity_id, count(*) AS k FROM rec GROUP BY 1),
        -- most entities have one record: the mode of one value is that value; for the others the
        -- most frequent value, ties broken the same way every run (an identified controller first)
        many AS (
            SELECT rec.*,
                   count(*) OVER (PARTITION BY entity_id, name_norm) AS c1,
                   count(*) OVER (PARTITION BY entity_id, phone_norm) AS c2,
                   count(*) OVER (PARTITION BY entity_id, address_norm) AS c3,
                   count(*) OVER (PARTITION BY entity_id, division) AS c4,
                   count(*) OVER (PARTITION BY entity_id, surname) AS c5,
                   count(*) OVER (PARTITION BY entity_id, legal_rep) AS c6
            FROM rec SEMI JOIN k ON k.entity_id = rec.entity_id AND k.k > 1
        ),
        agg AS (
            SELECT r.* FROM rec r SEMI JOIN k ON k.entity_id = r.entity_id AND k.k = 1
            UNION ALL
            SELECT entity_id, min(kind),
                   first(name_norm ORDER BY name_norm IS NULL, c1 DESC, name_norm),
                   first(phone_norm ORDER BY phone_norm IS NULL, c2 DESC, phone_norm),
                   first(address_norm ORDER BY address_norm IS NULL, c3 DESC, address_norm),
                   first(division ORDER BY division IS NULL, c4 DESC, division),
                   first(surname ORDER BY surname IS NULL, c5 DESC, surname),
                   first(legal_rep ORDER BY legal_rep IS NULL, c6 DESC, legal_rep LIKE 'R:%', legal_rep),
                   bool_or(lic)
            FROM many GROUP BY entity_id
        )
        SELECT a.entity_id, a.kind, a.name_norm AS name, a.phone_norm AS phone, a.address_norm AS address,
               a.division, a.surname, a.legal_rep, np.n AS n_plaintiff,
               coalesce(a.kind = 'organisation' AND (a.lic OR {ids.replace("e.entity_id", "a.entity_id")}
                                                     OR np.na > {int(cfg.hub_degree)}), false) AS hub
        FROM agg a JOIN np ON np.entity_id = a.entity_id
        """,  # noqa: S608 - configuration values, quoted
        """
        CREATE OR REPLACE TEMP TABLE fl_attr AS
        -- not deduplicated: an entity with several records may repeat a value; every user of
        -- fl_attr counts distinct entities
        SELECT e.entity_id, 'phone' AS via, p.phone_norm AS val, CAST(NULL AS VARCHAR) AS division,
               CAST(NULL AS VARCHAR) AS area
        FROM fl_entity e JOIN fl_party_norm p USING (party_id) WHERE p.phone_norm IS NOT NULL
        UNION ALL
        SELECT e.entity_id, 'address', p.address_norm, p.division, p.area
        FROM fl_entity e JOIN fl_party_norm p USING (party_id) WHERE p.address_norm IS NOT NULL
        """,
        f"""
        CREATE OR REPLACE TEMP TABLE fl_tie AS
        WITH a0 AS MATERIALIZED (SELECT * FROM fl_attr WHERE entity_id IN (SELECT entity_id FROM fl_ent WHERE NOT hub)),
        -- only values two to max_shared entities share (most values belong to one entity: a plain
        -- count drops them before the distinct count)
        n2 AS (SELECT via, val FROM a0 GROUP BY ALL HAVING count(*) >= 2),
        n AS (SELECT via, val FROM a0 SEMI JOIN n2 USING (via, val) GROUP BY ALL
              HAVING count(DISTINCT entity_id) BETWEEN 2 AND {int(cfg.max_shared)}),
        a AS (SELECT a0.* FROM a0 SEMI JOIN n USING (via, val))
        SELECT DISTINCT x.entity_id AS a, y.entity_id AS b, x.via, x.val
        FROM a x JOIN a y ON x.via = y.via AND x.val = y.val AND x.entity_id < y.entity_id
        WHERE (x.division IS NULL OR y.division IS NULL OR x.division = y.division)
          AND (x.area IS NULL OR y.area IS NULL OR x.area = y.area)
        """,  # noqa: S608 - numbers
        """
        CREATE OR REPLACE TEMP TABLE fl_rel AS
        WITH pers AS (SELECT entity_id AS x, entity_id AS p FROM fl_ent WHERE NOT hub
                      UNION SELECT entity_id, legal_rep FROM fl_ent WHERE legal_rep IS NOT NULL AND NOT hub),
        t AS (SELECT a, b, via, val FROM fl_tie UNION ALL SELECT b, a, via, val FROM fl_tie)
        SELECT DISTINCT px.x, py.x AS y, 'legal representative' AS via, px.p AS val
        FROM pers px JOIN pers py ON px.p = py.p AND px.x <> py.x
        UNION
        SELECT DISTINCT px.x, py.x, t.via, t.val
        FROM pers px JOIN t ON t.a = px.p JOIN pers py ON py.p = t.b WHERE px.x <> py.x
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
    """Run the whole pipeline; ``source`` is a Parquet folder, a warm store file or ``{table: pyarrow.Table}``."""
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
    for sql in BASE_SQL + entity_sql(cfg):
        con.execute(sql)
    times["load"] = time.perf_counter() - t

    t = time.perf_counter()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fl_hit (case_key VARCHAR, code VARCHAR, detail VARCHAR, evidence VARCHAR[])"
    )
    for _code, sql in indicators.statements(cfg):
        con.execute(f"INSERT INTO fl_hit {sql}")
    con.execute(f"INSERT INTO fl_hit {indicators.ENFORCEMENT_SQL}")
    con.execute(f"INSERT INTO fl_hit {indicators.F12_SQL.format(n=int(cfg.f12_min_cases))}")
    _case_scores(con, cfg)
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


def _case_scores(con, cfg: Config) -> None:
    """``fl_score(case_key, score, strong, risky)``: noisy-or of the case's own indicator weights.

    The logarithms are summed in code order: a parallel sum in whatever order the threads meet
    rounded a score to 0.8087 in one run and 0.8088 in the next (demo city 22)."""
    w = {k: min(max(float(v), 0.0), 0.999) for k, v in cfg.weights.items()}
    con.register("fl_w_arrow", pa.table({"code": list(w), "w": list(w.values())}))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE fl_score AS
        SELECT h.case_key, round(1 - exp(sum(ln(1 - coalesce(w.w, 0)) ORDER BY h.code)), 4) AS score,
               bool_or(h.code IN ({indicators._q(STRONG)})) AS strong
        FROM (SELECT DISTINCT case_key, code FROM fl_hit) h LEFT JOIN fl_w_arrow w USING (code)
        GROUP BY 1
        """  # noqa: S608 - constants
    )
    con.unregister("fl_w_arrow")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE fl_score AS SELECT *, score >= {float(cfg.member_score)} AS risky FROM fl_score"  # noqa: S608
    )


ORDER = (
    ("F9", "divorce_debt"),
    ("F11", None),
    ("F2", "serial_lender"),
    ("F3R", "agent_ring"),
    ("F1", "collusive_pair"),
    ("F8", "execution_related"),
    ("F3", "collusive_pair"),
)


def _category(codes: set[str], labour: bool) -> str:
    for code, cat in ORDER:
        if code in codes:
            return cat or ("fake_labour" if labour else "debtor_pileup")
    return "other"


def _score(con, cfg: Config, membership: dict[str, int]) -> Result:
    labour = set(cfg.labour_causes)
    # the loop below needs each hit's case and code only; the hits table (with its evidence
    # lists) goes to Arrow in DuckDB, not through Python tuples
    hit_rows = con.execute(
        "SELECT h.case_key, h.code, c.unit_code, c.case_number, c.cause_name "
        "FROM fl_hit h JOIN fl_case c USING (case_key) ORDER BY h.case_key, h.code"
    ).fetchall()
    scores = {
        k: (s, strong, risky) for k, s, strong, risky in con.execute("SELECT * FROM fl_score").fetchall()
    }
    per_case: dict[str, dict] = {}
    for key, code, unit, number, cause in hit_rows:
        rec = per_case.setdefault(
            key, {"unit_code": unit, "case_number": number, "codes": set(), "cause": cause}
        )
        rec["codes"].add(code)
    for key, rec in per_case.items():
        rec["score"], strong, rec["risky"] = scores[key]
        rec["lead"] = bool(strong) and rec["score"] >= cfg.lead_score
    clusters: dict[object, list[str]] = {}
    for key, rec in per_case.items():
        comp = membership.get(key) if rec["risky"] else None
        clusters.setdefault(comp if comp is not None else ("single", key), []).append(key)
    cluster_rows = []
    cluster_of: dict[str, str] = {}
    for keys in clusters.values():
        keys.sort()
        lead_keys = [k for k in keys if per_case[k]["lead"]]
        # the category and codes of a cluster are those of its cases that make it a lead
        basis = lead_keys or keys
        codes = set().union(*(per_case[k]["codes"] for k in basis))
        lab = sum(per_case[k]["cause"] in labour for k in basis) * 2 >= len(basis)
        cid = "FLC-" + hashlib.sha1("\n".join(keys).encode()).hexdigest()[:10]
        cluster_rows.append(
            {
                "cluster_id": cid,
                "score": max(per_case[k]["score"] for k in keys),
                "n_cases": len(keys),
                "codes": sorted(set().union(*(per_case[k]["codes"] for k in keys))),
                "category": _category(codes, lab),
                "case_keys": keys,
                "lead": bool(lead_keys),
                "unit_codes": sorted({per_case[k]["unit_code"] for k in keys}),
            }
        )
        for k in keys:
            cluster_of[k] = cid
    case_rows = []
    for key, rec in sorted(per_case.items()):
        case_rows.append(
            {
                "case_key": key,
                "unit_code": rec["unit_code"],
                "case_number": rec["case_number"],
                "score": rec["score"],
                "codes": sorted(rec["codes"]),
                "category": _category(rec["codes"], rec["cause"] in labour),
                "cluster_id": cluster_of[key],
                "lead": rec["lead"],
            }
        )
    hit_schema = pa.schema(
        [
            ("case_key", pa.string()),
            ("code", pa.string()),
            ("detail", pa.string()),
            ("evidence", pa.list_(pa.string())),
        ]
    )
    hits = (
        con.sql(
            "SELECT h.case_key, h.code, h.detail, coalesce(h.evidence, CAST([] AS VARCHAR[])) AS evidence "
            "FROM fl_hit h JOIN fl_case c USING (case_key) ORDER BY h.case_key, h.code"
        )
        .to_arrow_table()
        .cast(hit_schema)
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
            ("unit_codes", pa.list_(pa.string())),
        ]
    )
    return Result(
        cases=pa.Table.from_pylist(case_rows, schema=case_schema),
        hits=hits,
        clusters=pa.Table.from_pylist(cluster_rows, schema=cl_schema),
    )


def indicator_labels() -> dict[str, tuple[str, str, str]]:
    return INDICATORS

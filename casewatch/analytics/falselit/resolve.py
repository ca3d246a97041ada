"""Entity resolution of parties across cases.

Two passes:

1. **Exact** — a natural person with a well-formed 18-character ID number (GB 11643 shape) is the
   entity ``P:<id number>``; an organisation with an 18-character unified social credit code is
   ``O:<credit code>``. Match weight is ``None`` (deterministic) and the matched field is the
   identifier.
2. **Probabilistic** — records without a reliable identifier (the normal case for court
   judgments) are linked to each other and to identified records by a Fellegi–Sunter model
   written in DuckDB SQL (``fellegi_sunter``): comparisons on name (exact / same pinyin —
   homophones and traditional characters — / one differing character), birth date, phone,
   address and division; u-probabilities computed exactly from the whole population of party
   records (value frequencies, term-frequency adjusted for names), m-probabilities set (they are
   in ``M_PROBABILITIES``), missing values neutral; agreement on a name or an address is
   weighed by that value's own frequency. Blocking bounds the work (``_candidates``: equi-joins
   with one unidentified side): phone; name pinyin with birth date or address; name pinyin with
   division, or alone, when the key is rare enough (``Config.er_name_block_max``); surname with
   birth date (one differing character) or address. Pairs at ``Config.match_probability`` or
   above merge; relational links (``_counterpart_links``) add same-case and shared-associate
   evidence.

Normalisation (``normalise_sql``): phones lose +86/0086, spaces, dashes and the landline area
code (``0574-8765 4321`` → ``87654321``); addresses are reduced to road + number (+ building and
room), tolerant of province/city prefixes, full-width digits and spacing; organisation names
drop their legal-form suffix.

Output table ``fl_entity(party_id, entity_id, method, match_weight, matched_fields)``: one row per
source party record.
"""

from __future__ import annotations

import logging
import math

import duckdb
import igraph as ig
import pyarrow as pa

from casewatch.analytics.falselit.config import Config

log = logging.getLogger(__name__)

ID_RE = r"^[0-9]{17}[0-9X]$"
ORG_SUFFIX_RE = r"(有限责任公司|股份有限公司|有限公司|集团|公司|分公司|合伙企业|（普通合伙）|\(普通合伙\))$"
_FULLWIDTH = ("０１２３４５６７８９（）", "0123456789()")
_ROAD_RE = r"(\p{Han}{2}(?:大道|路|街|巷|弄))([0-9]+)号"
_UNIT_RE = r"([0-9]+)(?:幢|栋|号楼)"
_ROOM_RE = r"([0-9]+)室"

#: m-probabilities (share of true matches at each level): set, not trained — a city's records
#: rarely hold enough duplicates for EM, and a wrong EM fit is what crashed the old model.
#: a registered organisation name (legal form dropped) is unique where it is registered: an exact
#: (or same-reading) name decides whatever else differs
ORG_NAME_WEIGHT = 40.0
_DIFF = " + ".join(f"(substr(a.name_norm, {i}, 1) <> substr(b.name_norm, {i}, 1))::INT" for i in range(1, 5))

M_PROBABILITIES = {
    "name": {"exact": 0.87, "pinyin": 0.07, "one_char": 0.05, "other": 0.01},
    "birth_date": {"exact": 0.95, "other": 0.05},
    "phone": {"exact": 0.80, "other": 0.20},
    "address": {"exact": 0.70, "road": 0.10, "other": 0.20},
    "division": {"exact": 0.90, "other": 0.10},
}


def normalise_sql() -> str:
    """A table ``fl_party_norm`` with normalised name, pinyin, phone, address and the reliable identifier.

    Each regular expression runs once per value (the road pattern once, as a struct of its groups;
    the building/room patterns only on addresses with a road and number)."""
    src, dst = _FULLWIDTH
    return rf"""
    CREATE OR REPLACE TEMP TABLE fl_party_norm AS
    WITH b AS (
        SELECT party_id, kind, legal_rep_party_id, birth_date, upper(id_number) AS idu, credit_code,
               CASE WHEN kind = 'organisation'
                    THEN regexp_replace(CASE WHEN regexp_matches(name, '[{src}]')
                                             THEN translate(regexp_replace(trim(name), '\s+', '', 'g'), '{src}', '{dst}')
                                             ELSE regexp_replace(trim(name), '\s+', '', 'g') END,
                                        '{ORG_SUFFIX_RE}', '')
                    ELSE regexp_replace(trim(name), '[\s·•.]+', '', 'g') END AS name_norm,
               regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') AS d,
               regexp_replace(CASE WHEN regexp_matches(address, '[{src}]') THEN translate(address, '{src}', '{dst}')
                                   ELSE coalesce(address, '') END, '[\s,，。、()\-－]', '', 'g') AS a,
               nullif(division_code, '') AS division_code, address AS raw_address
        FROM parties
    ), p AS (
        SELECT *, CASE WHEN d LIKE '0086%' THEN substr(d, 5)
                       WHEN length(d) >= 12 AND d LIKE '86%' THEN substr(d, 3) ELSE d END AS d2,
               regexp_extract(a, '{_ROAD_RE}', ['road', 'no']) AS rn,
               -- written with spaces: "宁波 海曙 兴宁路 626号" (the pattern needs a blank: an address
               -- without one is not searched; RE2's \s is tab, newline, form feed, return, space)
               CASE WHEN contains(raw_address, ' ') OR contains(raw_address, chr(9)) OR contains(raw_address, chr(10))
                         OR contains(raw_address, chr(12)) OR contains(raw_address, chr(13))
                    THEN regexp_extract(raw_address,
                              '^\s*(?:\p{{Han}}{{2,4}}省\s*)?\p{{Han}}{{2,4}}?市?\s+(\p{{Han}}{{2,3}}?)(?:区|县|市)?\s', 1)
                    ELSE '' END AS sp_area
        FROM b
    )
    SELECT party_id, kind, name_norm,
           CAST(birth_date AS VARCHAR) AS birth_date,
           CASE WHEN length(d2) = 11 AND d2[1] = '1' AND d2[2] BETWEEN '3' AND '9' THEN d2
                WHEN regexp_matches(d2, '^0(10|2[0-9]|[3-9][0-9]{{2}})[0-9]{{7,8}}$')
                     THEN regexp_replace(d2, '^0(10|2[0-9]|[3-9][0-9]{{2}})', '')
                WHEN regexp_matches(d2, '^(10|2[0-9]|[3-9][0-9]{{2}})[0-9]{{7,8}}$') AND length(d2) >= 10
                     THEN regexp_replace(d2, '^(10|2[0-9]|[3-9][0-9]{{2}})', '')
                ELSE nullif(d2, '') END AS phone_norm,
           coalesce(division_code,
                    CASE WHEN length(idu) >= 6 AND try_cast(substr(idu, 1, 6) AS UINTEGER) IS NOT NULL
                              AND substr(idu, 1, 6) NOT LIKE '%+%' AND substr(idu, 1, 6) NOT LIKE '% %'
                         THEN substr(idu, 1, 6) END) AS division,
           CASE WHEN rn.road <> ''
                THEN rn.road || rn.no
                     || coalesce('-' || nullif(regexp_extract(a, '{_UNIT_RE}', 1), ''), '')
                     || coalesce('-' || nullif(regexp_extract(a, '{_ROOM_RE}', 1), ''), '')
                ELSE nullif(regexp_replace(a, '^.*(省|市|区|县)', ''), '') END AS address_norm,
           nullif(rn.road, '') AS road,
           -- the district the address text states (海曙区, 慈溪市 after 宁波市): one road name and number
           -- exist in several districts, so two addresses agree only where their districts do
           coalesce(nullif(regexp_extract(regexp_replace(regexp_replace(a, '^\p{{Han}}{{2,4}}?省', ''),
                                                         '^\p{{Han}}{{2,4}}?市', ''),
                                          '^(\p{{Han}}{{2,3}}?)(区|县|市)', 1), ''),
                    CASE WHEN NOT regexp_matches(sp_area, '(路|街|道|巷|弄|镇|乡)$') THEN nullif(sp_area, '') END) AS area,
           CASE WHEN kind = 'person' AND regexp_full_match(coalesce(idu, ''), '{ID_RE}')
                     THEN 'P:' || idu
                WHEN kind = 'organisation' AND length(coalesce(credit_code, '')) = 18
                     THEN 'O:' || upper(credit_code)
                ELSE NULL END AS reliable_id,
           legal_rep_party_id
    FROM p
    """  # noqa: S608 - constants only


def _pinyin_table(con: duckdb.DuckDBPyConnection) -> None:
    """``fl_pinyin(ch, py)`` for every character of every name (homophones and traditional forms agree)."""
    from pypinyin import Style, lazy_pinyin

    chars = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT unnest(string_split(name_norm, '')) FROM fl_party_norm WHERE name_norm IS NOT NULL"
        ).fetchall()
    ]
    pys = [(lazy_pinyin(c, style=Style.NORMAL) or [c])[0] for c in chars]
    con.register("fl_pinyin_arrow", pa.table({"ch": chars, "py": pys}))
    con.execute("CREATE OR REPLACE TEMP TABLE fl_pinyin AS SELECT * FROM fl_pinyin_arrow")
    con.unregister("fl_pinyin_arrow")


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


def _log2(x: float) -> float:
    return math.log2(min(max(x, 1e-12), 1.0))


def _population(con: duckdb.DuckDBPyConnection) -> None:
    """``fl_pop``: every party record with the comparison columns and the name's pinyin."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fl_pinyin_map AS SELECT map_from_entries(list({'k': ch, 'v': py})) AS m FROM fl_pinyin"
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE fl_pop AS
        SELECT n.party_id, n.kind, n.name_norm, n.birth_date, n.phone_norm, n.address_norm, n.road, n.division,
               array_to_string(list_transform(string_split(coalesce(n.name_norm, ''), ''),
                                              lambda c: coalesce(pm.m[c], c)), '') AS name_py,
               length(n.name_norm) AS nlen, n.reliable_id, substr(n.name_norm, 1, 1) AS surname
        FROM fl_party_norm n, fl_pinyin_map pm
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fl_name_n AS SELECT kind, name_py, count(*) AS n FROM fl_pop GROUP BY ALL"
    )


def fellegi_sunter(con: duckdb.DuckDBPyConnection, cfg: Config) -> None:
    """Score candidate pairs ``fl_er_cand`` into ``fl_er_pairs(l, r, weight, prob, fields)``.

    u-probabilities come from the whole population of party records (not a sample): the chance
    that two random records agree at a level; for exact names the value's own frequency.
    """
    u = {}
    tot = con.execute("SELECT count(*) FROM fl_pop").fetchone()[0] or 1
    for col in ("birth_date", "phone_norm", "address_norm", "road", "division", "name_norm", "name_py"):
        nn, s2 = con.execute(
            f"SELECT sum(n), sum(n * n) FROM (SELECT count(*) AS n FROM fl_pop WHERE {col} IS NOT NULL GROUP BY {col})"  # noqa: S608
        ).fetchone()
        u[col] = (s2 or 0) / max(nn or 1, 1) ** 2
    # one differing character among names of equal length (masked-position counts, exact pairs removed)
    s_mask = (
        con.execute(
            """
        WITH m AS (SELECT nlen, i, substr(name_norm, 1, i - 1) || '*' || substr(name_norm, i + 1) AS k
                   FROM fl_pop, range(1, 5) r(i) WHERE nlen BETWEEN 2 AND 4 AND i <= nlen)
        SELECT sum(n * n) FROM (SELECT count(*) AS n FROM m GROUP BY nlen, k)
        """
        ).fetchone()[0]
        or 0
    )
    s_exact = (
        con.execute(
            "SELECT sum(n * n * l) FROM (SELECT count(*) AS n, any_value(nlen) AS l FROM fl_pop "
            "WHERE nlen BETWEEN 2 AND 4 GROUP BY name_norm)"
        ).fetchone()[0]
        or 0
    )
    u_one = max((s_mask - s_exact) / tot**2, 1e-9)
    u_py = max(u["name_py"] - u["name_norm"], 1e-9)
    m = M_PROBABILITIES
    w = {
        "birth_date": (
            _log2(m["birth_date"]["exact"]) - _log2(u["birth_date"]),
            _log2(m["birth_date"]["other"]) - _log2(1 - u["birth_date"]),
        ),
        "phone_norm": (
            _log2(m["phone"]["exact"]) - _log2(u["phone_norm"]),
            _log2(m["phone"]["other"]) - _log2(1 - u["phone_norm"]),
        ),
        "division": (
            _log2(m["division"]["exact"]) - _log2(u["division"]),
            _log2(m["division"]["other"]) - _log2(1 - u["division"]),
        ),
    }
    w_addr = (
        _log2(m["address"]["exact"]) - _log2(u["address_norm"]),
        _log2(m["address"]["road"]) - _log2(max(u["road"] - u["address_norm"], 1e-9)),
        _log2(m["address"]["other"]) - _log2(1 - u["road"]),
    )
    w_name_py = _log2(m["name"]["pinyin"]) - _log2(u_py)
    w_name_one = _log2(m["name"]["one_char"]) - _log2(u_one)
    w_name_other = _log2(m["name"]["other"]) - _log2(max(1 - u["name_py"] - u_one, 1e-9))
    # prior: true pairs estimated from (name, birth date) agreement among the records that have both
    dup = con.execute(
        "SELECT coalesce(sum(n * (n - 1) / 2), 0), (SELECT count(*) FROM fl_pop WHERE birth_date IS NOT NULL) "
        "FROM (SELECT count(*) AS n FROM fl_pop WHERE birth_date IS NOT NULL GROUP BY name_norm, birth_date)"
    ).fetchone()
    share = max(dup[1] / tot, 1e-3)
    true_pairs = max(dup[0] / share**2, tot * 0.01)
    prior = _log2(true_pairs / max(tot * (tot - 1) / 2, 1))
    name_tf = 1.0 / tot
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE fl_er_pairs AS
        WITH lhs AS (SELECT DISTINCT a.name_norm, a.address_norm FROM fl_er_cand c JOIN fl_pop a ON a.party_id = c.l),
        tf AS (SELECT name_norm, count(*) / {float(tot)} AS f FROM fl_pop
               WHERE name_norm IN (SELECT name_norm FROM lhs) GROUP BY 1),
        tfa AS (SELECT address_norm, count(*) / {float(tot)} AS f FROM fl_pop
                WHERE address_norm IN (SELECT address_norm FROM lhs) GROUP BY 1),
        s AS (
            SELECT c.l, c.r,
                CASE WHEN a.name_norm = b.name_norm THEN 'name_exact'
                     WHEN a.name_py = b.name_py THEN 'name_pinyin'
                     WHEN a.nlen = b.nlen AND a.nlen BETWEEN 2 AND 4
                          AND {_DIFF} = 1 THEN 'name_one_char'
                     ELSE NULL END AS name_level,
                CASE WHEN a.kind = 'organisation' AND a.name_py = b.name_py THEN {ORG_NAME_WEIGHT}
                     WHEN a.name_norm = b.name_norm THEN {_log2(m["name"]["exact"])} - log2(greatest(tf.f, {name_tf}))
                     WHEN a.name_py = b.name_py THEN {w_name_py}
                     WHEN a.nlen = b.nlen AND a.nlen BETWEEN 2 AND 4
                          AND {_DIFF} = 1 THEN {w_name_one}
                     ELSE {w_name_other} END AS w_name,
                CASE WHEN a.birth_date IS NULL OR b.birth_date IS NULL THEN 0
                     WHEN a.birth_date = b.birth_date THEN {w["birth_date"][0]} ELSE {w["birth_date"][1]} END AS w_birth,
                CASE WHEN a.phone_norm IS NULL OR b.phone_norm IS NULL THEN 0
                     WHEN a.phone_norm = b.phone_norm THEN {w["phone_norm"][0]} ELSE {w["phone_norm"][1]} END AS w_phone,
                CASE WHEN a.address_norm IS NULL OR b.address_norm IS NULL THEN 0
                     WHEN a.address_norm = b.address_norm
                          THEN {_log2(m["address"]["exact"])} - log2(greatest(tfa.f, {name_tf}))
                     WHEN a.road = b.road THEN {w_addr[1]} ELSE {w_addr[2]} END AS w_addr,
                CASE WHEN a.division IS NULL OR b.division IS NULL THEN 0
                     WHEN a.division = b.division THEN {w["division"][0]} ELSE {w["division"][1]} END AS w_div,
                concat_ws(',', CASE WHEN a.birth_date = b.birth_date THEN 'birth_date' END,
                          CASE WHEN a.phone_norm = b.phone_norm THEN 'phone_norm' END,
                          CASE WHEN a.address_norm = b.address_norm THEN 'address_norm' END,
                          CASE WHEN a.division = b.division THEN 'division' END) AS agreed
            FROM fl_er_cand c
            JOIN fl_pop a ON a.party_id = c.l JOIN fl_pop b ON b.party_id = c.r
            JOIN tf ON tf.name_norm = a.name_norm
            LEFT JOIN tfa ON tfa.address_norm = a.address_norm
        )
        SELECT l, r, {prior} + w_name + w_birth + w_phone + w_addr + w_div AS weight,
               concat_ws(',', name_level, nullif(agreed, '')) AS fields
        FROM s
        """  # noqa: S608 - numbers computed here
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fl_er_pairs AS SELECT *, 1 / (1 + pow(2, -weight)) AS prob FROM fl_er_pairs"
    )


def _candidates(con: duckdb.DuckDBPyConnection, cfg: Config) -> None:
    """Candidate pairs ``fl_er_cand(l, r)``: at least one side without identifier, never two identifiers.

    Every block is an equi-join on its key, with one side always an unidentified record, so the
    work is bounded by (unidentified records) x (block size), never by the square of a block of
    identified records. Blocks: phone; pinyin name with birth date or address; pinyin name with
    division, and pinyin name alone, where at most ``er_name_block_max`` records carry the key (a
    common name agreeing on nothing but the division or the name cannot reach the match
    threshold, and two stated birth dates that differ are not compared there); surname with birth
    date (one differing character) or with address."""
    cap = int(cfg.er_name_block_max)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE fl_er_in AS
        WITH p AS (SELECT * FROM fl_pop),
        rest AS (SELECT * FROM p WHERE reliable_id IS NULL),
        idd AS (SELECT * FROM p WHERE reliable_id IS NOT NULL),
        -- identified records that share a block key with an unidentified one
        nb AS (SELECT * FROM fl_name_n),
        nd AS (SELECT kind, name_py, division, count(*) AS n FROM p WHERE division IS NOT NULL GROUP BY ALL),
        rs AS (SELECT rest.* FROM rest SEMI JOIN nb ON nb.kind = rest.kind AND nb.name_py = rest.name_py
               AND nb.n <= {cap}),
        rsd AS (SELECT rest.* FROM rest SEMI JOIN nd ON nd.kind = rest.kind AND nd.name_py = rest.name_py
                AND nd.division = rest.division AND nd.n <= {cap}),
        near AS (
            SELECT party_id FROM idd SEMI JOIN rest ON idd.kind = rest.kind AND idd.phone_norm = rest.phone_norm
            UNION ALL
            SELECT party_id FROM idd SEMI JOIN rest ON idd.kind = rest.kind AND idd.name_py = rest.name_py
                 AND idd.birth_date = rest.birth_date
            UNION ALL
            SELECT party_id FROM idd SEMI JOIN rest ON idd.kind = rest.kind AND idd.name_py = rest.name_py
                 AND idd.address_norm = rest.address_norm
            UNION ALL
            SELECT party_id FROM idd SEMI JOIN rest ON idd.kind = rest.kind AND idd.surname = rest.surname
                 AND idd.birth_date = rest.birth_date
            UNION ALL
            SELECT party_id FROM idd SEMI JOIN rest ON idd.kind = rest.kind AND idd.surname = rest.surname
                 AND idd.address_norm = rest.address_norm
            UNION ALL
            -- the small name (and name + division) blocks, where one of the two birth dates is unknown
            -- (equal birth dates are the block above)
            SELECT party_id FROM idd SEMI JOIN (SELECT * FROM rs WHERE birth_date IS NULL) r
                 ON idd.kind = r.kind AND idd.name_py = r.name_py
            UNION ALL
            SELECT party_id FROM (SELECT * FROM idd WHERE birth_date IS NULL) i SEMI JOIN rs
                 ON i.kind = rs.kind AND i.name_py = rs.name_py
            UNION ALL
            SELECT party_id FROM idd SEMI JOIN (SELECT * FROM rsd WHERE birth_date IS NULL) r
                 ON idd.kind = r.kind AND idd.name_py = r.name_py AND idd.division = r.division
            UNION ALL
            SELECT party_id FROM (SELECT * FROM idd WHERE birth_date IS NULL) i SEMI JOIN rsd
                 ON i.kind = rsd.kind AND i.name_py = rsd.name_py AND i.division = rsd.division
        )
        SELECT * FROM rest UNION ALL SELECT idd.* FROM idd SEMI JOIN near USING (party_id)
        """  # noqa: S608 - a number from Config
    )

    def block(key: str, small: bool = False, where: str = "true") -> str:
        cols = key
        on = " AND ".join(f"a.{k} = b.{k}" for k in key.split(", "))
        nonnull = " AND ".join(f"{k} IS NOT NULL" for k in key.split(", "))
        src = "fl_er_in"
        if small:
            on_k = " AND ".join(f"f.{k} = k.{k}" for k in key.split(", "))
            sel = "SELECT f.* FROM fl_er_in f SEMI JOIN"
            src = f"({sel} (SELECT {cols} FROM fl_pop WHERE {nonnull} GROUP BY ALL HAVING count(*) <= {cap}) k ON {on_k})"  # noqa: S608 - column names, a number
        return f"""
            SELECT least(a.party_id, b.party_id) AS l, greatest(a.party_id, b.party_id) AS r
            FROM (SELECT * FROM {src} WHERE reliable_id IS NULL AND {nonnull}) a
            JOIN (SELECT * FROM {src} WHERE {nonnull}) b ON {on}
             AND (b.reliable_id IS NOT NULL OR a.party_id < b.party_id) AND {where}"""  # noqa: S608 - constants

    # a name-only block compares records that lack the other fields, not records that state two
    # different birth dates; surname + birth date is there for one differing character
    same_birth = "(a.birth_date IS NULL OR b.birth_date IS NULL OR a.birth_date = b.birth_date)"
    one_char = f"a.nlen = b.nlen AND a.nlen BETWEEN 2 AND 4 AND {_DIFF} = 1"
    blocks = " UNION ".join(
        [
            block("kind, phone_norm"),
            block("kind, name_py, birth_date"),
            block("kind, name_py, address_norm"),
            block("kind, name_py, division", small=True, where=same_birth),
            block("kind, name_py", small=True, where=same_birth),
            block("kind, surname, birth_date", where=one_char),
            block("kind, surname, address_norm"),
        ]
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE fl_er_cand AS {blocks}")  # noqa: S608 - constants


COUNTERPART_WEIGHT = 10.0


def _counterpart_links(con: duckdb.DuckDBPyConnection, cfg: Config, known: set) -> list[tuple]:
    """Relational evidence the field comparison cannot see (a judgment often gives a party's name
    and nothing else):

    * **one case**: two records of one name (same reading) in the same case are one person — a
      lawyer written once with and once without an ID number, acting for both sides;
    * **a shared associate**: two records of an uncommon name (at most ``er_counterpart_name_max``
      records in the population) that each appear in a case beside a party of one name — on the
      same side or the other — are one person: "苏海建" named twice opposite the same plaintiff, a
      husband named in his divorce opposite his wife and in the debt suits beside her. The
      associate must itself be uncommon (at most ``er_associate_max`` records; a bank or a
      lawyer with hundreds of suits says nothing) and act as a party, not as an agent.

    Never when the two records carry different identifiers, birth dates or phones."""
    cap = int(cfg.er_counterpart_name_max)
    acap = int(cfg.er_associate_max)
    rows = con.execute(
        f"""
        WITH rec AS (SELECT party_id, kind, name_py, birth_date, phone_norm, reliable_id FROM fl_pop),
        -- one case: an unidentified record and another record of its name in the same case
        -- MATERIALIZED: without it the planner paired every two co-parties of every case (4.2 M
        -- rows at 1M cases) before keeping the few records these CTEs select
        ua AS MATERIALIZED (SELECT cp.unit_code, cp.case_number, cp.party_id, r.kind, r.name_py
               FROM case_parties cp JOIN rec r USING (party_id) WHERE r.reliable_id IS NULL),
        same_case AS (
            SELECT least(a.party_id, b.party_id) AS l, greatest(a.party_id, b.party_id) AS r
            FROM ua a JOIN case_parties cb ON cb.unit_code = a.unit_code AND cb.case_number = a.case_number
                 AND cb.party_id <> a.party_id
            JOIN fl_pop b ON b.party_id = cb.party_id AND b.kind = a.kind AND b.name_py = a.name_py
        ),
        -- a shared associate: the records of every uncommon name an unidentified record carries
        nb AS (SELECT * FROM fl_name_n),
        names AS (SELECT DISTINCT ua.kind, ua.name_py FROM ua JOIN nb USING (kind, name_py) WHERE nb.n <= {cap}),
        app AS MATERIALIZED (SELECT cp.unit_code, cp.case_number, cp.party_id, r.kind, r.name_py
                FROM case_parties cp JOIN rec r USING (party_id) SEMI JOIN names USING (kind, name_py)),
        ctx AS (
            SELECT DISTINCT x.party_id, x.kind, x.name_py, op.kind || ':' || op.name_py AS other
            FROM app x
            JOIN case_parties b ON b.unit_code = x.unit_code AND b.case_number = x.case_number
                 AND b.party_id <> x.party_id AND b.role <> 'agent'
            JOIN fl_pop op ON op.party_id = b.party_id
            JOIN nb o ON o.kind = op.kind AND o.name_py = op.name_py
            WHERE o.n <= {acap} AND op.name_py <> x.name_py
        ),
        assoc AS (
            SELECT cx.party_id AS l, cy.party_id AS r
            FROM ctx cx JOIN ctx cy ON cx.other = cy.other AND cx.kind = cy.kind
                 AND cx.name_py = cy.name_py AND cx.party_id < cy.party_id
        ),
        cand AS (SELECT l, r FROM same_case UNION SELECT l, r FROM assoc)
        SELECT DISTINCT c.l, c.r
        FROM cand c JOIN rec x ON x.party_id = c.l JOIN rec y ON y.party_id = c.r
        WHERE (x.reliable_id IS NULL OR y.reliable_id IS NULL)
          AND coalesce(x.birth_date = y.birth_date, true) AND coalesce(x.phone_norm = y.phone_norm, true)
        """  # noqa: S608 - numbers from Config
    ).fetchall()
    return [(a, b, COUNTERPART_WEIGHT, "name,counterpart") for a, b in rows if (a, b) not in known]


def _probabilistic(con: duckdb.DuckDBPyConnection, cfg: Config) -> int:
    """Link records without a reliable identifier (and identified records sharing a key with them)."""
    _pinyin_table(con)
    _population(con)
    _candidates(con, cfg)
    fellegi_sunter(con, cfg)
    links = con.execute(
        f"SELECT l, r, weight, fields FROM fl_er_pairs WHERE prob >= {float(cfg.match_probability)}"  # noqa: S608
    ).fetchall()
    links += _counterpart_links(con, cfg, {(a, b) for a, b, _w, _f in links})
    linked = [a for a, *_ in links] + [b for _a, b, *_ in links]
    con.register("fl_er_linked", pa.table({"party_id": pa.array(linked, pa.string())}))
    reliable = dict(
        con.execute(
            "SELECT party_id, reliable_id FROM fl_party_norm SEMI JOIN fl_er_linked USING (party_id)"
        ).fetchall()
    )
    con.unregister("fl_er_linked")
    rest = [
        r[0]
        for r in con.execute("SELECT party_id FROM fl_er_in WHERE reliable_id IS NULL ORDER BY 1").fetchall()
    ]
    # an unidentified record joins the identified entity it matches best; the others form components
    best_id: dict[str, tuple[float, str]] = {}
    best: dict[str, tuple[float, str]] = {}
    edges = []
    for a, b, w, fields in links:
        for u, v in ((a, b), (b, a)):
            if reliable.get(u):
                continue
            if u not in best or w > best[u][0]:
                best[u] = (w, fields)
            if reliable.get(v) and (u not in best_id or w > best_id[u][0]):
                best_id[u] = (w, reliable[v])
        if not reliable.get(a) and not reliable.get(b):
            edges.append((a, b))
    index = {u: i for i, u in enumerate(rest)}
    g = ig.Graph(n=len(rest), edges=[(index[a], index[b]) for a, b in edges], directed=False)
    comp = g.connected_components().membership
    comp_id: dict[int, tuple[float, str]] = {}
    for u, c in zip(rest, comp, strict=True):
        if u in best_id and (c not in comp_id or best_id[u][0] > comp_id[c][0]):
            comp_id[c] = best_id[u]
    first: dict[int, str] = {}
    for u, c in zip(rest, comp, strict=True):
        first.setdefault(c, u)
    rows = []
    for u, c in zip(rest, comp, strict=True):
        ent = comp_id[c][1] if c in comp_id else f"R:{first[c]}"
        w, fields = best.get(u, (None, ""))
        rows.append((u, ent, "probabilistic" if w is not None else "unmatched", w, fields))
    if rows:
        con.register(
            "fl_er_rows",
            pa.table(
                {
                    "party_id": [r[0] for r in rows],
                    "entity_id": [r[1] for r in rows],
                    "method": [r[2] for r in rows],
                    "match_weight": pa.array([r[3] for r in rows], pa.float64()),
                    "matched_fields": [r[4] for r in rows],
                }
            ),
        )
        con.execute("INSERT INTO fl_entity SELECT * FROM fl_er_rows")
        con.unregister("fl_er_rows")
    return len(links)

"""Indicator SQL (DuckDB) — one ``INSERT INTO fl_hit`` per indicator of ``config.INDICATORS``.

Inputs (temp tables built by ``pipeline``): ``fl_case`` (civil and enforcement cases),
``fl_cp`` (case × entity × role, agents with the entity they act for), ``fl_ent`` (entity →
kind, controller, honest-hub flag), ``fl_attr`` / ``fl_rel`` (phones and addresses; entities
related directly or through a legal representative). Output ``fl_hit(case_key, code, detail,
evidence)``: ``detail`` is a short English explanation with the figures, ``evidence`` a list of
case keys and shared values (the evidence path shown to reviewers).

Every "within N days" is a trailing window — the suits filed in [day − N, day] — and the
explanation prints the real span between the first and the last suit of the window.
"""

from __future__ import annotations

from casewatch.analytics.falselit.config import Config

STRUCTURAL = ("F1", "F2", "F3", "F3R", "F8", "F9", "F11")


def _q(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _trailing(days: int) -> str:
    return f"RANGE BETWEEN {int(days)} PRECEDING AND CURRENT ROW"


def statements(cfg: Config) -> list[tuple[str, str]]:
    """(code, SQL) for every indicator but F12 and the enforcement stage, thresholds from ``cfg``."""
    loan, labour, divorce = _q(cfg.loan_causes), _q(cfg.labour_causes), _q(cfg.divorce_causes)
    quick = int(cfg.f5_quick_days)
    return [
        (
            "F1",
            f"""
            WITH pair AS (
                SELECT c.case_key, c.filed, p.entity_id AS pe, d.entity_id AS de
                FROM fl_case c
                JOIN fl_cp p ON p.case_key = c.case_key AND p.role = 'plaintiff'
                JOIN fl_cp d ON d.case_key = c.case_key AND d.role = 'defendant'
                JOIN fl_ent e ON e.entity_id = p.entity_id
                WHERE c.cause_name IN ({loan}) AND c.instance = 1 AND c.case_type = 'civil' AND NOT e.hub
                  AND p.entity_id <> d.entity_id
            ), w AS (
                SELECT *, count(*) OVER win AS n, list(case_key) OVER win AS ks, filed - min(filed) OVER win AS span
                FROM pair WINDOW win AS (PARTITION BY pe, de ORDER BY filed {_trailing(cfg.f1_window_days)})
            ), h AS (SELECT unnest(ks) AS k, n, span, ks FROM w WHERE n >= {int(cfg.f1_min_suits)})
            SELECT DISTINCT ON (k) k, 'F1',
                   printf('same plaintiff and defendant in %d loan suits within %d days (window %d days)',
                          n, span, {int(cfg.f1_window_days)}), ks
            FROM h ORDER BY k, n DESC
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F2",
            f"""
            WITH s AS (
                SELECT c.case_key, c.filed, c.outcome, d.entity_id AS de, p.entity_id AS pe,
                       CASE WHEN e.kind = 'organisation' AND e.legal_rep IS NOT NULL THEN e.legal_rep
                            ELSE e.entity_id END AS lg
                FROM fl_case c
                JOIN fl_cp p ON p.case_key = c.case_key AND p.role = 'plaintiff'
                JOIN fl_cp d ON d.case_key = c.case_key AND d.role = 'defendant'
                JOIN fl_ent e ON e.entity_id = p.entity_id
                WHERE c.cause_name IN ({loan}) AND c.instance = 1 AND c.case_type = 'civil' AND NOT e.hub
            ), w AS (
                SELECT *, count(DISTINCT case_key) OVER win AS n, count(DISTINCT de) OVER win AS nd,
                       count(DISTINCT pe) OVER win AS np,
                       avg(CASE WHEN outcome IN ('withdrawal', 'default_judgment') THEN 1 ELSE 0 END) OVER win AS rate,
                       list(case_key) OVER win AS ks, filed - min(filed) OVER win AS span
                FROM s WINDOW win AS (PARTITION BY lg ORDER BY filed {_trailing(cfg.f2_window_days)})
            ), h AS (
                SELECT unnest(ks) AS k, * FROM w
                WHERE n >= {int(cfg.f2_min_suits)} AND nd >= {int(cfg.f2_min_defendants)}
                  AND (rate >= {float(cfg.f2_min_rate)} OR n >= {int(cfg.f2_volume_suits)})
            )
            SELECT DISTINCT ON (k) k, 'F2',
                   printf('one lender (%s) in %d loan suits against %d people within %d days '
                          '(window %d days); withdrawal + default judgment %.0f%%',
                          CASE WHEN np > 1 THEN printf('%d plaintiffs with one controller', np)
                               ELSE 'one plaintiff' END,
                          n, nd, span, {int(cfg.f2_window_days)}, rate * 100), ks
            FROM h ORDER BY k, n DESC
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F3",
            f"""
            WITH pd AS (
                SELECT p.case_key, p.entity_id AS pe, d.entity_id AS de
                FROM fl_cp p JOIN fl_cp d ON d.case_key = p.case_key AND d.role = 'defendant'
                JOIN fl_case c ON c.case_key = p.case_key
                WHERE p.role = 'plaintiff' AND p.entity_id <> d.entity_id AND c.cause_name NOT IN ({divorce})
            ), ties AS (
                SELECT pd.case_key, r.via, r.val FROM pd JOIN fl_rel r ON r.x = pd.pe AND r.y = pd.de
                UNION ALL
                SELECT ap.case_key, 'agent for both sides', ap.entity_id FROM fl_cp ap
                  JOIN fl_cp ad ON ad.case_key = ap.case_key AND ad.role = 'agent' AND ad.entity_id = ap.entity_id
                  JOIN fl_cp p ON p.case_key = ap.case_key AND p.entity_id = ap.represents AND p.role = 'plaintiff'
                  JOIN fl_cp d ON d.case_key = ad.case_key AND d.entity_id = ad.represents AND d.role = 'defendant'
                 WHERE ap.role = 'agent'
            )
            SELECT case_key, 'F3', 'plaintiff and defendant share: ' || string_agg(DISTINCT via, ', ' ORDER BY via),
                   list(DISTINCT via || ':' || val)
            FROM ties GROUP BY case_key
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F3R",
            f"""
            WITH ac AS (
                SELECT DISTINCT a.entity_id AS ag, x.entity_id AS pe, x.case_key
                FROM fl_cp a JOIN fl_cp x ON x.case_key = a.case_key AND x.entity_id = a.represents
                JOIN fl_ent e ON e.entity_id = x.entity_id
                WHERE a.role = 'agent' AND x.role IN ('plaintiff', 'defendant', 'applicant') AND NOT e.hub
            ), j AS MATERIALIZED (
                SELECT ac.ag, t.via, t.val, ac.case_key, ac.pe FROM ac JOIN fl_attr t ON t.entity_id = ac.pe
            ), j3 AS (
                -- the distinct counts below need at least that many rows: most (agent, value)
                -- groups have one or two and are dropped by a plain count first
                SELECT ag, via, val FROM j GROUP BY ALL HAVING count(*) >= {int(cfg.f3r_min_parties)}
            ), g0 AS (
                SELECT j.ag, j.via, j.val, count(DISTINCT j.case_key) AS nc, count(DISTINCT j.pe) AS npe,
                       list(DISTINCT j.case_key) AS ks
                FROM j SEMI JOIN j3 USING (ag, via, val)
                GROUP BY ALL HAVING npe >= {int(cfg.f3r_min_parties)} AND nc >= {int(cfg.f3r_min_parties)}
            ), shared AS (
                -- a value shared by more than max_shared entities is a switchboard (counted only
                -- for the values of candidate groups)
                SELECT via, val FROM fl_attr SEMI JOIN g0 USING (via, val)
                GROUP BY ALL HAVING count(DISTINCT entity_id) <= {int(cfg.max_shared)}
            ), g AS (
                SELECT g0.* FROM g0 SEMI JOIN shared USING (via, val)
                ANTI JOIN fl_attr o ON o.entity_id = g0.ag AND o.via = g0.via AND o.val = g0.val
            ), h AS (SELECT unnest(ks) AS k, * FROM g)
            SELECT DISTINCT ON (k) k, 'F3R',
                   printf('one agent acts for %d parties sharing one %s in %d suits', npe, via, nc),
                   list_append(ks, via || ':' || val)
            FROM h ORDER BY k, npe DESC
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F5",
            f"""
            SELECT case_key, 'F5', printf('mediated %d days after filing', closed - filed), [case_key]
            FROM fl_case
            WHERE case_type = 'civil' AND outcome = 'mediation' AND closed - filed <= {quick}
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F6",
            """
            SELECT DISTINCT ON (c.case_key) c.case_key, 'F6',
                   'defendant was already a judgment debtor in ' || e.case_key, [e.case_key]
            FROM fl_case c JOIN fl_cp d ON d.case_key = c.case_key AND d.role = 'defendant'
            JOIN fl_cp x ON x.entity_id = d.entity_id AND x.role = 'debtor'
            JOIN fl_case e ON e.case_key = x.case_key AND e.filed < c.filed
            WHERE c.case_type = 'civil'
            """,
        ),
        (
            "F8",
            f"""
            WITH ev AS (SELECT DISTINCT case_key, kind FROM fl_event
                        WHERE kind IN ('execution_objection', 'distribution_claim')),
            rel AS (
                SELECT ev.case_key, ev.kind, o.entity_id AS oe, d.entity_id AS de, o.role AS orole FROM ev
                JOIN fl_cp d ON d.case_key = ev.case_key AND d.role = 'debtor'
                JOIN fl_cp o ON o.case_key = ev.case_key AND o.role IN ('applicant', 'third_party')
                WHERE o.entity_id <> d.entity_id
                UNION ALL
                SELECT c.case_key, 'objection suit', p.entity_id, t.entity_id, 'third_party' FROM fl_case c
                JOIN fl_cp p ON p.case_key = c.case_key AND p.role = 'plaintiff'
                JOIN fl_cp t ON t.case_key = c.case_key AND t.role IN ('third_party', 'defendant')
                WHERE c.case_type = 'civil' AND c.cause_name LIKE '%执行异议%' AND p.entity_id <> t.entity_id
            ), consent AS (
                -- an outsider (not the applicant enforcing its own title) whose own claim against the
                -- debtor was settled by consent within days, shortly before: the consent document is
                -- the title the objection stands on
                -- (2021 意见 第2条, 类型2; 2018 解释 1(6); 2016 意见 情形4-5)
                SELECT rel.case_key, rel.kind, s.case_key AS sk, rel.oe
                FROM rel JOIN fl_case e ON e.case_key = rel.case_key
                JOIN fl_cp sp ON sp.entity_id = rel.oe AND sp.role = 'plaintiff'
                JOIN fl_cp sd ON sd.case_key = sp.case_key AND sd.entity_id = rel.de AND sd.role = 'defendant'
                JOIN fl_case s ON s.case_key = sp.case_key
                WHERE rel.kind IN ('execution_objection', 'objection suit') AND rel.orole = 'third_party'
                  AND s.case_type = 'civil'
                  AND s.outcome = 'mediation' AND s.closed - s.filed <= {quick}
                  AND s.filed BETWEEN e.filed - {int(cfg.f8_consent_lookback_days)} AND e.filed
            ), ties AS (
                SELECT rel.case_key, rel.kind, r.via, r.val, rel.oe
                FROM rel JOIN fl_rel r ON r.x = rel.oe AND r.y = rel.de
                UNION ALL
                SELECT case_key, kind, 'consent judgment against the debtor', sk, oe FROM consent
            )
            SELECT case_key, 'F8',
                   printf('%s by %d part%s related to the debtor (%s)', any_value(kind), count(DISTINCT oe),
                          CASE WHEN count(DISTINCT oe) = 1 THEN 'y' ELSE 'ies' END, string_agg(DISTINCT via, ', ' ORDER BY via)),
                   list_prepend(case_key, list(DISTINCT via || ':' || val))
            FROM ties GROUP BY case_key
            UNION ALL
            SELECT sk, 'F8', printf('consent judgment the objector then used in %s against the debtor (%s)',
                                    any_value(kind), any_value(case_key)),
                   list_prepend(sk, list(DISTINCT case_key))
            FROM consent GROUP BY sk
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F9",
            f"""
            WITH dv AS (
                SELECT c.case_key, c.filed, coalesce(c.closed, DATE '9999-12-31') AS closed, x.entity_id
                FROM fl_case c JOIN fl_cp x ON x.case_key = c.case_key AND x.role IN ('plaintiff', 'defendant')
                WHERE c.cause_name IN ({divorce}) AND c.instance = 1
            ), cand AS (
                SELECT c.case_key, c.filed, c.closed, c.outcome, dv.case_key AS dk, dv.filed AS dfiled,
                       d.entity_id AS spouse, p.entity_id AS pe
                FROM fl_case c
                JOIN fl_cp d ON d.case_key = c.case_key AND d.role = 'defendant'
                JOIN dv ON dv.entity_id = d.entity_id
                       AND c.filed BETWEEN dv.filed - {int(cfg.f9_lookback_days)} AND dv.closed + {int(cfg.f9_grace_days)}
                JOIN fl_cp p ON p.case_key = c.case_key AND p.role = 'plaintiff'
                JOIN fl_ent pe ON pe.entity_id = p.entity_id
                WHERE c.case_type = 'civil' AND c.instance = 1 AND c.cause_name IN ({loan}) AND NOT pe.hub
            ), hit AS (
                SELECT cand.case_key, dk, any_value(cand.filed - dfiled) AS lag,
                       bool_or(pe.surname = se.surname) AS same_surname,
                       bool_or(r.x IS NOT NULL) AS related,
                       bool_or(cand.outcome = 'mediation' AND cand.closed - cand.filed <= {quick}) AS quick
                FROM cand
                JOIN fl_ent pe ON pe.entity_id = cand.pe JOIN fl_ent se ON se.entity_id = cand.spouse
                LEFT JOIN fl_rel r ON r.x = cand.pe AND r.y = cand.spouse
                GROUP BY ALL
                HAVING bool_or(r.x IS NOT NULL) OR (bool_or(pe.surname = se.surname) AND bool_or(cand.outcome = 'mediation'
                       AND cand.closed - cand.filed <= {quick}))
            )
            SELECT case_key, 'F9',
                   printf('loan suit against a spouse filed %d days %s divorce %s', abs(lag),
                          CASE WHEN lag < 0 THEN 'before' ELSE 'after the filing of' END, dk) ||
                   CASE WHEN related THEN ' (plaintiff related to the spouse)' ELSE '' END ||
                   CASE WHEN same_surname THEN ' (plaintiff shares the spouse''s surname)' ELSE '' END ||
                   CASE WHEN quick THEN ' (settled at once)' ELSE '' END,
                   [dk, case_key]
            FROM hit
            UNION ALL
            SELECT dk, 'F9', printf('%d loan suit(s) against a spouse filed around this divorce', count(*)),
                   list(case_key)
            FROM hit GROUP BY dk
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F11",
            f"""
            WITH s AS (
                SELECT c.case_key, c.filed, c.cause_name, d.entity_id AS de, p.entity_id AS pe,
                       CASE WHEN c.outcome = 'mediation' AND c.closed - c.filed <= {quick} THEN 1 ELSE 0 END AS quick
                FROM fl_case c
                JOIN fl_cp d ON d.case_key = c.case_key AND d.role = 'defendant'
                JOIN fl_ent e ON e.entity_id = d.entity_id AND e.kind = 'organisation' AND NOT e.hub
                JOIN fl_cp p ON p.case_key = c.case_key AND p.role = 'plaintiff'
                JOIN fl_ent pp ON pp.entity_id = p.entity_id AND NOT pp.hub
                WHERE c.case_type = 'civil' AND c.instance = 1
            ), t AS (
                SELECT s.*, EXISTS (SELECT 1 FROM fl_rel r WHERE r.x = s.pe AND r.y = s.de)
                    OR EXISTS (SELECT 1 FROM s s2 JOIN fl_rel r ON r.x = s.pe AND r.y = s2.pe
                               WHERE s2.de = s.de AND abs(s2.filed - s.filed) <= {int(cfg.f11_window_days)}) AS tied
                FROM s
            ), w AS (
                SELECT *,
                    count(DISTINCT pe) OVER win AS n, avg(quick) OVER win AS q,
                    count(DISTINCT CASE WHEN tied THEN pe END) OVER win AS nt,
                    list(case_key) OVER win AS ks, filed - min(filed) OVER win AS span,
                    avg(CASE WHEN cause_name IN ({labour}) THEN 1 ELSE 0 END) OVER win AS lab
                FROM t
                WINDOW win AS (PARTITION BY de ORDER BY filed {_trailing(cfg.f11_window_days)})
            ), h0 AS (
                SELECT unnest(ks) AS k, * FROM w
                WHERE n >= {int(cfg.f11_min_suits)} AND q >= {float(cfg.f11_min_quick_share)}
                  AND nt >= greatest(2, n * {float(cfg.f11_min_tied_share)})
            ), h AS (
                -- only the suits that carry the pattern: settled at once or by a related plaintiff
                SELECT h0.* FROM h0 JOIN t ON t.case_key = h0.k WHERE t.quick = 1 OR t.tied
            )
            SELECT DISTINCT ON (k) k, 'F11',
                   printf('%d plaintiffs sued the same company within %d days (window %d days); %.0f%% mediated '
                          'quickly; %d plaintiffs related to the company or to each other%s',
                          n, span, {int(cfg.f11_window_days)}, q * 100, nt,
                          CASE WHEN lab >= 0.5 THEN '; labour claims' ELSE '' END),
                   ks
            FROM h ORDER BY k, n DESC
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
    ]


#: enforcement cases between the same applicant and debtor as a suit with a structural indicator
ENFORCEMENT_SQL = f"""
SELECT DISTINCT ON (e.case_key, h.code) e.case_key, h.code,
       'enforcement of ' || h.case_key || ' (' || h.code || ')', [h.case_key, e.case_key]
FROM fl_hit h
JOIN fl_cp p ON p.case_key = h.case_key AND p.role = 'plaintiff'
JOIN fl_cp d ON d.case_key = h.case_key AND d.role = 'defendant'
JOIN fl_cp a ON a.entity_id = p.entity_id AND a.role = 'applicant'
JOIN fl_cp x ON x.case_key = a.case_key AND x.entity_id = d.entity_id AND x.role = 'debtor'
JOIN fl_case e ON e.case_key = a.case_key AND e.case_type = 'enforcement'
WHERE h.code IN ({_q(STRUCTURAL)})
"""  # noqa: S608 - constants

F12_SQL = f"""
WITH strong AS (SELECT DISTINCT case_key FROM fl_hit WHERE code IN ({_q(STRUCTURAL)})),
ag AS (
    SELECT a.entity_id, list(DISTINCT a.case_key) AS ks, count(DISTINCT a.case_key) AS n
    FROM fl_cp a JOIN strong s ON s.case_key = a.case_key WHERE a.role = 'agent' GROUP BY 1
)
SELECT DISTINCT ON (u.case_key) u.case_key, 'F12', printf('agent acts in %d flagged cases', ag.n), ag.ks
FROM ag, unnest(ag.ks) AS u(case_key) WHERE ag.n >= {{n}}
"""  # noqa: S608 - constants

"""Indicator SQL (DuckDB) — one ``INSERT INTO fl_hit`` per indicator of ``config.INDICATORS``.

Inputs (temp tables built by ``pipeline``): ``fl_case`` (civil and enforcement cases),
``fl_cp`` (case × entity × role, agents with the entity they act for), ``fl_ent`` (entity →
phone, address, surname, kind, number of suits as plaintiff). Output ``fl_hit(case_key, code,
detail, evidence)``: ``detail`` is a short English explanation with the figures, ``evidence`` a
list of case keys and shared values (the evidence path shown to reviewers).
"""

from __future__ import annotations

from casewatch.analytics.falselit.config import Config


def _q(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def statements(cfg: Config) -> list[tuple[str, str]]:
    """(code, SQL) for every indicator, thresholds from ``cfg``."""
    loan, labour, divorce = _q(cfg.loan_causes), _q(cfg.labour_causes), _q(cfg.divorce_causes)
    hub = int(cfg.hub_degree)
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
                WHERE c.cause_name IN ({loan}) AND c.instance = 1 AND e.n_plaintiff <= {hub}
            ), w AS (
                SELECT *, count(*) OVER (PARTITION BY pe, de ORDER BY filed
                    RANGE BETWEEN {int(cfg.f1_window_days)} PRECEDING AND {int(cfg.f1_window_days)} FOLLOWING) AS n,
                    list(case_key) OVER (PARTITION BY pe, de ORDER BY filed
                    RANGE BETWEEN {int(cfg.f1_window_days)} PRECEDING AND {int(cfg.f1_window_days)} FOLLOWING) AS ks
                FROM pair
            )
            SELECT DISTINCT ON (case_key) case_key, 'F1',
                   printf('same plaintiff and defendant in %d loan suits within %d days', n, {int(cfg.f1_window_days)}),
                   ks
            FROM w WHERE n >= {int(cfg.f1_min_suits)}
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F2",
            f"""
            WITH s AS (
                SELECT c.case_key, c.filed, c.outcome, p.entity_id AS pe
                FROM fl_case c JOIN fl_cp p ON p.case_key = c.case_key AND p.role = 'plaintiff'
                JOIN fl_ent e ON e.entity_id = p.entity_id
                WHERE c.cause_name IN ({loan}) AND c.instance = 1 AND e.kind = 'person'
            ), r AS (
                SELECT pe, avg(CASE WHEN outcome IN ('withdrawal', 'default_judgment') THEN 1 ELSE 0 END) AS rate,
                       avg(CASE WHEN outcome = 'mediation' THEN 1 ELSE 0 END) AS med
                FROM s GROUP BY pe HAVING count(*) >= {int(cfg.f2_min_suits)}
            ), w AS (
                SELECT s.*, r.rate, r.med,
                    count(*) OVER (PARTITION BY s.pe ORDER BY filed
                        RANGE BETWEEN {int(cfg.f2_window_days)} PRECEDING AND {int(cfg.f2_window_days)} FOLLOWING) AS n,
                    list(case_key) OVER (PARTITION BY s.pe ORDER BY filed
                        RANGE BETWEEN {int(cfg.f2_window_days)} PRECEDING AND {int(cfg.f2_window_days)} FOLLOWING) AS ks
                FROM s JOIN r USING (pe)
            )
            SELECT case_key, 'F2',
                   printf('plaintiff (natural person) in %d loan suits within %d days; withdrawal + default judgment %.0f%%, mediation %.0f%%',
                          n, {int(cfg.f2_window_days)}, rate * 100, med * 100),
                   ks
            FROM w WHERE n >= {int(cfg.f2_min_suits)}
              AND (rate >= {float(cfg.f2_min_rate)} OR n >= {int(cfg.f2_volume_suits)})
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F3",
            """
            WITH pd AS (
                SELECT p.case_key, p.entity_id AS pe, d.entity_id AS de
                FROM fl_cp p JOIN fl_cp d ON d.case_key = p.case_key AND d.role = 'defendant'
                WHERE p.role = 'plaintiff' AND p.entity_id <> d.entity_id
            ), ties AS (
                SELECT pd.case_key, 'phone' AS via, a.phone AS val FROM pd
                  JOIN fl_ent a ON a.entity_id = pd.pe JOIN fl_ent b ON b.entity_id = pd.de
                 WHERE a.phone IS NOT NULL AND a.phone = b.phone
                UNION ALL
                SELECT pd.case_key, 'address', a.address FROM pd
                  JOIN fl_ent a ON a.entity_id = pd.pe JOIN fl_ent b ON b.entity_id = pd.de
                 WHERE a.address IS NOT NULL AND a.address = b.address
                UNION ALL
                SELECT pd.case_key, 'legal representative', pd.pe FROM pd
                  JOIN fl_ent b ON b.entity_id = pd.de WHERE b.legal_rep = pd.pe
                UNION ALL
                SELECT pd.case_key, 'legal representative', pd.de FROM pd
                  JOIN fl_ent a ON a.entity_id = pd.pe WHERE a.legal_rep = pd.de
                UNION ALL
                SELECT ap.case_key, 'agent for both sides', ap.entity_id FROM fl_cp ap
                  JOIN fl_cp ad ON ad.case_key = ap.case_key AND ad.role = 'agent' AND ad.entity_id = ap.entity_id
                  JOIN fl_cp p ON p.case_key = ap.case_key AND p.entity_id = ap.represents AND p.role = 'plaintiff'
                  JOIN fl_cp d ON d.case_key = ad.case_key AND d.entity_id = ad.represents AND d.role = 'defendant'
                 WHERE ap.role = 'agent'
            )
            SELECT case_key, 'F3', 'plaintiff and defendant share: ' || string_agg(DISTINCT via, ', '),
                   list(DISTINCT via || ':' || val)
            FROM ties GROUP BY case_key
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F5",
            f"""
            SELECT case_key, 'F5', printf('mediated %d days after filing', closed - filed), [case_key]
            FROM fl_case
            WHERE case_type = 'civil' AND outcome = 'mediation' AND closed - filed <= {int(cfg.f5_quick_days)}
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
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F8",
            """
            WITH ev AS (SELECT DISTINCT case_key FROM fl_event
                        WHERE kind IN ('execution_objection', 'distribution_claim')),
            rel AS (
                SELECT o.case_key, o.entity_id AS oe, d.entity_id AS de FROM ev
                JOIN fl_cp d ON d.case_key = ev.case_key AND d.role = 'debtor'
                JOIN fl_cp o ON o.case_key = ev.case_key AND o.role IN ('applicant', 'third_party')
                WHERE o.entity_id <> d.entity_id
            ), ties AS (
                SELECT rel.case_key, 'phone' AS via FROM rel JOIN fl_ent a ON a.entity_id = rel.oe
                  JOIN fl_ent b ON b.entity_id = rel.de WHERE a.phone = b.phone
                UNION ALL
                SELECT rel.case_key, 'address' FROM rel JOIN fl_ent a ON a.entity_id = rel.oe
                  JOIN fl_ent b ON b.entity_id = rel.de WHERE a.address = b.address
                UNION ALL
                SELECT rel.case_key, 'legal representative' FROM rel JOIN fl_ent b ON b.entity_id = rel.de
                  WHERE b.legal_rep = rel.oe
            )
            SELECT case_key, 'F8', 'objection / distribution claim by a party sharing ' ||
                   string_agg(DISTINCT via, ', ') || ' with the debtor', [case_key]
            FROM ties GROUP BY case_key
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F9",
            f"""
            WITH dv AS (
                SELECT c.case_key, c.filed, coalesce(c.closed, DATE '9999-12-31') AS closed, x.entity_id
                FROM fl_case c JOIN fl_cp x ON x.case_key = c.case_key AND x.role IN ('plaintiff', 'defendant')
                WHERE c.cause_name IN ({divorce}) AND c.instance = 1
            ), hit AS (
                SELECT c.case_key, dv.case_key AS dk, d.entity_id AS spouse,
                       bool_or(pe.surname = se.surname) AS same_surname
                FROM fl_case c
                JOIN fl_cp d ON d.case_key = c.case_key AND d.role = 'defendant'
                JOIN dv ON dv.entity_id = d.entity_id AND c.filed BETWEEN dv.filed AND dv.closed + {int(cfg.f9_grace_days)}
                JOIN fl_cp p ON p.case_key = c.case_key AND p.role = 'plaintiff'
                JOIN fl_ent pe ON pe.entity_id = p.entity_id
                JOIN fl_ent se ON se.entity_id = d.entity_id
                WHERE c.case_type = 'civil' AND c.instance = 1 AND c.cause_name NOT IN ({divorce})
                  AND pe.n_plaintiff <= {hub}
                GROUP BY ALL
            )
            SELECT case_key, 'F9',
                   'suit against a spouse while divorce ' || dk || ' is pending' ||
                   CASE WHEN same_surname THEN ' (plaintiff shares the spouse''s surname)' ELSE '' END,
                   [dk, case_key]
            FROM hit
            UNION ALL
            SELECT dk, 'F9', printf('%d suit(s) against a spouse filed while this divorce was pending', count(*)),
                   list(case_key)
            FROM hit GROUP BY dk
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
        (
            "F11",
            f"""
            WITH s AS (
                SELECT c.case_key, c.filed, c.cause_name, d.entity_id AS de, p.entity_id AS pe,
                       CASE WHEN c.outcome = 'mediation' AND c.closed - c.filed <= {int(cfg.f5_quick_days)}
                            THEN 1 ELSE 0 END AS quick
                FROM fl_case c
                JOIN fl_cp d ON d.case_key = c.case_key AND d.role = 'defendant'
                JOIN fl_ent e ON e.entity_id = d.entity_id AND e.kind = 'organisation'
                JOIN fl_cp p ON p.case_key = c.case_key AND p.role = 'plaintiff'
                JOIN fl_ent pp ON pp.entity_id = p.entity_id AND pp.n_plaintiff <= {hub}
                WHERE c.case_type = 'civil' AND c.instance = 1
            ), w AS (
                SELECT *,
                    count(DISTINCT pe) OVER win AS n, avg(quick) OVER win AS q,
                    list(case_key) OVER win AS ks,
                    avg(CASE WHEN cause_name IN ({labour}) THEN 1 ELSE 0 END) OVER win AS lab
                FROM s
                WINDOW win AS (PARTITION BY de ORDER BY filed
                    RANGE BETWEEN {int(cfg.f11_window_days)} PRECEDING AND {int(cfg.f11_window_days)} FOLLOWING)
            )
            SELECT DISTINCT ON (case_key) case_key, 'F11',
                   printf('%d plaintiffs sued the same company within %d days (%.0f%% mediated quickly%s)',
                          n, {int(cfg.f11_window_days)}, q * 100,
                          CASE WHEN lab >= 0.5 THEN ', labour claims' ELSE '' END),
                   ks
            FROM w WHERE n >= {int(cfg.f11_min_suits)} AND q >= {float(cfg.f11_min_quick_share)}
            """,  # noqa: S608 - thresholds are numbers from Config
        ),
    ]


F12_SQL = """
WITH strong AS (SELECT DISTINCT case_key FROM fl_hit WHERE code IN ('F1', 'F2', 'F3', 'F8', 'F9', 'F11')),
ag AS (
    SELECT a.entity_id, list(DISTINCT a.case_key) AS ks, count(DISTINCT a.case_key) AS n
    FROM fl_cp a JOIN strong s ON s.case_key = a.case_key WHERE a.role = 'agent' GROUP BY 1
)
SELECT u.case_key, 'F12', printf('agent acts in %d flagged cases', ag.n), ag.ks
FROM ag, unnest(ag.ks) AS u(case_key) WHERE ag.n >= {n}
"""

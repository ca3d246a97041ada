"""Data-entry rules (DE-*): records that contradict themselves.

DE-01..03 contradict the importer's validation, so they only find data that reached the lake by
another route (an agency's own Parquet export); the rules still run everywhere.
"""

from __future__ import annotations

from casewatch.analytics.ningbo import HISTORIC_DIVISIONS
from casewatch.analytics.rules.citations import DATA_ENTRY_NORM, cite, external
from casewatch.analytics.rules.fragments import quoted, same_case
from casewatch.analytics.rules.model import Rule

AREA = "业务数据录入"
TRIAL_LIMIT_RULE = "最高人民法院关于严格执行案件审理期限制度的若干规定"

#: event kinds that legitimately happen before filing (received, detention, questioning)
BEFORE_FILING_OK = ("received", "detained", "questioning_start", "questioning_end")
#: event kinds that legitimately happen after closing (appeal, list maintenance, releases)
AFTER_CLOSING_OK = (
    "appealed",
    "remanded",
    "reversed",
    "closed",
    "funds_released",
    "delisted",
    "released",
    "listed_dishonest",
    "performed",
)
CLOSING_EVENTS = ("judgment_pronounced", "mediation_concluded", "withdrawn", "closed")

DE_01 = Rule(
    id="DE-01",
    title_zh="结案日期早于立案日期",
    title_en="Closed before it was filed",
    area=AREA,
    severity="medium",
    subject="case",
    basis=(DATA_ENTRY_NORM, cite(TRIAL_LIMIT_RULE, "第10条", "what the closing date is")),
    explanation_zh="结案日期不能早于立案日期。",
    explanation_en="A case cannot close before it was filed.",
    evidence_zh="立案 {filed_on}，结案 {closed_on}（早 {days_before}）",
    evidence_en="Filed {filed_on}, closed {closed_on} ({days_before} earlier)",
    sql="""SELECT 'DE-01' AS rule_id, c.unit_code, c.case_number, 'case' AS subject,
       c.filed_at AS filed_on, c.closed_at AS closed_on, date_diff('day', c.closed_at, c.filed_at) AS days_before
FROM cases AS c
WHERE c.closed_at < c.filed_at""",
)

DE_02 = Rule(
    id="DE-02",
    title_zh="程序事件日期在立案前或结案后",
    title_en="Event dated before filing or after closing",
    area=AREA,
    severity="low",
    subject="event",
    basis=(DATA_ENTRY_NORM,),
    explanation_zh=(
        "程序事件应当发生在立案与结案之间；收案、拘留、询问查证可早于立案，上诉、发回、改判、结案、案款发放、移出失信名单、"
        "释放、纳入失信名单、履行完毕可晚于结案。"
    ),
    explanation_en=(
        "Events fall between filing and closing, except receipt, detention and questioning (may precede "
        "filing) and appeals, list maintenance, releases, performance and fund releases (may follow closing)."
    ),
    evidence_zh="{event_kind} {occurred_at} {side}（立案 {filed_on}，结案 {closed_on}）",
    evidence_en="Event {event_kind} at {occurred_at} is {side} (filed {filed_on}, closed {closed_on})",
    sql=f"""SELECT 'DE-02' AS rule_id, e.unit_code, e.case_number, CAST(e.seq AS VARCHAR) AS subject,
       e.kind AS event_kind, e.occurred_at, c.filed_at AS filed_on, c.closed_at AS closed_on,
       CASE WHEN CAST(e.occurred_at AS DATE) < c.filed_at THEN 'before_filing' ELSE 'after_closing' END AS side
FROM events AS e JOIN cases AS c ON {same_case("e", "c")}
WHERE (CAST(e.occurred_at AS DATE) < c.filed_at AND e.kind NOT IN ({quoted(BEFORE_FILING_OK)}))
   OR (CAST(e.occurred_at AS DATE) > c.closed_at AND e.kind NOT IN ({quoted(AFTER_CLOSING_OK)}))""",  # noqa: S608
)

_SUCCESSOR = " ".join(f"WHEN '{old}' THEN '{new}'" for old, (_name, new) in HISTORIC_DIVISIONS.items())

DE_03 = Rule(
    id="DE-03",
    title_zh="案号区划代码与承办法院不符",
    title_en="Case-number county code differs from the court's",
    area=AREA,
    severity="medium",
    subject="case",
    basis=(external("最高人民法院关于人民法院案件案号的若干规定"),),
    explanation_zh=(
        "案号中的法院代字应与承办法院所在行政区划一致；已撤并的区划代码（如江东区 330204）按其承继区划比较。"
    ),
    explanation_en=(
        "The court code inside a case number must match the court's county; retired division codes (江东区 "
        "330204) are compared as their successor."
    ),
    evidence_zh="案号区划代码 {case_number_division}，承办法院区划代码 {unit_division}",
    evidence_en="Case-number county code {case_number_division}, court county code {unit_division}",
    sql=f"""SELECT 'DE-03' AS rule_id, c.unit_code, c.case_number, 'case' AS subject,
       c.court_division_code AS case_number_division, u.division_code AS unit_division
FROM cases AS c JOIN units AS u ON u.code = c.unit_code
WHERE u.agency_kind = 'court' AND c.court_division_code IS NOT NULL AND u.division_code IS NOT NULL
  AND CASE c.court_division_code {_SUCCESSOR} ELSE c.court_division_code END <> u.division_code""",  # noqa: S608
)

DE_04 = Rule(
    id="DE-04",
    title_zh="已结案件缺结案日期或结案方式",
    title_en="Closed case without closing date or outcome",
    area=AREA,
    severity="low",
    subject="case",
    basis=(DATA_ENTRY_NORM, cite(TRIAL_LIMIT_RULE, "第10条", "what the closing date is")),
    explanation_zh="状态为已结的案件应当记录结案日期和结案方式。",
    explanation_en="A closed case must record its closing date and outcome.",
    evidence_zh="状态已结，结案日期 {closed_on}，结案方式 {outcome}",
    evidence_en="Status closed, closing date {closed_on}, outcome {outcome}",
    sql="""SELECT 'DE-04' AS rule_id, c.unit_code, c.case_number, 'case' AS subject,
       c.closed_at AS closed_on, c.outcome
FROM cases AS c
WHERE c.status = 'closed' AND (c.closed_at IS NULL OR c.outcome IS NULL)""",
)

DE_05 = Rule(
    id="DE-05",
    title_zh="在办案件已有结案事件",
    title_en="Pending case with a closing event",
    area=AREA,
    severity="low",
    subject="case",
    basis=(DATA_ENTRY_NORM,),
    explanation_zh="已记录宣判、调解结案、撤诉或结案事件的案件，状态不应仍为在办。",
    explanation_en="A case with a judgment, mediation, withdrawal or closing event should not be pending.",
    evidence_zh="状态在办，但 {occurred_at} 已有{event_kind}事件",
    evidence_en="Status pending, but a {event_kind} event is recorded at {occurred_at}",
    sql=f"""WITH pending AS (
  SELECT unit_code, case_number, status FROM cases WHERE status = 'pending'
),
closing AS (
  SELECT e.unit_code, e.case_number, e.kind, e.occurred_at,
         ROW_NUMBER() OVER (PARTITION BY e.unit_code, e.case_number ORDER BY e.occurred_at, e.seq) AS n
  FROM events AS e JOIN pending AS p ON {same_case("e", "p")}
  WHERE e.kind IN ({quoted(CLOSING_EVENTS)})
)
SELECT 'DE-05' AS rule_id, p.unit_code, p.case_number, 'case' AS subject, p.status,
       e.kind AS event_kind, e.occurred_at
FROM pending AS p JOIN closing AS e ON {same_case("e", "p")} AND e.n = 1""",  # noqa: S608
)

RULES = (DE_01, DE_02, DE_03, DE_04, DE_05)

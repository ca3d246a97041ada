"""Procuratorate rules (PR-*, PL-01): prosecution review limits and plea-leniency safeguards."""

from __future__ import annotations

from casewatch.analytics.rules.citations import cite, external
from casewatch.analytics.rules.fragments import AS_OF, same_case
from casewatch.analytics.rules.model import Rule

PR_01 = Rule(
    id="PR-01",
    title_zh="审查起诉超期",
    title_en="Prosecution review beyond its time limit",
    area="规范司法办案",
    severity="high",
    subject="case",
    basis=(cite("刑事诉讼法", "第172条"), cite("刑事诉讼法", "第105条")),
    explanation_zh=(
        "人民检察院对移送起诉的案件应当在一个月以内作出决定，重大、复杂的案件可以延长十五日。自最后一次受理审查起诉"
        "（退回补充侦查后重新计算）起算，有延长审查起诉期限记录的加十五日，届满日遇节假日顺延；以其后首次起诉或不起诉"
        "决定为准，未作决定的按结案日或统计截止日。速裁案件适用 PR-06。"
    ),
    explanation_en=(
        "The procuratorate must decide within 1 month of receiving a case, 1 month + 15 days when the review "
        "was extended. The period runs from the last receipt (it restarts after supplementary investigation); "
        "a due date on a rest day moves to the next working day. The first indictment or non-prosecution "
        "decision after the receipt ends it, else the closing date or the as-of date. Expedited cases: PR-06."
    ),
    evidence_zh="受理审查起诉 {received_on}，期限 {limit_period}，届满日 {due_date}；{end_basis} {end_on}，超期 {days_over}",
    evidence_en=(
        "Review received {received_on}, limit {limit_period}, due {due_date}; {end_basis} {end_on}: "
        "{days_over} over"
    ),
    sql=f"""WITH scope AS (
  SELECT c.unit_code, c.case_number, c.closed_at, MAX(e.occurred_at) AS received_at
  FROM cases AS c JOIN events AS e ON {same_case("e", "c")}
  WHERE c.case_type = 'prosecution_review' AND COALESCE(c.procedure, '') <> 'expedited'
    AND e.kind = 'review_received'
  GROUP BY c.unit_code, c.case_number, c.closed_at
),
decisions AS (
  SELECT s.unit_code, s.case_number, e.kind, e.occurred_at,
         ROW_NUMBER() OVER (PARTITION BY s.unit_code, s.case_number ORDER BY e.occurred_at, e.seq) AS n
  FROM scope AS s JOIN events AS e ON {same_case("e", "s")}
  WHERE e.kind IN ('indicted', 'not_prosecuted') AND e.occurred_at >= s.received_at
),
extended AS (
  SELECT DISTINCT s.unit_code, s.case_number
  FROM scope AS s JOIN events AS e ON {same_case("e", "s")}
  WHERE e.kind = 'review_extended' AND e.occurred_at >= s.received_at
),
due AS (
  SELECT s.unit_code, s.case_number, CAST(s.received_at AS DATE) AS received_on,
         CASE WHEN x.unit_code IS NULL THEN 'P1M' ELSE 'P1M15D' END AS limit_period,
         CASE WHEN x.unit_code IS NULL THEN CAST(CAST(s.received_at AS DATE) + INTERVAL 1 MONTH AS DATE)
              ELSE CAST(CAST(s.received_at AS DATE) + INTERVAL 1 MONTH AS DATE) + CAST(15 AS INTEGER)
         END AS unshifted_due,
         COALESCE(CAST(d.occurred_at AS DATE), s.closed_at, {AS_OF}) AS end_on,
         CASE WHEN d.occurred_at IS NOT NULL THEN d.kind WHEN s.closed_at IS NOT NULL THEN 'closed'
              ELSE 'as_of' END AS end_basis
  FROM scope AS s
  LEFT JOIN decisions AS d ON {same_case("d", "s")} AND d.n = 1
  LEFT JOIN extended AS x ON {same_case("x", "s")}
)
SELECT 'PR-01' AS rule_id, d.unit_code, d.case_number, 'case' AS subject,
       d.received_on, d.limit_period, COALESCE(cal.next_workday, d.unshifted_due) AS due_date,
       d.end_basis, d.end_on, date_diff('day', COALESCE(cal.next_workday, d.unshifted_due), d.end_on) AS days_over,
       cal.next_workday IS NULL AS calendar_gap
FROM due AS d
LEFT JOIN calendar AS cal ON cal.day = d.unshifted_due
WHERE d.end_on > COALESCE(cal.next_workday, d.unshifted_due)""",  # noqa: S608
)


def _plea_event_sql(rule_id: str, column: str) -> str:
    return f"""SELECT '{rule_id}' AS rule_id, e.unit_code, e.case_number, CAST(e.seq AS VARCHAR) AS subject,
       e.occurred_at AS signed_at, e.lawyer_present, e.lawyer_role, e.recorded
FROM events AS e
WHERE e.kind = 'plea_statement_signed' AND COALESCE(e.{column}, FALSE) = FALSE"""  # noqa: S608


PR_02 = Rule(
    id="PR-02",
    title_zh="签署认罪认罚具结书时无律师在场",
    title_en="Plea statement signed without a lawyer present",
    area="认罪认罚适用",
    severity="high",
    subject="event",
    basis=(cite("刑事诉讼法", "第174条"), cite("人民检察院刑事诉讼规则", "第272条")),
    explanation_zh="犯罪嫌疑人认罪认罚的，应当在辩护人或者值班律师在场的情况下签署认罪认罚具结书；律师在场记录为否或缺失即报。",
    explanation_en=(
        "A plea statement must be signed in the presence of defence counsel or a duty lawyer; the finding "
        "fires when lawyer presence is recorded as false or not recorded."
    ),
    evidence_zh="{signed_at} 签署具结书，律师在场：{lawyer_present}（在场律师身份：{lawyer_role}）",
    evidence_en="Plea statement signed {signed_at}, lawyer present: {lawyer_present} (lawyer role: {lawyer_role})",
    sql=_plea_event_sql("PR-02", "lawyer_present"),
)

PR_03 = Rule(
    id="PR-03",
    title_zh="认罪认罚具结书签署未同步录音录像",
    title_en="Plea statement signing not recorded on video",
    area="认罪认罚适用",
    severity="medium",
    subject="event",
    basis=(
        cite("人民检察院刑事诉讼规则", "第272条"),
        external(
            "人民检察院办理认罪认罚案件听取意见同步录音录像规定",
            note="最高人民检察院 2022; text not in the shared law corpus",
        ),
    ),
    explanation_zh="认罪认罚案件听取意见、签署具结书应当同步录音录像；同步录音录像记录为否或缺失即报。",
    explanation_en=(
        "Hearing opinions and signing the plea statement must be recorded on audio and video; the finding "
        "fires when recording is recorded as false or not recorded."
    ),
    evidence_zh="{signed_at} 签署具结书，同步录音录像：{recorded}",
    evidence_en="Plea statement signed {signed_at}, audio-video recorded: {recorded}",
    sql=_plea_event_sql("PR-03", "recorded"),
)

PR_04 = Rule(
    id="PR-04",
    title_zh="退回补充侦查超过两次",
    title_en="Supplementary investigation more than twice",
    area="案件流程规范",
    severity="medium",
    subject="case",
    basis=(cite("刑事诉讼法", "第175条"),),
    explanation_zh="对于补充侦查的案件，补充侦查以二次为限。",
    explanation_en="A case may be returned for supplementary investigation at most twice.",
    evidence_zh="退回补充侦查 {returns} 次（{first_return_on} 至 {last_return_on}），上限 {limit_count} 次",
    evidence_en=(
        "Returned for supplementary investigation {returns} times ({first_return_on} to {last_return_on}), "
        "limit {limit_count}"
    ),
    sql=f"""SELECT 'PR-04' AS rule_id, c.unit_code, c.case_number, 'case' AS subject,
       COUNT(*) AS returns, CAST(MIN(e.occurred_at) AS DATE) AS first_return_on,
       CAST(MAX(e.occurred_at) AS DATE) AS last_return_on, 2 AS limit_count
FROM cases AS c JOIN events AS e ON {same_case("e", "c")}
WHERE c.case_type = 'prosecution_review' AND e.kind = 'returned_for_supplementary_investigation'
GROUP BY c.unit_code, c.case_number
HAVING COUNT(*) > 2""",  # noqa: S608
)

PR_05 = Rule(
    id="PR-05",
    title_zh="认罪认罚案件起诉但无具结书记录",
    title_en="Plea-leniency case indicted without a plea statement",
    area="业务数据录入",
    severity="low",
    subject="case",
    basis=(cite("刑事诉讼法", "第174条"),),
    explanation_zh="标记为认罪认罚并以起诉结案的审查起诉案件，应当有签署认罪认罚具结书的记录。",
    explanation_en="A closed plea-leniency review case with outcome indicted must record the plea statement signing.",
    evidence_zh="认罪认罚案件 {closed_on} 以{outcome}结案，无签署具结书记录",
    evidence_en="Plea-leniency case closed {closed_on} with outcome {outcome}, no plea statement recorded",
    sql=f"""SELECT 'PR-05' AS rule_id, c.unit_code, c.case_number, 'case' AS subject,
       c.closed_at AS closed_on, c.outcome
FROM cases AS c
WHERE c.case_type = 'prosecution_review' AND c.plea_leniency = TRUE AND c.status = 'closed'
  AND c.outcome = 'indicted'
  AND NOT EXISTS (SELECT 1 FROM events AS e WHERE {same_case("e", "c")} AND e.kind = 'plea_statement_signed')""",  # noqa: S608
)

PR_06 = Rule(
    id="PR-06",
    title_zh="速裁案件审查起诉超过十五日",
    title_en="Expedited case indicted after 15 days",
    area="认罪认罚适用",
    severity="medium",
    subject="case",
    basis=(cite("刑事诉讼法", "第172条"),),
    explanation_zh=(
        "犯罪嫌疑人认罪认罚、符合速裁程序适用条件的，应当在十日以内作出决定，可能判处有期徒刑超过一年的可以延长至十五日。"
        "以最后一次受理审查起诉至其后首次提起公诉的日数计算，超过十五日即报。"
    ),
    explanation_en=(
        "For expedited plea cases the decision is due within 10 days, 15 when the sentence may exceed a "
        "year. Days from the last receipt to the first indictment after it; more than 15 fires."
    ),
    evidence_zh="受理审查起诉 {received_on}，提起公诉 {indicted_on}：{days}，上限 {limit_days}",
    evidence_en="Review received {received_on}, indicted {indicted_on}: {days}, limit {limit_days}",
    sql=f"""WITH scope AS (
  SELECT c.unit_code, c.case_number, MAX(e.occurred_at) AS received_at
  FROM cases AS c JOIN events AS e ON {same_case("e", "c")}
  WHERE c.case_type = 'prosecution_review' AND c.procedure = 'expedited' AND e.kind = 'review_received'
  GROUP BY c.unit_code, c.case_number
),
indictments AS (
  SELECT s.unit_code, s.case_number, CAST(s.received_at AS DATE) AS received_on,
         CAST(MIN(e.occurred_at) AS DATE) AS indicted_on
  FROM scope AS s JOIN events AS e ON {same_case("e", "s")}
  WHERE e.kind = 'indicted' AND e.occurred_at >= s.received_at
  GROUP BY s.unit_code, s.case_number, s.received_at
)
SELECT 'PR-06' AS rule_id, unit_code, case_number, 'case' AS subject, received_on, indicted_on,
       date_diff('day', received_on, indicted_on) AS days, 15 AS limit_days
FROM indictments
WHERE date_diff('day', received_on, indicted_on) > 15""",  # noqa: S608
)

PL_01 = Rule(
    id="PL-01",
    title_zh="认罪认罚案件无辩护人或值班律师",
    title_en="Plea-leniency case without defence counsel or duty lawyer",
    area="公共法律服务",
    severity="high",
    subject="case",
    basis=(cite("刑事诉讼法", "第36条"), cite("刑事诉讼法", "第174条")),
    explanation_zh="认罪认罚案件的犯罪嫌疑人应当获得辩护人或者值班律师的法律帮助；案件当事人中无辩护人、值班律师即报。",
    explanation_en=(
        "A suspect who pleads guilty must be assisted by defence counsel or a duty lawyer; the finding fires "
        "when the case has no party with either role."
    ),
    evidence_zh="认罪认罚案件（立案 {filed_on}，{status}）无辩护人或值班律师记录",
    evidence_en="Plea-leniency case (filed {filed_on}, {status}) has no defence counsel or duty lawyer",
    sql=f"""SELECT 'PL-01' AS rule_id, c.unit_code, c.case_number, 'case' AS subject,
       c.filed_at AS filed_on, c.status
FROM cases AS c
WHERE c.case_type = 'prosecution_review' AND c.plea_leniency = TRUE
  AND NOT EXISTS (SELECT 1 FROM case_parties AS p
                  WHERE {same_case("p", "c")} AND p.role IN ('defence_counsel', 'duty_lawyer'))""",  # noqa: S608
)

RULES = (PR_01, PR_02, PR_03, PR_04, PR_05, PR_06, PL_01)

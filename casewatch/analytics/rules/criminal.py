"""Police criminal custody rules (CR-*): detention, arrest, investigation custody.

Custody periods count calendar days and months and never shift for holidays (刑事诉讼法 第105条).
Each person is followed by ``events.person_party_id``; events without a person are ignored,
except a case-level ``transferred_for_prosecution`` which ends everyone's investigation custody.
When a person was detained or arrested more than once, the first detention / approval counts.
"""

from __future__ import annotations

from casewatch.analytics.rules.citations import cite
from casewatch.analytics.rules.fragments import AS_OF, same_case
from casewatch.analytics.rules.model import Rule

AREA = "规范司法办案"


def _first_per_person(name: str, kind: str, extra: str = "") -> str:
    """CTE ``name``: events of ``kind`` in police criminal cases, numbered per person (n = 1 first)."""
    return f"""{name} AS (
  SELECT e.unit_code, e.case_number, e.person_party_id AS person, e.seq, e.occurred_at{extra},
         ROW_NUMBER() OVER (PARTITION BY e.unit_code, e.case_number, e.person_party_id
                            ORDER BY e.occurred_at, e.seq) AS n
  FROM events AS e JOIN cases AS c ON {same_case("e", "c")}
  WHERE c.case_type = 'police_criminal' AND e.kind = '{kind}' AND e.person_party_id IS NOT NULL
)"""  # noqa: S608


CR_01 = Rule(
    id="CR-01",
    title_zh="提请批准逮捕超期",
    title_en="Arrest request after the detention limit",
    area=AREA,
    severity="high",
    subject="person",
    basis=(cite("刑事诉讼法", "第91条"), cite("刑事诉讼法", "第105条", "custody periods do not shift")),
    explanation_zh=(
        "公安机关对被拘留的人认为需要逮捕的，应当在拘留后三日以内提请批准逮捕；特殊情况可延长一至四日"
        "（共 7 日），流窜作案、多次作案、结伙作案的重大嫌疑分子可延长至三十日。以该人首次提请批捕"
        "事件的 reason 判断适用的期限。"
    ),
    explanation_en=(
        "After detention the police must ask the procuratorate to approve an arrest within 3 days, "
        "7 days in special circumstances and 30 days for major roving, serial or gang suspects. The "
        "limit follows the reason recorded on the person's first arrest request."
    ),
    evidence_zh="拘留 {detained_on}，提请批捕 {requested_on}：{days}，法定期限 {limit_days}（延长事由：{reason}）",
    evidence_en=(
        "Detained {detained_on}, arrest requested {requested_on}: {days}, limit {limit_days} "
        "(extension reason: {reason})"
    ),
    sql=f"""WITH {_first_per_person("detentions", "detained")},
{_first_per_person("requests", "arrest_requested", ", e.reason")},
paired AS (
  SELECT d.unit_code, d.case_number, d.person,
         CAST(d.occurred_at AS DATE) AS detained_on, CAST(r.occurred_at AS DATE) AS requested_on, r.reason,
         CASE r.reason WHEN 'special' THEN 7 WHEN 'major_roving' THEN 30 ELSE 3 END AS limit_days
  FROM detentions AS d
  JOIN requests AS r ON {same_case("r", "d")} AND r.person = d.person
  WHERE d.n = 1 AND r.n = 1
)
SELECT 'CR-01' AS rule_id, unit_code, case_number, person AS subject,
       detained_on, requested_on, date_diff('day', detained_on, requested_on) AS days, limit_days, reason
FROM paired
WHERE date_diff('day', detained_on, requested_on) > limit_days""",  # noqa: S608
)

CR_02 = Rule(
    id="CR-02",
    title_zh="审查批准逮捕超期",
    title_en="Arrest decision after 7 days",
    area=AREA,
    severity="high",
    subject="person",
    basis=(cite("刑事诉讼法", "第91条"),),
    explanation_zh="人民检察院应当自接到公安机关提请批准逮捕书后的七日以内作出批准逮捕或者不批准逮捕的决定。",
    explanation_en="The procuratorate must approve or deny an arrest within 7 days of the police request.",
    evidence_zh="提请批捕 {requested_on}，{decision} {decided_on}：{days}，法定期限 {limit_days}",
    evidence_en="Arrest requested {requested_on}, decision ({decision}) {decided_on}: {days}, limit {limit_days}",
    sql=f"""WITH {_first_per_person("requests", "arrest_requested")},
decisions AS (
  SELECT r.unit_code, r.case_number, r.person, r.occurred_at AS requested_at,
         e.kind AS decision, e.occurred_at AS decided_at,
         ROW_NUMBER() OVER (PARTITION BY r.unit_code, r.case_number, r.person ORDER BY e.occurred_at, e.seq) AS n
  FROM requests AS r
  JOIN events AS e ON {same_case("e", "r")} AND e.person_party_id = r.person
  WHERE r.n = 1 AND e.kind IN ('arrest_approved', 'arrest_denied') AND e.occurred_at >= r.occurred_at
)
SELECT 'CR-02' AS rule_id, unit_code, case_number, person AS subject,
       CAST(requested_at AS DATE) AS requested_on, decision, CAST(decided_at AS DATE) AS decided_on,
       date_diff('day', CAST(requested_at AS DATE), CAST(decided_at AS DATE)) AS days, 7 AS limit_days
FROM decisions
WHERE n = 1 AND date_diff('day', CAST(requested_at AS DATE), CAST(decided_at AS DATE)) > 7""",  # noqa: S608
)

#: arrests (first approval per person) with the statutory 2-month due date, shared by CR-03 / CR-05
_ARRESTS = f"""arrests AS (
  SELECT e.unit_code, e.case_number, e.person_party_id AS person, MIN(e.occurred_at) AS arrested_at,
         CAST(MIN(e.occurred_at) AS DATE) AS arrested_on,
         CAST(CAST(MIN(e.occurred_at) AS DATE) + INTERVAL 2 MONTH AS DATE) AS base_due
  FROM events AS e JOIN cases AS c ON {same_case("e", "c")}
  WHERE c.case_type = 'police_criminal' AND e.kind = 'arrest_approved' AND e.person_party_id IS NOT NULL
  GROUP BY e.unit_code, e.case_number, e.person_party_id
),
extensions AS (
  SELECT a.unit_code, a.case_number, a.person, a.base_due, e.seq, e.new_due_date,
         CAST(COALESCE(e.approved_at, e.occurred_at) AS DATE) AS approved_on,
         ROW_NUMBER() OVER (PARTITION BY a.unit_code, a.case_number, a.person
                            ORDER BY COALESCE(e.approved_at, e.occurred_at), e.seq) AS n,
         LAG(e.new_due_date) OVER (PARTITION BY a.unit_code, a.case_number, a.person
                                   ORDER BY COALESCE(e.approved_at, e.occurred_at), e.seq) AS previous_due,
         MAX(e.new_due_date) OVER (PARTITION BY a.unit_code, a.case_number, a.person
                                   ORDER BY COALESCE(e.approved_at, e.occurred_at), e.seq
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached_due
  FROM arrests AS a
  JOIN events AS e ON {same_case("e", "a")} AND e.person_party_id = a.person
  WHERE e.kind = 'custody_extended' AND e.occurred_at >= a.arrested_at
)"""  # noqa: S608

CR_03 = Rule(
    id="CR-03",
    title_zh="侦查羁押超期",
    title_en="Investigation custody beyond its limit",
    area=AREA,
    severity="high",
    subject="person",
    basis=(cite("刑事诉讼法", "第156条"), cite("刑事诉讼法", "第105条", "custody periods do not shift")),
    explanation_zh=(
        "逮捕后的侦查羁押期限不得超过二个月，经批准可以延长。以首次批准逮捕之日起算二个月（不因节假日顺延）；"
        "在当时有效期限届满前（含当日）批准的延长依次生效，取其中最晚的延长后期限。羁押至首次移送审查起诉、"
        "释放或取保候审为止，尚未结束的按统计截止日计算。"
    ),
    explanation_en=(
        "Investigation custody after arrest may not exceed 2 months unless extended. The limit runs from "
        "the first arrest approval (no holiday shift); extensions approved on or before the due date then "
        "in force take effect in order and the latest new due date applies. Custody ends at the first "
        "transfer for prosecution, release or bail, else at the as-of date."
    ),
    evidence_zh="逮捕 {arrested_on}，羁押期限届满 {due_date}（有效延长 {extensions} 次），{end_kind} {custody_end}，超期 {days_over}",
    evidence_en=(
        "Arrested {arrested_on}, custody due {due_date} (valid extensions: {extensions}); custody ended "
        "{custody_end} ({end_kind}): {days_over} over"
    ),
    sql=f"""WITH {_ARRESTS},
late AS (
  SELECT unit_code, case_number, person,
         MIN(CASE WHEN approved_on > CASE WHEN reached_due > base_due THEN reached_due ELSE base_due END
                  THEN n END) AS first_late
  FROM extensions
  WHERE new_due_date IS NOT NULL
  GROUP BY unit_code, case_number, person
),
valid AS (
  SELECT x.unit_code, x.case_number, x.person, MAX(x.new_due_date) AS extended_to, COUNT(*) AS extensions
  FROM extensions AS x
  JOIN late AS l ON {same_case("x", "l")} AND x.person = l.person
  WHERE x.new_due_date IS NOT NULL AND (l.first_late IS NULL OR x.n < l.first_late)
  GROUP BY x.unit_code, x.case_number, x.person
),
ends AS (
  SELECT a.unit_code, a.case_number, a.person, e.kind, e.occurred_at,
         ROW_NUMBER() OVER (PARTITION BY a.unit_code, a.case_number, a.person ORDER BY e.occurred_at, e.seq) AS n
  FROM arrests AS a
  JOIN events AS e ON {same_case("e", "a")}
  WHERE e.kind IN ('transferred_for_prosecution', 'released', 'bail') AND e.occurred_at >= a.arrested_at
    AND (e.person_party_id = a.person OR (e.kind = 'transferred_for_prosecution' AND e.person_party_id IS NULL))
),
custody AS (
  SELECT a.unit_code, a.case_number, a.person, a.arrested_on,
         CASE WHEN v.extended_to > a.base_due THEN v.extended_to ELSE a.base_due END AS due_date,
         COALESCE(v.extensions, 0) AS extensions,
         COALESCE(CAST(n.occurred_at AS DATE), {AS_OF}) AS custody_end,
         COALESCE(n.kind, 'as_of') AS end_kind
  FROM arrests AS a
  LEFT JOIN valid AS v ON {same_case("v", "a")} AND v.person = a.person
  LEFT JOIN ends AS n ON {same_case("n", "a")} AND n.person = a.person AND n.n = 1
)
SELECT 'CR-03' AS rule_id, unit_code, case_number, person AS subject,
       arrested_on, due_date, extensions, end_kind, custody_end,
       date_diff('day', due_date, custody_end) AS days_over
FROM custody
WHERE custody_end > due_date""",  # noqa: S608
)

CR_04 = Rule(
    id="CR-04",
    title_zh="拘留后未在二十四小时内通知家属",
    title_en="Family not notified within 24 hours of detention",
    area=AREA,
    severity="medium",
    subject="person",
    basis=(cite("刑事诉讼法", "第85条"), cite("公安机关办理刑事案件程序规定", "第127条")),
    explanation_zh=(
        "拘留后，除无法通知或者涉嫌危害国家安全犯罪、恐怖活动犯罪通知可能有碍侦查的情形以外，应当在拘留后"
        "二十四小时以内通知被拘留人的家属。以该人首次拘留为准；统计截止日当天结束时二十四小时尚未届满的不报。"
    ),
    explanation_en=(
        "Except where notice is impossible or would hinder a state-security or terrorism investigation, "
        "the family must be notified within 24 hours of detention. The person's first detention counts; "
        "detentions whose 24 hours had not run out by the end of the as-of date are not reported."
    ),
    evidence_zh="拘留 {detained_at}；通知家属：{notified_at}；间隔：{hours}（法定 24 小时内）",
    evidence_en="Detained {detained_at}; family notified: {notified_at}; interval: {hours} (limit 24 hours)",
    sql=f"""WITH {_first_per_person("detentions", "detained")},
notices AS (
  SELECT d.unit_code, d.case_number, d.person, d.occurred_at AS detained_at, MIN(f.occurred_at) AS notified_at
  FROM detentions AS d
  LEFT JOIN events AS f
    ON {same_case("f", "d")} AND f.person_party_id = d.person AND f.kind = 'family_notified'
   AND f.occurred_at >= d.occurred_at
  WHERE d.n = 1
  GROUP BY d.unit_code, d.case_number, d.person, d.occurred_at
)
SELECT 'CR-04' AS rule_id, unit_code, case_number, person AS subject, detained_at, notified_at,
       CAST(date_diff('second', detained_at, notified_at) AS DOUBLE) / 3600 AS hours
FROM notices
WHERE (notified_at IS NOT NULL AND date_diff('second', detained_at, notified_at) > 86400)
   OR (notified_at IS NULL
       AND detained_at + INTERVAL 24 HOUR < CAST({AS_OF} AS TIMESTAMP) + INTERVAL 1 DAY)""",  # noqa: S608
)

CR_05 = Rule(
    id="CR-05",
    title_zh="延长侦查羁押期限批准晚于原期限届满",
    title_en="Custody extension approved after the period it extends",
    area="案件流程规范",
    severity="medium",
    subject="event",
    basis=(cite("刑事诉讼法", "第156条"), cite("公安机关办理刑事案件程序规定", "第148条")),
    explanation_zh=(
        "延长侦查羁押期限应当在期限届满前批准（公安机关应在届满七日前提请）。被延长的期限为首次批准逮捕之日"
        "加二个月，或同一人上一次延长的延长后期限；批准日期（无审批时间时取事件时间）晚于该期限即报。"
    ),
    explanation_en=(
        "A custody extension must be approved before the period it extends expires (the police must ask "
        "7 days ahead). The extended period is arrest date + 2 months, or the person's previous extension's "
        "new due date; the finding fires when the approval date (event time if missing) is after it."
    ),
    evidence_zh="逮捕 {arrested_on}，原期限届满 {extends_due}，延长批准 {approved_on}（晚 {days_late}），延长至 {new_due_date}",
    evidence_en=(
        "Arrested {arrested_on}, period due {extends_due}, extension approved {approved_on} "
        "({days_late} late), new due date {new_due_date}"
    ),
    sql=f"""WITH {_ARRESTS}
SELECT 'CR-05' AS rule_id, x.unit_code, x.case_number, CAST(x.seq AS VARCHAR) AS subject,
       a.arrested_on, COALESCE(x.previous_due, a.base_due) AS extends_due, x.approved_on, x.new_due_date,
       date_diff('day', COALESCE(x.previous_due, a.base_due), x.approved_on) AS days_late
FROM extensions AS x
JOIN arrests AS a ON {same_case("x", "a")} AND x.person = a.person
WHERE x.approved_on > COALESCE(x.previous_due, a.base_due)""",  # noqa: S608
)

RULES = (CR_01, CR_02, CR_03, CR_04, CR_05)

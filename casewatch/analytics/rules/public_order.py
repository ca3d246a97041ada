"""Police public-order rules (PO-*): criminal matters handled as public order, handling periods."""

from __future__ import annotations

from casewatch.analytics.rules.citations import cite
from casewatch.analytics.rules.fragments import AS_OF, excluded_days_ctes, same_case
from casewatch.analytics.rules.model import Rule

ADMIN_PROCEDURE = "公安机关办理行政案件程序规定"

PO_01 = Rule(
    id="PO-01",
    title_zh="轻伤以上按治安案件办理",
    title_en="Minor injury or worse handled as a public-order case",
    area="行政刑事执法衔接",
    severity="high",
    subject="event",
    basis=(
        cite("刑法", "第234条"),
        cite(ADMIN_PROCEDURE, "第65条"),
        cite(ADMIN_PROCEDURE, "第172条", "item (五): suspected crimes are transferred to criminal handling"),
    ),
    explanation_zh=(
        "伤情鉴定为轻伤以上的，涉嫌故意伤害罪，应当转为刑事案件办理；治安案件出现轻伤、重伤鉴定而案件状态不是已移送即报。"
    ),
    explanation_en=(
        "An injury appraised as minor or worse suggests the crime of intentional injury and must be "
        "transferred to criminal handling; fires when the public-order case is not in status transferred."
    ),
    evidence_zh="{appraised_at} 伤情鉴定为{result}，案件状态：{status}",
    evidence_en="Injury appraised {appraised_at} as {result}; case status: {status}",
    sql=f"""SELECT 'PO-01' AS rule_id, c.unit_code, c.case_number, CAST(e.seq AS VARCHAR) AS subject,
       e.occurred_at AS appraised_at, e.result, c.status
FROM cases AS c JOIN events AS e ON {same_case("e", "c")}
WHERE c.case_type = 'police_public_order' AND e.kind = 'injury_appraisal'
  AND e.result IN ('minor', 'serious') AND c.status <> 'transferred'""",  # noqa: S608
)

PO_02 = Rule(
    id="PO-02",
    title_zh="治安案件超办案期限",
    title_en="Public-order case beyond the handling period",
    area="规范司法办案",
    severity="medium",
    subject="case",
    basis=(cite(ADMIN_PROCEDURE, "第165条"),),
    explanation_zh=(
        "治安案件办案期限自受理之日起不得超过三十日，经批准可延长三十日；鉴定期间不计入。受理日至结案日（未结按统计截止日）"
        "的日数减去鉴定期间超过期限即报。"
    ),
    explanation_en=(
        "A public-order case must be concluded within 30 days of acceptance, 60 with an approved extension; "
        "appraisal time is not counted."
    ),
    evidence_zh="受理 {filed_on}，{end_basis} {end_on}：{elapsed_days}，扣除鉴定 {excluded_days}后 {days}，期限 {limit_days}",
    evidence_en=(
        "Accepted {filed_on}, {end_basis} {end_on}: {elapsed_days}, {days} once {excluded_days} of appraisal "
        "are deducted; limit {limit_days}"
    ),
    sql=f"""WITH scope AS (
  SELECT c.unit_code, c.case_number, c.filed_at, c.closed_at, COALESCE(c.closed_at, {AS_OF}) AS end_on
  FROM cases AS c
  WHERE c.case_type = 'police_public_order' AND c.filed_at IS NOT NULL
),
{excluded_days_ctes("scope", ("appraisal",))},
extended AS (
  SELECT DISTINCT e.unit_code, e.case_number
  FROM events AS e JOIN scope AS s ON {same_case("e", "s")}
  WHERE e.kind = 'public_order_extended'
),
measured AS (
  SELECT s.unit_code, s.case_number, s.filed_at, s.closed_at, s.end_on,
         date_diff('day', s.filed_at, s.end_on) AS elapsed_days,
         COALESCE(x.excluded_days, 0) AS excluded_days,
         CASE WHEN t.unit_code IS NULL THEN 30 ELSE 60 END AS limit_days
  FROM scope AS s
  LEFT JOIN excluded AS x ON {same_case("x", "s")}
  LEFT JOIN extended AS t ON {same_case("t", "s")}
)
SELECT 'PO-02' AS rule_id, unit_code, case_number, 'case' AS subject, filed_at AS filed_on,
       CASE WHEN closed_at IS NULL THEN 'as_of' ELSE 'closed' END AS end_basis, end_on,
       elapsed_days, excluded_days, elapsed_days - excluded_days AS days, limit_days
FROM measured
WHERE elapsed_days - excluded_days > limit_days""",  # noqa: S608
)

PO_03 = Rule(
    id="PO-03",
    title_zh="询问查证超时",
    title_en="Questioning longer than allowed",
    area="规范司法办案",
    severity="medium",
    subject="event",
    basis=(cite(ADMIN_PROCEDURE, "第69条"),),
    explanation_zh=(
        "询问查证的时间不得超过八小时；案情复杂、可能适用行政拘留的不得超过二十四小时（开始事件 reason 为 "
        "detention_possible）。以开始后同一人（或未记录人员）的首次询问查证结束事件计算。"
    ),
    explanation_en=(
        "Questioning may last at most 8 hours, 24 when administrative detention is possible (start event "
        "reason detention_possible); measured to the next end event for the same person."
    ),
    evidence_zh="询问查证 {started_at} 至 {ended_at}，{hours}，上限 {limit_hours}",
    evidence_en="Questioning {started_at} to {ended_at}: {hours}, limit {limit_hours}",
    sql=f"""WITH starts AS (
  SELECT e.unit_code, e.case_number, e.seq, e.occurred_at, e.reason, e.person_party_id
  FROM events AS e JOIN cases AS c ON {same_case("e", "c")}
  WHERE c.case_type = 'police_public_order' AND e.kind = 'questioning_start'
),
paired AS (
  SELECT s.unit_code, s.case_number, s.seq, s.occurred_at AS started_at, s.reason,
         MIN(x.occurred_at) AS ended_at
  FROM starts AS s
  JOIN events AS x
    ON {same_case("x", "s")} AND x.kind = 'questioning_end' AND x.occurred_at >= s.occurred_at
   AND (s.person_party_id IS NULL OR x.person_party_id IS NULL OR x.person_party_id = s.person_party_id)
  GROUP BY s.unit_code, s.case_number, s.seq, s.occurred_at, s.reason
),
limited AS (
  SELECT p.*, CASE WHEN p.reason = 'detention_possible' THEN 24 ELSE 8 END AS limit_hours
  FROM paired AS p
)
SELECT 'PO-03' AS rule_id, unit_code, case_number, CAST(seq AS VARCHAR) AS subject, started_at, ended_at,
       CAST(date_diff('second', started_at, ended_at) AS DOUBLE) / 3600 AS hours, limit_hours, reason
FROM limited
WHERE date_diff('second', started_at, ended_at) > limit_hours * 3600""",  # noqa: S608
)

RULES = (PO_01, PO_02, PO_03)

"""Seized-property rules (PP-*): hand-over, custodian, release of unrelated items, seizure date."""

from __future__ import annotations

from casewatch.analytics.rules.citations import cite, external
from casewatch.analytics.rules.fragments import AS_OF, same_case
from casewatch.analytics.rules.model import Rule

PROPERTY_RULES = "公安机关涉案财物管理若干规定"
CRIMINAL_PROCEDURE = "公安机关办理刑事案件程序规定"

PP_01 = Rule(
    id="PP-01",
    title_zh="扣押财物未在二十四小时内移交保管",
    title_en="Seized property not handed to the custodian within 24 hours",
    area="涉案财物",
    severity="high",
    subject="item",
    basis=(
        cite(CRIMINAL_PROCEDURE, "第235条", "centralised custody; investigators may not keep property"),
        external(
            PROPERTY_RULES, "第10条", note="公安部 2015; 24-hour hand-over; text not in the shared law corpus"
        ),
    ),
    explanation_zh=(
        "扣押的涉案财物应当在二十四小时内移交涉案财物管理部门保管；移交时间晚于扣押后二十四小时，或统计截止日已超过扣押"
        "后一日仍无移交记录即报。"
    ),
    explanation_en=(
        "Seized property must reach the property custodian within 24 hours; fires when the hand-over came "
        "later, or is missing while the as-of date is more than a day after the seizure."
    ),
    evidence_zh="扣押 {seized_at}，移交保管 {handed_at}（{hours}，上限 {limit_hours}）",
    evidence_en="Seized {seized_at}, handed to custodian {handed_at} ({hours}; limit {limit_hours})",
    sql=f"""SELECT 'PP-01' AS rule_id, p.unit_code, p.case_number, p.item_id AS subject,
       p.seized_at, p.handed_to_custodian_at AS handed_at,
       CAST(date_diff('second', p.seized_at, p.handed_to_custodian_at) AS DOUBLE) / 3600 AS hours,
       24 AS limit_hours
FROM property_items AS p
WHERE (p.handed_to_custodian_at IS NOT NULL AND date_diff('second', p.seized_at, p.handed_to_custodian_at) > 86400)
   OR (p.handed_to_custodian_at IS NULL AND date_diff('day', CAST(p.seized_at AS DATE), {AS_OF}) > 1)""",  # noqa: S608
)

PP_02 = Rule(
    id="PP-02",
    title_zh="办案人员自行保管涉案财物",
    title_en="Case handler keeps the seized property",
    area="涉案财物",
    severity="high",
    subject="item",
    basis=(
        cite(CRIMINAL_PROCEDURE, "第235条", "严禁由侦查人员自行保管涉案财物"),
        external(PROPERTY_RULES, "第8条", note="公安部 2015; text not in the shared law corpus"),
    ),
    explanation_zh="涉案财物的保管人不得是案件承办人；保管人工号与案件承办人工号相同即报。",
    explanation_en="The custodian of seized property may not be the case handler; fires when the staff numbers match.",
    evidence_zh="保管人 {custodian_staff_no} 即案件承办人 {handler_staff_no}",
    evidence_en="Custodian {custodian_staff_no} is the case handler {handler_staff_no}",
    sql=f"""SELECT 'PP-02' AS rule_id, p.unit_code, p.case_number, p.item_id AS subject,
       p.custodian_staff_no, c.handler_staff_no
FROM property_items AS p JOIN cases AS c ON {same_case("p", "c")}
WHERE p.custodian_staff_no = c.handler_staff_no""",  # noqa: S608
)

PP_03 = Rule(
    id="PP-03",
    title_zh="与案件无关财物未在三日内解除扣押",
    title_en="Unrelated property not released within 3 days",
    area="涉案财物",
    severity="high",
    subject="item",
    basis=(cite(CRIMINAL_PROCEDURE, "第233条"),),
    explanation_zh=(
        "经查明确实与案件无关的财物，应当在三日以内解除查封、扣押，退还原主。发还日期晚于扣押后三日，或统计截止日已超过"
        "扣押后三日仍未发还即报。"
    ),
    explanation_en=(
        "Property found unrelated to the case must be released within 3 days; fires when it was released "
        "later, or is still held while the as-of date is more than 3 days after the seizure."
    ),
    evidence_zh="扣押 {seized_on}，认定与案件无关，发还 {released_on}（期限 {limit_days}）",
    evidence_en="Seized {seized_on}, found unrelated, released {released_on} (limit {limit_days})",
    sql=f"""SELECT 'PP-03' AS rule_id, p.unit_code, p.case_number, p.item_id AS subject,
       CAST(p.seized_at AS DATE) AS seized_on, CAST(p.released_at AS DATE) AS released_on, 3 AS limit_days
FROM property_items AS p
WHERE p.relevant = FALSE
  AND ((p.released_at IS NULL AND date_diff('day', CAST(p.seized_at AS DATE), {AS_OF}) > 3)
       OR date_diff('day', CAST(p.seized_at AS DATE), CAST(p.released_at AS DATE)) > 3)""",  # noqa: S608
)

PP_04 = Rule(
    id="PP-04",
    title_zh="立案前扣押财物",
    title_en="Property seized before the case was filed",
    area="涉案财物",
    severity="medium",
    subject="item",
    basis=(cite(CRIMINAL_PROCEDURE, "第227条"), cite(CRIMINAL_PROCEDURE, "第228条")),
    explanation_zh="查封、扣押是立案后的侦查措施；扣押日期早于案件立案日期即报。",
    explanation_en="Seizure is an investigative measure after filing; fires when the seizure date precedes filing.",
    evidence_zh="扣押 {seized_on}，立案 {filed_on}（早 {days_before}）",
    evidence_en="Seized {seized_on}, case filed {filed_on} ({days_before} later)",
    sql=f"""SELECT 'PP-04' AS rule_id, p.unit_code, p.case_number, p.item_id AS subject,
       CAST(p.seized_at AS DATE) AS seized_on, c.filed_at AS filed_on,
       date_diff('day', CAST(p.seized_at AS DATE), c.filed_at) AS days_before
FROM property_items AS p JOIN cases AS c ON {same_case("p", "c")}
WHERE CAST(p.seized_at AS DATE) < c.filed_at""",  # noqa: S608
)

RULES = (PP_01, PP_02, PP_03, PP_04)

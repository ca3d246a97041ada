"""Court rules: civil (CV-*), criminal trial (CT-01), administrative (AD-01), enforcement (EN-*).

"First instance" is ``cases.instance`` 1 or unrecorded. Trial limits count from the day after
filing, add the excluded periods (民诉解释 第243条; 2000 审限规定 第9条) and shift a due date that
falls on a rest day to the next working day (民事诉讼法 第85条).
"""

from __future__ import annotations

from casewatch.analytics.rules.citations import cite, external
from casewatch.analytics.rules.fragments import (
    ALL_EXCLUSIONS,
    AS_OF,
    COURT_EVIDENCE_EN,
    COURT_EVIDENCE_ZH,
    court_deadline_sql,
    court_scope_cte,
    excluded_days_ctes,
    same_case,
)
from casewatch.analytics.rules.model import Rule

CIVIL_FIRST = "c.case_type = 'civil' AND COALESCE(c.instance, 1) = 1"
CIVIL_LIMITS = {"ordinary": "P6M", "simplified": "P3M", "small_claims": "P2M"}
EXTENSION_RULE = "最高人民法院关于严格规范民商事案件延长审限和延期开庭问题的规定"
TRIAL_LIMIT_RULE = "最高人民法院关于严格执行案件审理期限制度的若干规定"

CV_01 = Rule(
    id="CV-01",
    title_zh="民事起诉超过七日未立案",
    title_en="Civil complaint filed more than 7 days after receipt",
    area="审判管理",
    severity="medium",
    subject="case",
    basis=(cite("民事诉讼法", "第126条"),),
    explanation_zh="符合起诉条件的，人民法院应当在七日内立案；一审民事案件收案日至立案日超过七日即报。",
    explanation_en="A civil complaint that meets the conditions must be filed within 7 days of receipt.",
    evidence_zh="收案 {received_on}，立案 {filed_on}：{days}，法定期限 {limit_days}",
    evidence_en="Received {received_on}, filed {filed_on}: {days}, limit {limit_days}",
    sql=f"""SELECT 'CV-01' AS rule_id, c.unit_code, c.case_number, 'case' AS subject,
       c.received_at AS received_on, c.filed_at AS filed_on,
       date_diff('day', c.received_at, c.filed_at) AS days, 7 AS limit_days
FROM cases AS c
WHERE {CIVIL_FIRST} AND date_diff('day', c.received_at, c.filed_at) > 7""",  # noqa: S608
)

CV_02 = Rule(
    id="CV-02",
    title_zh="民事一审超审限",
    title_en="Civil first instance beyond the trial time limit",
    area="审判管理",
    severity="high",
    subject="case",
    basis=(
        cite("民事诉讼法", "第152条"),
        cite("民事诉讼法", "第164条"),
        cite("民事诉讼法", "第165条"),
        cite("民事诉讼法", "第168条", "small-claims 2-month limit"),
        cite("民事诉讼法", "第85条", "holiday shift"),
        cite("最高人民法院关于适用《民事诉讼法》的解释", "第243条"),
    ),
    explanation_zh=(
        "普通程序六个月、简易程序三个月、小额诉讼程序二个月，自立案次日起算；公告、鉴定、和解、管辖异议及中止期间"
        "不计入；有延长审限记录的，以最晚的延长后期限替代上述期限；届满日遇节假日顺延。结案日（未结的按统计截止日）"
        "晚于届满日即报。"
    ),
    explanation_en=(
        "Ordinary 6 months, simplified 3 months, small claims 2 months from filing; public notice, "
        "appraisal, settlement, jurisdiction objection and suspension periods are not counted; the latest "
        "extended due date replaces the whole; a due date on a rest day moves to the next working day."
    ),
    evidence_zh=COURT_EVIDENCE_ZH,
    evidence_en=COURT_EVIDENCE_EN,
    sql=court_deadline_sql(
        "CV-02", CIVIL_FIRST, CIVIL_LIMITS, ALL_EXCLUSIONS, exclusions_after_extension=False
    ),
)

CV_03 = Rule(
    id="CV-03",
    title_zh="延长审限审批不及时",
    title_en="Trial-limit extension approved less than 15 days before expiry",
    area="审判管理",
    severity="medium",
    subject="event",
    basis=(cite(EXTENSION_RULE, "第1条"),),
    explanation_zh=(
        "需要延长审限的，应当在期限届满十五日前提出申请。被延长的期限为 CV-02 的法定届满日（含扣除期间、节假日顺延），"
        "或上一次延长的延长后期限；批准日期距该期限不足十五日（或已晚于该期限）即报。"
    ),
    explanation_en=(
        "An extension must be applied for at least 15 days before the limit expires. The extended limit is "
        "CV-02's statutory due date (exclusions added, holiday-shifted) or the previous extension's new due "
        "date; approval fewer than 15 days before it, or after it, fires."
    ),
    evidence_zh="原审限届满 {extends_due}，延长批准 {approved_on}（提前 {days_before}，应不少于 15 日），延长至 {new_due_date}",
    evidence_en=(
        "Limit due {extends_due}, extension approved {approved_on} ({days_before} ahead; at least 15 "
        "required), extended to {new_due_date}"
    ),
    sql=f"""WITH {court_scope_cte(CIVIL_FIRST, CIVIL_LIMITS)},
{excluded_days_ctes("scope", ALL_EXCLUSIONS)},
base AS (
  SELECT s.unit_code, s.case_number,
         s.statutory_due + CAST(COALESCE(x.excluded_days, 0) AS INTEGER) AS unshifted_due
  FROM scope AS s LEFT JOIN excluded AS x ON {same_case("x", "s")}
),
base_due AS (
  SELECT b.unit_code, b.case_number, COALESCE(cal.next_workday, b.unshifted_due) AS due_on,
         cal.next_workday IS NULL AS calendar_gap
  FROM base AS b LEFT JOIN calendar AS cal ON cal.day = b.unshifted_due
),
extensions AS (
  SELECT e.unit_code, e.case_number, e.seq, e.new_due_date,
         CAST(COALESCE(e.approved_at, e.occurred_at) AS DATE) AS approved_on,
         LAG(e.new_due_date) OVER (PARTITION BY e.unit_code, e.case_number
                                   ORDER BY COALESCE(e.approved_at, e.occurred_at), e.seq) AS previous_due
  FROM events AS e JOIN scope AS s ON {same_case("e", "s")}
  WHERE e.kind = 'trial_limit_extended'
)
SELECT 'CV-03' AS rule_id, x.unit_code, x.case_number, CAST(x.seq AS VARCHAR) AS subject,
       COALESCE(x.previous_due, b.due_on) AS extends_due, x.approved_on, x.new_due_date,
       date_diff('day', x.approved_on, COALESCE(x.previous_due, b.due_on)) AS days_before,
       CASE WHEN x.previous_due IS NULL THEN b.calendar_gap ELSE FALSE END AS calendar_gap
FROM extensions AS x JOIN base_due AS b ON {same_case("x", "b")}
WHERE date_diff('day', x.approved_on, COALESCE(x.previous_due, b.due_on)) < 15""",  # noqa: S608
)

CV_04 = Rule(
    id="CV-04",
    title_zh="延期开庭次数超限",
    title_en="Too many hearing adjournments",
    area="审判管理",
    severity="medium",
    subject="case",
    basis=(cite(EXTENSION_RULE, "第3条"),),
    explanation_zh="普通程序延期开庭不超过两次，简易程序及小额诉讼程序不超过一次。",
    explanation_en="At most 2 adjournments under the ordinary procedure, 1 under simplified and small-claims.",
    evidence_zh="{procedure}延期开庭 {adjournments} 次，上限 {limit_count} 次",
    evidence_en="Adjourned {adjournments} times under the {procedure}, limit {limit_count}",
    sql=f"""SELECT 'CV-04' AS rule_id, c.unit_code, c.case_number, 'case' AS subject, c.procedure,
       COUNT(*) AS adjournments, CASE WHEN c.procedure = 'ordinary' THEN 2 ELSE 1 END AS limit_count
FROM cases AS c JOIN events AS e ON {same_case("e", "c")}
WHERE c.case_type = 'civil' AND c.procedure IN ('ordinary', 'simplified', 'small_claims')
  AND e.kind = 'hearing_adjourned'
GROUP BY c.unit_code, c.case_number, c.procedure
HAVING COUNT(*) > CASE WHEN c.procedure = 'ordinary' THEN 2 ELSE 1 END""",  # noqa: S608
)

CV_05 = Rule(
    id="CV-05",
    title_zh="简易程序适用公告送达",
    title_en="Public-notice service under the simplified procedure",
    area="案件质量标准",
    severity="medium",
    subject="event",
    basis=(
        cite("民事诉讼法", "第160条"),
        cite("最高人民法院关于适用《民事诉讼法》的解释", "第140条"),
        cite(EXTENSION_RULE, "第4条"),
    ),
    explanation_zh="适用简易程序（含小额诉讼）的案件，不适用公告送达；需要公告送达的应转为普通程序。",
    explanation_en="Simplified and small-claims cases may not use public-notice service; convert to ordinary first.",
    evidence_zh="{procedure}案件于 {notice_started_at} 开始公告送达",
    evidence_en="Public-notice service began {notice_started_at} in a {procedure} case",
    sql=f"""SELECT 'CV-05' AS rule_id, c.unit_code, c.case_number, CAST(e.seq AS VARCHAR) AS subject,
       c.procedure, e.occurred_at AS notice_started_at
FROM cases AS c JOIN events AS e ON {same_case("e", "c")}
WHERE c.case_type = 'civil' AND c.procedure IN ('simplified', 'small_claims') AND e.kind = 'public_notice_start'""",  # noqa: S608
)

CV_06 = Rule(
    id="CV-06",
    title_zh="起诉状副本送达超期",
    title_en="Complaint served more than 5 days after filing",
    area="案件流程规范",
    severity="low",
    subject="case",
    basis=(cite("民事诉讼法", "第128条"),),
    explanation_zh="人民法院应当在立案之日起五日内将起诉状副本发送被告；以首次送达起诉状副本事件计算。",
    explanation_en="The complaint must be sent to the defendant within 5 days of filing (first service event).",
    evidence_zh="立案 {filed_on}，送达起诉状副本 {served_on}：{days}，法定期限 {limit_days}",
    evidence_en="Filed {filed_on}, complaint served {served_on}: {days}, limit {limit_days}",
    sql=f"""WITH served AS (
  SELECT c.unit_code, c.case_number, c.filed_at, CAST(MIN(e.occurred_at) AS DATE) AS served_on
  FROM cases AS c JOIN events AS e ON {same_case("e", "c")}
  WHERE {CIVIL_FIRST} AND e.kind = 'complaint_served'
  GROUP BY c.unit_code, c.case_number, c.filed_at
)
SELECT 'CV-06' AS rule_id, unit_code, case_number, 'case' AS subject, filed_at AS filed_on, served_on,
       date_diff('day', filed_at, served_on) AS days, 5 AS limit_days
FROM served
WHERE date_diff('day', filed_at, served_on) > 5""",  # noqa: S608
)

CT_01 = Rule(
    id="CT-01",
    title_zh="刑事一审超审限",
    title_en="Criminal first instance beyond the trial time limit",
    area="审判管理",
    severity="high",
    subject="case",
    basis=(
        cite("刑事诉讼法", "第208条"),
        cite("刑事诉讼法", "第220条"),
        cite("刑事诉讼法", "第225条"),
        cite(TRIAL_LIMIT_RULE, "第9条", "excluded periods"),
    ),
    explanation_zh=(
        "普通程序三个月（受理后二个月、至迟三个月）、简易程序二十日、速裁程序十日；有延长审限记录的，以最晚的延长后"
        "期限替代法定期限，再加上鉴定和中止期间；届满日遇节假日顺延。"
    ),
    explanation_en=(
        "Ordinary 3 months, simplified 20 days, expedited 10 days; the latest extended due date replaces "
        "the statutory limit, then appraisal and suspension periods are added; a due date on a rest day "
        "moves to the next working day."
    ),
    evidence_zh=COURT_EVIDENCE_ZH,
    evidence_en=COURT_EVIDENCE_EN,
    sql=court_deadline_sql(
        "CT-01",
        "c.case_type = 'criminal' AND COALESCE(c.instance, 1) = 1",
        {"ordinary": "P3M", "simplified": "P20D", "expedited": "P10D"},
        ("appraisal", "suspension"),
        exclusions_after_extension=True,
    ),
)

AD_01 = Rule(
    id="AD-01",
    title_zh="行政一审超审限",
    title_en="Administrative first instance beyond the trial time limit",
    area="审判管理",
    severity="high",
    subject="case",
    basis=(cite("行政诉讼法", "第81条"), cite("行政诉讼法", "第83条"), cite(TRIAL_LIMIT_RULE, "第9条")),
    explanation_zh="普通程序六个月、简易程序四十五日；延长与扣除期间同 CV-02；届满日遇节假日顺延。",
    explanation_en="Ordinary 6 months, simplified 45 days; extensions and excluded periods as CV-02.",
    evidence_zh=COURT_EVIDENCE_ZH,
    evidence_en=COURT_EVIDENCE_EN,
    sql=court_deadline_sql(
        "AD-01",
        "c.case_type = 'administrative' AND COALESCE(c.instance, 1) = 1",
        {"ordinary": "P6M", "simplified": "P45D"},
        ALL_EXCLUSIONS,
        exclusions_after_extension=False,
    ),
)

EN_01 = Rule(
    id="EN-01",
    title_zh="执行案件超执行期限",
    title_en="Enforcement case beyond its time limit",
    area="审判管理",
    severity="medium",
    subject="case",
    basis=(cite(TRIAL_LIMIT_RULE, "第5条"), cite(TRIAL_LIMIT_RULE, "第9条")),
    explanation_zh=(
        "执行案件应当在立案之日起六个月内执结；有延长记录的以最晚的延长后期限替代，再加上中止期间；届满日遇节假日顺延。"
    ),
    explanation_en=(
        "Enforcement must be completed within 6 months of filing; the latest extended due date replaces it, "
        "suspension periods are added, and a due date on a rest day moves to the next working day."
    ),
    evidence_zh=(
        "立案 {filed_on}，执行期限 {limit_period}，扣除中止 {excluded_days}，延长至 {extended_to}，届满日 {due_date}；"
        "{end_basis} {end_on}，超期 {days_over}"
    ),
    evidence_en=(
        "Filed {filed_on}, limit {limit_period}, {excluded_days} suspended, extended to {extended_to}, "
        "due {due_date}; {end_basis} {end_on}: {days_over} over"
    ),
    sql=court_deadline_sql(
        "EN-01", "c.case_type = 'enforcement'", "P6M", ("suspension",), exclusions_after_extension=True
    ),
)

EN_02 = Rule(
    id="EN-02",
    title_zh="履行完毕后未及时移出失信名单",
    title_en="Debtor not removed from the dishonest list within 3 days of performance",
    area="规范司法办案",
    severity="medium",
    subject="case",
    basis=(
        cite(
            "最高人民法院关于公布失信被执行人名单信息的若干规定",
            "第7条",
            "2013 text: removal after full performance",
        ),
        external(
            "最高人民法院关于公布失信被执行人名单信息的若干规定（2017修正）",
            "第10条",
            note="3-working-day removal; the corpus holds only the 2013 text",
        ),
    ),
    explanation_zh=(
        "被执行人全部履行义务的，人民法院应当在三日内将其移出失信被执行人名单。以纳入名单后首次履行完毕为准，"
        "统计截止日已超过履行后三日、且三日内无移出记录即报。"
    ),
    explanation_en=(
        "After full performance the debtor must be removed from the dishonest list within 3 days. Counted "
        "from the first performance after listing; fires once the as-of date is more than 3 days later and "
        "no removal was recorded within those 3 days."
    ),
    evidence_zh="纳入失信名单 {listed_on}，履行完毕 {performed_on}，移出名单 {delisted_on}（期限 {limit_days}）",
    evidence_en="Listed {listed_on}, performed {performed_on}, removed {delisted_on} (limit {limit_days})",
    sql=f"""WITH listed AS (
  SELECT e.unit_code, e.case_number, MIN(e.occurred_at) AS listed_at
  FROM events AS e JOIN cases AS c ON {same_case("e", "c")}
  WHERE c.case_type = 'enforcement' AND e.kind = 'listed_dishonest'
  GROUP BY e.unit_code, e.case_number
),
performed AS (
  SELECT l.unit_code, l.case_number, l.listed_at, MIN(e.occurred_at) AS performed_at
  FROM listed AS l JOIN events AS e ON {same_case("e", "l")}
  WHERE e.kind = 'performed' AND e.occurred_at >= l.listed_at
  GROUP BY l.unit_code, l.case_number, l.listed_at
),
delisted AS (
  SELECT p.unit_code, p.case_number, CAST(p.listed_at AS DATE) AS listed_on,
         CAST(p.performed_at AS DATE) AS performed_on, CAST(MIN(e.occurred_at) AS DATE) AS delisted_on
  FROM performed AS p
  LEFT JOIN events AS e ON {same_case("e", "p")} AND e.kind = 'delisted' AND e.occurred_at >= p.performed_at
  GROUP BY p.unit_code, p.case_number, p.listed_at, p.performed_at
)
SELECT 'EN-02' AS rule_id, unit_code, case_number, 'case' AS subject, listed_on, performed_on, delisted_on,
       3 AS limit_days
FROM delisted
WHERE date_diff('day', performed_on, {AS_OF}) > 3
  AND (delisted_on IS NULL OR date_diff('day', performed_on, delisted_on) > 3)""",  # noqa: S608
)

RULES = (CV_01, CV_02, CV_03, CV_04, CV_05, CV_06, CT_01, AD_01, EN_01, EN_02)

"""The canonical enforcement and credit tables (执行 · 失信名单 · 自动履行 · 信用修复 · 案款) — see
docs/enforcement.md. ``casewatch.analytics.schema`` merges them into ``TABLES`` and ``ENUMS``; this
module never imports Django."""

from __future__ import annotations

from casewatch.analytics.schema_types import CASE_REF, SOURCE, C, Table

# ---------------------------------------------------------------------------------------------
# Enforcement and credit (执行 · 失信名单 · 自动履行 · 信用修复 · 案款) — see docs/enforcement.md
# ---------------------------------------------------------------------------------------------

PAYMENT_CHANNELS = {
    "bank_transfer": ("银行转账给申请人", "Bank transfer to the creditor"),
    "court_account": ("交至法院案款账户", "Paid into the court account"),
    "cash": ("当面交付", "Handed over"),
    "offset": ("抵销", "Set-off"),
    "enforced": ("强制划扣", "Enforced deduction"),
}

LISTING_GROUNDS = {
    "1": ("有履行能力而拒不履行", "Able to perform but refuses"),
    "2": (
        "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
        "Obstructs enforcement by forgery, violence or threats",
    ),
    "3": (
        "以虚假诉讼、虚假仲裁或者隐匿、转移财产等方法规避执行",
        "Evades enforcement by false litigation or hiding assets",
    ),
    "4": ("违反财产报告制度", "Breaches the asset-reporting duty"),
    "5": ("违反限制消费令", "Breaches the consumption restriction"),
    "6": ("无正当理由拒不履行执行和解协议", "Refuses to perform an enforcement settlement"),
}

DELETION_TRIGGERS = {
    "performed": ("已履行完毕", "Obligations performed"),
    "settlement_performed": ("和解协议履行完毕", "Settlement performed"),
    "creditor_consent": ("申请执行人书面申请删除", "Creditor consents in writing"),
    "round_terminated_nil": ("终本后两次网络查询无财产", "终本 with two nil online searches"),
    "suspended": ("因审判监督或破产中止执行", "Suspended for retrial or bankruptcy"),
    "non_enforcement": ("裁定不予执行", "Ruled not enforceable"),
    "terminated": ("终结执行", "Enforcement terminated"),
    "term_ended": ("失信期限届满", "Listing term ended"),
    "wrongful": ("错误纳入，撤销", "Wrongful listing revoked"),
    "credit_repair": ("信用修复", "Credit repair"),
}

RESTRICTION_KINDS = {
    "consumption": ("限制消费", "Consumption restriction"),
    "exit": ("限制出境", "Exit restriction"),
}

SEARCH_RESULTS = {
    "nil": ("未发现可供执行财产", "Nothing found"),
    "found": ("发现财产", "Assets found"),
}

RULING_KINDS = {
    "round_terminated": ("终结本次执行程序", "Enforcement round terminated (终本)"),
    "suspended_retrial": ("中止执行（审判监督）", "Suspended (retrial)"),
    "suspended_bankruptcy": ("中止执行（破产）", "Suspended (bankruptcy)"),
    "non_enforcement": ("不予执行", "Not enforceable"),
    "terminated": ("终结执行", "Enforcement terminated"),
}

FUND_KINDS = {
    "receipt": ("案款到账", "Received into the court account"),
    "payout": ("案款发放", "Paid out"),
    "fee_refund": ("诉讼费退费", "Litigation fee refunded"),
}

CORRECTION_OUTCOMES = {
    "corrected": ("予以纠正", "Corrected"),
    "rejected": ("驳回", "Rejected"),
}

REPAIR_CONDITIONS = {
    "1": ("已履行完毕且无其他未结案件", "Paid in full, no other open case"),
    "2": ("和解协议履行完毕或有计划及担保", "Settlement performed, or a plan with security"),
    "3": ("申请执行人书面同意且无规避执行", "Creditor consents, no evasion"),
    "4": ("裁定中止或终结执行", "Enforcement suspended or terminated by ruling"),
    "5": ("公益、应急主体或不可抗力且申请执行人同意", "Public-interest or force majeure, creditor consents"),
}

REPAIR_STATUSES = {
    "applied": ("已申请", "Applied"),
    "verified": ("已核查", "Verified"),
    "shielded": ("暂时屏蔽", "Temporarily shielded"),
    "deleted": ("已删除失信信息", "Listing deleted"),
    "completed": ("回访完成，修复完成", "Follow-up done, repair completed"),
    "revoked": ("撤销修复，恢复纳入", "Repair revoked, listing restored"),
}

ENUMS = {
    "payment_channel": PAYMENT_CHANNELS,
    "listing_ground": LISTING_GROUNDS,
    "deletion_trigger": DELETION_TRIGGERS,
    "restriction_kind": RESTRICTION_KINDS,
    "search_result": SEARCH_RESULTS,
    "ruling_kind": RULING_KINDS,
    "fund_kind": FUND_KINDS,
    "correction_outcome": CORRECTION_OUTCOMES,
    "repair_condition": REPAIR_CONDITIONS,
    "repair_status": REPAIR_STATUSES,
}

_IN_CASE = ((("unit_code", "case_number"), "cases", ("unit_code", "case_number")),)
_DEBTOR = C("debtor_party_id", "string", "被执行人标识", "Debtor", required=True, personal=True)

PERFORMANCE_DEADLINES = Table(
    "performance_deadlines",
    "履行期限",
    "Performance deadlines",
    key=("unit_code", "case_number", "debtor_party_id"),
    references=_IN_CASE,
    doc="What an effective judgment or mediation orders a debtor to pay, and by when (履行期限).",
    columns=(
        *CASE_REF,
        _DEBTOR,
        C("creditor_party_id", "string", "权利人标识", "Creditor", personal=True),
        C("effective_on", "date", "生效日期", "Effective on", required=True, example="2026-01-10"),
        C("perform_by", "date", "履行期限届满日", "Perform by", required=True, example="2026-01-20"),
        C("amount_due", "decimal", "应履行金额(元)", "Amount due (yuan)", required=True, example="120000.00"),
        *SOURCE,
    ),
)

DEBTOR_PAYMENTS = Table(
    "debtor_payments",
    "履行款项",
    "Debtor payments",
    key=("payment_id",),
    references=_IN_CASE,
    doc="Money a debtor paid under a judgment (the judgment case) or in enforcement (the 执 case).",
    columns=(
        C("payment_id", "string", "付款编号", "Payment id", required=True, example="PAY-000001"),
        *CASE_REF,
        _DEBTOR,
        C("paid_on", "date", "付款日期", "Paid on", required=True),
        C("amount", "decimal", "金额(元)", "Amount (yuan)", required=True),
        C("channel", "string", "付款方式", "Channel", required=True, enum="payment_channel"),
        *SOURCE,
    ),
)

ENFORCEMENT_FILINGS = Table(
    "enforcement_filings",
    "执行立案",
    "Enforcement filings",
    key=("unit_code", "case_number"),
    references=_IN_CASE,
    doc="An enforcement case (执) and the effective document it enforces.",
    columns=(
        *CASE_REF,
        C("source_unit_code", "string", "执行依据单位", "Source unit", example="330212-CRT"),
        C("source_case_number", "string", "执行依据案号", "Source case number"),
        _DEBTOR,
        C("applicant_party_id", "string", "申请执行人标识", "Applicant", personal=True),
        C("filed_on", "date", "立案日期", "Filed on", required=True),
        C("amount_sought", "decimal", "申请执行标的(元)", "Amount sought (yuan)", required=True),
        *SOURCE,
    ),
)

DISHONEST_LISTINGS = Table(
    "dishonest_listings",
    "失信被执行人名单",
    "Dishonest-debtor listings",
    key=("listing_id",),
    references=_IN_CASE,
    doc=(
        "A listing decision (决定书) and what became of it: deletion trigger and deletion, correction "
        "request and review, reconsideration. Deadlines are computed, not stored."
    ),
    columns=(
        C("listing_id", "string", "失信决定编号", "Listing id", required=True),
        *CASE_REF,
        _DEBTOR,
        C("ground", "string", "纳入情形", "Ground", required=True, enum="listing_ground"),
        C("decided_on", "date", "决定日期", "Decided on", required=True),
        C("serious", "bool", "情节严重或多次失信", "Serious or repeated", doc="Term + extra_years."),
        C("extra_years", "int", "延长年数", "Extra years", doc="1–3 when serious."),
        C("grace_months", "int", "宽限期(月)", "Grace period (months)", doc="1–3 (法发〔2019〕35号)."),
        C("published_on", "date", "公布日期", "Published on"),
        C("security_provided", "bool", "已提供担保", "Security provided"),
        C("assets_sufficient", "bool", "查封财产足以清偿", "Seized assets suffice"),
        C("trigger", "string", "删除事由", "Deletion trigger", enum="deletion_trigger"),
        C("trigger_on", "date", "删除事由发生日", "Trigger on"),
        C("deleted_on", "date", "删除日期", "Deleted on"),
        C("correction_requested_on", "date", "纠正申请日", "Correction requested on"),
        C("correction_decided_on", "date", "纠正审查日", "Correction decided on"),
        C("correction_outcome", "string", "纠正结果", "Correction outcome", enum="correction_outcome"),
        C("corrected_on", "date", "纠正日期", "Corrected on"),
        C("reconsideration_requested_on", "date", "复议申请日", "Reconsideration requested on"),
        C("reconsideration_decided_on", "date", "复议决定日", "Reconsideration decided on"),
        *SOURCE,
    ),
)

ENFORCEMENT_RESTRICTIONS = Table(
    "enforcement_restrictions",
    "限制措施",
    "Enforcement restrictions",
    key=("restriction_id",),
    references=_IN_CASE,
    columns=(
        C("restriction_id", "string", "措施编号", "Restriction id", required=True),
        *CASE_REF,
        _DEBTOR,
        C("kind", "string", "措施类别", "Kind", required=True, enum="restriction_kind"),
        C("ordered_on", "date", "决定日期", "Ordered on", required=True),
        C("lifted_on", "date", "解除日期", "Lifted on"),
        *SOURCE,
    ),
)

ASSET_SEARCHES = Table(
    "asset_searches",
    "财产查询",
    "Asset searches",
    key=("search_id",),
    references=_IN_CASE,
    columns=(
        C("search_id", "string", "查询编号", "Search id", required=True),
        *CASE_REF,
        C("searched_on", "date", "查询日期", "Searched on", required=True),
        C("online", "bool", "网络查控", "Online search"),
        C("result", "string", "查询结果", "Result", required=True, enum="search_result"),
        C("amount_found", "decimal", "发现财产(元)", "Found (yuan)"),
        *SOURCE,
    ),
)

ENFORCEMENT_RULINGS = Table(
    "enforcement_rulings",
    "执行裁定",
    "Enforcement rulings",
    key=("ruling_id",),
    references=_IN_CASE,
    doc="终本, suspension, non-enforcement and termination rulings (deletion triggers).",
    columns=(
        C("ruling_id", "string", "裁定编号", "Ruling id", required=True),
        *CASE_REF,
        C("kind", "string", "裁定类别", "Kind", required=True, enum="ruling_kind"),
        C("ruled_on", "date", "裁定日期", "Ruled on", required=True),
        *SOURCE,
    ),
)

ENFORCEMENT_SETTLEMENTS = Table(
    "enforcement_settlements",
    "执行和解",
    "Enforcement settlements",
    key=("settlement_id",),
    references=_IN_CASE,
    columns=(
        C("settlement_id", "string", "和解编号", "Settlement id", required=True),
        *CASE_REF,
        C("agreed_on", "date", "达成日期", "Agreed on", required=True),
        C("amount", "decimal", "和解金额(元)", "Amount (yuan)", required=True),
        C("due_on", "date", "履行期限", "Due on"),
        C("performed_on", "date", "履行完毕日期", "Performed on"),
        *SOURCE,
    ),
)

CASE_FUND_MOVEMENTS = Table(
    "case_fund_movements",
    "案款往来",
    "Case-fund movements",
    key=("movement_id",),
    references=_IN_CASE,
    doc=(
        "Money into and out of the court's case-fund account. A payout or refund names the receipt "
        "it pays out (receipt_id); money held = receipt − its payouts."
    ),
    columns=(
        C("movement_id", "string", "流水编号", "Movement id", required=True),
        *CASE_REF,
        C("kind", "string", "类别", "Kind", required=True, enum="fund_kind"),
        C("occurred_on", "date", "发生日期", "Occurred on", required=True),
        C("amount", "decimal", "金额(元)", "Amount (yuan)", required=True),
        C("receipt_id", "string", "对应到账编号", "Receipt paid out"),
        C("account_no", "string", "法院账户", "Court account", example="33050163..."),
        C("counterparty_account", "string", "对方账户", "Counterparty account", personal=True),
        C("bank_ref", "string", "银行流水号", "Bank reference"),
        C("payee_party_id", "string", "收款人标识", "Payee", personal=True),
        *SOURCE,
    ),
)

CREDIT_REPAIRS = Table(
    "credit_repairs",
    "信用修复",
    "Credit repairs",
    key=("repair_id",),
    references=_IN_CASE,
    doc="A credit-repair application through its four steps (绵竹 rules; 宁波 江北 shielding).",
    columns=(
        C("repair_id", "string", "修复编号", "Repair id", required=True),
        *CASE_REF,
        _DEBTOR,
        C("listing_id", "string", "失信决定编号", "Listing id", required=True),
        C("applied_on", "date", "申请日期", "Applied on", required=True),
        C("pledge_on", "date", "信用承诺书日期", "Credit pledge signed on"),
        C("condition", "string", "修复情形", "Condition", enum="repair_condition"),
        C("verified_on", "date", "核查日期", "Verified on"),
        C("shielded_on", "date", "暂时屏蔽日期", "Shielded on"),
        C("plan_amount", "decimal", "履行计划金额(元)", "Plan amount (yuan)"),
        C("deleted_on", "date", "删除日期", "Deleted on"),
        C("completed_on", "date", "修复完成日期", "Completed on"),
        C("status", "string", "状态", "Status", required=True, enum="repair_status"),
        *SOURCE,
    ),
)

ENFORCEMENT_TABLES = (
    PERFORMANCE_DEADLINES,
    DEBTOR_PAYMENTS,
    ENFORCEMENT_FILINGS,
    DISHONEST_LISTINGS,
    ENFORCEMENT_RESTRICTIONS,
    ASSET_SEARCHES,
    ENFORCEMENT_RULINGS,
    ENFORCEMENT_SETTLEMENTS,
    CASE_FUND_MOVEMENTS,
    CREDIT_REPAIRS,
)

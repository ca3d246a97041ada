"""The canonical case schema: one machine-readable definition of every table.

Importers validate against it, the Django models mirror it, the snapshot writes it as Arrow /
Parquet, and the DuckDB and Spark engines read it. ``docs/data-dictionary.md`` is generated from
this module (``python -m casewatch.analytics.schema > docs/data-dictionary.md``) and a test keeps
the two identical.

This module never imports Django.

Conventions
-----------
* Natural keys are stable across re-imports: a case is (``unit_code``, ``case_number``); a natural
  person is their ID number; an organisation its unified social credit code.
* ``case_key`` is derived as ``unit_code + "/" + case_number``; import files may omit it.
* Timestamps are local Asia/Shanghai wall-clock time without offset; legal periods use dates.
* Amounts are decimals in yuan with two places.
"""

from __future__ import annotations

import sys

from casewatch.analytics.schema_types import CASE_REF as _CASE_REF
from casewatch.analytics.schema_types import SOURCE as _SOURCE
from casewatch.analytics.schema_types import TYPES, C, Column, Table  # noqa: F401 - re-exported

# ---------------------------------------------------------------------------------------------
# Enumerations (value -> (Chinese label, English label))
# ---------------------------------------------------------------------------------------------

UNIT_KINDS = {
    "city": ("市", "City"),
    "district": ("区县", "District"),
    "agency": ("机关", "Agency"),
    "unit": ("单位", "Unit"),
    "division": ("部门", "Division"),
}

AGENCY_KINDS = {
    "committee": ("政法委", "Political-legal committee"),
    "police": ("公安", "Police"),
    "procuratorate": ("检察院", "Procuratorate"),
    "court": ("法院", "Court"),
    "justice": ("司法局", "Justice bureau"),
}

MATTER_KINDS = {
    "criminal": ("刑事", "Criminal"),
    "civil": ("民事", "Civil"),
    "administrative": ("行政", "Administrative"),
    "enforcement": ("执行", "Enforcement"),
    "public_order": ("治安", "Public order"),
    "petition": ("信访", "Petition"),
}

CASE_TYPES = {
    "police_criminal": ("公安刑事案件", "Police criminal case"),
    "police_public_order": ("公安治安案件", "Police public-order case"),
    "prosecution_review": ("检察审查案件", "Prosecution review case"),
    "criminal": ("刑事审判案件", "Criminal trial case"),
    "civil": ("民事审判案件", "Civil trial case"),
    "administrative": ("行政审判案件", "Administrative trial case"),
    "enforcement": ("执行案件", "Enforcement case"),
    "petition": ("信访案件", "Petition case"),
}

PROCEDURES = {
    "ordinary": ("普通程序", "Ordinary procedure"),
    "simplified": ("简易程序", "Simplified procedure"),
    "small_claims": ("小额诉讼程序", "Small-claims procedure"),
    "expedited": ("速裁程序", "Expedited procedure"),
    "second_instance": ("二审程序", "Second instance"),
    "retrial": ("再审程序", "Retrial"),
    "fast_track": ("快速办理", "Fast-track handling"),
    "general": ("一般程序", "General procedure"),
}

CASE_STATUSES = {
    "pending": ("在办", "Pending"),
    "suspended": ("中止", "Suspended"),
    "closed": ("已结", "Closed"),
    "transferred": ("已移送", "Transferred"),
    "revoked": ("已撤销", "Revoked"),
}

OUTCOMES = {
    "judgment": ("判决", "Judgment"),
    "default_judgment": ("缺席判决", "Default judgment"),
    "mediation": ("调解", "Mediation"),
    "withdrawal": ("撤诉", "Withdrawal"),
    "ruling": ("裁定", "Ruling"),
    "not_prosecuted": ("不起诉", "Not prosecuted"),
    "indicted": ("起诉", "Indicted"),
    "transferred_for_prosecution": ("移送审查起诉", "Transferred for prosecution"),
    "penalty": ("行政处罚", "Administrative penalty"),
    "no_penalty": ("不予处罚", "No penalty"),
    "performed": ("执行完毕", "Performed"),
    "round_terminated": ("终结本次执行", "Enforcement round terminated"),
    "settled": ("息访息诉", "Petition settled"),
    "revoked": ("撤销案件", "Case revoked"),
    "other": ("其他", "Other"),
}

PARTY_KINDS = {
    "person": ("自然人", "Natural person"),
    "organisation": ("单位", "Organisation"),
}

PARTY_ROLES = {
    "plaintiff": ("原告", "Plaintiff"),
    "defendant": ("被告", "Defendant"),
    "third_party": ("第三人", "Third party"),
    "suspect": ("犯罪嫌疑人", "Suspect"),
    "accused": ("被告人", "Accused"),
    "victim": ("被害人", "Victim"),
    "applicant": ("申请执行人", "Enforcement applicant"),
    "debtor": ("被执行人", "Judgment debtor"),
    "petitioner": ("信访人", "Petitioner"),
    "offender": ("违法行为人", "Offender"),
    "agent": ("委托代理人", "Agent ad litem"),
    "defence_counsel": ("辩护人", "Defence counsel"),
    "duty_lawyer": ("值班律师", "Duty lawyer"),
    "legal_rep": ("法定代表人", "Legal representative"),
}

EVENT_KINDS = {
    # police criminal
    "filed": ("立案", "Filed"),
    "received": ("收案", "Received"),
    "detained": ("刑事拘留", "Detained"),
    "family_notified": ("通知家属", "Family notified"),
    "arrest_requested": ("提请批准逮捕", "Arrest requested"),
    "arrest_approved": ("批准逮捕", "Arrest approved"),
    "arrest_denied": ("不批准逮捕", "Arrest denied"),
    "custody_extended": ("延长侦查羁押期限", "Investigation custody extended"),
    "bail": ("取保候审", "Bail"),
    "residential_surveillance": ("监视居住", "Residential surveillance"),
    "released": ("释放", "Released"),
    "transferred_for_prosecution": ("移送审查起诉", "Transferred for prosecution"),
    "returned_for_supplementary_investigation": ("退回补充侦查", "Returned for supplementary investigation"),
    # procuratorate
    "review_received": ("受理审查起诉", "Prosecution review received"),
    "review_extended": ("延长审查起诉期限", "Prosecution review extended"),
    "plea_statement_signed": ("签署认罪认罚具结书", "Plea statement signed"),
    "indicted": ("提起公诉", "Indicted"),
    "not_prosecuted": ("不起诉", "Not prosecuted"),
    # courts
    "accepted": ("受理", "Accepted"),
    "complaint_served": ("送达起诉状副本", "Complaint served"),
    "hearing": ("开庭", "Hearing"),
    "hearing_adjourned": ("延期开庭", "Hearing adjourned"),
    "public_notice_start": ("公告送达开始", "Public-notice service start"),
    "public_notice_end": ("公告送达结束", "Public-notice service end"),
    "appraisal_start": ("鉴定开始", "Appraisal start"),
    "appraisal_end": ("鉴定结束", "Appraisal end"),
    "settlement_start": ("和解开始", "Settlement period start"),
    "settlement_end": ("和解结束", "Settlement period end"),
    "jurisdiction_objection_start": ("管辖异议开始", "Jurisdiction objection start"),
    "jurisdiction_objection_end": ("管辖异议结束", "Jurisdiction objection end"),
    "suspended": ("中止", "Suspended"),
    "resumed": ("恢复", "Resumed"),
    "trial_limit_extended": ("延长审限", "Trial time limit extended"),
    "procedure_converted": ("程序转换", "Procedure converted"),
    "judgment_pronounced": ("宣判", "Judgment pronounced"),
    "mediation_concluded": ("调解结案", "Mediation concluded"),
    "withdrawn": ("撤诉", "Withdrawn"),
    "ruling": ("裁定", "Ruling"),
    "closed": ("结案", "Closed"),
    "appealed": ("上诉", "Appealed"),
    "remanded": ("发回重审", "Remanded"),
    "reversed": ("改判", "Reversed"),
    # enforcement
    "enforcement_filed": ("执行立案", "Enforcement filed"),
    "asset_frozen": ("冻结财产", "Asset frozen"),
    "round_terminated": ("终结本次执行", "Enforcement round terminated"),
    "listed_dishonest": ("纳入失信名单", "Listed as dishonest"),
    "delisted": ("移出失信名单", "Removed from dishonest list"),
    "enforcement_settlement": ("执行和解", "Enforcement settlement"),
    "performed": ("履行完毕", "Performed"),
    "funds_received": ("案款到账", "Funds received"),
    "funds_released": ("案款发放", "Funds released"),
    "execution_objection": ("执行异议", "Execution objection"),
    "distribution_claim": ("参与分配", "Distribution claim"),
    # police public order
    "questioning_start": ("询问查证开始", "Questioning start"),
    "questioning_end": ("询问查证结束", "Questioning end"),
    "injury_appraisal": ("伤情鉴定", "Injury appraisal"),
    "penalty_decided": ("作出处罚决定", "Penalty decided"),
    "public_order_extended": ("延长办案期限", "Case-handling period extended"),
}

# Values of events.result for the judgment of a first-instance administrative case (行政判决结果);
# all but ``dismiss`` are judgments the administrative organ lost (行政机关败诉).
ADMIN_JUDGMENT_RESULTS = {
    "revoke": ("判决撤销", "Revoked"),
    "alter": ("判决变更", "Altered"),
    "unlawful": ("确认违法", "Declared unlawful"),
    "void": ("确认无效", "Declared void"),
    "perform": ("责令履行", "Ordered to perform"),
    "compensate": ("判决赔偿", "Compensation awarded"),
    "dismiss": ("驳回诉讼请求", "Claim dismissed"),
}
ADMIN_LOST_RESULTS = tuple(k for k in ADMIN_JUDGMENT_RESULTS if k != "dismiss")

# Values of events.result for injury appraisals, in rising order of gravity.
INJURY_LEVELS = {
    "none": ("未达轻微伤", "Below minor injury"),
    "slight": ("轻微伤", "Slight injury"),
    "minor": ("轻伤", "Minor injury"),
    "serious": ("重伤", "Serious injury"),
}

APPROVER_LEVELS = {
    "division_head": ("庭长/部门负责人", "Division head"),
    "vice_president": ("分管副院长", "Vice-president"),
    "president": ("院长/检察长/局长", "President / chief"),
    "upper_court": ("上级法院", "Upper court"),
    "high_court": ("高级人民法院", "High court"),
    "upper_procuratorate": ("上一级检察院", "Upper procuratorate"),
    "provincial_procuratorate": ("省级检察院", "Provincial procuratorate"),
    "county_police": ("县级公安机关负责人", "County police chief"),
    "upper_police": ("上一级公安机关", "Upper police authority"),
}

LAWYER_ROLES = {
    "defence_counsel": ("辩护人", "Defence counsel"),
    "duty_lawyer": ("值班律师", "Duty lawyer"),
}

DOCUMENT_KINDS = {
    "filing_form": ("立案审批表", "Filing form"),
    "detention_warrant": ("拘留证", "Detention warrant"),
    "arrest_warrant": ("逮捕证", "Arrest warrant"),
    "family_notice": ("拘留通知书", "Detention notice to family"),
    "interrogation_record": ("讯问笔录", "Interrogation record"),
    "recommendation_to_prosecute": ("起诉意见书", "Recommendation to prosecute"),
    "plea_statement": ("认罪认罚具结书", "Plea statement"),
    "indictment": ("起诉书", "Indictment"),
    "complaint": ("起诉状", "Complaint"),
    "defence_statement": ("答辩状", "Statement of defence"),
    "hearing_record": ("庭审笔录", "Hearing record"),
    "judgment": ("判决书", "Judgment"),
    "ruling": ("裁定书", "Ruling"),
    "mediation_document": ("调解书", "Mediation document"),
    "appraisal_opinion": ("鉴定意见", "Appraisal opinion"),
    "penalty_decision": ("处罚决定书", "Penalty decision"),
    "seizure_list": ("扣押清单", "Seizure list"),
    "service_receipt": ("送达回证", "Service receipt"),
    "enforcement_notice": ("执行通知书", "Enforcement notice"),
    "other": ("其他", "Other"),
}

PROPERTY_KINDS = {
    "cash": ("现金", "Cash"),
    "vehicle": ("车辆", "Vehicle"),
    "phone": ("手机/电子设备", "Phone or device"),
    "jewellery": ("贵重物品", "Valuables"),
    "document": ("证照文书", "Documents"),
    "goods": ("物品", "Goods"),
    "deposit": ("存款", "Bank deposit"),
    "real_estate": ("不动产", "Real estate"),
}

CUSTODY_EVENT_KINDS = {
    "seized": ("扣押", "Seized"),
    "handed_over": ("移交保管", "Handed to custodian"),
    "moved": ("移库", "Moved"),
    "borrowed": ("调用", "Borrowed"),
    "returned": ("归还", "Returned"),
    "transferred_with_case": ("随案移送", "Transferred with the case"),
    "released": ("发还", "Released"),
    "disposed": ("处置", "Disposed"),
}

PETITION_OUTCOMES = {
    "pending": ("办理中", "Pending"),
    "settled": ("息访息诉", "Settled"),
    "explained": ("解释说明", "Explained"),
    "rectified": ("纠正整改", "Rectified"),
    "not_accepted": ("不予受理", "Not accepted"),
}

ENUMS = {
    "unit_kind": UNIT_KINDS,
    "agency_kind": AGENCY_KINDS,
    "matter_kind": MATTER_KINDS,
    "case_type": CASE_TYPES,
    "procedure": PROCEDURES,
    "case_status": CASE_STATUSES,
    "outcome": OUTCOMES,
    "party_kind": PARTY_KINDS,
    "party_role": PARTY_ROLES,
    "event_kind": EVENT_KINDS,
    "injury_level": INJURY_LEVELS,
    "approver_level": APPROVER_LEVELS,
    "lawyer_role": LAWYER_ROLES,
    "document_kind": DOCUMENT_KINDS,
    "property_kind": PROPERTY_KINDS,
    "custody_event_kind": CUSTODY_EVENT_KINDS,
    "petition_outcome": PETITION_OUTCOMES,
}

UNITS = Table(
    "units",
    "单位",
    "Units",
    key=("code",),
    doc="The organisation tree: city → district → agency → unit → division.",
    columns=(
        C("code", "string", "单位代码", "Code", required=True, example="330212-CRT"),
        C("name", "string", "单位名称", "Name", required=True, example="宁波市鄞州区人民法院"),
        C("kind", "string", "层级", "Kind", required=True, enum="unit_kind", example="agency"),
        C("agency_kind", "string", "机关类别", "Agency kind", enum="agency_kind", example="court"),
        C(
            "division_code",
            "string",
            "行政区划代码",
            "Division code",
            example="330212",
            doc="GB/T 2260 county-level code; the court code inside a new-style case number.",
        ),
        C("parent_code", "string", "上级单位代码", "Parent code", example="330212"),
    ),
)

STAFF = Table(
    "staff",
    "办案人员",
    "Staff",
    key=("staff_no",),
    references=((("unit_code",), "units", ("code",)),),
    columns=(
        C("staff_no", "string", "工号", "Staff number", required=True, example="CRT330212-017"),
        C("name", "string", "姓名", "Name", required=True, example="王建国"),
        C("unit_code", "string", "所在单位代码", "Unit code", required=True, example="330212-CRT-MS1"),
        C("position", "string", "职务", "Position", example="审判员"),
    ),
)

MATTERS = Table(
    "matters",
    "案事件",
    "Matters",
    key=("matter_id",),
    doc="One matter followed across agencies (单轨制协同办案): police → procuratorate → court → enforcement.",
    columns=(
        C("matter_id", "string", "案事件编号", "Matter id", required=True, example="M2021-000123"),
        C("kind", "string", "类别", "Kind", required=True, enum="matter_kind", example="criminal"),
        C("opened_at", "date", "发生日期", "Opened at", required=True, example="2021-03-01"),
        C("title", "string", "名称", "Title", example="张某故意伤害案"),
        *_SOURCE,
    ),
)

CASES = Table(
    "cases",
    "案件",
    "Cases",
    key=("unit_code", "case_number"),
    references=(
        (("unit_code",), "units", ("code",)),
        (("matter_id",), "matters", ("matter_id",)),
        (("handler_staff_no",), "staff", ("staff_no",)),
    ),
    columns=(
        *_CASE_REF,
        C("matter_id", "string", "案事件编号", "Matter id", example="M2021-000123"),
        C("case_type", "string", "案件类型", "Case type", required=True, enum="case_type", example="civil"),
        C("cause_code", "string", "案由/罪名代码", "Cause code", example="9301"),
        C("cause_name", "string", "案由/罪名", "Cause", example="民间借贷纠纷"),
        C("procedure", "string", "程序", "Procedure", enum="procedure", example="simplified"),
        C("status", "string", "案件状态", "Status", required=True, enum="case_status", example="closed"),
        C("handler_staff_no", "string", "承办人工号", "Handler", example="CRT330212-017"),
        C(
            "received_at",
            "date",
            "收案日期",
            "Received at",
            example="2021-03-01",
            doc="Day the complaint, report or transfer was received (before the filing decision).",
        ),
        C("filed_at", "date", "立案日期", "Filed at", required=True, example="2021-03-05"),
        C("closed_at", "date", "结案日期", "Closed at", example="2021-06-30"),
        C("claim_amount", "decimal", "标的额(元)", "Claim amount (yuan)", example="150000.00"),
        C("plea_leniency", "bool", "认罪认罚", "Plea leniency", example="true"),
        C("outcome", "string", "结案方式", "Outcome", enum="outcome", example="judgment"),
        C("instance", "int", "审级", "Instance", example="1", doc="1 = first instance, 2 = second instance."),
        C("year", "int", "年度", "Year", derived=True, doc="Year inside the case number."),
        C(
            "court_division_code",
            "string",
            "案号区划代码",
            "Case-number division code",
            derived=True,
            doc="County code parsed from a new-style case number (e.g. 330212).",
        ),
        *_SOURCE,
    ),
)

PARTIES = Table(
    "parties",
    "当事人",
    "Parties",
    key=("party_id",),
    doc="Natural persons and organisations. party_id is the ID number, the credit code, or a source id.",
    columns=(
        C(
            "party_id",
            "string",
            "当事人标识",
            "Party id",
            required=True,
            example="330203199001011234",
            personal=True,
        ),
        C("kind", "string", "类别", "Kind", required=True, enum="party_kind", example="person"),
        C("name", "string", "姓名/名称", "Name", required=True, example="李明", personal=True),
        C(
            "id_number",
            "string",
            "身份证号",
            "ID number",
            example="330203199001011234",
            personal=True,
            doc="GB 11643 18-digit resident ID; check digit and birth date verified.",
        ),
        C(
            "credit_code",
            "string",
            "统一社会信用代码",
            "Credit code",
            example="91330200MA2AB3CD4E",
            doc="GB 32100 unified social credit code; check digit verified.",
        ),
        C("birth_date", "date", "出生日期", "Birth date", example="1990-01-01", personal=True),
        C("sex", "string", "性别", "Sex", example="M"),
        C("phone", "string", "联系电话", "Phone", example="13800001234", personal=True),
        C("address", "string", "住址", "Address", example="浙江省宁波市鄞州区首南街道某路1号", personal=True),
        C("division_code", "string", "住址区划代码", "Address division code", example="330212"),
        C("legal_rep_party_id", "string", "法定代表人标识", "Legal representative", personal=True),
        *_SOURCE,
    ),
)

CASE_PARTIES = Table(
    "case_parties",
    "案件当事人",
    "Case parties",
    key=("unit_code", "case_number", "party_id", "role", "represents_party_id"),
    references=(
        (("unit_code", "case_number"), "cases", ("unit_code", "case_number")),
        (("party_id",), "parties", ("party_id",)),
    ),
    columns=(
        *_CASE_REF,
        C("party_id", "string", "当事人标识", "Party id", required=True, personal=True),
        C("role", "string", "诉讼地位", "Role", required=True, enum="party_role", example="plaintiff"),
        C(
            "represents_party_id",
            "string",
            "代理对象标识",
            "Represents",
            personal=True,
            doc="For agents, counsel and legal representatives: the party they act for.",
        ),
        *_SOURCE,
    ),
)

EVENTS = Table(
    "events",
    "程序事件",
    "Events",
    key=("unit_code", "case_number", "seq"),
    references=((("unit_code", "case_number"), "cases", ("unit_code", "case_number")),),
    columns=(
        *_CASE_REF,
        C("seq", "int", "序号", "Sequence", required=True, example="3"),
        C("kind", "string", "事件类型", "Kind", required=True, enum="event_kind", example="detained"),
        C(
            "occurred_at",
            "timestamp",
            "发生时间",
            "Occurred at",
            required=True,
            example="2021-03-01 10:30:00",
        ),
        C("actor_staff_no", "string", "经办人工号", "Actor"),
        C(
            "person_party_id",
            "string",
            "涉及人员标识",
            "Person",
            personal=True,
            doc="For custody events: the person detained, arrested, released.",
        ),
        C("approver_level", "string", "审批层级", "Approver level", enum="approver_level"),
        C("approved_at", "timestamp", "审批时间", "Approved at"),
        C("new_due_date", "date", "延长后期限", "New due date"),
        C(
            "result",
            "string",
            "结果",
            "Result",
            example="minor",
            doc="Appraisal result (injury_level for injury appraisals), decision result, or the result of an administrative judgment (revoke, alter, unlawful, void, perform, compensate: the organ lost; dismiss).",
        ),
        C("lawyer_present", "bool", "律师在场", "Lawyer present"),
        C("lawyer_role", "string", "在场律师身份", "Lawyer role", enum="lawyer_role"),
        C("recorded", "bool", "同步录音录像", "Recorded"),
        C("reason", "string", "事由", "Reason"),
        *_SOURCE,
    ),
)

DOCUMENTS = Table(
    "documents",
    "卷宗文书",
    "Documents",
    key=("unit_code", "case_number", "doc_no"),
    references=((("unit_code", "case_number"), "cases", ("unit_code", "case_number")),),
    columns=(
        *_CASE_REF,
        C("doc_no", "string", "文书编号", "Document number", required=True),
        C("kind", "string", "文书类型", "Kind", required=True, enum="document_kind"),
        C("issued_at", "date", "制作日期", "Issued at", required=True),
        C(
            "signatories",
            "string",
            "签署人",
            "Signatories",
            doc="Semicolon-separated names or staff numbers.",
        ),
        *_SOURCE,
    ),
)

TRANSFERS = Table(
    "transfers",
    "案件移送",
    "Transfers",
    key=("transfer_id",),
    references=(
        (("from_unit_code", "from_case_number"), "cases", ("unit_code", "case_number")),
        (("to_unit_code", "to_case_number"), "cases", ("unit_code", "case_number")),
    ),
    columns=(
        C("transfer_id", "string", "移送编号", "Transfer id", required=True),
        C("matter_id", "string", "案事件编号", "Matter id"),
        C("from_unit_code", "string", "移送单位", "From unit", required=True),
        C("from_case_number", "string", "移送案号", "From case number", required=True),
        C("to_unit_code", "string", "接收单位", "To unit", required=True),
        C("to_case_number", "string", "接收案号", "To case number"),
        C("sent_at", "timestamp", "移送时间", "Sent at", required=True),
        C("received_at", "timestamp", "接收时间", "Received at"),
        C(
            "electronic",
            "bool",
            "电子卷宗单轨移送",
            "Electronic (single-track)",
            required=True,
            doc="True when the file moved electronically only (单轨制), without a paper file.",
        ),
        C("document_count", "int", "文书数", "Documents"),
        *_SOURCE,
    ),
)

PROPERTY_ITEMS = Table(
    "property_items",
    "涉案财物",
    "Property items",
    key=("item_id",),
    references=((("unit_code", "case_number"), "cases", ("unit_code", "case_number")),),
    columns=(
        C("item_id", "string", "财物编号", "Item id", required=True),
        *_CASE_REF,
        C("kind", "string", "财物类别", "Kind", required=True, enum="property_kind"),
        C("description", "string", "名称特征", "Description"),
        C("value", "decimal", "价值(元)", "Value (yuan)"),
        C("seized_at", "timestamp", "扣押时间", "Seized at", required=True),
        C("handed_to_custodian_at", "timestamp", "移交保管时间", "Handed to custodian at"),
        C("custodian_staff_no", "string", "保管人工号", "Custodian"),
        C(
            "relevant",
            "bool",
            "与案件有关",
            "Relevant to the case",
            doc="False: unrelated, must be released.",
        ),
        C("released_at", "timestamp", "发还时间", "Released at"),
        C("disposal", "string", "处置方式", "Disposal"),
        C("disposal_at", "timestamp", "处置时间", "Disposal at"),
        *_SOURCE,
    ),
)

CUSTODY_EVENTS = Table(
    "custody_events",
    "财物流转",
    "Custody events",
    key=("item_id", "seq"),
    references=((("item_id",), "property_items", ("item_id",)),),
    columns=(
        C("item_id", "string", "财物编号", "Item id", required=True),
        C("seq", "int", "序号", "Sequence", required=True),
        C("kind", "string", "流转类型", "Kind", required=True, enum="custody_event_kind"),
        C("occurred_at", "timestamp", "时间", "Occurred at", required=True),
        C("location", "string", "地点", "Location"),
        C("from_holder", "string", "交出方", "From"),
        C("to_holder", "string", "接收方", "To"),
        *_SOURCE,
    ),
)

PETITIONS = Table(
    "petitions",
    "信访件",
    "Petitions",
    key=("petition_id",),
    columns=(
        C("petition_id", "string", "信访编号", "Petition id", required=True),
        C("petitioner_party_id", "string", "信访人标识", "Petitioner", personal=True),
        C("unit_code", "string", "受理单位", "Receiving unit", required=True),
        C("case_number", "string", "关联案号", "Linked case number"),
        C("received_at", "date", "收到日期", "Received at", required=True),
        C("subject", "string", "事由", "Subject"),
        C("outcome", "string", "办理结果", "Outcome", enum="petition_outcome"),
        C("closed_at", "date", "办结日期", "Closed at"),
        *_SOURCE,
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        UNITS,
        STAFF,
        MATTERS,
        CASES,
        PARTIES,
        CASE_PARTIES,
        EVENTS,
        DOCUMENTS,
        TRANSFERS,
        PROPERTY_ITEMS,
        CUSTODY_EVENTS,
        PETITIONS,
    )
}


# Enforcement and credit: their own module (schema_enforcement), merged here.
from casewatch.analytics import schema_enforcement as _enforcement  # noqa: E402
from casewatch.analytics.schema_enforcement import (  # noqa: E402, F401 - re-exported
    ASSET_SEARCHES,
    CASE_FUND_MOVEMENTS,
    CORRECTION_OUTCOMES,
    CREDIT_REPAIRS,
    DEBTOR_PAYMENTS,
    DELETION_TRIGGERS,
    DISHONEST_LISTINGS,
    ENFORCEMENT_FILINGS,
    ENFORCEMENT_RESTRICTIONS,
    ENFORCEMENT_RULINGS,
    ENFORCEMENT_SETTLEMENTS,
    ENFORCEMENT_TABLES,
    FUND_KINDS,
    LISTING_GROUNDS,
    PAYMENT_CHANNELS,
    PERFORMANCE_DEADLINES,
    REPAIR_CONDITIONS,
    REPAIR_STATUSES,
    RESTRICTION_KINDS,
    RULING_KINDS,
    SEARCH_RESULTS,
)

ENUMS.update(_enforcement.ENUMS)
TABLES.update({t.name: t for t in ENFORCEMENT_TABLES})


def arrow_schema(table: str):
    """The pyarrow schema of a canonical table (all columns, derived included)."""
    import pyarrow as pa

    mapping = {
        "string": pa.string(),
        "int": pa.int64(),
        "decimal": pa.decimal128(18, 2),
        "date": pa.date32(),
        "timestamp": pa.timestamp("s"),
        "bool": pa.bool_(),
    }
    t = TABLES[table]
    return pa.schema([pa.field(c.name, mapping[c.type], nullable=not c.required) for c in t.columns])


def duckdb_ddl(table: str) -> str:
    """CREATE TABLE statement for DuckDB."""
    t = TABLES[table]
    cols = ",\n  ".join(f"{c.name} {TYPES[c.type][1]}" for c in t.columns)
    return f"CREATE TABLE {t.name} (\n  {cols}\n)"


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown (docs/data-dictionary.md is this text)."""
    out = [
        "# Data dictionary — the canonical case schema (数据字典)",
        "",
        "Generated from `casewatch/analytics/schema.py` by "
        "`python -m casewatch.analytics.schema > docs/data-dictionary.md`; do not edit by hand.",
        "",
        "Import files may use the Chinese or the English column names below. Columns marked *derived* "
        "are computed by the importer and ignored in input. Columns marked *personal* are masked on "
        "display unless the viewer's role may reveal them.",
        "",
    ]
    for t in TABLES.values():
        out += [f"## `{t.name}` — {t.zh} / {t.en}", ""]
        if t.doc:
            out += [t.doc, ""]
        out += [f"Natural key: `({', '.join(t.key)})`", ""]
        for cols, other, theirs in t.references:
            out.append(f"References: `({', '.join(cols)})` → `{other}({', '.join(theirs)})`")
        if t.references:
            out.append("")
        out += [
            "| column | 中文 | English | type | required | allowed values | example | notes |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for c in t.columns:
            flags = []
            if c.derived:
                flags.append("derived")
            if c.personal:
                flags.append("personal")
            notes = "; ".join(filter(None, [", ".join(flags), c.doc]))
            enum = f"`{c.enum}`" if c.enum else ""
            out.append(
                f"| `{c.name}` | {c.zh} | {c.en} | {c.type} | {'yes' if c.required else ''} | {enum} "
                f"| {c.example} | {notes} |"
            )
        out.append("")
    out += ["## Allowed values (枚举)", ""]
    for name, values in ENUMS.items():
        out += [f"### `{name}`", "", "| value | 中文 | English |", "|---|---|---|"]
        out += [f"| `{k}` | {zh} | {en} |" for k, (zh, en) in values.items()]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(data_dictionary_markdown())

"""Arithmetic of the campaign report's figures: rates, changes and their written definitions.

Django-free (the data plane). Every rate is computed from exact integer counts with decimal
arithmetic and rounded half-up at the end (0.125 % → 0.13 %), never from rounded parts:

* ``rate(num, den)``           — num ÷ den × 100, two places;
* ``change_pct(now, before)``   — (now − before) ÷ before × 100, two places (−67.52 % is "down 67.52 %");
* ``change_pp(now, before)``    — now − before in percentage points, one place, from the unrounded rates.

``DEFINITIONS`` is the text shown beside each figure on the report page, the DOCX/PDF and in
``docs/indicators.md``; a test keeps the two in step.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
ONE = Decimal("0.1")


def _q(value: Decimal, places: Decimal) -> float:
    return float(value.quantize(places, rounding=ROUND_HALF_UP))


def rate(num: int, den: int, places: Decimal = TWO) -> float | None:
    """A percentage rounded half-up; None when the denominator is zero."""
    if not den:
        return None
    return _q(Decimal(num) * 100 / Decimal(den), places)


def change_pct(now: int | float, before: int | float) -> float | None:
    """Relative change in percent, half-up to two places; None without a base."""
    if not before:
        return None
    return _q((Decimal(str(now)) - Decimal(str(before))) * 100 / Decimal(str(before)), TWO)


def change_pp(num_now: int, den_now: int, num_before: int, den_before: int) -> float | None:
    """Change of a rate in percentage points, from the exact rates, half-up to one place."""
    if not den_now or not den_before:
        return None
    now = Decimal(num_now) * 100 / Decimal(den_now)
    before = Decimal(num_before) * 100 / Decimal(den_before)
    return _q(now - before, ONE)


def yi(yuan) -> float:
    """Yuan in 亿元 (10⁸ yuan), half-up to two places (298,000,000.00 → 2.98)."""
    return _q(Decimal(str(yuan)) / Decimal(100_000_000), TWO)


def mean_days(total_days: int, n: int) -> float | None:
    """Average of a day count, half-up to one place."""
    if not n:
        return None
    return _q(Decimal(total_days) / Decimal(n), ONE)


#: figure key -> (Chinese definition, English definition)
DEFINITIONS: dict[str, tuple[str, str]] = {
    "cases_screened": (
        "截至报告日，最近一次成功的全面排查（全量规则）所检查的、属于本范围的案件数。",
        "Cases in scope checked by the latest successful full screening run on or before the report date.",
    ),
    "key_cases_reviewed": (
        "报告期内开展的评查活动确定的重点评查案件数（评查活动入选案件，去重）。",
        "Distinct cases selected into review campaigns started in the period (key cases reviewed).",
    ),
    "falselit_listed": (
        "挂牌督办的虚假诉讼线索数：线索上有挂牌督办令且督办令签发日不晚于报告日。",
        "False-litigation leads under listed supervision (挂牌督办): a listed order on the lead issued by the report date.",
    ),
    "questionnaires": (
        "回收的公平正义感受度测评表份数（报告期内有效问卷）。",
        "Perceived-fairness questionnaires received in the period (valid responses).",
    ),
    "satisfaction": (
        "综合满意度 = 评价为满意档（按测评批次设定的前 k 档）的有效评分 ÷ 全部有效评分（“不了解”不计入）。",
        "Overall satisfaction = ratings in the satisfied box (top k, per wave) ÷ all valid ratings ('don't know' excluded).",
    ),
    "forums": ("报告期内召开的座谈会场数。", "Forums (座谈会) held in the period."),
    "single_track": (
        "单轨制协同办案覆盖率 = 报告期内仅以电子卷宗移送的跨部门移送 ÷ 全部跨部门移送。",
        "Single-track coverage = cross-agency transfers in the period sent electronically only ÷ all transfers.",
    ),
    "long_pending_change": (
        "长期未结案降幅 = （报告日超过12个月未结案件数 − 活动开始日超过12个月未结案件数）÷ 活动开始日数；"
        "未结：立案日不晚于该日且结案日为空或晚于该日；超过12个月：立案日早于该日前12个月。",
        "Long-pending change = (cases pending over 12 months at the report date − at the campaign start) ÷ at the "
        "start; pending on day D: filed on or before D and not closed by D; over 12 months: filed before D − 12 months.",
    ),
    "plea_rate": (
        "认罪认罚适用率（按人数）= 报告期内检察机关审查起诉办结的犯罪嫌疑人中适用认罪认罚的人数 ÷ 同期办结人数"
        "（最高检口径：适用认罪认罚从宽制度办结人数占同期刑事案件办结人数）。",
        "Plea-leniency rate (by persons) = suspects in prosecution reviews concluded in the period whose case applied "
        "plea leniency ÷ all suspects in reviews concluded in the period (the SPP's definition).",
    ),
    "admin_filings_yoy": (
        "一审行政诉讼收案同比 = （本期一审行政案件立案数 − 上年同期数）÷ 上年同期数；同期：上年同一起止月日。",
        "First-instance administrative filings year on year = (filed in the period − filed in the same period a "
        "year earlier) ÷ the earlier figure.",
    ),
    "admin_loss_rate": (
        "行政机关败诉率 = 报告期内审结的一审行政案件中行政机关败诉（判决撤销、变更、确认违法或无效、"
        "责令履行、赔偿）的件数 ÷ 审结件数（含撤诉、驳回起诉）；同比变化以百分点计。",
        "Administrative organ's loss rate = first-instance administrative cases concluded in the period that the organ "
        "lost (judgment revoking, altering, declaring unlawful or void, ordering performance, awarding "
        "compensation) ÷ all concluded (withdrawals and dismissals included); the change is in percentage points.",
    ),
    "simplified_share": (
        "繁简分流：报告期内审结的一审民事案件中适用简易程序和小额诉讼程序的占比，及各程序平均审理天数"
        "（结案日 − 立案日）。",
        "Case streaming (繁简分流): share of first-instance civil cases concluded in the period under simplified or "
        "small-claims procedure, and average days (closing − filing) per track.",
    ),
    "education_sessions": ("报告期内开展的警示教育场次。", "Warning-education sessions held in the period."),
    "education_people": (
        "警示教育覆盖人数 = 报告期内至少参加一次警示教育的不同人员数（同一人在两个单位只计一次，按身份证号识别，"
        "无身份证号按工号）；覆盖率 = 覆盖人数 ÷ 花名册人数。",
        "People reached = distinct persons who attended at least one session in the period (one person in two units "
        "counts once: by ID number, else staff number); coverage = people reached ÷ persons on the roster.",
    ),
    "norms": (
        "报告期内出台（发文日期在期内）的制度规范件数，按类型（联合文件、单位制度、工作机制）。",
        "Norms issued in the period, by kind (joint documents, agency rules, working mechanisms).",
    ),
    "research_topics": (
        "专题调研课题数及其中已结题的数量。",
        "Research topics, and how many of them are concluded.",
    ),
    "enforcement_voluntary": (
        "自动履行率 = 履行期限在期内的生效裁判中，债务人于履行期限届满前付清的比例（执行模块口径）。",
        "Voluntary performance rate = judgments whose performance deadline falls in the period that the debtor paid in "
        "full by the deadline (the enforcement module's definition).",
    ),
    "enforcement_repairs": (
        "信用修复完成件数 = 期内完成（状态为已完成、完成日在期内）的信用修复申请数。",
        "Credit repairs completed = credit-repair applications completed in the period.",
    ),
    "enforcement_after_repair": (
        "修复后履行标的额 = 上述信用修复案件中，债务人自核实之日（无则申请之日）起至报告日在该执行案件中的付款合计。",
        "Amount performed after repair = for those repairs, the debtor's payments in the enforcement case from the "
        "verification day (else the application day) to the report day.",
    ),
    "enforcement_firms": (
        "享受正向激励的企业数 = 期内付清、符合自动履行正向激励条件（履行期内付清、未被申请执行、无在办执行案件）的不同企业债务人数。",
        "Firms with the incentive = distinct organisation debtors eligible for the voluntary-performance incentive "
        "(paid in full by the deadline, before any enforcement filing, no pending enforcement case) who paid in the period.",
    ),
    "enforcement_cleared": (
        "案款清理发放笔数 = 期内发放案款和退还诉讼费的笔数（案款台账中发放、退费记录）。",
        "Case-fund payments cleared = payouts of enforcement money and refunds of fees in the period.",
    ),
}


def definition(key: str, zh: bool = True) -> str:
    """The written definition of a figure in Chinese or English."""
    zh_text, en_text = DEFINITIONS[key]
    return zh_text if zh else en_text

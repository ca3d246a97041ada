"""Thresholds and weights of the false-litigation indicators (configuration, not law).

Every threshold is ours (rules-cn.md §1.8 is marked DESIGN); the official basis of each indicator
is in ``INDICATORS``. Change them through ``Config(**overrides)`` or the Django setting
``FALSELIT_CONFIG`` (a dict), never by editing the SQL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: indicator code -> (English label, Chinese label, basis in rules-cn.md §1)
INDICATORS: dict[str, tuple[str, str, str]] = {
    "F1": (
        "Same parties in repeated loan suits",
        "同一当事人多次民间借贷诉讼",
        "民间借贷规定 第18条(4); §1.8 F1",
    ),
    "F2": (
        "Serial private lender with high withdrawal / default-judgment / mediation rate",
        "职业放贷：同一原告大量借贷诉讼且撤诉/缺席/调解率高",
        "§1.7 绍兴 pattern; §1.8 F2",
    ),
    "F3": (
        "Related parties on opposite sides (shared phone, address, agent, legal representative)",
        "双方当事人存在关联（同一电话、住址、代理人、法定代表人）",
        "SPC 2016 意见 情形1; SPC 2021 意见 特征3; §1.8 F3",
    ),
    "F3R": (
        "Parties of different suits tied by one agent and one shared address or phone",
        "同一代理人代理的多起诉讼当事人共用住址或电话",
        "SPC 2021 意见 第2条 (colluding agents); SPC 2016 意见 情形1; §1.8 F3 + F12",
    ),
    "F5": (
        "Mediation / consent very soon after filing",
        "立案后短期内即调解结案",
        "SPC 2016 意见 情形4-5; SPC 2021 意见 特征4、7; §1.8 F5",
    ),
    "F6": ("Defendant already a judgment debtor", "被告已是被执行人", "浙江 2017 意见 类型4; §1.8 F6"),
    "F8": (
        "Execution objection / distribution claim by a party related to the debtor",
        "与被执行人关联的当事人提出执行异议或参与分配",
        "SPC 2021 意见 第2条、类型2; 2018 两高解释 第1条(6); §1.8 F8",
    ),
    "F9": (
        "Property claim against a spouse while the divorce is pending",
        "离婚诉讼期间针对一方配偶的财产诉讼",
        "SPC 2021 意见 类型5; 浙江 2017 意见 类型2; §1.8 F9",
    ),
    "F11": (
        "Claims piling up against one company within weeks (labour / debts before distribution)",
        "短期内针对同一企业的集中诉讼（劳动报酬、债务）",
        "SPC 2021 意见 类型3; 张家港 model; §1.8 F11",
    ),
    "F12": (
        "Same agent across many flagged cases",
        "同一代理人出现在多起可疑案件",
        "SPC 2021 意见 第2条; §1.8 F12",
    ),
}

#: predicted ring category -> the indicator that defines it (for per-category quality figures)
CATEGORY_OF = {
    "F9": "divorce_debt",
    "F3R": "agent_ring",
    "F1": "collusive_pair",
    "F2": "serial_lender",
    "F11L": "fake_labour",
    "F11": "debtor_pileup",
    "F8": "execution_related",
}


@dataclass(frozen=True)
class Config:
    """Thresholds (days, counts, rates) and weights; a case or cluster is a lead at ``lead_score``."""

    loan_causes: tuple[str, ...] = ("民间借贷纠纷", "借款合同纠纷", "企业借贷纠纷")
    labour_causes: tuple[str, ...] = ("追索劳动报酬纠纷", "劳动争议", "劳动合同纠纷")
    divorce_causes: tuple[str, ...] = ("离婚纠纷", "离婚后财产纠纷")
    # Every "within N days" is a trailing window: the suits filed in [day - N, day].
    # F1: the same pair in ≥ n first-instance loan suits within window days
    f1_min_suits: int = 2
    f1_window_days: int = 730
    # F2: one lender — a natural person, or the companies one controller represents — with ≥ n
    # loan suits against ≥ f2_min_defendants people within window days and a high
    # withdrawal + default-judgment rate, or ≥ f2_volume_suits whatever the rate (职业放贷)
    f2_min_suits: int = 5
    f2_min_defendants: int = 3
    f2_window_days: int = 365
    f2_min_rate: float = 0.5
    f2_volume_suits: int = 8
    # F3R: an agent acting for ≥ n parties (in ≥ n suits) who share one address or phone
    f3r_min_parties: int = 3
    # F5: mediated within n days of filing
    f5_quick_days: int = 15
    # F8: an execution objection or objection suit by a party whose own suit against the debtor
    # was mediated within f5_quick_days and filed at most this many days before
    f8_consent_lookback_days: int = 365
    # F9: a loan/property suit against a spouse filed from lookback days before the divorce was
    # filed until it closed, by a plaintiff related to the spouse or settled at once
    f9_lookback_days: int = 180
    f9_grace_days: int = 0
    # F11: ≥ n suits by different plaintiffs against one organisation within window days, at least
    # quick share of them closed quickly, and at least tied share of the plaintiffs related to the
    # company (its legal representative) or to each other
    f11_min_suits: int = 5
    f11_window_days: int = 60
    f11_min_quick_share: float = 0.5
    f11_min_tied_share: float = 0.2
    # F12: an agent in ≥ n cases that fired a structural indicator
    f12_min_cases: int = 3
    # Honest mass litigants by role and licence: organisations whose registered name says they are
    # licensed lenders or service providers (only licensed firms may carry these words in their
    # names), plus an explicit list of credit codes; and any organisation with more suits than
    # hub_degree. They give no F1/F2/F9/F11 weight and do not join clusters.
    licensed_name_re: str = "银行|信用卡中心|小额贷款|消费金融|融资租赁|保险|信托|典当|物业|律师事务所|供电|自来水|燃气|电信|移动通信"
    licensed_ids: tuple[str, ...] = ()
    hub_degree: int = 60
    # a phone or address shared by more entities than this is a switchboard, not a tie
    max_shared: int = 12
    # graph: agents in more risky cases than this do not link them; components larger than
    # max_component are split again without agent, phone and address edges
    agent_max_cases: int = 30
    max_component: int = 200
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "F1": 0.5,
            "F2": 0.6,
            "F3": 0.35,
            "F3R": 0.5,
            "F5": 0.2,
            "F6": 0.15,
            "F8": 0.6,
            "F9": 0.6,
            "F11": 0.55,
            "F12": 0.15,
        }
    )
    # a cluster is a lead when one of its cases scores lead_score with a structural indicator;
    # a case belongs to a cluster (and its lead) only on its own evidence: score ≥ member_score
    lead_score: float = 0.6
    member_score: float = 0.34
    # entity resolution: pairs at or above this probability are merged; a name shared by at most
    # this many records is compared on the name alone (larger blocks need one more agreeing field)
    match_probability: float = 0.95
    er_name_block_max: int = 40
    # ... and records of a name carried by at most this many records merge when they appear beside
    # a party of one name, on either side (resolve._counterpart_links)
    er_counterpart_name_max: int = 10
    # ... the party of one name both records appear beside must itself be this uncommon (a bank
    # or a lawyer beside hundreds of people is no evidence that two of them are one)
    er_associate_max: int = 40

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> Config:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for k in ("loan_causes", "labour_causes", "divorce_causes", "licensed_ids"):
            if k in known:
                known[k] = tuple(known[k])
        if "weights" in known:
            known["weights"] = {**cls().weights, **known["weights"]}
        return cls(**known)

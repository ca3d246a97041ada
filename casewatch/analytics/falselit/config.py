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
    # F1: the same pair in ≥ n loan suits within window days
    f1_min_suits: int = 2
    f1_window_days: int = 730
    # F2: a natural-person plaintiff with ≥ n loan suits within window days and a high rate
    f2_min_suits: int = 4
    f2_window_days: int = 365
    f2_min_rate: float = 0.5
    # ... or ≥ n loan suits within the window whatever the rate (职业放贷 by volume, natural persons only)
    f2_volume_suits: int = 8
    # F5: mediated or withdrawn within n days of filing
    f5_quick_days: int = 15
    # F9: a loan/property suit filed while a divorce between the defendant and another party runs
    f9_grace_days: int = 0
    # F11: ≥ n suits by different plaintiffs against one organisation within window days,
    # with at least share of them closed quickly (F5)
    f11_min_suits: int = 5
    f11_window_days: int = 60
    f11_min_quick_share: float = 0.5
    # F12: an agent in ≥ n cases that fired a structural indicator
    f12_min_cases: int = 3
    # Honest repeat litigants: an organisation plaintiff with more than this many suits never
    # gets F2/F11 weight from volume alone (banks, leasing companies, property managers).
    hub_degree: int = 60
    # graph: components larger than this are split again without hub nodes and agents
    max_component: int = 200
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "F1": 0.6,
            "F2": 0.6,
            "F3": 0.35,
            "F5": 0.15,
            "F6": 0.15,
            "F8": 0.5,
            "F9": 0.6,
            "F11": 0.55,
            "F12": 0.15,
        }
    )
    lead_score: float = 0.6
    # entity resolution: pairs at or above this probability are merged; a name shared by at most
    # this many records is compared on the name alone (larger blocks need one more agreeing field)
    match_probability: float = 0.95
    er_name_block_max: int = 40

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> Config:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for k in ("loan_causes", "labour_causes", "divorce_causes"):
            if k in known:
                known[k] = tuple(known[k])
        if "weights" in known:
            known["weights"] = {**cls().weights, **known["weights"]}
        return cls(**known)

"""Ring shapes, honest look-alikes and the background docket of the evaluation city.

Each ring function takes the city and a ``(shape, group)`` label and adds the ring's cases,
enforcement-stage cases included. The signs are those of rules-cn.md §1 (see each docstring);
the numbers (how many suits, how many days) are ours.
"""

from __future__ import annotations

import datetime as dt

LOANS = ("民间借贷纠纷", "民间借贷纠纷", "借款合同纠纷")
OTHER_CAUSES = (
    "买卖合同纠纷",
    "机动车交通事故责任纠纷",
    "房屋租赁合同纠纷",
    "服务合同纠纷",
    "承揽合同纠纷",
    "离婚纠纷",
    "民间借贷纠纷",
    "追索劳动报酬纠纷",
    "劳务合同纠纷",
    "物业服务合同纠纷",
)
OUTCOMES = ("judgment", "judgment", "mediation", "withdrawal", "default_judgment")


def _court(c):
    return c.r.choice(sorted({"330203", "330205", "330206", "330211", "330212", "330213"}))


def _days_quick(c, lo=2, hi=12):
    return c.r.randint(lo, hi)


def _lawyer(c):
    """A lawyer: office landline and address, usually no ID in the judgment."""
    return c.person(div="330203")


# -- background and honest look-alikes -------------------------------------------------------
def background(c, n: int) -> None:
    """Ordinary civil cases; people recur (neighbours, families, repeat parties), a few enforcement cases."""
    r = c.r
    pool = [c.person() for _ in range(max(50, n // 2))]
    orgs = [c.org() for _ in range(max(10, n // 40))]
    lawyers = [_lawyer(c) for _ in range(max(10, n // 150))]
    for _ in range(n):
        court = _court(c)
        cause = r.choice(OTHER_CAUSES)
        filed = r.randint(0, 3 * 365 - 200)
        if cause == "离婚纠纷":
            h = r.choice(pool)
            w = c.person(address=h["addr"], div=h["div"])
            c.case(
                court,
                cause,
                filed,
                [w],
                [h],
                outcome=r.choice(("judgment", "mediation", "withdrawal")),
                days=r.randint(40, 200),
            )
            continue
        p = r.choice(pool) if r.random() < 0.8 else r.choice(orgs)
        d = r.choice(pool) if r.random() < 0.7 else r.choice(orgs)
        if p is d:
            d = c.person()
        oc = r.choice(OUTCOMES)
        days = _days_quick(c, 3, 15) if oc == "mediation" and r.random() < 0.3 else r.randint(15, 200)
        agents = {}
        if r.random() < 0.5:
            agents[p["key"]] = r.choice(lawyers)
        if r.random() < 0.3:
            agents[d["key"]] = r.choice(lawyers)
        c.case(court, cause, filed, [p], [d], outcome=oc, days=days, agents=agents)
        if oc in ("judgment", "default_judgment") and r.random() < 0.12:
            ev = None
            third = ()
            if r.random() < 0.15:  # a genuine outsider objects (a buyer, a tenant)
                ev, third = "execution_objection", (c.person(),)
            c.enforce(court, filed + days + r.randint(20, 90), p, d, third=third, event=ev)


def honest(c, n: int) -> None:
    """Banks, a card centre, licensed micro-lenders, property managers, a law firm, wage and consumer waves."""
    r = c.r
    scale = max(1, n // 10_000)
    firm_addr = c.address("330203", flat=False)
    firm_phone = "057487300000"
    firm = [c.person(div="330203", address=firm_addr, phone=firm_phone) for _ in range(6)]

    def lender(kind, name, cause, count, outcomes):
        o = c.org(name=name, div="330203")
        o["big"] = True
        for _ in range(count * scale):
            d = c.person()
            filed = r.randint(0, 3 * 365 - 120)
            oc = r.choice(outcomes)
            days = _days_quick(c, 5, 14) if oc == "mediation" and r.random() < 0.4 else r.randint(20, 120)
            c.case(
                _court(c),
                cause,
                filed,
                [o],
                [d],
                outcome=oc,
                days=days,
                agents={o["key"]: r.choice(firm)},
                label=(f"honest:{kind}", f"{kind}-{o['key']}"),
            )
            if oc in ("default_judgment", "judgment") and r.random() < 0.35:
                c.enforce(
                    _court(c),
                    filed + days + r.randint(20, 60),
                    o,
                    d,
                    label=(f"honest:{kind}", f"{kind}-{o['key']}"),
                )

    mixed = ("default_judgment", "default_judgment", "mediation", "judgment", "withdrawal")
    lender("bank", "中国甬江银行股份有限公司宁波分行", "金融借款合同纠纷", 220, mixed)
    lender("bank", "宁波四明农村商业银行股份有限公司", "金融借款合同纠纷", 160, mixed)
    lender("card_centre", "甬江银行股份有限公司信用卡中心", "信用卡纠纷", 200, mixed)
    lender(
        "micro_lender",
        "宁波市海曙区天一小额贷款股份有限公司",
        "借款合同纠纷",
        90,
        ("default_judgment", "withdrawal", "withdrawal", "mediation", "judgment"),
    )
    lender("micro_lender", "宁波鄞州民安小额贷款有限公司", "小额借款合同纠纷", 80, mixed)
    # property managers: waves against the residents of one estate (same road and number, other flats)
    for name in ("宁波绿城物业服务有限公司", "宁波甬城物业管理有限公司"):
        o = c.org(name=name)
        o["big"] = True
        estate = c.address(o["div"], flat=True)
        for _ in range(3 * scale):
            start = r.randint(0, 3 * 365 - 120)
            for _ in range(r.randint(25, 40)):
                a = dict(estate, bld=r.randint(1, 20), room=r.randint(101, 2602))
                d = c.person(address=a, div=o["div"])
                oc = r.choice(("mediation", "mediation", "judgment", "default_judgment", "withdrawal"))
                days = _days_quick(c, 3, 12) if oc == "mediation" else r.randint(20, 90)
                c.case(
                    o["div"],
                    "物业服务合同纠纷",
                    start + r.randint(0, 40),
                    [o],
                    [d],
                    outcome=oc,
                    days=days,
                    agents={o["key"]: r.choice(firm)},
                    label=("honest:property_manager", f"pm-{o['key']}"),
                )
    # the law firm's lawyers in many unrelated cases, for both sides
    for _ in range(120 * scale):
        p, d = c.person(), c.person()
        c.case(
            _court(c),
            r.choice(("买卖合同纠纷", "民间借贷纠纷", "房屋租赁合同纠纷")),
            r.randint(0, 900),
            [p],
            [d],
            outcome=r.choice(OUTCOMES),
            agents={p["key"]: r.choice(firm), d["key"]: r.choice(firm)},
            label=("honest:law_firm", "firm"),
        )
    # genuine wage arrears: a failing company, many workers, one legal-aid lawyer, quick settlements
    for w in range(2 * scale):
        boss = c.org()
        aid = _lawyer(c)
        start = r.randint(100, 3 * 365 - 200)
        creditor = c.org()
        c.enforce(boss["div"], start - 30, creditor, boss, label=("honest:wage_wave", f"wage-{w}"))
        for _ in range(r.randint(18, 30)):
            worker = c.person()
            oc = "mediation" if r.random() < 0.7 else "judgment"
            days = _days_quick(c, 3, 10) if oc == "mediation" else r.randint(20, 60)
            c.case(
                boss["div"],
                "追索劳动报酬纠纷",
                start + r.randint(0, 30),
                [worker],
                [boss],
                outcome=oc,
                days=days,
                agents={worker["key"]: aid} if r.random() < 0.85 else {},
                label=("honest:wage_wave", f"wage-{w}"),
            )
    # a consumer wave: a closing gym sued by its members, many settle at once
    for w in range(2 * scale):
        gym = c.org()
        start = r.randint(0, 3 * 365 - 150)
        for _ in range(r.randint(30, 45)):
            oc = "mediation" if r.random() < 0.6 else r.choice(("judgment", "withdrawal"))
            days = _days_quick(c, 3, 12) if oc == "mediation" else r.randint(20, 80)
            c.case(
                gym["div"],
                "服务合同纠纷",
                start + r.randint(0, 45),
                [c.person()],
                [gym],
                outcome=oc,
                days=days,
                label=("honest:consumer_wave", f"consumer-{w}"),
            )


# -- rings -----------------------------------------------------------------------------------
def serial_lender(c, label) -> None:
    """职业放贷 (§1.7 绍兴 pattern; §1.8 F2): one natural person, many loan suits within a year,
    default judgments and withdrawals, one agent; enforcement applications follow."""
    r = c.r
    lender, agent, court = c.person(), _lawyer(c), _court(c)
    start = r.randint(0, 3 * 365 - 400)
    for _ in range(r.randint(8, 16)):
        d = c.person()
        oc = r.choice(
            ("default_judgment", "default_judgment", "withdrawal", "withdrawal", "judgment", "mediation")
        )
        filed = start + r.randint(0, 330)
        days = r.randint(20, 90)
        c.case(
            court,
            r.choice(LOANS),
            filed,
            [lender],
            [d],
            outcome=oc,
            days=days,
            agents={lender["key"]: agent},
            label=label,
        )
        if oc in ("default_judgment", "judgment") and r.random() < 0.5:
            c.enforce(court, filed + days + r.randint(20, 60), lender, d, label=label)


def shell_lending(c, label) -> None:
    """Serial lending through shell companies with one controller (2018 解释 1(3); §1.8 F2/F3):
    3-4 companies, one legal representative, one office, each with a few loan suits."""
    r = c.r
    boss, agent, court = c.person(), _lawyer(c), _court(c)
    office = c.address(boss["div"], flat=True)
    shells = [
        c.org(rep=boss, div=boss["div"], address=dict(office, room=office["room"] + i))
        for i in range(r.randint(3, 4))
    ]
    start = r.randint(0, 3 * 365 - 400)
    for s in shells:
        for _ in range(r.randint(3, 5)):
            d = c.person()
            oc = r.choice(("default_judgment", "withdrawal", "withdrawal", "judgment", "mediation"))
            filed = start + r.randint(0, 330)
            days = r.randint(20, 90)
            c.case(
                court,
                r.choice(LOANS),
                filed,
                [s],
                [d],
                outcome=oc,
                days=days,
                agents={s["key"]: agent},
                label=label,
            )
            if oc == "default_judgment" and r.random() < 0.5:
                c.enforce(court, filed + days + r.randint(20, 60), s, d, label=label)


def collusive_pair(c, label) -> None:
    """The same two parties repeatedly (民间借贷规定 18(4)), related (2016 意见 情形1: shared phone or
    home), no dispute and consent within days (情形4-5)."""
    r = c.r
    a = c.person()
    b = c.person(phone=a["phone"]) if r.random() < 0.5 else c.person(address=a["addr"], div=a["div"])
    court = _court(c)
    start = r.randint(0, 3 * 365 - 600)
    for _ in range(r.randint(2, 4)):
        filed = start + r.randint(0, 540)
        c.case(court, "民间借贷纠纷", filed, [a], [b], outcome="mediation", days=_days_quick(c), label=label)


def agent_address(c, label) -> None:
    """Different names, one address and one agent behind them (2021 意见 第2条: colluding agents;
    2016 情形1): 5-8 loan suits, each by another plaintiff living at one flat, the same agent,
    sometimes for both sides, settled at once."""
    r = c.r
    agent, court = _lawyer(c), _court(c)
    home = c.address(_court(c), flat=True)
    start = r.randint(0, 3 * 365 - 300)
    for _ in range(r.randint(5, 8)):
        p, d = c.person(address=home, div=home["div"]), c.person()
        agents = {p["key"]: agent}
        if r.random() < 0.35:
            agents[d["key"]] = agent
        c.case(
            court,
            r.choice(LOANS),
            start + r.randint(0, 200),
            [p],
            [d],
            outcome="mediation",
            days=_days_quick(c, 3, 20),
            agents=agents,
            label=label,
        )


def _debtor_company(c, label):
    """A company already a judgment debtor: an honest creditor's enforcement case (浙江 2017 类型4)."""
    boss = c.person()
    co = c.org(rep=boss, div=boss["div"])
    start = c.r.randint(60, 3 * 365 - 300)
    enf = c.enforce(co["div"], start, c.org(), co, label=label)
    return boss, co, start, enf


def debtor_pileup(c, label) -> None:
    """Debts piling up against a judgment-debtor company before distribution (2021 类型3, 张家港
    model): 6-10 claimants, several tied to the boss, consent within days, then distribution claims."""
    r = c.r
    boss, co, start, enf = _debtor_company(c, label)
    claimants = []
    for i in range(r.randint(6, 10)):
        tie = i % 2 == 0
        p = (
            c.person(address=boss["addr"], div=boss["div"])
            if tie and r.random() < 0.5
            else c.person(phone=boss["phone"])
            if tie
            else c.person()
        )
        claimants.append(p)
        c.case(
            co["div"],
            r.choice(("民间借贷纠纷", "买卖合同纠纷")),
            start + 30 + r.randint(0, 45),
            [p],
            [co],
            outcome="mediation",
            days=_days_quick(c, 2, 10),
            label=label,
        )
    _join_distribution(c, enf, claimants)


def _join_distribution(c, enf: str, claimants) -> None:
    unit, number = enf.split("|")
    for p in claimants:
        c.cp.append(
            {
                "unit_code": unit,
                "case_number": number,
                "party_id": c.record(p),
                "role": "third_party",
                "represents_party_id": None,
            }
        )
    c.events.append(
        {
            "unit_code": unit,
            "case_number": number,
            "seq": 2,
            "kind": "distribution_claim",
            "occurred_at": dt.datetime.combine(c.cases[-1]["closed_at"], dt.time(9)),
        }
    )


def fake_labour(c, label) -> None:
    """Fake wage claims against a company about to be distributed (2021 类型3; 2016 高发领域 劳动争议):
    10-18 "employees" within 30 days, one agent, consent within a week, several tied to the boss
    or to each other, then distribution claims (wages rank first)."""
    r = c.r
    boss, co, start, enf = _debtor_company(c, label)
    agent = _lawyer(c)
    shared = c.person()
    workers = []
    for i in range(r.randint(10, 18)):
        if i % 3 == 0:
            w = c.person(address=boss["addr"], div=boss["div"])
        elif i % 3 == 1:
            w = c.person(phone=shared["phone"])
        else:
            w = c.person()
        workers.append(w)
        c.case(
            co["div"],
            "追索劳动报酬纠纷",
            start + 20 + r.randint(0, 30),
            [w],
            [co],
            outcome="mediation",
            days=_days_quick(c, 2, 7),
            agents={w["key"]: agent},
            label=label,
        )
    _join_distribution(c, enf, workers)


def divorce_debt(c, label) -> None:
    """Debts against one spouse around a divorce (2021 类型5; 浙江 类型2; 2018 解释 1(1)): the
    husband's relatives sue him for loans he admits, before and while the divorce is pending."""
    r = c.r
    h = c.person()
    w = c.person(address=h["addr"], div=h["div"])
    court = _court(c)
    t = r.randint(200, 3 * 365 - 300)
    c.case(court, "离婚纠纷", t, [w], [h], outcome="judgment", days=r.randint(120, 200), label=label)
    for _ in range(r.randint(2, 4)):
        rel = c.person(surname=h["name"][0], address=h["addr"] if r.random() < 0.5 else None, div=h["div"])
        defendants = [h, w] if r.random() < 0.5 else [h]
        c.case(
            court,
            "民间借贷纠纷",
            t + r.randint(-150, 90),
            [rel],
            defendants,
            outcome="mediation",
            days=_days_quick(c, 3, 15),
            label=label,
        )


def execution_objection(c, label) -> None:
    """Objection to execution by a party tied to the debtor (2021 意见 第2条, 十类(2) 执行异议之诉;
    2018 解释 1(6)): a quick loan suit by a relative, then an objection in the creditor's
    enforcement case and an objection suit."""
    r = c.r
    debtor = c.person()
    creditor = c.person() if r.random() < 0.5 else c.org()
    court = _court(c)
    t = r.randint(100, 3 * 365 - 300)
    rel = (
        c.person(address=debtor["addr"], div=debtor["div"])
        if r.random() < 0.5
        else c.person(phone=debtor["phone"])
    )
    c.case(
        court,
        "民间借贷纠纷",
        t - r.randint(20, 60),
        [rel],
        [debtor],
        outcome="mediation",
        days=_days_quick(c),
        label=label,
    )
    c.enforce(court, t, creditor, debtor, third=(rel,), event="execution_objection", label=label)
    c.case(
        court,
        "案外人执行异议之诉",
        t + r.randint(20, 60),
        [rel],
        [creditor],
        third=(debtor,),
        outcome=r.choice(("withdrawal", "mediation", "judgment")),
        days=r.randint(10, 60),
        label=label,
    )

"""The false-litigation signs on small hand-made dockets: structural ties, shells, agent rings,
enforcement stage, divorce look-back, trailing windows, honest mass litigants, own-evidence risk."""

import datetime as dt

import pyarrow as pa

from casewatch.analytics.falselit import Config, run

D0 = dt.date(2023, 1, 1)
PARTY_COLS = (
    "party_id",
    "kind",
    "name",
    "id_number",
    "credit_code",
    "birth_date",
    "sex",
    "phone",
    "address",
    "division_code",
    "legal_rep_party_id",
)


class Docket:
    """A few cases, parties and events as canonical Arrow tables."""

    def __init__(self):
        self.cases, self.parties, self.cp, self.events, self.n = [], {}, [], [], 0

    def person(self, pid, name=None, **kw):
        self.parties[pid] = {"party_id": pid, "kind": "person", "name": name or f"测试{pid}", **kw}
        return pid

    def org(self, pid, name, rep=None, **kw):
        self.parties[pid] = {
            "party_id": pid,
            "kind": "organisation",
            "name": name,
            "legal_rep_party_id": rep,
            **kw,
        }
        return pid

    def case(
        self,
        plaintiffs,
        defendants,
        day,
        *,
        cause="民间借贷纠纷",
        outcome="judgment",
        days=60,
        agents=None,
        case_type="civil",
        third=(),
        event=None,
    ):
        self.n += 1
        number = f"(2023)浙0212{'执' if case_type == 'enforcement' else '民初'}{self.n}号"
        self.cases.append(
            {
                "unit_code": "CRT",
                "case_number": number,
                "case_type": case_type,
                "cause_name": cause,
                "filed_at": D0 + dt.timedelta(days=day),
                "closed_at": D0 + dt.timedelta(days=day + days),
                "outcome": outcome,
                "claim_amount": 10000.0,
                "instance": 1,
            }
        )
        roles = ("applicant", "debtor") if case_type == "enforcement" else ("plaintiff", "defendant")
        for role, ps in ((roles[0], plaintiffs), (roles[1], defendants), ("third_party", third)):
            for p in ps:
                self.cp.append(
                    {
                        "unit_code": "CRT",
                        "case_number": number,
                        "party_id": p,
                        "role": role,
                        "represents_party_id": None,
                    }
                )
        for p, a in (agents or {}).items():
            self.cp.append(
                {
                    "unit_code": "CRT",
                    "case_number": number,
                    "party_id": a,
                    "role": "agent",
                    "represents_party_id": p,
                }
            )
        if event:
            self.events.append({"unit_code": "CRT", "case_number": number, "kind": event})
        return f"CRT|{number}"

    def run(self, cfg=None):
        parties = pa.Table.from_pylist(
            [{c: p.get(c) for c in PARTY_COLS} for p in self.parties.values()],
            schema=pa.schema([(c, pa.string()) for c in PARTY_COLS]),
        )
        cp = pa.Table.from_pylist(
            self.cp,
            schema=pa.schema(
                [
                    (c, pa.string())
                    for c in ("unit_code", "case_number", "party_id", "role", "represents_party_id")
                ]
            ),
        )
        ev = pa.Table.from_pylist(
            self.events, schema=pa.schema([(c, pa.string()) for c in ("unit_code", "case_number", "kind")])
        )
        return run(
            {"cases": pa.Table.from_pylist(self.cases), "parties": parties, "case_parties": cp, "events": ev},
            cfg or Config(),
        )


def codes(res):
    out = {}
    for h in res.hits.to_pylist():
        out.setdefault(h["case_key"], {})[h["code"]] = h["detail"]
    return out


def lead_sets(res):
    return [set(c["case_keys"]) for c in res.clusters.to_pylist() if c["lead"]]


def test_shared_legal_representative_relates_two_companies():
    d = Docket()
    d.person("R", "郑大同", phone="13900000001")
    d.org("A", "宁波甲贸易有限公司", rep="R")
    d.org("B", "宁波乙建材有限公司", rep="R")
    d.org("C", "宁波丙电子有限公司", rep=d.person("S", "钱小二"))
    k = d.case(["A"], ["B"], 10)
    k2 = d.case(["A"], ["C"], 20)
    got = codes(d.run())
    assert "legal representative" in got[k]["F3"]
    assert "F3" not in got.get(k2, {})


def test_shell_companies_with_one_controller_are_one_lender():
    d = Docket()
    d.person("K", "严老板")
    for i, s in enumerate("XYZ"):
        d.org(s, f"宁波{s}投资咨询有限公司", rep="K")
        for j in range(2):
            d.case([s], [d.person(f"D{i}{j}")], 10 + 40 * i + j, outcome="default_judgment")
    # the same volume by three companies with three controllers is three ordinary plaintiffs
    for i, s in enumerate("UVW"):
        d.org(s, f"宁波{s}商贸有限公司", rep=d.person(f"R{s}"))
        for j in range(2):
            d.case([s], [d.person(f"E{i}{j}")], 10 + 40 * i + j, outcome="default_judgment")
    got = codes(d.run())
    shell = [k for k, v in got.items() if "F2" in v]
    assert len(shell) == 6
    assert all("3 plaintiffs with one controller" in got[k]["F2"] for k in shell)


def test_agent_and_address_ring_reaches_a_lead_and_scattered_clients_do_not():
    d = Docket()
    d.person("AG", "律师甲")
    d.person("AG2", "律师乙")
    ring, other = [], []
    for i in range(4):
        p = d.person(f"P{i}", address="浙江省宁波市鄞州区首南街道天童南路588号3幢201室")
        ring.append(
            d.case([p], [d.person(f"Q{i}")], 10 + i * 20, outcome="mediation", days=8, agents={p: "AG"})
        )
        s = d.person(f"S{i}", address=f"宁波市鄞州区中山东路{i + 1}号")
        other.append(
            d.case([s], [d.person(f"T{i}")], 10 + i * 20, outcome="mediation", days=8, agents={s: "AG2"})
        )
    res = d.run()
    got = codes(res)
    assert all("F3R" in got[k] for k in ring)
    assert "4 parties sharing one address" in got[ring[0]]["F3R"]
    assert set(ring) in lead_sets(res)
    assert not any(set(other) & s for s in lead_sets(res))


def test_enforcement_stage_of_a_ring_gets_indicators():
    d = Docket()
    d.person("L", "放贷人", id_number="330203198001011234")
    keys = [d.case(["L"], [d.person(f"D{i}")], 10 + i * 30, outcome="default_judgment") for i in range(5)]
    enf = d.case(["L"], ["D0"], 200, case_type="enforcement", outcome="performed")
    res = d.run()
    got = codes(res)
    assert "F2" in got[enf] and keys[0] in got[enf]["F2"]
    assert any(enf in s and set(keys) <= s for s in lead_sets(res))


def test_divorce_debt_looks_back_before_the_divorce_filing():
    d = Docket()
    d.person("H", "周建国", address="宁波市海曙区解放南路8号2幢301室")
    d.person("W", "林美丽", address="宁波市海曙区解放南路8号2幢301室")
    d.case(["W"], ["H"], 300, cause="离婚纠纷", days=150)
    before = d.case([d.person("B1", "周建华")], ["H"], 240, outcome="mediation", days=5)
    long_before = d.case([d.person("B2", "周建军")], ["H"], 60, outcome="mediation", days=5)
    got = codes(d.run())
    assert "F9" in got[before] and "60 days before" in got[before]["F9"]
    assert "F9" not in got.get(long_before, {})


def test_windows_are_trailing_and_print_the_real_span():
    d = Docket()
    d.person("A", "甲某")
    d.person("B", "乙某")
    d.person("C", "丙某")
    d.person("E", "丁某")
    near = [d.case(["A"], ["B"], day, outcome="mediation", days=30) for day in (0, 300)]
    far = [d.case(["C"], ["E"], day, outcome="mediation", days=30) for day in (0, 400)]
    got = codes(d.run(Config(f1_window_days=365)))
    assert "within 300 days (window 365 days)" in got[near[1]]["F1"]
    assert all("F1" not in got.get(k, {}) for k in far)


def test_a_lender_needs_its_suits_inside_one_window():
    d = Docket()
    d.person("L", "钱某")
    # 6 suits, 200 days apart: never more than 2 in a 365-day window (±365 days would see 4-5)
    keys = [d.case(["L"], [d.person(f"D{i}")], i * 200, outcome="default_judgment") for i in range(6)]
    got = codes(d.run())
    assert all("F2" not in got.get(k, {}) for k in keys)


def test_licensed_lenders_and_property_managers_make_no_lead():
    d = Docket()
    d.org("BK", "宁波甬江银行股份有限公司", credit_code="913302001234567890")
    d.org("ML", "宁波鄞州天一小额贷款有限公司")
    d.org("PM", "宁波绿园物业服务有限公司")
    d.org("UL", "宁波聚财商务咨询有限公司", rep=d.person("UR"))
    for i in range(8):
        for lender, cause in (("BK", "借款合同纠纷"), ("ML", "借款合同纠纷"), ("UL", "民间借贷纠纷")):
            d.case([lender], [d.person(f"{lender}{i}")], i * 20, cause=cause, outcome="default_judgment")
        p = d.person(f"R{i}", address=f"宁波市鄞州区钱湖北路9号{i + 1}幢101室")
        d.case(["PM"], [p], i * 3, cause="物业服务合同纠纷", outcome="mediation", days=5)
    res = d.run()
    flagged = {k for s in lead_sets(res) for k in s}
    got = codes(res)
    unlicensed = [k for k in got if "F2" in got[k]]
    assert len(unlicensed) == 8  # the unlicensed company lending professionally is found
    assert flagged == set(unlicensed)


def test_genuine_wage_wave_makes_no_lead_but_related_claimants_do():
    d = Docket()
    d.org("CO", "宁波倒闭制衣有限公司", rep=d.person("BOSS", "董老板", phone="13911112222"))
    d.org("CO2", "宁波虚构制衣有限公司", rep=d.person("BOSS2", "谢老板", phone="13933334444"))
    honest, fake = [], []
    for i in range(8):
        w = d.person(f"W{i}", phone=f"1370000{i:04d}")
        honest.append(d.case([w], ["CO"], 100 + i * 3, cause="追索劳动报酬纠纷", outcome="mediation", days=6))
        f = d.person(f"F{i}", phone="13933334444" if i % 2 else f"1360000{i:04d}")
        fake.append(d.case([f], ["CO2"], 100 + i * 3, cause="追索劳动报酬纠纷", outcome="mediation", days=6))
    res = d.run()
    leads = lead_sets(res)
    assert not any(set(honest) & s for s in leads)
    assert any(s >= {fake[1], fake[3]} for s in leads)
    got = codes(res)
    assert "4 plaintiffs related to the company or to each other; labour claims" in got[fake[1]]["F11"]


def test_case_risk_is_its_own_evidence_not_the_clusters():
    d = Docket()
    d.person("L", "孙某", id_number="330203198001011234")
    keys = [d.case(["L"], [d.person(f"D{i}")], 10 + i * 30, outcome="default_judgment") for i in range(5)]
    # an ordinary sale suit by the same lender and a quick mediation involving a ring defendant
    plain = d.case(["L"], [d.person("X")], 50, cause="买卖合同纠纷")
    quick = d.case([d.person("Y")], ["D1"], 90, cause="买卖合同纠纷", outcome="mediation", days=5)
    res = d.run()
    lead = next(s for s in lead_sets(res) if set(keys) <= s)
    assert plain not in lead and quick not in lead
    scores = {r["case_key"]: r["score"] for r in res.cases.to_pylist()}
    assert scores[quick] == 0.2  # F5 alone: its own score, not the cluster's


def test_a_party_named_twice_opposite_the_same_counterpart_is_one_party():
    d = Docket()
    d.person("A", "潘洋桂", id_number="330211199608221234", phone="13900001111")
    # the defendant appears twice without ID: once with a birth date, once with an address
    d.person("J1", "苏海建", birth_date="1966-02-07")
    d.person("J2", "苏海建", address="镇海区新碶街道天一东路790号24幢2704室")
    k1 = d.case(["A"], ["J1"], 10, outcome="mediation", days=5)
    k2 = d.case(["A"], ["J2"], 300, outcome="mediation", days=5)
    got = codes(d.run())
    assert "F1" in got[k1] and "F1" in got[k2]


def test_a_husband_named_without_anything_in_his_divorce_is_linked_through_his_wife():
    """Seed 912 missed a divorce-debt ring: the husband's record in the divorce judgment carried
    his name only, so the divorce was not his and the debt suits by his relatives (beside his
    wife as co-defendant) had no divorce to look back from. Two records of one uncommon name
    that appear beside the same party — here his wife, once opposite, once on his side — are one."""
    d = Docket()
    d.person("H", "周超国", id_number="330203199412121328", birth_date="1994-12-12")
    d.person("W", "董梅飞", id_number="330203199308263736", birth_date="1993-08-26")
    d.person("HJ", "周超国", division_code="330203")  # the divorce judgment: name only
    divorce = d.case(["W"], ["HJ"], 300, cause="离婚纠纷", days=180)
    debts = [
        d.case([d.person(f"R{i}", f"周{n}")], ["H", "W"], 300 + day, outcome="mediation", days=6)
        for i, (n, day) in enumerate((("娜", -45), ("秀", 35), ("琳平", 60)))
    ]
    res = d.run()
    got = codes(res)
    assert all("F9" in got[k] for k in debts)
    assert "F9" in got[divorce]
    assert any(s >= {divorce, *debts} for s in lead_sets(res))


def test_an_agent_written_twice_in_one_case_acts_for_both_sides():
    """Seed 902 missed an agent + address ring: in its one suit where the agent acted for both
    sides, the agent was written once with an ID number and once by name only, so "one agent for
    both sides" did not fire. Two records of one name in one case are one person."""
    d = Docket()
    d.person("AG", "乔健明", id_number="330203198910218085", phone="13702735736")
    d.person("AJ", "乔健明")
    p, q = d.person("P", "丁峰"), d.person("Q", "林洋宇")
    k = d.case([p], [q], 10, outcome="mediation", days=16, agents={p: "AJ", q: "AG"})
    got = codes(d.run())
    assert "agent for both sides" in got[k]["F3"]


def test_one_road_and_number_in_two_districts_is_no_tie():
    """Seed 931 merged two debtor pile-ups into one lead: a claimant of one lived at 奉化区兴宁路626号,
    a claimant of the other at 海曙区兴宁路626号 (once written "宁波 海曙 兴宁路 626号"). An address
    reduced to road + number keeps the district its text states."""
    d = Docket()
    d.person("A", "甲一", address="浙江省宁波市奉化区梅墟街道兴宁路626号")
    d.person("B", "乙二", address="浙江省宁波市海曙区东胜街道兴宁路626号")
    d.person("B2", "乙二", address="宁波 海曙 兴宁路 626号")
    d.person("C", "丙三", address="宁波市奉化区兴宁路626号")
    near = d.case(["A"], ["C"], 10)
    far = d.case(["A"], ["B"], 20)
    far2 = d.case(["A"], ["B2"], 30)
    got = codes(d.run())
    assert "address" in got[near]["F3"]
    assert "F3" not in got.get(far, {}) and "F3" not in got.get(far2, {})


def test_an_objection_standing_on_a_consent_judgment_against_the_debtor():
    """Seed 942 missed an execution-objection ring: the objector's records carried neither the
    debtor's phone nor address. What the records do show: the objector sued the debtor, settled
    by consent within days, then objected to another creditor's execution against the debtor and
    brought the objection suit (2021 意见 第2条, 类型2; 2018 解释 1(6))."""
    d = Docket()
    d.person("DB", "赖雪鑫", id_number="330212195403191030")
    d.person("OB", "尹静")
    d.org("CR", "宁波罗静科技有限公司", credit_code="91330211TK7DMD1890")
    consent = d.case(["OB"], ["DB"], 100, outcome="mediation", days=5)
    enf = d.case(
        ["CR"],
        ["DB"],
        130,
        case_type="enforcement",
        outcome="performed",
        third=("OB",),
        event="execution_objection",
    )
    suit = d.case(["OB"], ["CR"], 170, cause="案外人执行异议之诉", third=("DB",), days=30)
    # an outsider objecting with no suit of her own against the debtor stays out
    d.person("X", "路人甲")
    d.person("DB2", "某债务人")
    other = d.case(
        ["CR"],
        ["DB2"],
        130,
        case_type="enforcement",
        outcome="performed",
        third=("X",),
        event="execution_objection",
    )
    # a creditor enforcing its own consent judgment (the debtor objects) is ordinary enforcement
    d.person("CR2", "钱某", id_number="330212197001011234")
    d.person("DB3", "孙某", id_number="330212197202021234")
    own = d.case(["CR2"], ["DB3"], 100, outcome="mediation", days=5)
    own_enf = d.case(
        ["CR2"], ["DB3"], 130, case_type="enforcement", outcome="performed", event="execution_objection"
    )
    res = d.run()
    got = codes(res)
    assert "F8" not in got.get(own, {}) and "F8" not in got.get(own_enf, {})
    assert "consent judgment against the debtor" in got[enf]["F8"]
    assert "F8" in got[suit] and "F8" in got[consent]
    assert "F8" not in got.get(other, {})
    assert any(s >= {enf, suit, consent} for s in lead_sets(res))

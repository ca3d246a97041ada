"""A synthetic city docket with false-litigation rings and honest look-alikes (evaluation only).

Written from rules-cn.md §1 (signs of the SPC 2016/2021 opinions, 民间借贷规定 第18条, the
Zhejiang 2017 opinion and the 2018 两高 interpretation), independently of
``casewatch.demo``: different people, names, courts, docket and shapes.

Records look like court data: a party record per appearance when there is no ID number (about
half of persons, a third of organisations), names written with a homophone, a traditional
character or a one-character slip, phones as ``+86``/spaced/dashed/landline with or without the
area code, addresses with or without province and city, full-width digits and spaces.

Ring shapes (``RING_SHAPES``) and honest look-alikes (``HONEST_KINDS``) are described where they
are made. ``EvalCity.truth`` maps case key → (label, group): label is a ring shape or
``honest:<kind>``; ``EvalCity.person_of`` maps party_id → true identity (for linkage figures).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pyarrow as pa

RING_SHAPES = (
    "serial_lender",  # one natural person lends professionally: many loan suits, defaults, withdrawals
    "shell_lending",  # the same, through several shell companies with one controller
    "collusive_pair",  # the same two parties repeatedly, consent at once, related to each other
    "agent_address",  # different names, one agent and one address behind the plaintiffs
    "debtor_pileup",  # claims pile up against a judgment-debtor company, then distribution claims
    "fake_labour",  # wage claims by "employees" tied to the boss before distribution
    "divorce_debt",  # the husband's relatives sue for debts before and during the divorce
    "execution_objection",  # a person tied to the debtor objects to execution / joins distribution
)
HONEST_KINDS = (
    "bank",
    "card_centre",
    "micro_lender",
    "property_manager",
    "law_firm",
    "wage_wave",
    "consumer_wave",
)

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玲华飞鹏辉宇浩凯健俊帆帅旭宁云林峰建国红梅琳雪晨欣怡佳思远航斌波海鑫志荣"
HOMOPHONE = dict(zip("小明华建军丽伟红峰静杰刚林海波宇", "晓铭桦健君莉玮虹锋靖洁钢琳海博雨", strict=True))
TRADITIONAL = dict(
    zip("张陈刘国华伟东龙丽军红杨赵吴黄东志凯鹏辉", "張陳劉國華偉東龍麗軍紅楊趙吳黃東誌凱鵬輝", strict=True)
)
COURTS = {
    "330203": "海曙",
    "330205": "江北",
    "330206": "北仑",
    "330211": "镇海",
    "330212": "鄞州",
    "330213": "奉化",
}
STREETS = (
    "中山",
    "解放",
    "天一",
    "环城",
    "民安",
    "兴宁",
    "四明",
    "江南",
    "宁穿",
    "世纪",
    "钱湖",
    "甬江",
    "百丈",
    "新河",
)
ROAD_SUFFIX = ("路", "东路", "西路", "南路", "北路", "街")
TOWNS = ("白云街道", "南门街道", "东胜街道", "首南街道", "新碶街道", "庄桥街道", "梅墟街道", "姜山镇")
INDUSTRY = ("贸易", "建材", "电子", "服饰", "物流", "机械", "塑业", "餐饮", "科技", "投资")
EPOCH = dt.date(2022, 1, 1)
DAYS = 3 * 365


@dataclass
class EvalCity:
    """Canonical tables (cases, parties, case_parties, events) plus the truth."""

    tables: dict[str, pa.Table]
    truth: dict[str, tuple[str, str]]  # case_key -> (label, group id)
    person_of: dict[str, str]  # party_id -> true identity
    seed: int = 0
    n_cases: int = 0
    groups: dict[str, str] = field(default_factory=dict)  # group id -> label


class _City:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.cases: list[dict] = []
        self.cp: list[dict] = []
        self.events: list[dict] = []
        self.parties: dict[str, dict] = {}
        self.person_of: dict[str, str] = {}
        self.truth: dict[str, tuple[str, str]] = {}
        self.seq: dict[str, int] = {}
        self.n_people = 0
        self.names: set[str] = set()

    # -- people and organisations (true identities) ---------------------------------------
    def person(
        self,
        surname: str | None = None,
        div: str | None = None,
        address: dict | None = None,
        phone: str | None = None,
    ) -> dict:
        r = self.r
        self.n_people += 1
        div = div or r.choice(list(COURTS))
        sn = surname or r.choice(SURNAMES)
        name = sn + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2, 2))))
        birth = EPOCH - dt.timedelta(days=r.randint(20 * 365, 70 * 365))
        ident = f"{div}{birth:%Y%m%d}{r.randint(0, 999):03d}{r.choice('0123456789X')}"
        if phone is None:
            phone = (
                ("0574" + str(r.randint(55000000, 89999999)))
                if r.random() < 0.15
                else f"1{r.choice('3589')}{r.randint(0, 999999999):09d}"
            )
        return {
            "key": f"P{self.n_people}",
            "kind": "person",
            "name": name,
            "id": ident,
            "birth": birth,
            "phone": phone,
            "addr": address or self.address(div),
            "div": div,
        }

    def address(self, div: str, flat: bool | None = None) -> dict:
        r = self.r
        flat = r.random() < 0.7 if flat is None else flat
        return {
            "div": div,
            "town": r.choice(TOWNS),
            "road": r.choice(STREETS) + r.choice(ROAD_SUFFIX),
            "no": r.randint(1, 999),
            "bld": r.randint(1, 30) if flat else None,
            "room": r.randint(101, 2802) if flat else None,
        }

    def org(
        self,
        name: str | None = None,
        rep: dict | None = None,
        div: str | None = None,
        address: dict | None = None,
    ) -> dict:
        r = self.r
        self.n_people += 1
        div = div or r.choice(list(COURTS))
        if name is None:
            while True:
                name = "宁波" + r.choice(SURNAMES[:40]) + r.choice(GIVEN) + r.choice(INDUSTRY) + "有限公司"
                if name not in self.names:
                    break
        self.names.add(name)
        code = "91330" + div[3:] + "".join(r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        return {
            "key": f"O{self.n_people}",
            "kind": "organisation",
            "name": name,
            "id": code[:18].ljust(18, "0"),
            "phone": "0574" + str(r.randint(55000000, 89999999)),
            "addr": address or self.address(div, False),
            "div": div,
            "rep": rep or self.person(div=div),
        }

    # -- how a record is written ----------------------------------------------------------
    def _name_variant(self, name: str) -> str:
        r = self.r
        x = r.random()
        if x < 0.12:
            return "".join(HOMOPHONE.get(c, c) if i and r.random() < 0.7 else c for i, c in enumerate(name))
        if x < 0.22:
            return "".join(TRADITIONAL.get(c, c) for c in name)
        if x < 0.26 and len(name) == 3:
            return name[:2] + r.choice(GIVEN)
        return name

    def _phone(self, p: str) -> str:
        r = self.r
        if p.startswith("0574"):
            return r.choice((p, f"0574-{p[4:]}", p[4:], f"(0574){p[4:8]} {p[8:]}", f"+86 574 {p[4:]}"))
        return r.choice((p, p, f"+86 {p[:3]} {p[3:7]} {p[7:]}", f"{p[:3]}-{p[3:7]}-{p[7:]}", f"0086{p}"))

    def _address(self, a: dict) -> str:
        r = self.r
        dname = COURTS.get(a["div"], "鄞州")
        tail = f"{a['road']}{a['no']}号" + (f"{a['bld']}幢{a['room']}室" if a["bld"] else "")
        x = r.random()
        if x < 0.3:
            return f"浙江省宁波市{dname}区{a['town']}{tail}"
        if x < 0.55:
            return f"宁波市{dname}区{tail}"
        if x < 0.75:
            return f"{dname}区{a['town']}" + tail.translate(
                str.maketrans("0123456789", "０１２３４５６７８９")
            )
        return f"宁波 {dname} {a['road']} {a['no']}号" + (f" {a['bld']}幢 {a['room']}室" if a["bld"] else "")

    def record(self, e: dict) -> str:
        """A party record for one appearance of ``e``; returns its party_id."""
        r = self.r
        if e["kind"] == "organisation":
            rep_id = self.record(e["rep"])
            if r.random() < (0.9 if e.get("big") else 0.65):
                pid = e["id"]
                self.parties[pid] = {
                    "party_id": pid,
                    "kind": "organisation",
                    "name": e["name"],
                    "credit_code": pid,
                    "phone": e["phone"],
                    "address": self._address(e["addr"]),
                    "division_code": e["div"],
                    "legal_rep_party_id": rep_id,
                }
            else:
                pid = f"J{len(self.parties) + 1}"
                nm = (
                    e["name"]
                    if r.random() < 0.6
                    else e["name"].replace("有限公司", r.choice(("有限责任公司", "公司", "")))
                )
                self.parties[pid] = {
                    "party_id": pid,
                    "kind": "organisation",
                    "name": nm,
                    "phone": self._phone(e["phone"]) if r.random() < 0.5 else None,
                    "address": self._address(e["addr"]) if r.random() < 0.85 else None,
                    "legal_rep_party_id": rep_id,
                }
        elif r.random() < 0.5:
            pid = e["id"]
            self.parties[pid] = {
                "party_id": pid,
                "kind": "person",
                "name": e["name"],
                "id_number": pid,
                "birth_date": e["birth"].isoformat(),
                "phone": e["phone"],
                "address": self._address(e["addr"]),
                "division_code": e["div"],
            }
        else:
            pid = f"J{len(self.parties) + 1}"
            self.parties[pid] = {
                "party_id": pid,
                "kind": "person",
                "name": self._name_variant(e["name"]),
                "birth_date": e["birth"].isoformat() if r.random() < 0.7 else None,
                "phone": self._phone(e["phone"]) if r.random() < 0.55 else None,
                "address": self._address(e["addr"]) if r.random() < 0.8 else None,
                "division_code": e["div"] if r.random() < 0.4 else None,
            }
        self.person_of[pid] = e["key"]
        return pid

    # -- cases ----------------------------------------------------------------------------
    def case(
        self,
        court: str,
        cause: str,
        filed: int,
        plaintiffs,
        defendants,
        *,
        outcome: str = "judgment",
        days: int | None = None,
        agents=None,
        case_type: str = "civil",
        label=None,
        third=(),
        event: str | None = None,
    ) -> str:
        """Add a case; ``plaintiffs``/``defendants`` are entities; ``agents`` maps entity key → agent entity."""
        r = self.r
        filed = max(0, min(filed, DAYS - 1))
        year = (EPOCH + dt.timedelta(days=filed)).year
        kind = "执" if case_type == "enforcement" else "民初"
        n = self.seq[(court, year, kind)] = self.seq.get((court, year, kind), 0) + 1
        number = f"({year})浙{court[2:]}{kind}{n}号"
        unit = f"C{court}"
        key = f"{unit}|{number}"
        if days is None:
            days = r.randint(20, 180)
        self.cases.append(
            {
                "unit_code": unit,
                "case_number": number,
                "case_type": case_type,
                "cause_name": cause,
                "filed_at": EPOCH + dt.timedelta(days=filed),
                "closed_at": EPOCH + dt.timedelta(days=filed + days),
                "outcome": outcome,
                "claim_amount": float(r.randint(1, 200) * 5000),
                "instance": 1,
            }
        )
        roles = ("applicant", "debtor") if case_type == "enforcement" else ("plaintiff", "defendant")
        agents = agents or {}
        for role, ents in ((roles[0], plaintiffs), (roles[1], defendants), ("third_party", third)):
            for e in ents:
                pid = self.record(e)
                self.cp.append(
                    {
                        "unit_code": unit,
                        "case_number": number,
                        "party_id": pid,
                        "role": role,
                        "represents_party_id": None,
                    }
                )
                ag = agents.get(e["key"])
                if ag is not None:
                    self.cp.append(
                        {
                            "unit_code": unit,
                            "case_number": number,
                            "party_id": self.record(ag),
                            "role": "agent",
                            "represents_party_id": pid,
                        }
                    )
        if event:
            self.events.append(
                {
                    "unit_code": unit,
                    "case_number": number,
                    "seq": 1,
                    "kind": event,
                    "occurred_at": dt.datetime.combine(EPOCH + dt.timedelta(days=filed + 5), dt.time(10)),
                }
            )
        if label:
            self.truth[key] = label
        return key

    def enforce(self, court, filed, applicant, debtor, label=None, third=(), event=None, agents=None) -> str:
        return self.case(
            court,
            "申请执行",
            filed,
            [applicant],
            [debtor],
            outcome="performed",
            days=self.r.randint(60, 300),
            case_type="enforcement",
            label=label,
            third=third,
            event=event,
            agents=agents,
        )


def build_city(n_cases: int = 10_000, seed: int = 901, rings_per_shape: int = 6) -> EvalCity:
    """The evaluation city: ``n_cases`` background cases, rings and honest look-alikes."""
    from casewatch.analytics.falselit_eval import shapes

    c = _City(seed)
    shapes.honest(c, n_cases)
    shapes.background(c, n_cases - len(c.cases))
    for shape in RING_SHAPES:
        for j in range(rings_per_shape):
            getattr(shapes, shape)(c, (shape, f"{shape}-{j + 1}"))
    cols = (
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
    parties = pa.Table.from_pylist(
        [{k: p.get(k) for k in cols} for p in c.parties.values()],
        schema=pa.schema([(k, pa.string()) for k in cols]),
    )
    parties = parties.set_column(
        parties.schema.get_field_index("birth_date"),
        "birth_date",
        parties.column("birth_date").cast(pa.date32()),
    )
    tables = {
        "cases": pa.Table.from_pylist(c.cases),
        "parties": parties,
        "case_parties": pa.Table.from_pylist(
            c.cp,
            schema=pa.schema(
                [
                    (k, pa.string())
                    for k in ("unit_code", "case_number", "party_id", "role", "represents_party_id")
                ]
            ),
        ),
        "events": pa.Table.from_pylist(
            c.events
            or [
                {
                    "unit_code": "",
                    "case_number": "",
                    "seq": 0,
                    "kind": "none",
                    "occurred_at": dt.datetime(2022, 1, 1),
                }
            ]
        ),
    }
    groups = {g: lab for lab, g in c.truth.values()}
    return EvalCity(tables, c.truth, c.person_of, seed, len(c.cases), groups)

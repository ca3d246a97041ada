"""Generated judgment documents in the official formats, with their ground truth.

Why generated: the parser's accuracy must be measured on documents whose true values are known,
and no real person's data may be in the repository. The generator follows the structure of the
民事/刑事诉讼文书样式 (court, title, case number, parties with their representatives, the
narrative with the filing date and procedure, claims, reasoning with cited articles, the
decision, signatures, the date in Chinese numerals) and varies what real documents vary: civil
judgments, criminal judgments, withdrawal rulings and mediation documents; new- and old-style
case numbers; full-width and half-width brackets, digits and colons; spaced titles; anonymised
names (张某, 李某甲, 王3) and company names; lawyers with firms; dates in Chinese or Arabic
numerals. Names are drawn from made-up syllables; every person is fictitious.

This module never imports Django.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from casewatch.analytics import ningbo

SURNAMES = "张王李赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦许何吕施"
GIVEN = "某某甲乙丙丁"
CAUSES = (
    "民间借贷纠纷",
    "买卖合同纠纷",
    "机动车交通事故责任纠纷",
    "劳动争议",
    "房屋租赁合同纠纷",
    "金融借款合同纠纷",
)
CRIMES = ("盗窃罪", "危险驾驶罪", "诈骗罪", "故意伤害罪", "帮助信息网络犯罪活动罪")
FIRMS = (
    "浙江甬正律师事务所",
    "浙江海曙明德律师事务所",
    "浙江江北求实律师事务所",
    "北京某某（宁波）律师事务所",
)
COMPANY_WORDS = ("华", "甬", "东", "海", "明", "信", "达", "安", "联", "通")
_CN = "〇一二三四五六七八九"


@dataclass
class Truth:
    """What a generated document says, field by field."""

    case_number: str
    division_code: str
    document_kind: str
    outcome: str
    filed_at: dt.date
    decided_at: dt.date
    cause: str
    procedure: str
    claim_amount: str | None
    parties: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    firms: list[str] = field(default_factory=list)
    articles: int = 0


def cn_date(d: dt.date) -> str:
    """二〇二一年六月三十日."""

    def small(n: int) -> str:
        if n < 10:
            return _CN[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")

    return "".join(_CN[int(c)] for c in str(d.year)) + f"年{small(d.month)}月{small(d.day)}日"


def _fw(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def _person(rng: random.Random, used: set) -> str:
    while True:
        style = rng.random()
        s = rng.choice(SURNAMES)
        name = (
            s + "某"
            if style < 0.4
            else s + "某" + rng.choice("甲乙丙丁")
            if style < 0.7
            else s + str(rng.randint(1, 9))
        )
        if style > 0.9:
            name = s + "某某"
        if name not in used:
            used.add(name)
            return name


def _company(rng: random.Random) -> str:
    core = "".join(rng.sample(COMPANY_WORDS, 2))
    if rng.random() < 0.5:
        return f"宁波某某{core}贸易有限公司"
    return f"宁波{core}{rng.choice(('科技', '建设', '物流', '商贸'))}有限公司"


def case_number(rng: random.Random, year: int, code: str, kind: str, style: str) -> str:
    serial = rng.randint(1, 19999)
    district = ningbo.DISTRICTS.get(code)
    if style == "old" and district:
        div = (
            rng.choice(("民", "民一", "民二", "商"))
            if kind == "civil"
            else rng.choice(("刑", "刑二", "刑速"))
        )
        return f"（{year}）甬{district[1]}{div}初字第{serial:05d}号"
    t = "民初" if kind == "civil" else "刑初"
    return f"（{year}）浙{code[2:]}{t}{serial}号"


def document(rng: random.Random, i: int) -> tuple[str, Truth]:
    """One document (text) and its truth."""
    code = rng.choice(list(ningbo.DISTRICTS))
    style = "old" if rng.random() < 0.3 else "new"
    year = rng.randint(2010, 2015) if style == "old" else rng.randint(2016, 2024)
    filed = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
    decided = filed + dt.timedelta(days=rng.randint(10, 300))
    criminal = rng.random() < 0.3
    form = "criminal" if criminal else rng.choice(("judgment", "judgment", "withdrawal", "mediation"))
    number = case_number(rng, year, code, "criminal" if criminal else "civil", style)
    colon = rng.choice(("：", ":"))
    court = ("浙江省" if rng.random() < 0.7 else "") + ningbo.agency_name(code, "CRT")
    if rng.random() < 0.2:
        number = _fw(number)
    if rng.random() < 0.15:
        number = number.replace("（", "(").replace("）", ")")
    used: set = set()
    lines = [court]
    area = "刑事" if criminal else "民事"
    title = {"criminal": "判决书", "judgment": "判决书", "withdrawal": "裁定书", "mediation": "调解书"}[form]
    if form == "withdrawal" and rng.random() < 0.1:
        title = "判决书"  # a title that the body contradicts
    title = area + title
    lines.append(" ".join(title) if rng.random() < 0.6 else title)
    lines.append(number)
    parties: list[tuple[str, str]] = []
    firms: list[str] = []
    procedure = (
        rng.choice(("simplified", "ordinary"))
        if not criminal
        else rng.choice(("simplified", "expedited", "ordinary"))
    )
    proc_text = {"simplified": "简易程序", "ordinary": "普通程序", "expedited": "速裁程序"}[procedure]
    amount = rng.randint(5, 900) * 1000
    if criminal:
        crime = rng.choice(CRIMES)
        pros = f"浙江省宁波市{ningbo.DISTRICTS[code][0]}人民检察院"
        lines.append(f"公诉机关{pros}。")
        accused = _person(rng, used)
        born = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        lines.append(
            f"被告人{accused}，{rng.choice('男女')}，{born.year}年{born.month}月{born.day}日出生，汉族，住浙江省宁波市。因涉嫌犯{crime}于{filed.year}年{filed.month}月被刑事拘留。"
        )
        parties.append((accused, "accused"))
        if rng.random() < 0.7:
            counsel, firm = _person(rng, used), rng.choice(FIRMS)
            lines.append(f"辩护人{counsel}，{firm}律师。")
            parties.append((counsel, "defence_counsel"))
            firms.append(firm)
        lines.append(
            f"{pros}以甬检刑诉〔{year}〕{rng.randint(1, 999)}号起诉书指控被告人{accused}犯{crime}，于{filed.year}年{filed.month}月{filed.day}日向本院提起公诉。"
            f"本院依法适用{proc_text}，公开开庭审理了本案。现已审理终结。"
        )
        lines.append(
            "本院认为，被告人的行为已构成犯罪。依照《中华人民共和国刑法》第二百六十四条、第六十七条第三款，《中华人民共和国刑事诉讼法》第十五条之规定，判决如下："
        )
        lines.append(f"被告人{accused}犯{crime}，判处有期徒刑六个月，并处罚金人民币{amount // 100}元。")
        truth_cause, claim, articles, outcome, kind = crime, None, 3, "judgment", "judgment"
    else:
        cause = rng.choice(CAUSES)
        plaintiff = _person(rng, used)
        lines.append(
            f"原告{colon}{plaintiff}，{rng.choice('男女')}，{rng.randint(1960, 2000)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日出生，汉族，住浙江省宁波市。"
        )
        parties.append((plaintiff, "plaintiff"))
        if rng.random() < 0.7:
            agent, firm = _person(rng, used), rng.choice(FIRMS)
            lines.append(f"委托诉讼代理人{colon}{agent}，{firm}律师。")
            parties.append((agent, "agent"))
            firms.append(firm)
        if rng.random() < 0.6:
            company = _company(rng)
            lines.append(f"被告{colon}{company}，住所地浙江省宁波市。")
            rep = _person(rng, used)
            lines.append(f"法定代表人{colon}{rep}，该公司总经理。")
            parties += [(company, "defendant"), (rep, "legal_rep")]
            defendant = company
        else:
            defendant = _person(rng, used)
            lines.append(f"被告{colon}{defendant}，{rng.choice('男女')}，住浙江省宁波市。")
            parties.append((defendant, "defendant"))
        lines.append(
            f"原告{plaintiff}与被告{defendant}{cause}一案，本院于{filed.year}年{filed.month}月{filed.day}日立案后，"
            f"依法适用{proc_text}，公开开庭进行了审理。本案现已审理终结。"
        )
        shown = f"{amount:,}" if rng.random() < 0.3 else str(amount)
        lines.append(
            f"原告{plaintiff}向本院提出诉讼请求{colon}1.判令被告支付{shown}元及利息；2.本案诉讼费由被告负担。"
        )
        truth_cause, claim = cause, f"{amount}.00"
        if form == "judgment":
            lines.append(
                "本院认为，……依照《中华人民共和国民法典》第五百零九条、第五百七十七条，《中华人民共和国民事诉讼法》第六十七条规定，判决如下："
            )
            lines.append(f"一、被告{defendant}于本判决生效之日起十日内支付原告{plaintiff}{amount // 2}元；")
            lines.append(f"二、驳回原告{plaintiff}的其他诉讼请求。")
            lines.append(
                "如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状，上诉于浙江省宁波市中级人民法院。"
            )
            articles, outcome, kind = 3, "judgment", "judgment"
        elif form == "withdrawal":
            lines.append(
                f"本案在审理过程中，原告{plaintiff}以双方已自行和解为由申请撤诉。本院认为，依照《中华人民共和国民事诉讼法》第一百四十八条第一款规定，裁定如下："
            )
            lines.append(f"准许原告{plaintiff}撤回起诉。")
            articles, outcome, kind = 1, "withdrawal", "ruling"
        else:
            lines.append("本案审理过程中，经本院主持调解，双方当事人自愿达成如下协议：")
            lines.append(
                f"被告{defendant}于{decided.year}年{decided.month}月{decided.day}日前支付原告{plaintiff}{amount // 3}元。"
            )
            lines.append("上述协议，不违反法律规定，本院予以确认。")
            articles, outcome, kind = 0, "mediation", "mediation_document"
    judge = _person(rng, used)
    clerk = _person(rng, used)
    lines.append(rng.choice(("审判员", "审 判 员", "审判长")) + "\u3000" + judge)
    lines.append(
        cn_date(decided) if rng.random() < 0.85 else f"{decided.year}年{decided.month}月{decided.day}日"
    )
    lines.append("书记员\u3000" + clerk)
    sep = "\r\n" if i % 7 == 0 else "\n"
    truth = Truth(
        number, code, kind, outcome, filed, decided, truth_cause, procedure, claim, parties, firms, articles
    )
    return sep.join(lines) + sep, truth


def generate(n: int, seed: int = 14) -> list[tuple[str, Truth]]:
    """`n` documents with their truth, reproducible from `seed`."""
    rng = random.Random(seed)
    return [document(rng, i) for i in range(n)]

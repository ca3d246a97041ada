"""Static vocabularies of the demo city: names, causes, charges, company names, places.

Everything here is either public vocabulary (statute article numbers, the names of causes of
action, township names from the national division tables) or made up (people's names, company
brands, road names). The ``cause_code`` values are the demo's own short codes, built from the
statute article where there is one (``XS264`` = 刑法 第264条 盗窃罪, ``ZA043`` = 治安管理处罚法 第43条);
they are not an official code list.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from casewatch.analytics import ningbo

# ---------------------------------------------------------------------------------------------
# Districts: relative weight of case load (roughly resident population), used for every type.
# ---------------------------------------------------------------------------------------------

DISTRICT_WEIGHTS: dict[str, float] = {
    "330203": 12.0,  # 海曙
    "330205": 6.5,  # 江北
    "330206": 9.0,  # 北仑
    "330211": 5.0,  # 镇海
    "330212": 17.0,  # 鄞州
    "330213": 5.5,  # 奉化
    "330225": 5.5,  # 象山
    "330226": 6.5,  # 宁海
    "330281": 12.5,  # 余姚
    "330282": 20.5,  # 慈溪
}
DISTRICT_CODES = list(DISTRICT_WEIGHTS)

# ---------------------------------------------------------------------------------------------
# People's names (synthetic combinations of common characters)
# ---------------------------------------------------------------------------------------------

SURNAMES: list[tuple[str, float]] = [
    ("王", 7),
    ("陈", 7),
    ("张", 6),
    ("李", 6),
    ("周", 4),
    ("徐", 4),
    ("胡", 3),
    ("林", 3),
    ("刘", 3),
    ("孙", 2.5),
    ("朱", 2.5),
    ("吴", 2.5),
    ("杨", 2),
    ("黄", 2),
    ("俞", 1.5),
    ("应", 1.5),
    ("赵", 1.5),
    ("郑", 1.5),
    ("沈", 1.5),
    ("方", 1.2),
    ("叶", 1.2),
    ("金", 1.2),
    ("邵", 1),
    ("钱", 1),
    ("蒋", 1),
    ("毛", 1),
    ("何", 1),
    ("高", 1),
    ("马", 1),
    ("戴", 0.8),
    ("范", 0.8),
    ("董", 0.8),
    ("潘", 0.8),
    ("卢", 0.8),
    ("罗", 0.8),
    ("谢", 0.8),
    ("许", 0.8),
    ("姚", 0.8),
    ("袁", 0.6),
    ("唐", 0.6),
    ("冯", 0.6),
    ("顾", 0.6),
    ("汪", 0.6),
    ("曹", 0.6),
    ("余", 0.6),
    ("邱", 0.5),
    ("史", 0.5),
    ("施", 0.5),
    ("彭", 0.5),
    ("童", 0.4),
    ("贺", 0.4),
    ("孔", 0.3),
    ("柴", 0.3),
    ("虞", 0.3),
    ("岑", 0.3),
    ("鲍", 0.3),
    ("翁", 0.3),
    ("竺", 0.2),
    ("裘", 0.2),
    ("屠", 0.2),
    ("褚", 0.2),
]
GIVEN_MALE = list(
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国峰亮成东海晨博文志永杭立新春德荣昊振"
)
GIVEN_FEMALE = list("芳娜敏静丽艳娟霞燕玲婷雪琳颖倩慧佳莉洁蕾萍红梅琴云露薇悦欣怡彤瑶晶媛丹璐")
GIVEN_ANY = list("一子思雨可嘉晓文宏安乐诗若嘉佳睿")

# ---------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------

ROADS = [
    "文化路",
    "建设路",
    "新华路",
    "和平路",
    "幸福路",
    "长江路",
    "东海路",
    "环城路",
    "民主路",
    "青年路",
    "光明路",
    "振兴路",
    "兴业路",
    "创业路",
    "科技路",
    "育才路",
    "康宁路",
    "朝阳路",
    "滨江路",
    "湖滨路",
    "富强路",
    "团结路",
    "迎宾路",
    "工业路",
    "商业街",
    "园区路",
    "开发路",
    "前进路",
    "胜利路",
    "新村路",
]

# ---------------------------------------------------------------------------------------------
# Organisations (made-up brands; the suffixes are ordinary company-name forms)
# ---------------------------------------------------------------------------------------------

BRAND_CHARS = list("甬恒信达泰瑞丰华宏盛鑫源博凯诚润嘉和兴隆安汇锦天明港新业方联正通科德伟振宸煜骏")
INDUSTRIES = [
    "贸易",
    "电子科技",
    "机械制造",
    "建筑工程",
    "模具",
    "服饰",
    "食品",
    "物流",
    "汽车零部件",
    "家居用品",
    "文化传媒",
    "餐饮管理",
    "塑料制品",
    "进出口",
    "五金",
    "网络科技",
    "装饰工程",
    "电器",
    "纺织",
    "水产",
]
#: Institutional flavours (banks, card centres, leasing, property managers, small lenders) are
#: named in ``parties.build_orgs``; ordinary companies are prefix + brand + industry.
#: Government bodies that are defendants in administrative cases (function names only).
GOV_BODIES = [
    "人民政府",
    "市场监督管理局",
    "人力资源和社会保障局",
    "综合行政执法局",
    "住房和城乡建设局",
    "自然资源和规划分局",
    "生态环境分局",
    "公安分局",
    "交通运输局",
    "卫生健康局",
]

# ---------------------------------------------------------------------------------------------
# Causes and charges: (code, name, weight, ...)
# ---------------------------------------------------------------------------------------------

#: civil causes: code, name, weight, plaintiff flavour, median claim (yuan), division (MS1/MS2)
CIVIL_CAUSES: list[tuple[str, str, float, str, float, str]] = [
    ("MS103", "民间借贷纠纷", 18, "person", 60_000, "MS1"),
    ("MS084", "买卖合同纠纷", 13, "company", 120_000, "MS2"),
    ("MS101", "金融借款合同纠纷", 9, "bank", 150_000, "MS2"),
    ("MS107", "信用卡纠纷", 6, "card", 25_000, "MS2"),
    ("MS016", "离婚纠纷", 8, "person", 0, "MS1"),
    ("MS137", "物业服务合同纠纷", 5, "property", 4_000, "MS1"),
    ("MS377", "机动车交通事故责任纠纷", 9, "person", 50_000, "MS1"),
    ("MS186", "劳动争议", 5, "person", 30_000, "MS1"),
    ("MS118", "房屋租赁合同纠纷", 5, "person", 30_000, "MS1"),
    ("MS115", "融资租赁合同纠纷", 3, "leasing", 200_000, "MS2"),
    ("MS123", "服务合同纠纷", 4, "company", 30_000, "MS2"),
    ("MS125", "建设工程施工合同纠纷", 4, "company", 500_000, "MS2"),
    ("MS188", "追索劳动报酬纠纷", 3, "person", 20_000, "MS1"),
    ("MS020", "法定继承纠纷", 2, "person", 300_000, "MS1"),
    ("MS109", "小额借款合同纠纷", 4, "smallloan", 15_000, "MS2"),
]
CIVIL_CAUSE_INDEX = {c[1]: i for i, c in enumerate(CIVIL_CAUSES)}

#: criminal charges (刑法 article): code, name, weight, usually has a victim
CHARGES: list[tuple[str, str, float, bool]] = [
    ("XS264", "盗窃罪", 18, True),
    ("XS266", "诈骗罪", 14, True),
    ("XS133-1", "危险驾驶罪", 20, False),
    ("XS234", "故意伤害罪", 6, True),
    ("XS287-2", "帮助信息网络犯罪活动罪", 12, False),
    ("XS303", "开设赌场罪", 4, False),
    ("XS292", "聚众斗殴罪", 2, False),
    ("XS293", "寻衅滋事罪", 5, True),
    ("XS347", "走私、贩卖、运输、制造毒品罪", 4, False),
    ("XS133", "交通肇事罪", 4, True),
    ("XS224", "合同诈骗罪", 3, True),
    ("XS312", "掩饰、隐瞒犯罪所得、犯罪所得收益罪", 5, False),
    ("XS196", "信用卡诈骗罪", 3, True),
]

#: public-order causes (治安管理处罚法 article): code, name, weight, may need an injury appraisal
PUBLIC_ORDER_CAUSES: list[tuple[str, str, float, bool]] = [
    ("ZA043", "殴打他人", 30, True),
    ("ZA043-2", "故意伤害", 8, True),
    ("ZA049", "盗窃", 20, False),
    ("ZA070", "赌博", 12, False),
    ("ZA026", "寻衅滋事", 8, True),
    ("ZA049-2", "故意损毁财物", 7, False),
    ("ZA050", "阻碍执行职务", 4, False),
    ("ZA023", "扰乱单位秩序", 6, False),
    ("ZA066", "卖淫嫖娼", 5, False),
]

#: administrative causes: code, name, weight
ADMIN_CAUSES: list[tuple[str, str, float]] = [
    ("XZ01", "行政处罚", 30),
    ("XZ02", "行政强制", 10),
    ("XZ03", "行政许可", 8),
    ("XZ04", "政府信息公开", 12),
    ("XZ05", "工伤认定", 14),
    ("XZ06", "房屋征收补偿", 12),
    ("XZ07", "行政登记", 8),
    ("XZ08", "不履行法定职责", 6),
]

#: enforcement titles for cases not coming from a civil judgment of the demo city
ENFORCEMENT_SOURCES: list[tuple[str, str, float]] = [
    ("ZX01", "民间借贷纠纷执行", 25),
    ("ZX02", "金融借款合同纠纷执行", 20),
    ("ZX03", "仲裁裁决执行", 15),
    ("ZX04", "公证债权文书执行", 10),
    ("ZX05", "买卖合同纠纷执行", 20),
    ("ZX06", "非诉行政执行", 10),
]

PETITION_SUBJECTS = [
    "对案件处理结果不服",
    "反映案件久拖不决",
    "反映执行款未到位",
    "反映办案人员态度问题",
    "要求重新鉴定伤情",
    "反映涉案财物未发还",
    "要求追究对方刑事责任",
    "反映判决未执行",
]

PROPERTY_DESCRIPTIONS: dict[str, list[str]] = {
    "cash": ["人民币现金"],
    "vehicle": ["小型轿车一辆", "电动自行车一辆", "二轮摩托车一辆"],
    "phone": ["手机一部", "笔记本电脑一台", "平板电脑一台"],
    "jewellery": ["黄金项链一条", "手表一块", "金手镯一只"],
    "document": ["银行卡若干张", "身份证件一张"],
    "goods": ["作案工具一批", "赌具一套", "香烟若干条"],
    "deposit": ["银行存款"],
}


@dataclass
class Divisions:
    """Place names the generator needs: township/street names per district, ID region codes."""

    streets: dict[str, list[str]] = field(default_factory=dict)
    #: county codes outside Ningbo for migrants' ID numbers (birth registration elsewhere)
    other_regions: list[str] = field(default_factory=list)
    from_files: bool = False


_OTHER_PROVINCES = ("33", "34", "36", "41", "42", "43", "50", "51", "52")


def default_divisions_dir() -> Path:
    """``../shared/data/divisions`` relative to the repository root."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "divisions"


def load_divisions(divisions_dir: str | Path | None) -> Divisions:
    """Read streets.csv / areas.csv; fall back to generic names when the files are missing.

    The CSV files are reference data that live outside the repository; a machine without them still
    gets a working (if less colourful) demo city rather than an error.
    """
    d = Path(divisions_dir) if divisions_dir is not None else default_divisions_dir()
    out = Divisions()
    streets_csv, areas_csv = d / "streets.csv", d / "areas.csv"
    if streets_csv.is_file():
        with streets_csv.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["areaCode"] in ningbo.DISTRICTS:
                    out.streets.setdefault(row["areaCode"], []).append(row["name"])
        out.from_files = True
    if areas_csv.is_file():
        with areas_csv.open(encoding="utf-8") as fh:
            codes = [
                r["code"]
                for r in csv.DictReader(fh)
                if r["provinceCode"] in _OTHER_PROVINCES
                and not r["code"].startswith("3302")
                # county-level codes only; skip the 市辖区 placeholders (xx01)
                and not r["code"].endswith("01")
            ]
        out.other_regions = sorted(codes)
    for code in ningbo.DISTRICTS:
        names = sorted(set(out.streets.get(code, [])))
        out.streets[code] = names or ["城东街道", "城西街道", "城南街道", "城北街道", "中心镇"]
    return out

"""The organisation tree of Ningbo's political-legal system, as plain data (no Django).

``casewatch seed-orgs`` loads it into the database; the demo city generator uses the same codes
so generated cases land in real units. Unit codes are ``<GB/T 2260 county code>-<agency>[-<unit>]``;
the municipal level uses the city code 330200.

Agency kinds and their code suffixes: committee ``CMT`` (政法委), police ``PSB`` (公安), procuratorate
``PRO`` (检察院), court ``CRT`` (法院), justice bureau ``JUS`` (司法局).
"""

from __future__ import annotations

CITY_CODE = "330200"
CITY_NAME = "宁波市"
PROVINCE_ABBR = "浙"
CITY_ABBR = "甬"

#: GB/T 2260 code -> (name, one-character abbreviation used in old-style case numbers)
DISTRICTS: dict[str, tuple[str, str]] = {
    "330203": ("海曙区", "海"),
    "330205": ("江北区", "北"),
    "330206": ("北仑区", "仑"),
    "330211": ("镇海区", "镇"),
    "330212": ("鄞州区", "鄞"),
    "330213": ("奉化区", "奉"),
    "330225": ("象山县", "象"),
    "330226": ("宁海县", "宁"),
    "330281": ("余姚市", "余"),
    "330282": ("慈溪市", "慈"),
}

#: Division codes that no longer exist, mapped to their successor (GB/T 2260 2015 → 2019).
HISTORIC_DIVISIONS: dict[str, tuple[str, str]] = {
    "330204": ("江东区", "330212"),  # merged into 鄞州区 in 2016
    "330283": ("奉化市", "330213"),  # became 奉化区 in 2016
}

AGENCIES = ("CMT", "PSB", "PRO", "CRT", "JUS")
AGENCY_KIND = {"CMT": "committee", "PSB": "police", "PRO": "procuratorate", "CRT": "court", "JUS": "justice"}

# Sub-units of each agency: suffix -> name (district level). Municipal agencies get the same set.
SUBUNITS: dict[str, list[tuple[str, str]]] = {
    "CMT": [("JD", "执法监督科"), ("ZH", "综合指导科")],
    "PSB": [
        ("FZ", "法制大队"),
        ("XJ", "刑事侦查大队"),
        ("ZA", "治安管理大队"),
        ("PS1", "城区派出所"),
        ("PS2", "开发区派出所"),
        ("PS3", "镇派出所"),
        ("CW", "涉案财物管理中心"),
    ],
    "PRO": [("J1", "第一检察部"), ("J2", "第二检察部"), ("AG", "案件管理部")],
    "CRT": [
        ("XS", "刑事审判庭"),
        ("MS1", "民事审判第一庭"),
        ("MS2", "民事审判第二庭"),
        ("XZ", "行政审判庭"),
        ("ZX", "执行局"),
        ("SG", "审判管理办公室"),
    ],
    "JUS": [("FY", "法律援助中心"), ("SJ", "社区矫正管理局"), ("GZ", "公证处")],
}


def agency_name(district_code: str, agency: str) -> str:
    """The official-style name of an agency at city or district level."""
    if district_code == CITY_CODE:
        return {
            "CMT": "中共宁波市委政法委员会",
            "PSB": "宁波市公安局",
            "PRO": "宁波市人民检察院",
            "CRT": "宁波市中级人民法院",
            "JUS": "宁波市司法局",
        }[agency]
    name = DISTRICTS[district_code][0]
    return {
        "CMT": f"中共宁波市{name}委政法委员会",
        "PSB": f"宁波市公安局{name}分局",
        "PRO": f"宁波市{name}人民检察院",
        "CRT": f"宁波市{name}人民法院",
        "JUS": f"宁波市{name}司法局",
    }[agency]


def court_code(district_code: str) -> str:
    """The court code used in new-style case numbers: 浙0212 for 鄞州, 浙02 for the intermediate court."""
    if district_code == CITY_CODE:
        return PROVINCE_ABBR + "02"
    return PROVINCE_ABBR + district_code[2:]


def units() -> list[dict]:
    """Every unit of the tree, parents before children, as canonical ``units`` rows."""
    rows = [
        {
            "code": CITY_CODE,
            "name": CITY_NAME,
            "kind": "city",
            "agency_kind": None,
            "division_code": CITY_CODE,
            "parent_code": None,
        }
    ]
    levels = [(CITY_CODE, CITY_CODE)] + [(code, code) for code in DISTRICTS]
    for district_code, parent in levels:
        if district_code != CITY_CODE:
            rows.append(
                {
                    "code": district_code,
                    "name": DISTRICTS[district_code][0],
                    "kind": "district",
                    "agency_kind": None,
                    "division_code": district_code,
                    "parent_code": CITY_CODE,
                }
            )
        for agency in AGENCIES:
            agency_code = f"{district_code}-{agency}"
            rows.append(
                {
                    "code": agency_code,
                    "name": agency_name(district_code, agency),
                    "kind": "agency",
                    "agency_kind": AGENCY_KIND[agency],
                    "division_code": district_code,
                    "parent_code": parent,
                }
            )
            for suffix, sub_name in SUBUNITS[agency]:
                rows.append(
                    {
                        "code": f"{agency_code}-{suffix}",
                        "name": sub_name,
                        "kind": "unit",
                        "agency_kind": AGENCY_KIND[agency],
                        "division_code": district_code,
                        "parent_code": agency_code,
                    }
                )
    return rows

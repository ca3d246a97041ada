"""Chinese court case numbers (案号): parse the year, the court's division code and the type code.

Why: a court case's number names the court that filed it. New-style numbers (since 2016,
最高人民法院关于人民法院案件案号的若干规定) carry the province abbreviation and the county code of the
court — （2021）浙0212民初1234号 is 鄞州区人民法院 (330212); 浙02 is the intermediate court of the
city (330200); 浙 alone the high court (330000). Old-style numbers carry the city abbreviation and
the district abbreviation — （2015）甬鄞民初字第00743号 — whose codes come from
``casewatch.analytics.ningbo``. The importer checks that a court case's number and its unit agree
(a number filed under the wrong court is a data-entry error, rule DE-03).

Two implementations share the tables below: `parse()` for one number (tests, forms), and
`polars_parse()` for a whole column at import speed. A test keeps them in agreement.

Numbers of police and procuratorate cases follow local formats and are stored as given;
`year_hint()` takes the year out of them when it is written in brackets.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from casewatch.analytics import ningbo

#: Province-level abbreviations used in new-style numbers -> the two-digit GB/T 2260 prefix.
PROVINCES: dict[str, str] = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "内": "15", "蒙": "15", "辽": "21", "吉": "22",
    "黑": "23", "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37",
    "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51",
    "黔": "52", "贵": "52", "云": "53", "滇": "53", "藏": "54", "陕": "61", "甘": "62", "青": "63",
    "宁": "64", "新": "65", "兵": "66",
}  # fmt: skip

#: Case-type codes (类型代字) -> matter kind. The longest codes are matched first.
TYPE_CODES: dict[str, str] = {
    # criminal
    "刑初": "criminal", "刑终": "criminal", "刑监": "criminal", "刑申": "criminal", "刑再": "criminal",
    "刑核": "criminal", "刑更": "criminal", "刑医": "criminal", "刑没": "criminal", "刑辖": "criminal",
    "刑他": "criminal", "刑抗": "criminal", "刑止": "criminal",
    # civil
    "民初": "civil", "民终": "civil", "民监": "civil", "民申": "civil", "民再": "civil", "民抗": "civil",
    "民撤": "civil", "民特": "civil", "民催": "civil", "民督": "civil", "民辖": "civil", "民辖终": "civil",
    "民他": "civil", "民算": "civil", "民特监": "civil", "认港": "civil", "认澳": "civil", "认台": "civil",
    "协外认": "civil", "破": "civil", "破申": "civil", "破终": "civil", "强清": "civil",
    # administrative
    "行初": "administrative", "行终": "administrative", "行监": "administrative", "行申": "administrative",
    "行再": "administrative", "行审": "administrative", "行审复": "administrative", "行辖": "administrative",
    "行他": "administrative", "行赔初": "administrative", "行赔终": "administrative",
    # enforcement and preservation
    "执": "enforcement", "执恢": "enforcement", "执保": "enforcement", "执异": "enforcement",
    "执复": "enforcement", "执监": "enforcement", "执协": "enforcement", "执他": "enforcement",
    "执配": "enforcement", "执辖": "enforcement", "财保": "enforcement", "行保": "enforcement",
    "证保": "enforcement", "诉前保": "enforcement",
    # state compensation and judicial sanctions
    "法赔": "administrative", "委赔": "administrative", "赔": "administrative", "司惩": "civil",
    "司救": "civil", "司救民": "civil", "司救刑": "criminal",
}  # fmt: skip

#: Old-style numbers: the city abbreviation -> city code (only this platform's city is known).
CITY_ABBRS: dict[str, str] = {ningbo.CITY_ABBR: ningbo.CITY_CODE}

#: Old-style district abbreviations -> division code, today's districts and historical ones.
DISTRICT_ABBRS: dict[str, str] = {abbr: code for code, (_name, abbr) in ningbo.DISTRICTS.items()}
#: 江东区 (330204) merged into 鄞州区 in 2016; its old numbers read 甬东… . 奉化市 became 奉化区.
HISTORIC_ABBRS: dict[str, str] = {"东": "330204"}

_TYPE_ALT = "|".join(sorted((re.escape(c) for c in TYPE_CODES), key=len, reverse=True))
_PROV_ALT = "".join(PROVINCES)
_OPEN = "[（(〔\\[]"
_CLOSE = "[）)〕\\]]"

NEW_STYLE = re.compile(
    rf"^{_OPEN}(?P<year>[0-9]{{4}}){_CLOSE}(?P<prov>[{_PROV_ALT}])(?P<court>[0-9]{{2}}|[0-9]{{4}})?"
    rf"(?P<type>{_TYPE_ALT})(?P<serial>[0-9]{{1,6}})号$"
)
OLD_STYLE = re.compile(
    rf"^{_OPEN}(?P<year>[0-9]{{4}}){_CLOSE}(?P<city>[{''.join(CITY_ABBRS)}])"
    rf"(?P<district>[{''.join(DISTRICT_ABBRS) + ''.join(HISTORIC_ABBRS)}])?"
    rf"(?P<type>{_TYPE_ALT})字?第?(?P<serial>[0-9]{{1,6}})号$"
)
_YEAR_HINT = re.compile(rf"{_OPEN}([0-9]{{4}}){_CLOSE}")


@dataclass(frozen=True)
class CaseNumber:
    """A parsed court case number."""

    year: int
    division_code: str  # today's division (a historical district maps to its successor)
    type_code: str
    serial: int
    style: str  # "new" or "old"
    matter_kind: str
    original_division_code: str = ""  # the historical code when the number names one

    @property
    def historical(self) -> bool:
        return bool(self.original_division_code) and self.original_division_code != self.division_code


def _normalise(number: str) -> str:
    return "".join(str(number).split())


def successor(division_code: str) -> str:
    """Today's division code for a historical one (江东 330204 → 鄞州 330212); others unchanged."""
    entry = ningbo.HISTORIC_DIVISIONS.get(division_code)
    return entry[1] if entry else division_code


def _year_ok(year: int) -> bool:
    return 1949 <= year <= dt.date.today().year + 1


def parse(number: str) -> CaseNumber | None:
    """Parse a court case number, new or old style; None when it is neither."""
    text = _normalise(number or "")
    m = NEW_STYLE.match(text)
    if m:
        year = int(m["year"])
        if not _year_ok(year):
            return None
        prov, court = PROVINCES[m["prov"]], m["court"] or ""
        code = prov + (court if len(court) == 4 else (court + "00" if court else "0000"))
        return CaseNumber(year, code, m["type"], int(m["serial"]), "new", TYPE_CODES[m["type"]])
    m = OLD_STYLE.match(text)
    if m:
        year = int(m["year"])
        if not _year_ok(year):
            return None
        abbr = m["district"]
        if abbr is None:
            original = CITY_ABBRS[m["city"]]
        else:
            original = DISTRICT_ABBRS.get(abbr) or HISTORIC_ABBRS[abbr]
        code = successor(original)
        return CaseNumber(
            year,
            code,
            m["type"],
            int(m["serial"]),
            "old",
            TYPE_CODES[m["type"]],
            original if original != code else "",
        )
    return None


def year_hint(number: str) -> int | None:
    """The bracketed year of any case number (police and procuratorate formats included)."""
    m = _YEAR_HINT.search(_normalise(number or ""))
    if m and _year_ok(int(m.group(1))):
        return int(m.group(1))
    return None


def polars_parse(expr):
    """Vectorised `parse()`: a struct expression with fields year (Int64), division_code, type_code,
    style (all String; null when the number does not parse) for a column of case numbers."""
    import polars as pl

    text = expr.str.replace_all(r"\s", "")
    new = text.str.extract_groups(NEW_STYLE.pattern)
    old = text.str.extract_groups(OLD_STYLE.pattern)
    new_year = new.struct.field("year").cast(pl.Int64, strict=False)
    old_year = old.struct.field("year").cast(pl.Int64, strict=False)
    max_year = dt.date.today().year + 1
    court = new.struct.field("court")
    prov = new.struct.field("prov").replace_strict(PROVINCES, default=None, return_dtype=pl.String)
    new_code = (
        pl.when(court.str.len_chars() == 4)
        .then(prov + court)
        .when(court.str.len_chars() == 2)
        .then(prov + court + "00")
        .otherwise(prov + "0000")
    )
    abbrs = DISTRICT_ABBRS | HISTORIC_ABBRS
    old_original = (
        pl.when(old.struct.field("district").is_null())
        .then(old.struct.field("city").replace_strict(CITY_ABBRS, default=None, return_dtype=pl.String))
        .otherwise(old.struct.field("district").replace_strict(abbrs, default=None, return_dtype=pl.String))
    )
    succ = {k: v[1] for k, v in ningbo.HISTORIC_DIVISIONS.items()}
    old_code = old_original.replace(succ)
    is_new = new_year.is_between(1949, max_year)
    is_old = old_year.is_between(1949, max_year) & ~is_new.fill_null(False)
    return pl.struct(
        year=pl.when(is_new).then(new_year).when(is_old).then(old_year),
        division_code=pl.when(is_new).then(new_code).when(is_old).then(old_code),
        type_code=pl.when(is_new).then(new.struct.field("type")).when(is_old).then(old.struct.field("type")),
        style=pl.when(is_new).then(pl.lit("new")).when(is_old).then(pl.lit("old")),
    )


def polars_year_hint(expr):
    """Vectorised `year_hint()` (Int64, null when there is no bracketed plausible year)."""
    import polars as pl

    year = expr.str.replace_all(r"\s", "").str.extract(_YEAR_HINT.pattern, 1).cast(pl.Int64, strict=False)
    return pl.when(year.is_between(1949, dt.date.today().year + 1)).then(year)

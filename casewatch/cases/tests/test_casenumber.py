"""Case-number parsing: new and old style, the court's division code, and the vectorised twin."""

from pathlib import Path

import polars as pl
import pytest

from casewatch.cases import casenumber

SHARED_DIVISIONS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "divisions"


@pytest.fixture
def divisions_dir():
    """The reference GB/T 2260 tables beside the repository (never copied into it)."""
    if not (SHARED_DIVISIONS / "gb2260-mca-201512.tsv").is_file():
        pytest.skip(f"GB/T 2260 tables not found at {SHARED_DIVISIONS}")
    return SHARED_DIVISIONS


CASES = [
    # number, year, division code, type code, style, original (historical) code
    ("（2021）浙0212民初1234号", 2021, "330212", "民初", "new", ""),
    ("(2021)浙0212民初1234号", 2021, "330212", "民初", "new", ""),
    ("（2021）浙02民终5号", 2021, "330200", "民终", "new", ""),
    ("（2022）浙0203刑初88号", 2022, "330203", "刑初", "new", ""),
    ("（2023）浙0282执恢12号", 2023, "330282", "执恢", "new", ""),
    ("（2023）浙0282执保3号", 2023, "330282", "执保", "new", ""),
    ("（2020）浙0206行初7号", 2020, "330206", "行初", "new", ""),
    ("（2020）浙0206执1号", 2020, "330206", "执", "new", ""),
    ("（2019）浙民终100号", 2019, "330000", "民终", "new", ""),
    ("（2015）甬鄞民初字第00743号", 2015, "330212", "民初", "old", ""),
    ("（2014）甬海刑初字第12号", 2014, "330203", "刑初", "old", ""),
    ("（2015）甬民终字第9号", 2015, "330200", "民终", "old", ""),
    # 江东区 (330204) merged into 鄞州区: today's code, with the historical one kept.
    ("（2014）甬东民初字第5号", 2014, "330212", "民初", "old", "330204"),
    (" （2021） 浙0212 民初 1234 号 ", 2021, "330212", "民初", "new", ""),
    # full-width digits, ideographic spaces, other brackets
    ("（２０２１）浙０２１２民初１２３４号", 2021, "330212", "民初", "new", ""),
    ("〔2021〕浙0212民初1234号", 2021, "330212", "民初", "new", ""),
    ("【2021】浙0212民初1234号", 2021, "330212", "民初", "new", ""),
    ("（2021）\u3000浙0212民初1234号之一", 2021, "330212", "民初", "new", ""),
    # old style: numbered divisions, commercial division, markers, enforcement
    ("（2015）甬鄞民一初字第05171号", 2015, "330212", "民初", "old", ""),
    ("（2015）甬鄞商初字第12号", 2015, "330212", "商初", "old", ""),
    ("（2015）甬鄞刑二初字第3号", 2015, "330212", "刑初", "old", ""),
    ("（2015）甬鄞刑速初字第3号", 2015, "330212", "刑初", "old", ""),
    ("（2015）甬鄞民简初字第3号", 2015, "330212", "民初", "old", ""),
    ("（2015）甬鄞执恢字第00012号", 2015, "330212", "执恢", "old", ""),
    ("（2015）甬鄞执字第1号", 2015, "330212", "执", "old", ""),
    ("（2015）浙甬民二终字第1号", 2015, "330200", "民终", "old", ""),
    ("（2014）浙民终字第1号", 2014, "330000", "民终", "old", ""),
    # re-coded and merged districts and special courts (analytics/data/court_codes.tsv)
    ("（2016）浙0204民初5号", 2016, "330212", "民初", "new", "330204"),
    ("（2016）浙0283民初5号", 2016, "330213", "民初", "new", "330283"),
    ("（2019）浙72民初5号", 2019, "337200", "民初", "new", ""),
    ("（2019）浙0291民初5号", 2019, "330291", "民初", "new", ""),
    ("（2016）浙02民辖终12号", 2016, "330200", "民辖终", "new", ""),
    ("（2019）最高法民终1号", 2019, "100000", "民终", "new", ""),
    ("（2006）甬鄞民初字第1-2号", 2006, "330212", "民初", "old", ""),  # second document of a case
]

#: other cities' old-style numbers parse, with their court abbreviation and no division code
FOREIGN_OLD = [
    ("（2015）包民一初字第05171号", "包", "一", "", ""),
    ("（2014）闵民一（民）初字第2697号", "闵", "一", "民", ""),
    ("（2015）杭西民初字第1号", "杭西", "", "", ""),
    ("（2013）沪一中刑速初字第7号", "沪一中", "", "", "速"),
]

INVALID = [
    "",
    "（2021）浙0212民初1234",  # no 号
    "2021浙0212民初1234号",  # no brackets
    "（2021）浙0212民初号",  # no serial
    "（2021）浙0212XX1234号",  # unknown type code
    "（1900）浙0212民初1号",  # implausible year
    "（2021）浙021民初1号",  # three-digit court code
    "甬鄞公(刑)立字[2021]00077号",  # police number
]


@pytest.mark.parametrize(("number", "year", "code", "type_code", "style", "original"), CASES)
def test_parse(number, year, code, type_code, style, original):
    parsed = casenumber.parse(number)
    assert parsed is not None, number
    assert (parsed.year, parsed.division_code, parsed.type_code, parsed.style) == (
        year,
        code,
        type_code,
        style,
    )
    assert parsed.original_division_code == original
    assert parsed.historical is bool(original)


@pytest.mark.parametrize("number", INVALID)
def test_invalid(number):
    assert casenumber.parse(number) is None


@pytest.mark.parametrize(("number", "abbr", "divno", "sub", "marker"), FOREIGN_OLD)
def test_foreign_old_style(number, abbr, divno, sub, marker):
    parsed = casenumber.parse(number)
    assert parsed is not None and parsed.style == "old"
    assert (parsed.court_abbr, parsed.division_no, parsed.sub_tribunal, parsed.marker) == (
        abbr,
        divno,
        sub,
        marker,
    )
    assert parsed.division_code == ""


PROBLEMS = [
    ("", "empty"),
    ("（2021）浙0212民初1234", "no_hao"),
    ("2021浙0212民初1234号", "year"),
    ("（2021）浙0212民初号", "serial"),
    ("（2021）浙0212XX1234号", "type_code"),
    ("（1900）浙0212民初1号", "year_range"),
    ("（2021）浙021民初1号", "court_code"),
    ("（2021）X0212民初1号", "province"),
    ("（2015）甬鄞民乙初字第1号", "shape"),
]


@pytest.mark.parametrize(("number", "code"), PROBLEMS)
def test_problem_names_the_shape(number, code):
    found = casenumber.problem(number)
    assert found is not None and found[0] == code, found
    assert found[1] and found[2]  # Chinese and English


def test_problem_of_a_valid_number_is_none():
    assert casenumber.problem("（2014）闵民一（民）初字第2697号") is None


def test_marker_gives_procedure_and_stage_gives_instance():
    assert casenumber.parse("（2015）甬鄞刑速初字第3号").procedure_hint == "expedited"
    assert casenumber.parse("（2021）浙02民终5号").instance == 2
    assert casenumber.parse("（2021）浙0212执1号").instance is None


def test_gb2260_history_follows_renamed_codes(tmp_path):
    from casewatch.analytics import courts

    (tmp_path / "gb2260-x-1.tsv").write_text(
        "Source\tRevision\tCode\tName\nx\t1\t110229\t延庆县\nx\t1\t110200\t县\n", encoding="utf-8"
    )
    (tmp_path / "gb2260-x-2.tsv").write_text(
        "Source\tRevision\tCode\tName\nx\t2\t110119\t延庆区\n", encoding="utf-8"
    )
    table = courts.load(tmp_path)
    assert table.resolve("110229") == "110119"
    assert table.resolve("330204") == "330212"  # the curated table is always there


def test_shared_gb2260_tables_give_real_renames(divisions_dir):
    from casewatch.analytics import courts

    table = courts.load(divisions_dir)
    assert table.revisions == ["201512", "201904"]
    assert table.resolve("330283") == "330213"  # 奉化市 → 奉化区 (also curated)
    assert table.resolve("130428") == "130407"  # 肥乡县 → 肥乡区, from the GB/T 2260 revisions only


def test_matter_kind_of_type_codes():
    assert casenumber.parse("（2021）浙0212刑初1号").matter_kind == "criminal"
    assert casenumber.parse("（2021）浙0212执恢1号").matter_kind == "enforcement"
    assert casenumber.parse("（2021）浙0212行初1号").matter_kind == "administrative"


def test_year_hint_of_agency_numbers():
    assert casenumber.year_hint("甬鄞公(刑)立字[2021]00077号") == 2021
    assert casenumber.year_hint("甬鄞检刑诉〔2022〕15号") == 2022
    assert casenumber.year_hint("no year here") is None


def test_vectorised_parse_agrees_with_parse():
    numbers = [c[0] for c in CASES] + INVALID + [None]
    frame = pl.DataFrame({"n": numbers}, schema={"n": pl.String}).with_columns(
        casenumber.polars_parse(pl.col("n")).alias("p"), casenumber.polars_year_hint(pl.col("n")).alias("y")
    )
    for row in frame.iter_rows(named=True):
        expected = casenumber.parse(row["n"]) if row["n"] is not None else None
        got = row["p"]
        if expected is None:
            assert got["division_code"] is None, row["n"]
        else:
            assert (got["year"], got["division_code"], got["type_code"], got["style"]) == (
                expected.year,
                expected.division_code,
                expected.type_code,
                expected.style,
            ), row["n"]
        assert row["y"] == (casenumber.year_hint(row["n"]) if row["n"] else None)


def test_successor():
    assert casenumber.successor("330204") == "330212"
    assert casenumber.successor("330283") == "330213"
    assert casenumber.successor("330212") == "330212"

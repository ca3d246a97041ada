"""Case-number parsing: new and old style, the court's division code, and the vectorised twin."""

import polars as pl
import pytest

from casewatch.cases import casenumber

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
]

INVALID = [
    "",
    "（2021）浙0212民初1234",  # no 号
    "2021浙0212民初1234号",  # no brackets
    "（2021）浙0212民初号",  # no serial
    "（2021）浙0212XX1234号",  # unknown type code
    "（1900）浙0212民初1号",  # implausible year
    "（2015）杭西民初字第1号",  # another city's old style
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

"""GB 11643 ID numbers, GB 32100 credit codes and phone numbers, one by one and vectorised."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casewatch.cases import identifiers as ids

# Published examples: GB 11643's own example and a well-known credit code.
ID_OK = "11010519491231002X"
CREDIT_OK = "91350100M000100Y43"


def test_known_valid_values():
    assert ids.is_valid_id_number(ID_OK)
    assert ids.is_valid_id_number(ID_OK.lower())
    assert ids.is_valid_credit_code(CREDIT_OK)
    assert ids.id_birth_date(ID_OK) == dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("110105194912310021", "check_digit"),
        ("11010519491331002X", "birth_date"),  # month 13
        ("11010521000101002X", "birth_date"),  # in the future
        ("1101051949123100", "format"),
        ("A1010519491231002X", "format"),
        ("", "format"),
    ],
)
def test_id_number_problems(value, problem):
    assert ids.id_number_problem(value) == problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("91350100M000100Y44", "check_digit"),
        ("91350100M000100Y4", "format"),
        ("91350100O000100Y43", "format"),
    ],
)
def test_credit_code_problems(value, problem):
    assert ids.credit_code_problem(value) == problem


@pytest.mark.parametrize(
    "value", ["13800001234", "+86 138 0000 1234", "0574-87654321", "057487654321", "010-62345678-123"]
)
def test_valid_phones(value):
    assert ids.is_valid_phone(value)


@pytest.mark.parametrize(
    "value", ["12345", "23800001234", "1380000123", "0574-1234", "phone", "138000012345"]
)
def test_invalid_phones(value):
    assert not ids.is_valid_phone(value)


def test_every_single_digit_typo_is_caught():
    for i in range(17):
        for d in "0123456789":
            if d != ID_OK[i]:
                typo = ID_OK[:i] + d + ID_OK[i + 1 :]
                assert ids.id_number_problem(typo) in ("check_digit", "birth_date", "format"), typo


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789X", min_size=16, max_size=19))
def test_vectorised_id_check_agrees(value):
    got = pl.DataFrame({"v": [value]}).select(ids.polars_id_number_problem(pl.col("v"))).item()
    assert got == ids.id_number_problem(value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ids.CREDIT_ALPHABET + "IOZ", min_size=17, max_size=19))
def test_vectorised_credit_check_agrees(value):
    got = pl.DataFrame({"v": [value]}).select(ids.polars_credit_code_problem(pl.col("v"))).item()
    assert got == ids.credit_code_problem(value)


def test_vectorised_checks_on_a_column():
    first17 = "33020319900101123"
    good = first17 + ids.id_check_char(first17)
    frame = pl.DataFrame(
        {
            "id": [good, good[:-1] + "0" if good[-1] != "0" else good[:-1] + "1", None],
            "phone": ["13800001234", "123", None],
        }
    )
    out = frame.select(
        ids.polars_id_number_problem(pl.col("id")).alias("p"),
        ids.polars_phone_valid(pl.col("phone")).alias("ok"),
    )
    assert out["p"].to_list() == [None, "check_digit", None]
    assert out["ok"].to_list() == [True, False, None]

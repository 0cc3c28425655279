"""Resident ID numbers (GB 11643-1999): canonical form, precise reasons, check-digit properties."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.identity.id_number import (
    PROVINCE_CODES,
    IdNumberError,
    birth_date,
    check_id_number,
    id_check_digit,
    is_id_number,
    looks_like_id_number,
)

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
VALID_ID = "11010519491231002X"  # the worked example of GB 11643-1999


def reason_for(text: str) -> str:
    with pytest.raises(IdNumberError) as caught:
        check_id_number(text)
    return caught.value.reason


def test_standard_example_is_valid() -> None:
    assert id_check_digit("11010519491231002") == "X"
    assert check_id_number(VALID_ID) == VALID_ID
    assert birth_date(VALID_ID) == date(1949, 12, 31)


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
    ],
)
def test_lower_case_x_spaces_and_full_width_are_accepted(typed: str) -> None:
    assert check_id_number(typed) == VALID_ID


@pytest.mark.parametrize(
    ("typed", "reason_part"),
    [
        ("11010519491231002", "您输入的是17位"),
        ("11010519491231002X1", "您输入的是19位"),
        ("", "请输入18位身份证号"),
        ("110105491231002", "15位的旧身份证号"),
        ("1101051949123100XX", "第17位应为数字"),
        ("11010519A91231002X", "第9位应为数字"),
        ("11010519491231002Y", "第18位应为数字或X"),
        ("99010519491231002X", "地区码有误"),
        ("10010519491231002X", "地区码有误"),
        ("110105194902300027", "出生日期（第7至14位）不是有效日期"),
        ("110105189912310027", "出生日期（第7至14位）不合理"),
        ("110105199912310021", "校验位错误：第18位应为"),
    ],
)
def test_reasons_name_the_problem(typed: str, reason_part: str) -> None:
    assert reason_part in reason_for(typed)


def test_check_digit_reason_names_the_expected_digit() -> None:
    assert reason_for("110105194912310021") == "校验位错误：第18位应为X"


def test_birth_date_in_the_future_is_refused() -> None:
    tomorrow = date.today() + timedelta(days=1)
    first17 = "330102" + tomorrow.strftime("%Y%m%d") + "123"
    with pytest.raises(IdNumberError, match="不合理"):
        check_id_number(first17 + id_check_digit(first17))


def test_reasons_never_contain_the_number() -> None:
    for typed in ["110105194912310021", "11010519491231002", "110105194902300027", "99010519491231002X"]:
        reason = reason_for(typed)
        assert typed not in reason
        assert typed[:10] not in reason and typed[-8:] not in reason


def test_check_digit_needs_seventeen_digits() -> None:
    with pytest.raises(IdNumberError):
        id_check_digit("1234")


def test_dev_set_lines() -> None:
    path = EVAL_DIR / "dev-id_numbers.jsonl"
    if not path.exists():
        pytest.skip(f"development eval set not found at {path}")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [line for line in lines if line["kind"] == "id"]
    assert ids
    for line in ids:
        assert is_id_number(line["value"]) is line["valid"], line["value"]
        if not line["valid"] and "expected_check" in line:
            assert reason_for(line["value"]) == f"校验位错误：第18位应为{line['expected_check']}"


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    region = f"{draw(st.sampled_from(sorted(PROVINCE_CODES))):02d}{draw(st.integers(0, 9999)):04d}"
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    first17 = region + born.strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_digit(first17)


@given(valid_ids())
def test_generated_ids_validate(id_number: str) -> None:
    assert check_id_number(id_number) == id_number
    assert check_id_number(id_number.lower()) == id_number


@given(valid_ids(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_is_caught(id_number: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    current = alphabet.index(id_number[position])
    replacement = alphabet[(current + shift) % len(alphabet)]
    if replacement == id_number[position]:
        return
    changed = id_number[:position] + replacement + id_number[position + 1 :]
    assert not is_id_number(changed)


def test_looks_like_ignores_only_the_check_digit() -> None:
    assert looks_like_id_number("110105194912310021")
    assert looks_like_id_number(VALID_ID.lower())
    assert not looks_like_id_number("990105194912310021")
    assert not looks_like_id_number("110105194913310021")
    assert not looks_like_id_number("11010519491231002")
    assert not looks_like_id_number("91330100MA2B1234X5")

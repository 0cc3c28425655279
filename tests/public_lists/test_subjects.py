"""Telling ID numbers from credit codes, the check-digit messages, masking, and name folding."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.identity.id_number import id_check_digit
from bot.identity.uscc import USCC_CHARS, is_uscc, org_code_check_char, uscc_check_char
from bot.public_lists.subjects import CodeError, find_code, name_key, parse_code
from tests.conftest import EVAL_DIR
from tests.public_lists.factories import COMPANY_CODE, PERSON_ID

# Region codes of Zhejiang counties and a birth date range the ID check accepts.
regions = st.sampled_from(["330102", "330106", "330205", "330302", "330782", "331002"])
births = st.dates(min_value=date(1930, 1, 1), max_value=date(2005, 12, 31))


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    first17 = f"{draw(regions)}{draw(births):%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_digit(first17)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    org8 = "".join(draw(st.lists(st.sampled_from(USCC_CHARS), min_size=8, max_size=8)))
    first17 = f"91{draw(regions)}{org8}{org_code_check_char(org8)}"
    return first17 + uscc_check_char(first17)


@given(id_numbers())
def test_a_valid_id_number_is_a_person_and_shown_masked(value: str) -> None:
    code = parse_code(value)
    assert code.subject_type == "person"
    assert code.value == value
    assert code.shown == value[:6] + "*" * 8 + value[-4:]
    assert value[6:14] not in code.shown


@given(id_numbers(), st.sampled_from("0123456789X"))
def test_a_wrong_check_digit_says_so_and_names_the_right_one(value: str, wrong: str) -> None:
    if wrong == value[-1]:
        return
    with pytest.raises(CodeError) as caught:
        parse_code(value[:17] + wrong)
    assert "身份证号" in caught.value.reason
    assert "校验位错误" in caught.value.reason
    assert f"第18位应为{value[-1]}" in caught.value.reason


@given(credit_codes())
def test_a_valid_credit_code_is_an_organisation_shown_in_full(value: str) -> None:
    code = parse_code(value.lower())
    assert code.subject_type == "organisation"
    assert code.shown == code.value == value


@given(credit_codes(), st.sampled_from(USCC_CHARS))
def test_a_wrong_credit_code_check_character_says_so(value: str, wrong: str) -> None:
    if wrong == value[-1]:
        return
    with pytest.raises(CodeError) as caught:
        parse_code(value[:17] + wrong)
    assert "统一社会信用代码" in caught.value.reason
    assert f"第18位应为{value[-1]}" in caught.value.reason


def test_a_mistyped_id_that_happens_to_pass_the_credit_code_check_is_still_an_id() -> None:
    typo = "331102198503120275"  # the ID number ends in 7; with 5 it is also a well-formed credit code
    assert is_uscc(typo)
    with pytest.raises(CodeError) as caught:
        parse_code(typo)
    assert "身份证号校验位错误：第18位应为7" in caught.value.reason


@pytest.mark.parametrize(
    ("typed", "reason_part"),
    [
        ("", "请输入18位身份证号或统一社会信用代码"),
        ("33010619850312", "都是18位，您输入的是14位"),
        ("330106850312123", "15位的旧身份证号"),
        ("330106199913321234", "出生日期"),
    ],
)
def test_malformed_codes_get_a_reason(typed: str, reason_part: str) -> None:
    with pytest.raises(CodeError) as caught:
        parse_code(typed)
    assert reason_part in caught.value.reason


def test_spaces_full_width_and_lower_case_x_are_accepted() -> None:
    spaced = f"{PERSON_ID[:6]} {PERSON_ID[6:14]} {PERSON_ID[14:]}"
    assert parse_code(spaced).value == PERSON_ID
    full_width = COMPANY_CODE.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_code(full_width).value == COMPANY_CODE


def test_the_development_set_is_classified_like_hotline_check() -> None:
    path = Path(EVAL_DIR) / "dev-id_numbers.jsonl"
    if not path.exists():
        pytest.skip("shared/eval is not beside the repository")
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["valid"]:
            expected = "person" if case["kind"] == "id" else "organisation"
            assert parse_code(case["value"]).subject_type == expected
        else:
            with pytest.raises(CodeError) as caught:
                parse_code(case["value"])
            assert f"第18位应为{case['expected_check']}" in caught.value.reason


def test_a_code_is_found_inside_a_message() -> None:
    assert find_code(f"林晓峰 {PERSON_ID}") == ("林晓峰", PERSON_ID)
    assert find_code(f"{PERSON_ID}，林晓峰") == ("林晓峰", PERSON_ID)
    assert find_code(f"林晓峰 {PERSON_ID[:6]} {PERSON_ID[6:14]} {PERSON_ID[14:]}") == (
        "林晓峰",
        f"{PERSON_ID[:6]} {PERSON_ID[6:14]} {PERSON_ID[14:]}",
    )
    assert find_code("林晓峰") is None
    assert find_code("林晓峰 2024") is None


def test_names_fold_width_script_spaces_and_dots() -> None:
    assert name_key("杭州恒盛贸易（集团）有限公司") == name_key("杭州恒盛贸易(集团)有限公司")
    assert name_key("張 曉峰") == name_key("张晓峰")
    assert name_key("阿依古丽•买买提") == name_key("阿依古丽·买买提")
    assert name_key("林晓峰") != name_key("林晓锋")

"""Unified social credit codes (GB 32100-2015): character set, both check characters, reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.identity.uscc import USCC_CHARS, UsccError, check_uscc, is_uscc, org_code_check_char, uscc_check_char

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def build(first8: str, org_body: str) -> str:
    org = org_body + org_code_check_char(org_body)
    return first8 + org + uscc_check_char(first8 + org)


VALID = build("91330100", "MA27XL0R")


def reason_for(text: str) -> str:
    with pytest.raises(UsccError) as caught:
        check_uscc(text)
    return caught.value.reason


def test_gb11714_worked_values() -> None:
    # D2143569 → X is the example printed in GB 11714-1997.
    assert org_code_check_char("D2143569") == "X"
    assert org_code_check_char("12345678") == "8"


def test_built_code_validates_and_lower_case_is_accepted() -> None:
    assert check_uscc(VALID) == VALID
    assert check_uscc(VALID.lower()) == VALID
    assert check_uscc(" " + VALID[:9] + " " + VALID[9:]) == VALID
    assert (
        check_uscc(
            VALID.translate(
                str.maketrans(
                    "0123456789ABCDEFGHJKLMNPQRTUWXY",
                    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ",
                )
            )
        )
        == VALID
    )


@pytest.mark.parametrize(
    ("typed", "reason_part"),
    [
        ("", "请输入18位统一社会信用代码"),
        (VALID[:17], "您输入的是17位"),
        (VALID + "1", "您输入的是19位"),
        ("I" + VALID[1:], "第1位“I”不是统一社会信用代码使用的字符"),
        (VALID[:9] + "O" + VALID[10:], "第10位“O”"),
        (VALID[:17] + "Z", "第18位“Z”"),
        (VALID[:17] + "-", "第18位“-”"),
        (VALID[:3] + "A" + VALID[4:], "第3至8位"),
    ],
)
def test_reasons_name_the_problem(typed: str, reason_part: str) -> None:
    assert reason_part in reason_for(typed)


def test_wrong_final_check_char_names_the_right_one() -> None:
    wrong = next(ch for ch in USCC_CHARS if ch != VALID[17])
    assert reason_for(VALID[:17] + wrong) == f"校验码错误：第18位应为{VALID[17]}"


def test_wrong_organisation_code_check_is_named() -> None:
    wrong = "1" if VALID[16] != "1" else "2"
    first17 = VALID[:16] + wrong
    assert reason_for(first17 + uscc_check_char(first17)) == f"组织机构代码校验位错误：第17位应为{VALID[16]}"


def test_dev_set_lines() -> None:
    path = EVAL_DIR / "dev-id_numbers.jsonl"
    if not path.exists():
        pytest.skip(f"development eval set not found at {path}")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    codes = [line for line in lines if line["kind"] == "uscc"]
    assert codes
    for line in codes:
        assert is_uscc(line["value"]) is line["valid"], line["value"]


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    head = draw(st.text(USCC_CHARS, min_size=2, max_size=2)) + draw(
        st.text("0123456789", min_size=6, max_size=6)
    )
    return build(head, draw(st.text(USCC_CHARS, min_size=8, max_size=8)))


@given(valid_codes())
def test_generated_codes_validate(code: str) -> None:
    assert check_uscc(code) == code
    assert check_uscc(code.lower()) == code


@given(valid_codes(), st.integers(0, 17), st.integers(1, 30))
def test_any_single_character_change_is_caught(code: str, position: int, shift: int) -> None:
    replacement = USCC_CHARS[(USCC_CHARS.index(code[position]) + shift) % len(USCC_CHARS)]
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_uscc(changed)

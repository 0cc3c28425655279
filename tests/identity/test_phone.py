"""Mainland mobile numbers: what people type, what is refused and why."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.identity.phone import PhoneError, is_mobile, normalize_mobile


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 13812345678",
        "86-13812345678",
        "(+86)13812345678",
        "１３８１２３４５６７８",
        "＋８６　１３８１２３４５６７８",
        "138—1234—5678",
    ],
)
def test_typed_forms_normalise(typed: str) -> None:
    assert normalize_mobile(typed) == "13812345678"
    assert is_mobile(typed)


@pytest.mark.parametrize(
    ("typed", "reason_part"),
    [
        ("", "请输入11位手机号"),
        ("1381234567", "您输入的是10位"),
        ("138123456789", "您输入的是12位"),
        ("12812345678", "应以13至19开头"),
        ("23812345678", "应以13至19开头"),
        ("10012345678", "应以13至19开头"),
        ("138a2345678", "不能含有“a”"),
        ("+85291234567", "只支持中国大陆手机号"),
        ("0571-8765432", "应以13至19开头"),
    ],
)
def test_reasons_name_the_problem(typed: str, reason_part: str) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_mobile(typed)
    assert reason_part in caught.value.reason
    assert not is_mobile(typed)


def test_reason_never_repeats_the_number() -> None:
    for typed in ["1381234567", "12812345678", "138123456789"]:
        with pytest.raises(PhoneError) as caught:
            normalize_mobile(typed)
        assert typed[:7] not in caught.value.reason


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
def test_every_thirteen_to_nineteen_number_is_valid(second: str, rest: str) -> None:
    number = "1" + second + rest
    assert normalize_mobile(number) == number
    assert normalize_mobile(f"+86 {number[:3]} {number[3:7]} {number[7:]}") == number

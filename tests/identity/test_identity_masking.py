"""Masking of ID numbers, mobile numbers and names, alone and inside free text."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.identity.id_number import PROVINCE_CODES, id_check_digit
from bot.identity.masking import mask_id_number, mask_in_text, mask_name, mask_phone
from bot.identity.uscc import org_code_check_char, uscc_check_char

ID = "330102199001011234"


def _credit_code(body: int) -> str:
    org = f"{body:08d}" + org_code_check_char(f"{body:08d}")
    return "91330100" + org + uscc_check_char("91330100" + org)


def test_mask_id_number_keeps_region_and_last_four() -> None:
    assert mask_id_number("330102199001011234") == "330102********1234"
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("110105491231002") == "110105*****1002"
    assert mask_id_number("12345") == "1***5"
    assert mask_id_number("123") == "***"


def test_mask_phone_keeps_prefix_and_last_four() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("008613812345678") == "138****5678"
    assert mask_phone("1234") == "**34"


def test_mask_name_keeps_the_first_character() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name(" 李四 ") == "李*"
    assert mask_name("买买提·艾力") == "买**·**"
    assert mask_name("王") == "*"
    assert mask_name("") == ""


def test_text_with_id_and_phones_is_masked() -> None:
    text = f"我叫张三，身份证{ID}，电话138-1234-5678，也可打+86 139 1234 5678。"
    masked = mask_in_text(text)
    assert ID not in masked
    assert "330102********1234" in masked
    assert "138****5678" in masked
    assert "+86 139****5678" in masked
    assert "1234-5678" not in masked and "139 1234" not in masked


def test_full_width_and_grouped_forms_are_masked() -> None:
    assert mask_in_text("手机１３８１２３４５６７８") == "手机１３８****５６７８"
    assert mask_in_text("身份证 330102 19900101 1234 谢谢") == "身份证 330102********1234 谢谢"
    assert mask_in_text("尾号x：11010519491231002x") == "尾号x：110105********002x"


def test_credit_codes_and_case_numbers_are_left_alone() -> None:
    all_digit_code = next(code for code in map(_credit_code, range(10_000_000, 10_001_000)) if code.isdigit())
    text = f"被执行人统一社会信用代码91330100MA2B1234X5和{all_digit_code}，案号(2024)浙0102执1234号"
    assert mask_in_text(text) == text


def test_longer_digit_runs_and_short_numbers_are_not_mistaken() -> None:
    text = "执行标的100000元，订单号12345678901234567890，验证码123456"
    assert mask_in_text(text) == text


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9), st.text(max_size=20))
def test_no_mobile_survives_masking(second: str, rest: str, around: str) -> None:
    number = "1" + second + rest
    masked = mask_in_text(f"联系{number}。{around}")
    assert number not in masked


@given(
    st.builds(
        lambda p, r: f"{p:02d}{r}",
        st.sampled_from(sorted(PROVINCE_CODES)),
        st.text("0123456789", min_size=4, max_size=4),
    ),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.text("0123456789", min_size=3, max_size=3),
)
def test_no_id_survives_masking(region: str, born: date, seq: str) -> None:
    first17 = region + born.strftime("%Y%m%d") + seq
    id_number = first17 + id_check_digit(first17)
    mistyped = first17 + ("0" if id_number[17] != "0" else "1")
    for typed in (id_number, mistyped):
        masked = mask_in_text(f"身份证号：{typed}，请核对")
        assert typed not in masked
        assert typed[6:14] not in masked

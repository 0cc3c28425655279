"""Contact phones: mobiles and landlines as people type them, clear reasons for the rest, the last four digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.tickets.contact import PhoneError, last_four, normalize_contact_phone


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("0571-87001234", "0571-87001234"),
        ("057187001234", "0571-87001234"),
        ("(0571)8700123", "0571-8700123"),
        ("（0571）87001234", "0571-87001234"),
        ("010-62345678", "010-62345678"),
        ("021 62345678", "021-62345678"),
        ("+86 571 87001234", "0571-87001234"),
        ("0571-87001234转8001", "0571-87001234转8001"),
        ("0571-87001234 ext 12", "0571-87001234转12"),
    ],
)
def test_numbers_people_type(typed: str, canonical: str) -> None:
    assert normalize_contact_phone(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "请输入联系电话"),
        ("1391234567", "11位"),
        ("12912345678", "13至19"),
        ("87001234", "区号"),
        ("0571-0700123", "不能以0或1开头"),
        ("0571-870012", "7位或8位"),
        ("0012345678", "区号不对"),
        ("139一二三四五六七八", "只能包含数字"),
        ("1" * 50, "太长"),
        ("12345", "11位"),
    ],
)
def test_bad_numbers_get_a_reason_that_does_not_repeat_them(typed: str, says: str) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_contact_phone(typed)
    assert says in caught.value.reason
    digits = "".join(ch for ch in typed if ch.isdigit())
    assert len(digits) < 5 or digits not in caught.value.reason


def test_last_four_is_of_the_number_not_the_extension() -> None:
    assert last_four("13912345678") == "5678"
    assert last_four("0571-87001234转8001") == "1234"


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
def test_every_mobile_number_is_accepted_and_keeps_its_last_four(second: str, rest: str) -> None:
    number = f"1{second}{rest}"
    assert normalize_contact_phone(f"+86 {number[:3]} {number[3:7]} {number[7:]}") == number
    assert last_four(number) == rest[-4:]


@given(st.text(max_size=30))
def test_anything_typed_is_a_phone_or_a_reason(text: str) -> None:
    try:
        phone = normalize_contact_phone(text)
    except PhoneError as error:
        assert error.reason
    else:
        assert len(last_four(phone)) == 4

"""Validate resident identity card numbers (GB 11643-1999) and compute their check digit."""

from __future__ import annotations

from datetime import date

from bot.identity.base import IdentifierError, compact

ID_LENGTH = 18
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"
# First two digits: the province-level region (GB/T 2260); 71 Taiwan, 81/82 the Hong Kong and Macao
# residence permits, 83 the Taiwan residence permit.
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
EARLIEST_BIRTH = date(1900, 1, 1)


class IdNumberError(IdentifierError):
    """An ID number that fails validation; `reason` says why without repeating the number."""


def id_check_digit(first17: str) -> str:
    """The 18th character (0–9 or X) that GB 11643 derives from the first 17 digits."""
    digits = compact(first17)
    if len(digits) != 17 or not (digits.isascii() and digits.isdigit()):
        raise IdNumberError("计算校验位需要前17位数字")
    total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def birth_date(id_number: str) -> date:
    """The birth date held in positions 7–14 of a (checked) 18-digit ID number."""
    s = compact(id_number)
    try:
        return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError as exc:
        raise IdNumberError("出生日期（第7至14位）不是有效日期") from exc


def check_id_number(text: str, *, today: date | None = None) -> str:
    """The canonical ID number (half-width, upper-case X), or IdNumberError naming the problem.

    Legacy 15-digit numbers are refused: every card in use today carries 18 digits, and the
    courts' systems record the 18-digit form.
    """
    s = compact(text)
    if not s:
        raise IdNumberError("请输入18位身份证号")
    if len(s) == 15 and s.isascii() and s.isdigit():
        raise IdNumberError("这是15位的旧身份证号，请提供18位身份证号")
    if len(s) != ID_LENGTH:
        raise IdNumberError(f"身份证号应为18位，您输入的是{len(s)}位")
    for position, ch in enumerate(s, start=1):
        allowed = ch.isascii() and (ch.isdigit() or (position == ID_LENGTH and ch == "X"))
        if not allowed:
            what = "应为数字或X" if position == ID_LENGTH else "应为数字"
            raise IdNumberError(f"身份证号第{position}位{what}")
    if int(s[:2]) not in PROVINCE_CODES:
        raise IdNumberError("地区码有误：前两位不是有效的省级行政区代码")
    born = birth_date(s)
    if born < EARLIEST_BIRTH or born > (today or date.today()):
        raise IdNumberError("出生日期（第7至14位）不合理")
    expected = id_check_digit(s[:17])
    if s[17] != expected:
        raise IdNumberError(f"校验位错误：第18位应为{expected}")
    return s


def looks_like_id_number(text: str) -> bool:
    """Whether the text has an ID number's shape, region and birth date, whatever its check digit."""
    s = compact(text)
    if len(s) != ID_LENGTH or not (s[:17].isascii() and s[:17].isdigit()) or s[17] not in "0123456789X":
        return False
    try:
        born = birth_date(s)
    except IdNumberError:
        return False
    return int(s[:2]) in PROVINCE_CODES and born >= EARLIEST_BIRTH


def is_id_number(text: str) -> bool:
    try:
        check_id_number(text)
    except IdNumberError:
        return False
    return True

"""Validate unified social credit codes (统一社会信用代码, GB 32100-2015) of organisations."""

from __future__ import annotations

from bot.identity.base import IdentifierError, compact

USCC_LENGTH = 18
# GB 32100 leaves out I, O, Z, S and V so they cannot be mistaken for 1, 0, 2, 5 and U.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {ch: i for i, ch in enumerate(USCC_CHARS)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# Positions 9–17 are the organisation code of GB 11714, which carries its own check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class UsccError(IdentifierError):
    """A unified social credit code that fails validation; `reason` names the problem."""


def uscc_check_char(first17: str) -> str:
    """The 18th character GB 32100 derives from the first 17."""
    s = compact(first17)
    if len(s) != 17 or any(ch not in _VALUES for ch in s):
        raise UsccError("计算校验码需要前17位有效字符")
    total = sum(_VALUES[ch] * w for ch, w in zip(s, _WEIGHTS, strict=True))
    return USCC_CHARS[-total % 31]


def org_code_check_char(first8: str) -> str:
    """The 9th character of a GB 11714 organisation code, from its first 8 (digits and A–Z)."""
    s = compact(first8)
    if len(s) != 8 or not all(ch.isascii() and ch.isalnum() for ch in s):
        raise UsccError("计算组织机构代码校验位需要前8位字符")
    total = sum(int(ch, 36) * w for ch, w in zip(s, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def check_uscc(text: str) -> str:
    """The canonical code (upper-case, half-width), or UsccError naming the problem."""
    s = compact(text)
    if not s:
        raise UsccError("请输入18位统一社会信用代码")
    if len(s) != USCC_LENGTH:
        raise UsccError(f"统一社会信用代码应为18位，您输入的是{len(s)}位")
    for position, ch in enumerate(s, start=1):
        if ch not in _VALUES:
            raise UsccError(
                f"第{position}位“{ch}”不是统一社会信用代码使用的字符（只用数字和除I、O、Z、S、V外的大写字母）"
            )
    if not s[2:8].isdigit():
        raise UsccError("第3至8位应为登记机关所在地的行政区划数字代码")
    org_expected = org_code_check_char(s[8:16])
    if s[16] != org_expected:
        raise UsccError(f"组织机构代码校验位错误：第17位应为{org_expected}")
    expected = uscc_check_char(s[:17])
    if s[17] != expected:
        raise UsccError(f"校验码错误：第18位应为{expected}")
    return s


def is_uscc(text: str) -> bool:
    try:
        check_uscc(text)
    except UsccError:
        return False
    return True

"""Mask ID numbers, mobile numbers and names for display to others and before logging."""

from __future__ import annotations

import re

from bot.identity.id_number import looks_like_id_number
from bot.identity.uscc import is_uscc

# In str patterns \d also matches full-width digits, which people type on phones.
# An 18-digit ID (optionally grouped 6-8-4 by spaces) or a legacy 15-digit one, not inside a longer token.
_ID_IN_TEXT = re.compile(r"(?<![A-Za-z\d])(?:\d{6} ?\d{8} ?\d{3}[\dXxＸｘ]|\d{15})(?![A-Za-z\d])")
_SEP = r"[ \-－]?"
_MOBILE_IN_TEXT = re.compile(
    rf"(?<![\d+＋])(?P<prefix>(?:(?:[+＋]|00)?86{_SEP})?)"
    rf"(?P<local>[1１][3-9３-９]\d{_SEP}\d{{4}}{_SEP}\d{{4}})(?!\d)"
)
_NAME_SEPARATORS = "·•.・ "


def _mask_middle(value: str, keep_head: int, keep_tail: int) -> str:
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[len(value) - keep_tail :]


def mask_id_number(value: str) -> str:
    """Keep the region code (first 6) and the last 4: 330102********1234."""
    compact = "".join(value.split())
    if len(compact) >= 15:
        return _mask_middle(compact, 6, 4)
    # Too short to be an ID: show little that could help rebuild it.
    return _mask_middle(compact, 1, 1) if len(compact) > 4 else "*" * len(compact)


def mask_phone(value: str) -> str:
    """Keep the network prefix (first 3) and the last 4: 138****5678."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    if len(digits) >= 8:
        return _mask_middle(digits, 3, 4)
    return _mask_middle(digits, 0, 2)


def mask_name(name: str) -> str:
    """Keep a person's first character and star the rest (张三 → 张*); separators such as · stay."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "".join(ch if ch in _NAME_SEPARATORS else "*" for ch in name[1:])


def _mask_id_match(match: re.Match[str]) -> str:
    token = match.group()
    # An all-digit code can be an organisation's credit code, which is public. A mistyped ID is still
    # personal data, so anything with an ID's region and birth date is masked even if it checks as a code.
    if len(token) == 18 and is_uscc(token) and not looks_like_id_number(token):
        return token
    return mask_id_number(token)


def _mask_phone_match(match: re.Match[str]) -> str:
    return match.group("prefix") + mask_phone(match.group("local"))


def mask_in_text(text: str) -> str:
    """The text with every ID number and mobile number in it masked; credit codes are left alone."""
    return _MOBILE_IN_TEXT.sub(_mask_phone_match, _ID_IN_TEXT.sub(_mask_id_match, text))

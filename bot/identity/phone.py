"""Normalise and validate mainland China mobile phone numbers."""

from __future__ import annotations

import re
import unicodedata

from bot.identity.base import IdentifierError

MOBILE_LENGTH = 11
# Mobile numbers start 13–19; 10, 11 and 12 are not allocated to mobile networks.
_SECOND_DIGITS = "3456789"
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―()]")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")


class PhoneError(IdentifierError):
    """A mobile number that fails validation; `reason` says why without repeating the number."""


def normalize_mobile(text: str) -> str:
    """The 11-digit number, with spaces, dashes and a +86/0086/86 prefix taken off."""
    s = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not s:
        raise PhoneError("请输入11位手机号")
    s = _COUNTRY_PREFIX.sub("", s)
    for ch in s:
        if not (ch.isascii() and ch.isdigit()):
            if ch == "+":
                raise PhoneError("只支持中国大陆手机号（+86）")
            raise PhoneError(f"手机号只能包含数字，不能含有“{ch}”")
    if len(s) != MOBILE_LENGTH:
        raise PhoneError(f"手机号应为11位数字，您输入的是{len(s)}位")
    if s[0] != "1" or s[1] not in _SECOND_DIGITS:
        raise PhoneError("手机号应以13至19开头")
    return s


def is_mobile(text: str) -> bool:
    try:
        normalize_mobile(text)
    except PhoneError:
        return False
    return True

"""The contact phone a ticket keeps: a mainland mobile or a landline with its area code, and its last four digits."""

from __future__ import annotations

import re
import unicodedata

from bot.identity.phone import PhoneError, normalize_mobile

__all__ = ["PhoneError", "last_four", "normalize_contact_phone"]

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―()（）.·]")
# An extension after the number: "0571-87001234转8001", "… ext 8001", "…#8001".
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_COUNTRY = re.compile(r"^(?:\+86|0086)")
_MOBILE_86 = re.compile(r"^861\d{10}$")
MAX_INPUT = 40


def normalize_contact_phone(text: str) -> str:
    """ "13912345678", or "0571-87001234" (with "转8001" for an extension); PhoneError says what is wrong."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    if not s:
        raise PhoneError("请输入联系电话")
    if len(s) > MAX_INPUT:
        raise PhoneError("电话号码太长，请只输入一个号码")
    extension = ""
    found = _EXTENSION.search(s)
    if found:
        extension, s = found.group(1), s[: found.start()]
    compact = _SEPARATORS.sub("", s)
    if _COUNTRY.match(compact):
        rest = _COUNTRY.sub("", compact)
        compact = rest if rest.startswith("1") else "0" + rest.removeprefix("0")
    if (compact.startswith("1") or _MOBILE_86.match(compact)) and not extension:
        return normalize_mobile(compact)
    for ch in compact:
        if not (ch.isascii() and ch.isdigit()):
            raise PhoneError(f"电话号码只能包含数字，不能含有“{ch}”")
    if not compact.startswith("0"):
        if 7 <= len(compact) <= 8:
            raise PhoneError("固定电话请加上区号，如0571-87654321")
        raise PhoneError("请输入11位手机号，或带区号的固定电话（如0571-87654321）")
    number = _landline(compact)
    return f"{number}转{extension}" if extension else number


def _landline(digits: str) -> str:
    if len(digits) < 4:
        raise PhoneError("固定电话应为区号加7位或8位号码，如0571-87654321")
    # 010 and 02x are three-digit area codes; every other area code has four digits (0571, 0574 …).
    area_length = 3 if digits[1] in "12" else 4
    area, local = digits[:area_length], digits[area_length:]
    if digits[1] == "0" or (digits[1] == "1" and area != "010"):
        raise PhoneError("区号不对，固定电话的区号如010、021、0571")
    if not 7 <= len(local) <= 8:
        raise PhoneError(f"区号{area}后的号码应为7位或8位数字，您输入的是{len(local)}位")
    if local[0] in "01":
        raise PhoneError("固定电话号码（区号之后）不能以0或1开头")
    return f"{area}-{local}"


def last_four(phone: str) -> str:
    """The last four digits of the number itself (an extension does not count)."""
    digits = re.sub(r"\D", "", phone.split("转", 1)[0])
    return digits[-4:]

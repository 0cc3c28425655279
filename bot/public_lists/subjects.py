"""Who a query is about: a person's ID number or an organisation's credit code, and names folded for matching."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.normalize import fold
from bot.identity.id_number import IdNumberError, check_id_number, looks_like_id_number
from bot.identity.masking import mask_id_number
from bot.identity.uscc import UsccError, check_uscc
from bot.public_lists.kinds import ORGANISATION, PERSON, SubjectType

CODE_LENGTH = 18
_SPACES = re.compile(r"[\s\-－_]+")
_DOTS = str.maketrans(dict.fromkeys("•・‧∙.．", "·"))
_WHITESPACE = re.compile(r"\s+")
# A run of 15 to 18 letters and digits (spaces or dashes between them allowed, as people group an ID
# 6-8-4) that may be an ID number or a credit code inside a longer message.
_CODE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z](?:[ \-]?[0-9A-Za-z]){14,17}(?![0-9A-Za-z])")


class CodeError(ValueError):
    """An ID number or credit code that fails validation; `reason` says why without repeating it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SubjectCode:
    """A checked identifier: a person's ID number or an organisation's unified social credit code."""

    subject_type: SubjectType
    value: str

    @property
    def shown(self) -> str:
        """What may be shown to anyone: a person's number masked, an organisation's code as it is."""
        return mask_id_number(self.value) if self.subject_type == PERSON else self.value


def parse_code(text: str) -> SubjectCode:
    """A person's ID number (GB 11643) or an organisation's credit code (GB 32100), or CodeError saying why not."""
    s = _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not s:
        raise CodeError("请输入18位身份证号或统一社会信用代码")
    if len(s) == 15 and s.isdigit():
        raise CodeError("这是15位的旧身份证号，请提供18位身份证号")
    if len(s) != CODE_LENGTH:
        raise CodeError(f"身份证号和统一社会信用代码都是18位，您输入的是{len(s)}位")
    try:
        return SubjectCode(PERSON, check_id_number(s))
    except IdNumberError as error:
        id_reason = error.reason
    if looks_like_id_number(s):
        # A mistyped ID number passes the credit-code check by chance about once in 300 typos; a real
        # credit code with a region and birth date in the places an ID number has them is far rarer.
        # So it is read as an ID number with an error (an organisation can still be found by name).
        raise CodeError(f"身份证号{id_reason}")
    try:
        return SubjectCode(ORGANISATION, check_uscc(s))
    except UsccError as error:
        uscc_reason = error.reason
    if _meant_as_id_number(s):
        raise CodeError(f"身份证号{id_reason}")
    raise CodeError(f"统一社会信用代码有误：{uscc_reason}")


def _meant_as_id_number(s: str) -> bool:
    """Which check to report on when both fail: digits with a region code are read as an ID number.

    Credit codes of companies (the common all-digit ones) begin with 9, which no region code does;
    any letter but a final X makes it a credit code.
    """
    return s[:17].isdigit() and s[17] in "0123456789X" and not s.startswith("9")


def find_code(text: str) -> tuple[str, str] | None:
    """Split "张三 330102199001011234" into ("张三", the code) when a code-like run is present."""
    match = _CODE_IN_TEXT.search(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    folded = unicodedata.normalize("NFKC", text)
    rest = (folded[: match.start()] + " " + folded[match.end() :]).strip(" ,，;；:：/、")
    return rest.strip(), match.group()


def name_key(name: str) -> str:
    """The form names are compared in: half-width, simplified characters, no spaces, one kind of middle dot."""
    return _WHITESPACE.sub("", fold(name)).translate(_DOTS)


def clean_name(name: str) -> str:
    """A name as typed, with white space folded, for showing back to the user."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", name)).strip()

"""Cleaning what users type: control characters, full-width forms, traditional characters, length."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import zhconv

_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
_SPACES = re.compile(r"\s+")
# Punctuation and symbols dropped when comparing a message with command words and menu labels.
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class CleanText:
    text: str
    truncated: bool = False


def clean(text: str, limit: int) -> CleanText:
    """Drop control characters, fold runs of white space, and cut at limit characters."""
    text = _CONTROL.sub("", text or "")
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        return CleanText(text[:limit], truncated=True)
    return CleanText(text)


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    return str(zhconv.convert(text, "zh-cn"))


def fold(text: str) -> str:
    """The matching form: full-width to half-width (NFKC), simplified characters, lower case."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def key(text: str) -> str:
    """The comparison key for commands and labels: folded, without punctuation, spaces or emoji."""
    return _NOISE.sub("", fold(text))


def has_letters_or_digits(text: str) -> bool:
    """False for messages of only emoji, punctuation or symbols."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)

"""Reading console forms: cleaned free text, and the refusal a handler turns into an error page."""

from __future__ import annotations

import unicodedata
from typing import Any

MAX_TEXT = 2000


class Refused(Exception):
    """The action cannot be done as asked; the message says why, in Chinese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def clean_text(value: Any, what: str, limit: int = MAX_TEXT) -> str:
    """Trimmed text with Windows line ends made plain; empty, overlong or control characters are refused."""
    text = str(value or "").strip().replace("\r\n", "\n")
    if not text:
        raise Refused(422, f"请填写{what}。")
    if len(text) > limit:
        raise Refused(422, f"{what}不能超过{limit}字。")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise Refused(422, f"{what}含有无法显示的控制字符。")
    return text

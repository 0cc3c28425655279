"""Cutting a long reply into messages a platform accepts, in order, at the most natural boundary."""

from __future__ import annotations

from collections.abc import Callable

Measure = Callable[[str], int]

# Preferred places to cut, best first: between paragraphs, lines, sentences, then words.
_BOUNDARIES = ("\n\n", "\n", "。", "；", "！", "？", ". ", " ")


def utf8_size(text: str) -> int:
    """WeChat counts message length in UTF-8 bytes."""
    return len(text.encode("utf-8"))


def utf16_size(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """Pieces of text, each at most limit by measure, that joined back give the text (less cut whitespace)."""
    if limit < 4:
        raise ValueError("limit too small to hold a character")
    pieces: list[str] = []
    rest = text
    while measure(rest) > limit:
        cut = _cut_point(rest, limit, measure)
        head, rest = rest[:cut], rest[cut:]
        head = head.rstrip("\n")
        rest = rest.lstrip("\n")
        if head:
            pieces.append(head)
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _cut_point(text: str, limit: int, measure: Measure) -> int:
    """The longest prefix that fits, pulled back to the best boundary in its last half."""
    fits = _longest_fitting_prefix(text, limit, measure)
    for boundary in _BOUNDARIES:
        position = text.rfind(boundary, fits // 2, fits)
        if position > 0:
            end = position + len(boundary)
            if end <= fits:
                return end
    return fits


def _longest_fitting_prefix(text: str, limit: int, measure: Measure) -> int:
    # Binary search: measures are monotone in the prefix length, and texts can be long.
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low

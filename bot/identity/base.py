"""What the identifier checks share: the error carrying a citizen-readable reason, and compacting input."""

from __future__ import annotations

import unicodedata


class IdentifierError(ValueError):
    """An identifier that fails validation; `reason` says why without repeating the value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def compact(text: str) -> str:
    """Full-width to half-width, white space removed, letters upper-case: how people's typing is read."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()

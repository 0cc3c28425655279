"""The user-facing words, loaded from data/texts.yaml so the court edits them without touching code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class TextMissing(KeyError):
    """A text key the code asks for is not in the texts file."""


class Texts:
    def __init__(self, data: dict[str, Any], defaults: dict[str, str] | None = None) -> None:
        self._data = data
        self._defaults = defaults or {}

    @classmethod
    def load(cls, path: Path, **defaults: str) -> Texts:
        with path.open(encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle) or {}, defaults)

    def raw(self, key: str) -> Any:
        node: Any = self._data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise TextMissing(key)
            node = node[part]
        return node

    def __call__(self, key: str, **values: object) -> str:
        """The text at a dotted key, with {placeholders} filled from values and the defaults (hotline …)."""
        template = self.raw(key)
        if not isinstance(template, str):
            raise TextMissing(key)
        return template.format(**{**self._defaults, **values}) if "{" in template else template

    def words(self, key: str) -> list[str]:
        value = self.raw(key)
        return [str(item) for item in value] if isinstance(value, list) else [str(value)]

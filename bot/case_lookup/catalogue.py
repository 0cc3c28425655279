"""The catalogue of case-event kinds, the eight categories of §4, and the Chinese labels of codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Category:
    code: str
    label: str


@dataclass(frozen=True)
class EventKind:
    code: str
    category: str
    label: str


@dataclass(frozen=True)
class Catalogue:
    categories: tuple[Category, ...]
    kinds: dict[str, EventKind]
    statuses: dict[str, str]
    closing_types: dict[str, str]
    roles: dict[str, str]
    staff_roles: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        categories = tuple(Category(item["code"], item["label"]) for item in data["categories"])
        known = {category.code for category in categories}
        kinds = {
            item["code"]: EventKind(item["code"], item["category"], item["label"]) for item in data["kinds"]
        }
        stray = sorted(kind.code for kind in kinds.values() if kind.category not in known)
        if stray:
            raise ValueError(f"{path.name}: event kinds with an unknown category: {', '.join(stray)}")
        return cls(
            categories,
            kinds,
            dict(data["statuses"]),
            dict(data["closing_types"]),
            dict(data["roles"]),
            dict(data["staff_roles"]),
        )

    def category(self, code: str) -> Category:
        return next(category for category in self.categories if category.code == code)

"""Paging for the console's lists: a page of items, the page number from ?page=, and links keeping filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from aiohttp import web

T = TypeVar("T")
PAGE_SIZE = 25
MAX_PAGE = 10_000


def page_number(request: web.Request) -> int:
    """?page= as a positive number; anything else is the first page."""
    raw = request.query.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isascii() and raw.isdigit() and int(raw) > 0 else 1


@dataclass(frozen=True)
class PageLinks:
    previous: str | None
    next: str | None


@dataclass(frozen=True)
class Paging(Generic[T]):
    items: list[T]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def links(self, query: Mapping[str, str]) -> PageLinks:
        """?… links to the neighbouring pages, with the same filters (empty ones left out)."""

        def link(number: int) -> str:
            return "?" + urlencode({**{k: v for k, v in query.items() if v}, "page": number})

        return PageLinks(
            link(self.page - 1) if self.page > 1 else None,
            link(self.page + 1) if self.page < self.pages else None,
        )

"""Pacing sends to a platform's rate limits: at most so many messages a second per chat and overall."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Tables are pruned of past entries when they grow beyond this; keeps memory flat on busy bots.
_PRUNE_AT = 4096


@dataclass
class Pacer:
    """Hands out send times on a grid of 1/global_rate seconds, one message per cell, and per chat at
    least 1/per_chat_rate apart. Reserving all of one reply's messages at once keeps them in order.

    In-process only: with several worker processes, give each its share of the overall rate."""

    per_chat_rate: float = 1.0
    global_rate: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _taken: set[int] = field(default_factory=set)
    _next_chat: dict[str, float] = field(default_factory=dict)

    def reserve(self, chat: str, count: int = 1) -> list[float]:
        """Clock times at which the next count messages to chat may go out, earliest first."""
        now = self.clock()
        start = max(now, self._next_chat.get(chat, now))
        times = []
        for _ in range(count):
            cell = math.ceil(start * self.global_rate - 1e-9)
            while cell in self._taken:
                cell += 1
            self._taken.add(cell)
            slot = cell / self.global_rate
            times.append(slot)
            start = slot + 1.0 / self.per_chat_rate
        self._next_chat[chat] = start
        self._prune(now)
        return times

    async def wait_until(self, due: float) -> None:
        delay = due - self.clock()
        if delay > 0:
            await asyncio.sleep(delay)

    def _prune(self, now: float) -> None:
        if len(self._taken) > _PRUNE_AT:
            current = math.floor(now * self.global_rate)
            self._taken = {cell for cell in self._taken if cell >= current}
        if len(self._next_chat) > _PRUNE_AT:
            self._next_chat = {chat: due for chat, due in self._next_chat.items() if due > now}

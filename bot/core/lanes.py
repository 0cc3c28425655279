"""Turn lanes: many concurrent users' messages served in batches (group commit) off the event loop.

A user always goes to the same lane, so their messages stay in order; a lane takes whatever has queued
while its last batch ran and serves it as one batch (Dialogue.handle_many). An idle lane serves a lone
message at once: batching adds no wait, it only shares the work of a commit when the hotline is busy."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import zlib
from collections.abc import Callable, Sequence

from bot.core.messages import Inbound, Reply

log = logging.getLogger(__name__)

Waiter = tuple[Inbound, asyncio.Future[Reply]]
_STOP = None


class TurnLanes:
    def __init__(
        self, serve: Callable[[Sequence[Inbound]], list[Reply]], lanes: int = 2, max_batch: int = 64
    ) -> None:
        self.serve, self.max_batch = serve, max_batch
        self._queues: list[queue.SimpleQueue[Waiter | None]] = [queue.SimpleQueue() for _ in range(lanes)]
        self._threads = [
            threading.Thread(target=self._run, args=(waiting,), name=f"turn-lane-{n}", daemon=True)
            for n, waiting in enumerate(self._queues)
        ]
        for thread in self._threads:
            thread.start()

    async def submit(self, inbound: Inbound) -> Reply:
        """The reply to one message, once its batch is committed."""
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        # crc32, not hash(): the same user must find the same lane however often the process hashes.
        lane = zlib.crc32(f"{inbound.channel}\0{inbound.user_key}".encode()) % len(self._queues)
        self._queues[lane].put((inbound, future))
        return await future

    def close(self) -> None:
        """Serve what is queued, then stop the lanes."""
        for waiting in self._queues:
            waiting.put(_STOP)
        for thread in self._threads:
            thread.join()

    def _run(self, waiting: queue.SimpleQueue[Waiter | None]) -> None:
        while True:
            first = waiting.get()
            if first is _STOP:
                return
            batch = [first]
            stopping = False
            while len(batch) < self.max_batch:
                try:
                    more = waiting.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stopping = True
                    break
                batch.append(more)
            self._serve_batch(batch)
            if stopping:
                return

    def _serve_batch(self, batch: list[Waiter]) -> None:
        try:
            replies = self.serve([inbound for inbound, _ in batch])
        except BaseException as error:  # handle_many answers every failure itself; this is a last guard
            log.exception("turn lane failed")
            for _, future in batch:
                future.get_loop().call_soon_threadsafe(_fail, future, error)
            return
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Reply], Reply]]] = {}
        for (_, future), reply in zip(batch, replies, strict=True):
            by_loop.setdefault(future.get_loop(), []).append((future, reply))
        for loop, results in by_loop.items():
            loop.call_soon_threadsafe(_resolve, results)


def _resolve(results: list[tuple[asyncio.Future[Reply], Reply]]) -> None:
    for future, reply in results:
        if not future.done():  # the client may have gone; its turn is committed all the same
            future.set_result(reply)


def _fail(future: asyncio.Future[Reply], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)

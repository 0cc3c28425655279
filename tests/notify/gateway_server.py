"""A real local aiohttp server standing in for the SMS gateway: it counts requests and dedupes idempotency keys.

It runs its own event loop in a thread, so synchronous dispatchers (threads or subprocesses) can talk to it.
`policy(key, nth)` decides, for the nth request carrying a key, what to do: "ok", "500", "400" or "slow"
(answer only after `slow_seconds`, then accept — a client that timed out has nonetheless delivered).
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

Policy = Callable[[str, int], str]


def always_ok(_key: str, _nth: int) -> str:
    return "ok"


class FakeSmsGateway:
    def __init__(self, policy: Policy = always_ok, delay: float = 0.0, slow_seconds: float = 1.0) -> None:
        self.policy = policy
        self.delay = delay
        self.slow_seconds = slow_seconds
        self.requests: Counter[str] = Counter()  # every request, per idempotency key
        self.delivered: dict[str, dict[str, Any]] = {}  # first accepted body, per key: what reaches phones
        self.duplicates = 0  # requests for a key already delivered (answered 200, not delivered again)
        self.headers: list[dict[str, str]] = []
        self.without_key = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._ready = threading.Event()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms/send"

    @property
    def total_requests(self) -> int:
        with self._lock:
            return sum(self.requests.values())

    async def _handle(self, request: web.Request) -> web.Response:
        key = request.headers.get("Idempotency-Key", "")
        body = await request.json()
        with self._lock:
            if not key:
                self.without_key += 1
            self.requests[key] += 1
            nth = self.requests[key]
            if len(self.headers) < 50:
                self.headers.append(dict(request.headers))
        action = self.policy(key, nth)
        if self.delay:
            await asyncio.sleep(self.delay)
        if action == "slow":
            await asyncio.sleep(self.slow_seconds)
        if action == "500":
            return web.json_response({"error": "服务繁忙"}, status=500)
        if action == "400":
            return web.json_response({"error": "号码错误"}, status=400)
        with self._lock:
            if key in self.delivered:
                self.duplicates += 1
                return web.json_response({"id": self.delivered[key]["id"], "duplicate": True})
            self.delivered[key] = {**body, "id": f"m{len(self.delivered) + 1}"}
            return web.json_response({"id": self.delivered[key]["id"]})

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/sms/send", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    def start(self) -> FakeSmsGateway:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake SMS gateway did not start")
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> FakeSmsGateway:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

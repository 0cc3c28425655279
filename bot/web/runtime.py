"""What every web handler shares: the app keys of the hotline, the worker pool and the turn lanes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from aiohttp import web

from bot.core.lanes import TurnLanes
from bot.core.messages import Inbound, Reply
from bot.hotline import Hotline

HOTLINE = web.AppKey("hotline", Hotline)
POOL = web.AppKey("pool", ThreadPoolExecutor)
LANES = web.AppKey("lanes", TurnLanes)
T = TypeVar("T")


async def run_sync(app: web.Application, function: Callable[..., T], *args: object) -> T:
    """Run other blocking work (pushes, page lookups) in the worker pool, off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(app[POOL], function, *args)


async def take_turn(app: web.Application, inbound: Inbound) -> Reply:
    """One message through the dialogue, batched with whatever else is arriving (see TurnLanes)."""
    return await app[LANES].submit(inbound)

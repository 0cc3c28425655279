"""The one aiohttp app factory: opens the hotline (database, services, worker pool) and closes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from bot.case_lookup.passwords import dummy_verify
from bot.config import Settings
from bot.core.context import Services
from bot.core.lanes import TurnLanes
from bot.hotline import build_hotline
from bot.storage.db import Database
from bot.web import (
    chat_api,
    console,
    knowledge_reload,
    management_api,
    public_lists,
    telegram_webhook,
    webchat,
    wechat_webhook,
)
from bot.web.runtime import HOTLINE, LANES, POOL


def create_app(
    settings: Settings, database: Database | None = None, services: Services | None = None
) -> web.Application:
    """The whole web app; tests pass their own database and (shared, read-only) services."""
    app = web.Application(client_max_size=1024 * 1024)

    async def hotline_context(app: web.Application) -> AsyncIterator[None]:
        pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="turn")
        app[POOL] = pool
        loop = asyncio.get_running_loop()
        app[HOTLINE] = await loop.run_in_executor(pool, build_hotline, settings, database, services)
        # The stand-in hash for unknown case numbers is made now, so the first unknown case is not
        # slower than a wrong password (which would tell that the case does not exist).
        await loop.run_in_executor(pool, dummy_verify, "", settings)
        app[LANES] = TurnLanes(app[HOTLINE].dialogue.handle_many, settings.turn_lanes, settings.turn_batch)
        yield
        await loop.run_in_executor(pool, app[LANES].close)
        if database is None:
            app[HOTLINE].close()
        pool.shutdown(wait=True)

    app.cleanup_ctx.append(hotline_context)
    knowledge_reload.setup(app, settings.knowledge_reload_seconds)
    app.router.add_get("/healthz", healthz)
    chat_api.setup(app)
    management_api.setup(app)
    public_lists.setup(app)
    webchat.setup(app)
    wechat_webhook.setup(app, settings)
    telegram_webhook.setup(app, settings)
    console.setup(app)
    return app


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})

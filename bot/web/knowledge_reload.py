"""Reload the knowledge base in a running server when its files change (no restart, no lost turn)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from bot.web.runtime import HOTLINE, run_sync

log = logging.getLogger(__name__)
Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(data_dir: Path) -> Fingerprint:
    files = sorted([*data_dir.glob("faq/*.yaml"), *data_dir.glob("knowledge/*")])
    return tuple(
        (str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files if path.is_file()
    )


async def reload_if_changed(app: web.Application, seen: Fingerprint) -> Fingerprint:
    """Swap in a new Knowledge when the files changed; a file that does not load leaves the old one serving."""
    hotline = app[HOTLINE]
    holder = hotline.services.knowledge
    current = await run_sync(app, fingerprint, hotline.settings.data_dir)
    if holder is None or current == seen:
        return current
    try:
        holder.current = await run_sync(app, holder.current.reload)
        log.info("knowledge base reloaded: %d entries", len(holder.current.entries))
    except Exception as error:  # a bad edit must not take the hotline down
        log.error("knowledge base not reloaded, the previous one keeps serving: %s", error)
    return current


def setup(app: web.Application, interval: float) -> None:
    async def watcher(app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            seen = await run_sync(app, fingerprint, app[HOTLINE].settings.data_dir)
            while True:
                await asyncio.sleep(interval)
                seen = await reload_if_changed(app, seen)

        task = asyncio.create_task(loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(watcher)

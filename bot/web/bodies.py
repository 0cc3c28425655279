"""Reading a request body with a cap of the route's own, before anything is parsed."""

from __future__ import annotations

from aiohttp import web


class TooLarge(Exception):
    """The body is larger than the route accepts."""


async def read_capped(request: web.Request, limit: int) -> bytes:
    """The whole body, or TooLarge as soon as it passes limit (a lying Content-Length does not help)."""
    if request.content_length is not None:
        if request.content_length > limit:
            raise TooLarge()
        # aiohttp's parser reads exactly Content-Length bytes: what follows is another request.
        return await request.read()
    body = bytearray()  # chunked: count as it comes
    async for chunk in request.content.iter_chunked(16 * 1024):
        body += chunk
        if len(body) > limit:
            raise TooLarge()
    return bytes(body)

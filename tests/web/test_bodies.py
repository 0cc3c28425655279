"""read_capped: a body over the route's cap is refused however it is sent; one under it arrives whole."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.web.bodies import TooLarge, read_capped

LIMIT = 1000


async def echo(request: web.Request) -> web.Response:
    try:
        body = await read_capped(request, LIMIT)
    except TooLarge:
        return web.Response(status=413)
    return web.Response(body=body)


@pytest.fixture
async def client(
    aiohttp_client: Callable[[web.Application], Awaitable[TestClient[web.Request, web.Application]]],
) -> TestClient[web.Request, web.Application]:
    app = web.Application()
    app.router.add_post("/", echo)
    return await aiohttp_client(app)


async def chunks(total: int) -> AsyncIterator[bytes]:
    for _ in range(total // 100):
        yield b"x" * 100


@pytest.mark.parametrize("size", [0, 1, LIMIT])
async def test_a_body_within_the_cap_arrives_whole(
    client: TestClient[web.Request, web.Application], size: int
) -> None:
    response = await client.post("/", data=b"a" * size)
    assert response.status == 200 and await response.read() == b"a" * size


async def test_a_declared_length_over_the_cap_is_refused(
    client: TestClient[web.Request, web.Application],
) -> None:
    response = await client.post("/", data=b"a" * (LIMIT + 1))
    assert response.status == 413


async def test_a_chunked_body_is_cut_off_once_past_the_cap(
    client: TestClient[web.Request, web.Application],
) -> None:
    within = await client.post("/", data=chunks(LIMIT))
    assert within.status == 200 and len(await within.read()) == LIMIT
    over = await client.post("/", data=chunks(LIMIT * 5))
    assert over.status == 413

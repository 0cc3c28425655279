"""Two live `hotline serve` worker processes on one database: one user's messages alternate between them."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.storage.db import open_database
from bot.storage.models import Turn
from bot.web.webchat import COOKIE
from tests.channels.wechat_platform import AES_KEY, APP_ID, TOKEN, WeChatPlatform
from tests.conftest import REPO

MENU_SIZE = 8
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    import urllib.request

    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"worker exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("worker did not start")


@pytest.fixture
def workers(database_url: str) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "HOTLINE_DATABASE_URL": database_url,
        "HOTLINE_WECHAT_TOKEN": TOKEN,
        "HOTLINE_WECHAT_AES_KEY": AES_KEY,
        "HOTLINE_WECHAT_APP_ID": APP_ID,
        "HOTLINE_SECRET_KEY": "two-workers-secret",
        "HOTLINE_WORKERS": "4",
    }
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            command = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
            processes.append(subprocess.Popen(command, env=env, cwd=REPO, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_healthy(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


async def test_one_conversation_across_two_workers(workers: list[str], database_url: str) -> None:
    script = ["法院通讯录与执行须知", "1", "返回", "返回", "8", "2"]
    async with aiohttp.ClientSession() as http:
        replies = []
        for number, line in enumerate(script):
            url = workers[number % 2]
            body = {"user": "alternating", "text": line, "explain": True, "message_id": f"m{number}"}
            async with http.post(f"{url}/api/chat", json=body) as response:
                replies.append(await response.json())
        flows = [reply.get("flow") for reply in replies]
        assert flows[0] == "directory" and "执行须知" in replies[1]["text"]  # B understood A's options
        assert flows[2] == "directory" and flows[3] is None and len(replies[3]["options"]) == MENU_SIZE
        assert flows[4] == "directory" and flows[5] is None

        # The web chat page: a cookie one worker signed is honoured by the other.
        async with http.get(f"{workers[0]}/chat") as response:
            cookie = response.cookies[COOKIE].value
        headers = {"Cookie": f"{COOKIE}={cookie}"}
        async with http.post(
            f"{workers[1]}/chat/api/message", json={"text": "8"}, headers=headers
        ) as response:
            assert response.status == 200 and "法院强制执行须知" in (await response.json())["options"]
        async with http.post(
            f"{workers[0]}/chat/api/message", json={"text": "1"}, headers=headers
        ) as response:
            assert "执行须知" in (await response.json())["text"]


async def test_one_wechat_msgid_sent_to_both_workers_is_one_turn(
    workers: list[str], database_url: str
) -> None:
    platform = WeChatPlatform("safe")
    open_id = "oTwoWorkers0000000000000001"
    async with aiohttp.ClientSession() as http:

        async def send(url: str, xml: str) -> str:
            query, body = platform.request(xml)
            async with http.post(f"{url}/wechat", params=query, data=body.encode()) as response:
                assert response.status == 200
                return str(platform.open_reply(await response.text())["Content"])

        msg_ids = [24000000000001000 + n for n in range(6)]
        for number, msg_id in enumerate(msg_ids):
            xml = platform.message("text", open_id, "8" if number % 2 == 0 else "1", msg_id=msg_id)
            first, second = await asyncio.gather(send(workers[0], xml), send(workers[1], xml))
            assert first == second  # both workers answer the retry with the one stored reply
        # Alternating messages are one conversation: "1" on one worker answers the other's options.
        assert "1. 法律咨询" in await send(workers[0], platform.message("text", open_id, "菜单", msg_id=1))
        assert "1. 法院强制执行须知" in await send(
            workers[1], platform.message("text", open_id, "8", msg_id=2)
        )
        assert "部分" in await send(workers[0], platform.message("text", open_id, "1", msg_id=3))

    db = open_database(database_url)
    try:
        with db.transaction() as session:
            total = session.scalar(
                select(func.count()).select_from(Turn).where(Turn.message_key.like("wechat:%"))
            )
    finally:
        db.dispose()
    assert total == len(msg_ids) + 3  # each MsgId once, though each of the first six reached both workers

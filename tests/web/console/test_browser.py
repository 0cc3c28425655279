"""The console in a real browser: a web-chat user hands off to a person, an operator answers, the user reads it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import Settings
from bot.core.context import Services
from bot.storage.db import Database
from bot.web.app import create_app
from tests.web.console.conftest import PASSWORD, People

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPLY = "您好，执行款已于今日发放，请注意查收。"
# The web chat polls for staff messages every 15 seconds.
PUSH_WAIT_MS = 25_000


@pytest.fixture
async def served(settings: Settings, db: Database, services: Services, people: People) -> AsyncIterator[str]:
    """The whole app on a real socket on 127.0.0.1 (a free port), as a browser reaches it."""
    runner = web.AppRunner(create_app(settings, db, services))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
async def test_a_handoff_from_the_web_chat_is_answered_in_the_console(served: str, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            citizen = await (await browser.new_context(locale="zh-CN")).new_page()
            await citizen.goto(f"{served}/chat")
            log = citizen.locator("#log")
            await log.get_by_text("12368").first.wait_for()
            await citizen.locator("#text").fill("执行款什么时候到账")
            await citizen.locator("#text").press("Enter")
            await log.get_by_text("执行款账户").first.wait_for()
            await citizen.locator("#text").fill("转人工")
            await citizen.locator("#text").press("Enter")
            await log.get_by_text("工单号").first.wait_for()
            found = re.search(r"GD\d{8}-\d{4}", await log.inner_text())
            assert found, await log.inner_text()
            number = found.group()

            staff = await (
                await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            ).new_page()
            await staff.goto(f"{served}/console/tickets")
            assert "/console/login" in staff.url
            await staff.get_by_label("登录名").fill("operator")
            await staff.get_by_label("密码").fill(PASSWORD)
            await staff.get_by_role("button", name="登录").click()
            await staff.wait_for_load_state()
            assert await staff.title() == "工单 · 12368 执行服务工作台"
            await staff.screenshot(path=str(tmp_path / "console-queue.png"), full_page=True)
            await staff.get_by_role("link", name=number).click()
            await staff.wait_for_load_state()
            main = await staff.locator("main").inner_text()
            assert f"转人工 · {number}" in main
            assert "执行款什么时候到账" in main  # the conversation that led to the hand-off
            await staff.get_by_label("答复内容（将发送到来访人使用的渠道）").fill(REPLY)
            await staff.get_by_role("button", name="发送答复").click()
            await staff.wait_for_load_state()
            assert "答复已发送" in await staff.locator("[role=status]").inner_text()
            assert REPLY in await staff.locator("ol.thread").inner_text()
            await staff.screenshot(path=str(tmp_path / "console-ticket.png"), full_page=True)

            # Agent assist: the caller's question on the phone, the bot's own knowledge and a calculator.
            await staff.get_by_role("link", name="坐席助手").click()
            await staff.get_by_label("来电人的问题").fill("申请强制执行要交多少钱")
            await staff.get_by_role("button", name="查找答案").click()
            await staff.wait_for_load_state()
            assert "法律依据" in await staff.locator("main").inner_text()
            await staff.get_by_label("执行金额（元）").fill("200000")
            await staff.locator("form", has_text="执行申请费").get_by_role("button", name="计算").click()
            await staff.wait_for_load_state()
            assert "执行申请费：2,900.00 元" in await staff.locator("main").inner_text()
            await staff.screenshot(path=str(tmp_path / "console-assist.png"), full_page=True)

            # The citizen's open chat page picks the answer up by itself.
            await log.get_by_text(REPLY).wait_for(timeout=PUSH_WAIT_MS)
            await citizen.screenshot(path=str(tmp_path / "chat.png"), full_page=True)

            phone = await (
                await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
            ).new_page()
            await phone.goto(f"{served}/console/login")
            await phone.get_by_label("登录名").fill("operator")
            await phone.get_by_label("密码").fill(PASSWORD)
            await phone.get_by_role("button", name="登录").click()
            await phone.wait_for_load_state()
            await phone.get_by_label("状态").select_option("all")
            await phone.get_by_role("button", name="筛选").click()
            await phone.wait_for_load_state()
            assert number in await phone.locator("main").inner_text()
            # A phone shows each ticket as a labelled card: nothing wider than the screen.
            width = await phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390
            await phone.screenshot(path=str(tmp_path / "console-phone.png"), full_page=True)
        finally:
            await browser.close()

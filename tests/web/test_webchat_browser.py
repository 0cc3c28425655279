"""The web chat page driven in Debian's chromium through playwright, on a phone-sized screen."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, ViewportSize, async_playwright

from bot.core.context import Services
from bot.web.app import create_app
from tests.conftest import make_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
async def site(
    aiohttp_server: Callable[[web.Application], Awaitable[TestServer]], sqlite_url: str, services: Services
) -> str:
    server = await aiohttp_server(create_app(make_settings(sqlite_url), None, services))
    return str(server.make_url("/chat"))


@pytest.fixture
async def page(site: str) -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
        page = await context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(site)
        yield page
        assert errors == []  # no script errors on the page, whatever the test did
        await browser.close()


async def last_bot(page: Page) -> str:
    return await page.locator(".msg.bot").last.inner_text()


async def test_welcome_options_as_buttons_and_a_typed_answer(page: Page) -> None:
    await page.locator(".msg.bot").first.wait_for()
    assert "12368" in await last_bot(page)
    buttons = page.locator(".msg.bot").last.locator(".options button")
    assert await buttons.count() == 8
    await page.get_by_role("button", name="法院通讯录与执行须知").tap()
    await page.get_by_role("button", name="法院强制执行须知").wait_for()
    assert "法院名称" in await last_bot(page)
    assert await page.locator(".msg.user").last.inner_text() == "法院通讯录与执行须知"
    # Old options are retired once answered, so a stale tap cannot be sent.
    assert await page.locator(".options button:not([disabled])").count() == 2
    await page.fill("#text", "1")
    await page.keyboard.press("Enter")
    await page.get_by_text("部分，请回复编号阅读").wait_for()
    assert await page.locator(".msg.user").last.inner_text() == "1"


async def test_fits_a_phone_screen(page: Page) -> None:
    await page.locator(".msg.bot .options button").first.wait_for()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    box = await page.locator("#send").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"] and box["height"] >= 40
    font = await page.evaluate("getComputedStyle(document.querySelector('#text')).fontSize")
    assert float(font.rstrip("px")) >= 16  # iOS zooms into smaller inputs


async def test_cookie_is_http_only_and_the_conversation_survives_a_reload(page: Page) -> None:
    await page.locator(".msg.bot .options button").first.wait_for()
    assert "hotline_chat" not in await page.evaluate("document.cookie")
    cookies = await page.context.cookies()
    assert any(cookie["name"] == "hotline_chat" and cookie["httpOnly"] for cookie in cookies)
    await page.get_by_role("button", name="法院通讯录与执行须知").tap()
    await page.get_by_role("button", name="法院强制执行须知").wait_for()
    await page.reload()
    await page.get_by_role("button", name="法院强制执行须知").wait_for()  # history restored, options live
    await page.fill("#text", "1")
    await page.click("#send")
    await page.get_by_text("部分，请回复编号阅读").wait_for()  # the server kept the same user's state


async def test_replies_are_text_never_markup(page: Page) -> None:
    await page.locator(".msg.bot .options button").first.wait_for()
    await page.fill("#text", "<img src=x onerror=alert(1)>")
    await page.click("#send")
    await page.locator(".msg.user").last.wait_for()
    assert await page.locator(".msg img").count() == 0
    assert await page.locator(".msg.user").last.inner_text() == "<img src=x onerror=alert(1)>"

"""The /lists and /notices pages, their JSON, and the management PUTs, through aiohttp's client and a browser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.config import Settings
from bot.core.context import Services
from bot.storage.db import Database
from bot.web.app import create_app
from tests.public_lists.factories import (
    COMPANY_CODE,
    COMPANY_NAME,
    PERSON_ID,
    PERSON_NAME,
    WRONG_CHECK_ID,
    company_entry,
    notice,
    person_entry,
)

AUTH = {"Authorization": "Bearer test-token"}
MASKED = PERSON_ID[:6] + "********" + PERSON_ID[-4:]
CHROMIUM = Path("/usr/bin/chromium")


def lists_app(settings: Settings, db: Database, services: Services) -> web.Application:
    return create_app(settings.model_copy(update={"list_queries_per_address": 4}), db, services)


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, db: Database, services: Services) -> TestClient:
    client: TestClient = await aiohttp_client(lists_app(settings, db, services))
    for kind, entry_id, body in [
        ("dishonest", "SX-1", person_entry()),
        ("consumption_ban", "XG-1", person_entry(conduct=None)),
        ("bidding_ban", "ZB-1", company_entry()),
    ]:
        response = await client.put(f"/api/v1/lists/{kind}/entries/{entry_id}", json=body, headers=AUTH)
        assert response.status == 201, await response.text()
    return client


async def test_the_page_is_a_plain_chinese_form(client: TestClient) -> None:
    response = await client.get("/lists")
    html = await response.text()
    assert response.status == 200
    assert 'lang="zh-CN"' in html and "失信等名单查询" in html
    assert re.search(r'<form[^>]+method="post"', html)
    assert "<script" not in html


async def test_posting_the_form_shows_every_list_masked(client: TestClient) -> None:
    response = await client.post("/lists", data={"name": PERSON_NAME, "id": PERSON_ID})
    html = await response.text()
    assert response.status == 200
    assert MASKED in html and PERSON_ID not in html
    assert "失信被执行人名单" in html and "限制高消费被执行人名单" in html
    assert "(2023)浙0106执1234号" in html and "杭州市西湖区人民法院" in html
    assert "有履行能力而拒不履行生效法律文书确定义务" in html
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_get_with_the_query_searches_too(client: TestClient) -> None:
    response = await client.get("/lists", params={"name": COMPANY_NAME})
    html = await response.text()
    assert COMPANY_CODE in html and "限制招投标被执行人名单" in html


async def test_a_wrong_check_digit_is_a_422_saying_so(client: TestClient) -> None:
    response = await client.post("/lists", data={"name": PERSON_NAME, "id": WRONG_CHECK_ID})
    assert response.status == 422
    assert f"校验位错误：第18位应为{PERSON_ID[-1]}" in await response.text()


async def test_a_name_alone_asks_for_the_id_and_no_match_names_the_national_site(client: TestClient) -> None:
    html = await (await client.post("/lists", data={"name": PERSON_NAME, "id": ""})).text()
    assert "只凭姓名不能查询个人" in html and "(2023)浙0106执1234号" not in html
    html = await (await client.post("/lists", data={"name": "王小明", "id": PERSON_ID})).text()
    assert "没有找到" in html and "zxgk.court.gov.cn" in html


async def test_the_json_endpoint(client: TestClient) -> None:
    response = await client.get("/api/v1/lists/search", params={"name": PERSON_NAME, "id": PERSON_ID})
    data = await response.json()
    assert response.status == 200 and data["status"] == "found"
    [subject] = data["subjects"]
    assert subject["code"] == MASKED and PERSON_ID not in await response.text()
    assert [item["kind"] for item in subject["lists"]] == ["dishonest", "consumption_ban"]
    entry = subject["lists"][0]["entries"][0]
    assert (entry["case_no"], entry["court"], entry["performance_label"]) == (
        "(2023)浙0106执1234号",
        "杭州市西湖区人民法院",
        "全部未履行",
    )
    bad = await client.get("/api/v1/lists/search", params={"name": PERSON_NAME, "id": WRONG_CHECK_ID})
    assert bad.status == 422
    body = await bad.json()
    assert body["field"] == "id" and "校验位错误" in body["message"]


async def test_an_address_is_limited(client: TestClient) -> None:
    statuses = []
    for _ in range(5):
        response = await client.get("/api/v1/lists/search", params={"name": COMPANY_NAME})
        statuses.append(response.status)
    assert statuses == [200, 200, 200, 200, 429]
    assert int(response.headers["Retry-After"]) > 0
    page = await client.post("/lists", data={"name": COMPANY_NAME})
    assert page.status == 429 and "查询过于频繁" in await page.text()


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic test-token"}]
)
async def test_writes_need_the_token(client: TestClient, headers: dict[str, str]) -> None:
    response = await client.put("/api/v1/lists/dishonest/entries/SX-9", json=person_entry(), headers=headers)
    assert response.status == 401
    response = await client.put("/api/v1/notices/PM-9", json=notice(), headers=headers)
    assert response.status == 401


async def test_bad_entries_get_a_422_with_the_field_path(client: TestClient) -> None:
    url = "/api/v1/lists/dishonest/entries/SX-2"
    response = await client.put(url, json=person_entry(id_number=WRONG_CHECK_ID, conduct=None), headers=AUTH)
    assert response.status == 422
    paths = {item["path"] for item in (await response.json())["errors"]}
    assert paths == {"id_number", "conduct"}
    assert WRONG_CHECK_ID not in await response.text()
    response = await client.put("/api/v1/lists/blacklist/entries/X-1", json=person_entry(), headers=AUTH)
    assert response.status == 422 and (await response.json())["errors"][0]["path"] == "kind"
    response = await client.put(url, data=b"{not json", headers={**AUTH, "Content-Type": "application/json"})
    assert response.status == 400
    response = await client.put(
        f"/api/v1/lists/dishonest/entries/{quote('有 空格')}", json=person_entry(), headers=AUTH
    )
    assert response.status == 422 and (await response.json())["errors"][0]["path"] == "id"


async def test_a_second_put_updates_and_a_removal_hides_the_entry_at_once(client: TestClient) -> None:
    url = "/api/v1/lists/dishonest/entries/SX-1"
    response = await client.put(url, json=person_entry(performance="partial"), headers=AUTH)
    assert response.status == 200 and (await response.json())["result"] == "updated"
    removed = person_entry(removed_on="2024-01-02", removal_reason="被执行人已全部履行")
    assert (await client.put(url, json=removed, headers=AUTH)).status == 200
    data = await (
        await client.get("/api/v1/lists/search", params={"name": PERSON_NAME, "id": PERSON_ID})
    ).json()
    assert [item["kind"] for item in data["subjects"][0]["lists"]] == ["consumption_ban"]


async def test_notices_are_pushed_listed_and_filtered(client: TestClient) -> None:
    response = await client.put("/api/v1/notices/PM-1", json=notice(), headers=AUTH)
    assert response.status == 201
    reward = notice(
        kind="reward", title="关于悬赏查找被执行人财产线索的公告", court_code="浙0102", court_name=None
    )
    assert (await client.put("/api/v1/notices/XS-1", json=reward, headers=AUTH)).status == 201
    bad = await client.put("/api/v1/notices/XS-2", json=notice(url="javascript:alert(1)"), headers=AUTH)
    assert bad.status == 422 and (await bad.json())["errors"][0]["path"] == "url"
    html = await (await client.get("/notices")).text()
    assert 'href="https://sf-item.taobao.com/sf_item/612345678901.htm"' in html
    assert "杭州市上城区人民法院" in html  # the court's name from the directory
    html = await (await client.get("/notices", params={"court": "上城区法院", "kind": "reward"})).text()
    assert "悬赏查找" in html and "网络司法拍卖住宅" not in html
    data = await (
        await client.get("/api/v1/notices", params={"from": "2025-01-01", "to": "2025-12-31"})
    ).json()
    assert {item["id"] for item in data["notices"]} == {"PM-1", "XS-1"}
    assert data["notices"][0]["url"].startswith("https://")
    bad_filter = await client.get("/api/v1/notices", params={"from": "2025-02-30"})
    assert bad_filter.status == 422 and (await bad_filter.json())["errors"][0]["path"] == "from"
    assert (await client.get("/notices", params={"to": "soon"})).status == 422


async def test_names_are_escaped_in_the_page(client: TestClient) -> None:
    name = "<script>alert(1)</script>有限公司"
    body = company_entry(name=name, id_number=None)
    assert (await client.put("/api/v1/lists/unfinished/entries/BZX-X", json=body, headers=AUTH)).status == 201
    html = await (await client.post("/lists", data={"name": name})).text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


async def seed_over_http(base: str) -> None:
    """Push the entries and a notice to the running server as the management system would."""
    async with aiohttp.ClientSession() as session:
        for kind, entry_id, body in [
            ("dishonest", "SX-1", person_entry()),
            ("consumption_ban", "XG-1", person_entry(conduct=None)),
        ]:
            url = f"{base}/api/v1/lists/{kind}/entries/{entry_id}"
            async with session.put(url, json=body, headers=AUTH) as response:
                assert response.status == 201
        async with session.put(f"{base}/api/v1/notices/PM-1", json=notice(), headers=AUTH) as response:
            assert response.status == 201


@pytest.fixture
async def served(settings: Settings, db: Database, services: Services) -> AsyncIterator[str]:
    """The app on a real socket on 127.0.0.1 (a free port), as a browser reaches it."""
    runner = web.AppRunner(lists_app(settings, db, services))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        await seed_over_http(base)
        yield base
    finally:
        await runner.cleanup()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
async def test_the_page_in_a_real_browser_without_javascript(served: str, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = await browser.new_context(java_script_enabled=False, locale="zh-CN")
            page = await context.new_page()
            await page.goto(f"{served}/lists")
            assert await page.title() == "失信等名单查询 · 浙江法院12368执行服务热线"
            await page.get_by_label("姓名或单位全称").fill(PERSON_NAME)
            await page.get_by_label("身份证号或统一社会信用代码").fill(WRONG_CHECK_ID)
            await page.get_by_role("button", name="查询").click()
            await page.wait_for_load_state()
            assert "校验位错误" in await page.locator("[role=status]").inner_text()
            await page.get_by_label("身份证号或统一社会信用代码").fill(PERSON_ID)
            await page.get_by_role("button", name="查询").click()
            await page.wait_for_load_state()
            body = await page.locator("main").inner_text()
            assert MASKED in body and PERSON_ID not in body
            assert "失信被执行人名单" in body and "(2023)浙0106执1234号" in body
            assert await page.get_by_label("身份证号或统一社会信用代码").input_value() == ""
            await page.screenshot(path=str(tmp_path / "lists.png"), full_page=True)

            await page.get_by_role("link", name="悬赏公告与拍卖公告").click()
            await page.wait_for_load_state()
            await page.get_by_label("法院").fill("西湖区法院")
            await page.get_by_role("button", name="筛选").click()
            await page.wait_for_load_state()
            link = page.get_by_role("link", name=re.compile("网络司法拍卖住宅"))
            assert await link.get_attribute("href") == "https://sf-item.taobao.com/sf_item/612345678901.htm"
            assert "court=" in page.url
        finally:
            await browser.close()

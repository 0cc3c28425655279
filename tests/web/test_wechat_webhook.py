"""The WeChat callback in `hotline serve`: requests signed and encrypted with wechatpy's crypto as the platform
does, posted to the real route; replies decrypted and checked; a local fake stands in for WeChat's API."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, update

from bot import cli
from bot.channels.splitting import utf8_size
from bot.channels.wechat_push import OUTSIDE_WINDOW
from bot.config import Settings
from bot.core.context import Services
from bot.core.messages import Reply
from bot.core.push import enqueue
from bot.storage.models import ChatPush, Conversation, Turn, utcnow
from bot.tickets.intake import TicketDraft, file_ticket
from bot.tickets.thread import reply_to_user
from bot.web.app import create_app
from bot.web.runtime import HOTLINE
from tests.channels.fakes import FIXTURES, FakeWeChat
from tests.channels.wechat_platform import ACCOUNT, AES_KEY, APP_ID, APP_SECRET, TOKEN, WeChatPlatform
from tests.conftest import REPO, make_settings

Client = TestClient[web.Request, web.Application]
AppClient = Callable[[web.Application], Awaitable[Client]]
USER = "oKx3W5pQ0aBcDeFgHiJkLmNoPq01"
HOSTILE = sorted(path.name for path in (FIXTURES / "wechat" / "hostile").iterdir())


@pytest.fixture
async def fake(aiohttp_server: Callable[[web.Application], Awaitable[TestServer]]) -> FakeWeChat:
    fake = FakeWeChat()
    fake.server = await aiohttp_server(fake.app())  # type: ignore[attr-defined]
    return fake


def wechat_settings(database_url: str, fake: FakeWeChat, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "wechat_token": TOKEN,
        "wechat_aes_key": AES_KEY,
        "wechat_app_id": APP_ID,
        "wechat_app_secret": APP_SECRET,
        "wechat_api_base_url": str(fake.server.make_url("/cgi-bin/")),  # type: ignore[attr-defined]
        "push_interval_seconds": 0.1,
        **overrides,
    }
    return make_settings(database_url, **values)


@pytest.fixture
async def client(aiohttp_client: AppClient, fake: FakeWeChat, sqlite_url: str, services: Services) -> Client:
    return await aiohttp_client(create_app(wechat_settings(sqlite_url, fake), None, services))


async def post(client: Client, platform: WeChatPlatform, xml: str) -> tuple[int, str]:
    query, body = platform.request(xml)
    response = await client.post(
        "/wechat", params=query, data=body.encode(), headers={"Content-Type": "text/xml"}
    )
    return response.status, await response.text()


async def say(client: Client, platform: WeChatPlatform, xml: str) -> dict[str, Any]:
    status, body = await post(client, platform, xml)
    assert status == 200, body
    return platform.open_reply(body)


def counts(client: Client) -> tuple[int, int]:
    with client.app[HOTLINE].db.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(Conversation)) or 0,
            session.scalar(select(func.count()).select_from(Turn)) or 0,
        )


async def test_url_verification(client: Client) -> None:
    query, _ = WeChatPlatform().request(WeChatPlatform().message("text", USER, "x"))
    response = await client.get("/wechat", params={**query, "echostr": "7143261802836093"})
    assert (response.status, await response.text()) == (200, "7143261802836093")
    forged = await client.get("/wechat", params={**query, "signature": "0" * 40, "echostr": "1"})
    assert forged.status == 403


@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
async def test_text_message_in_each_mode(client: Client, mode: str) -> None:
    platform = WeChatPlatform(mode)
    reply = await say(client, platform, platform.message("text", USER, "8"))
    assert (reply["ToUserName"], reply["FromUserName"], reply["MsgType"]) == (USER, ACCOUNT, "text")
    assert "法院名称" in reply["Content"] and "1. 法院强制执行须知" in reply["Content"]
    second = await say(client, platform, platform.message("text", USER, "1"))  # numbers answer the options
    assert "执行须知" in second["Content"]


async def test_forged_requests_are_refused_before_any_turn(client: Client) -> None:
    plain = WeChatPlatform()
    query, body = plain.request(plain.message("text", USER, "你好"))
    bad = await client.post("/wechat", params={**query, "signature": "f" * 40}, data=body.encode())
    assert bad.status == 403
    safe = WeChatPlatform("safe")
    query, body = safe.request(safe.message("text", USER, "你好"))
    bad = await client.post("/wechat", params={**query, "msg_signature": "f" * 40}, data=body.encode())
    assert bad.status == 403
    other_account = WeChatPlatform("safe", app_id="wx_another_account")
    assert (await post(client, other_account, other_account.message("text", USER, "你好")))[0] == 400
    other_key = WeChatPlatform("safe", aes_key="A" * 43)
    assert (await post(client, other_key, other_key.message("text", USER, "你好")))[0] == 400
    assert counts(client) == (0, 0)


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("mode", ["plain", "safe"])
async def test_hostile_xml_is_400_and_touches_nothing(client: Client, name: str, mode: str) -> None:
    body = (FIXTURES / "wechat" / "hostile" / name).read_bytes()
    platform = WeChatPlatform(mode)
    if mode == "plain":
        query, _ = platform.request(platform.message("text", USER, "x"))
        response = await client.post("/wechat", params=query, data=body)
    else:  # the hostile document inside a correctly signed and encrypted envelope
        query, envelope = platform.request(body.decode("utf-8", "replace"))
        response = await client.post("/wechat", params=query, data=envelope.encode())
    assert response.status == 400
    assert counts(client) == (0, 0)


async def test_huge_bodies_are_400(client: Client) -> None:
    platform = WeChatPlatform()
    query, _ = platform.request(platform.message("text", USER, "x"))
    huge = platform.message("text", USER, "执" * 40_000).encode()
    assert (await client.post("/wechat", params=query, data=huge)).status == 400

    async def chunks() -> Any:  # no Content-Length: the cap must hold while reading
        for _ in range(100):
            yield b"<xml>" + b"a" * 4096

    assert (await client.post("/wechat", params=query, data=chunks())).status == 400
    assert counts(client) == (0, 0)


async def test_retries_of_one_msgid_are_one_turn_with_the_same_reply(client: Client) -> None:
    platform = WeChatPlatform("safe")
    xml = platform.message("text", USER, "8", msg_id=24000000000000777)
    replies = [(await say(client, platform, xml))["Content"] for _ in range(3)]
    assert replies[0] == replies[1] == replies[2]
    assert counts(client) == (1, 1)


async def test_subscribe_greets_and_its_retry_is_one_turn(client: Client) -> None:
    platform = WeChatPlatform()
    xml = platform.message("subscribe", USER, create_time=1764230400)
    first, retry = await say(client, platform, xml), await say(client, platform, xml)
    assert "12368" in first["Content"] and "1. 法律咨询" in first["Content"]
    assert first["Content"] == retry["Content"]
    assert counts(client) == (1, 1)


async def test_unsubscribe_is_success_and_stores_nothing(client: Client) -> None:
    platform = WeChatPlatform()
    assert await post(client, platform, platform.message("unsubscribe", USER)) == (200, "success")
    assert counts(client) == (0, 0)


async def test_menu_clicks_map_to_menu_items(client: Client) -> None:
    platform = WeChatPlatform()
    directory = await say(client, platform, platform.message("click", USER, "directory", create_time=1))
    assert "法院名称" in directory["Content"]
    unknown = await say(client, platform, platform.message("click", USER, "NO_SUCH_KEY", create_time=2))
    assert "1. 法律咨询" in unknown["Content"]


async def test_voice_uses_recognition_and_without_it_asks_for_text(client: Client) -> None:
    platform = WeChatPlatform()
    heard = await say(client, platform, platform.message("voice", USER, "法院通讯录"))
    assert "法院名称" in heard["Content"]
    silent = await say(client, platform, platform.message("voice", USER, ""))
    assert "文字" in silent["Content"]
    video = await say(client, platform, platform.message("video", USER))
    assert "文字" in video["Content"]
    assert counts(client) == (1, 1)  # only the recognised voice message was a turn


async def test_image_is_accepted_as_a_turn(client: Client) -> None:
    platform = WeChatPlatform()
    reply = await say(client, platform, platform.message("image", USER, msg_id=24000000000000888))
    assert reply["Content"]
    with client.app[HOTLINE].db.transaction() as session:
        assert session.scalar(select(Turn.message_key)) == f"wechat:{USER}:24000000000000888"


async def test_a_slow_turn_answers_success_and_sends_the_reply_later(
    aiohttp_client: AppClient,
    fake: FakeWeChat,
    sqlite_url: str,
    services: Services,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await aiohttp_client(
        create_app(wechat_settings(sqlite_url, fake, wechat_reply_seconds=0.0), None, services)
    )
    platform = WeChatPlatform("safe")
    assert await post(client, platform, platform.message("text", USER, "8")) == (200, "success")
    [sent] = await fake.wait_sent(1)
    assert sent["touser"] == USER and sent["msgtype"] == "text"
    assert "1. 法院强制执行须知" in sent["text"]["content"]
    assert fake.token_requests == 1
    # Our side's log lines (the fake's access log stands for WeChat's own servers and is left out).
    ours = "\n".join(record.getMessage() for record in caplog.records if record.name != "aiohttp.access")
    assert ours and APP_SECRET not in ours and fake.access_token not in ours


async def test_a_late_reply_wechat_refuses_is_queued_for_retry(
    aiohttp_client: AppClient, fake: FakeWeChat, sqlite_url: str, services: Services
) -> None:
    fake.refuse[USER] = 45047  # "out of response count limit"
    client = await aiohttp_client(
        create_app(
            wechat_settings(sqlite_url, fake, wechat_reply_seconds=0.0, push_interval_seconds=0),
            None,
            services,
        )
    )
    platform = WeChatPlatform()
    assert (await post(client, platform, platform.message("text", USER, "8")))[1] == "success"
    for _ in range(100):
        with client.app[HOTLINE].db.transaction() as session:
            queued = session.scalars(select(ChatPush).where(ChatPush.channel == "wechat")).all()
        if queued:
            break
        await asyncio.sleep(0.05)
    assert len(queued) == 1 and "1. 法院强制执行须知" in queued[0].reply["parts"][0]


def data_with_welcome(tmp_path: Path, welcome: str) -> Path:
    """The data directory with another welcome text: the court's words are data, so is this test's."""
    data = tmp_path / "data"
    data.mkdir()
    for entry in (REPO / "data").iterdir():
        if entry.name != "texts.yaml":
            (data / entry.name).symlink_to(entry)
    texts = yaml.safe_load((REPO / "data" / "texts.yaml").read_text(encoding="utf-8"))
    texts["welcome"] = welcome
    (data / "texts.yaml").write_text(yaml.safe_dump(texts, allow_unicode=True), encoding="utf-8")
    return data


async def test_long_replies_are_split_the_rest_as_customer_service_messages(
    aiohttp_client: AppClient, fake: FakeWeChat, sqlite_url: str, services: Services, tmp_path: Path
) -> None:
    welcome = "\n".join(f"第{n}段：" + "执行公开" * 60 for n in range(12))  # about 9 KB
    settings = wechat_settings(sqlite_url, fake, data_dir=data_with_welcome(tmp_path, welcome))
    client = await aiohttp_client(create_app(settings))  # services loaded from that data directory
    platform = WeChatPlatform("compatible")
    first = (await say(client, platform, platform.message("subscribe", USER)))["Content"]
    assert utf8_size(first) <= 2048 and first.startswith("第0段")
    for _ in range(200):  # the later parts go out one by one after the passive reply
        later = fake.texts_to(USER)
        if later and later[-1].endswith("8. 法院通讯录与执行须知"):
            break
        await asyncio.sleep(0.05)
    assert len(later) >= 4
    assert all(utf8_size(text) <= 2048 for text in later)
    whole = "".join([first, *later]).replace("\n", "")
    assert whole.startswith(welcome.replace("\n", "")) and whole.endswith("8. 法院通讯录与执行须知")


async def test_pushes_go_out_within_48_hours_and_by_sms_outside(
    aiohttp_client: AppClient, fake: FakeWeChat, sqlite_url: str, services: Services, tmp_path: Path
) -> None:
    sms_log = tmp_path / "sms.log"
    settings = wechat_settings(sqlite_url, fake, sms_log_path=sms_log)
    client = await aiohttp_client(create_app(settings, None, services))
    platform = WeChatPlatform()
    await say(client, platform, platform.message("text", USER, "你好"))
    away, silent = "oAway00000000000000000000001", "oSilent000000000000000000001"
    for who in (away, silent):
        await say(client, platform, platform.message("text", who, "你好"))
    db = client.app[HOTLINE].db
    with db.transaction() as session:
        session.execute(
            update(Conversation)
            .where(Conversation.user_key.in_([away, silent]))
            .values(updated_at=utcnow() - timedelta(hours=49))
        )
        enqueue(session, "wechat", USER, Reply(("您的投诉已有答复。",), ("返回菜单",)), "test:near")
        # A complaint filed with a mobile, answered by staff after the window closed: the answer goes by SMS.
        ticket = file_ticket(
            session,
            TicketDraft("complaint", "执行干警态度差", "wechat", away, contact_phone="13912345678"),
            settings,
            utcnow(),
        )
        reply_to_user(session, ticket, "已核实，承办人将于本周内联系您。", None)
        number = ticket.number
        # A case notice: its SMS to the party is already the notice of record.
        enqueue(session, "wechat", away, Reply(("案件已立案。",)), "notice:abc")
        # No mobile known for this push: it waits for the user to write again.
        enqueue(session, "wechat", silent, Reply(("通知",)), "test:silent")
    [sent] = await fake.wait_sent(1)
    assert sent["touser"] == USER and sent["text"]["content"] == "您的投诉已有答复。\n\n1. 返回菜单"
    await asyncio.sleep(0.5)
    with db.transaction() as session:
        pushes = {push.source: push for push in session.scalars(select(ChatPush))}
    for source in ("test:near", f"ticket:{number}", "notice:abc"):
        assert pushes[source].delivered_at is not None, source
    assert pushes["test:silent"].delivered_at is None and pushes["test:silent"].last_error == OUTSIDE_WINDOW
    assert fake.texts_to(away) == [] and fake.texts_to(silent) == []
    [line] = [json.loads(line) for line in sms_log.read_text(encoding="utf-8").splitlines()]
    assert line["to"] == "139****5678"  # masked in the log; the gateway gets the whole number
    assert line["text"].startswith("【12368】") and "承办人将于本周内联系您" in line["text"]
    assert line["key"] == f"push:{pushes[f'ticket:{number}'].id}"


async def test_wechat_is_not_mounted_without_a_token(sqlite_url: str, services: Services) -> None:
    app = create_app(make_settings(sqlite_url), None, services)
    assert "/wechat" not in {route.resource.canonical for route in app.router.routes() if route.resource}


async def test_menu_command_prints_and_publishes(
    fake: FakeWeChat, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("HOTLINE_WECHAT_APP_ID", APP_ID)
    monkeypatch.setenv("HOTLINE_WECHAT_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("HOTLINE_WECHAT_API_BASE_URL", str(fake.server.make_url("/cgi-bin/")))  # type: ignore[attr-defined]
    monkeypatch.setenv("HOTLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    assert await asyncio.to_thread(cli.main, ["wechat", "menu", "--publish"]) == 0
    [menu] = fake.menus
    buttons = menu["button"]
    assert len(buttons) <= 3 and all(len(group.get("sub_button", [])) <= 5 for group in buttons)
    keys = [item["key"] for group in buttons for item in group.get("sub_button", [group])]
    assert sorted(keys) == sorted(
        [
            "consult",
            "case_query",
            "ticket_status",
            "complaint",
            "suggestion",
            "judge_contact",
            "list_search",
            "directory",
        ]
    )
    assert '"key": "case_query"' in capsys.readouterr().out


async def test_non_ascii_signatures_are_refused_not_crashed(client: Client) -> None:
    platform = WeChatPlatform("safe")
    query, body = platform.request(platform.message("text", USER, "你好"))
    for field in ("signature", "msg_signature"):
        response = await client.post("/wechat", params={**query, field: "签名"}, data=body.encode())
        assert response.status == 403
    assert (await client.get("/wechat", params={**query, "signature": "签名", "echostr": "1"})).status == 403

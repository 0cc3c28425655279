"""The turn's contract with storage: state survives processes, retries answer once, failures lose nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from bot.core.messages import Inbound
from bot.hotline import Hotline, build_hotline
from bot.storage.db import StorageUnavailable, open_database
from bot.storage.models import Conversation, Turn
from tests.conftest import REPO, make_settings


def hotline_ask(
    database_url: str, lines: list[str], user: str = "u1", *extra: str
) -> list[dict[str, object]]:
    env = {**os.environ, "HOTLINE_DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--user", user, *extra],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_ask_prints_one_json_line_per_input_and_state_survives_the_process(database_url: str) -> None:
    first = hotline_ask(database_url, ["1", "返回", "8"])
    assert len(first) == 3
    assert all(set(reply) >= {"text", "options"} for reply in first)
    assert "法院强制执行须知" in first[2]["options"]  # type: ignore[operator]
    # A second process continues the same conversation: "1" now picks the directory flow's first option.
    second = hotline_ask(database_url, ["1"], "u1", "--explain")
    assert second[0]["flow"] == "directory"
    assert "执行须知" in str(second[0]["text"])


def test_explain_adds_intent_and_flow(database_url: str) -> None:
    (reply,) = hotline_ask(database_url, ["法院通讯录"], "u2", "--explain")
    assert reply["intent"] == "directory"
    assert reply["flow"] == "directory"


def test_a_repeated_platform_message_is_answered_from_the_log(hotline: Hotline) -> None:
    first = hotline.dialogue.handle(Inbound("wechat", "openid-1", "8", message_id="m-1"))
    again = hotline.dialogue.handle(Inbound("wechat", "openid-1", "8", message_id="m-1"))
    assert again.text == first.text
    with hotline.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Turn)) == 1
        conversation = session.scalars(select(Conversation)).one()
        assert conversation.version == 1


def test_users_and_channels_have_separate_conversations(hotline: Hotline) -> None:
    hotline.dialogue.handle(Inbound("wechat", "a", "8"))
    reply = hotline.dialogue.handle(Inbound("telegram", "a", "1"))
    assert reply.meta["flow"] is None or reply.meta["flow"] != "directory"
    assert hotline.dialogue.handle(Inbound("wechat", "a", "返回")).meta["intent"] == "back"


def test_database_that_cannot_be_opened_names_the_url_and_exits_non_zero(tmp_path: Path) -> None:
    env = {**os.environ, "HOTLINE_DATABASE_URL": "postgresql://postgres:s3cret@127.0.0.1:1/nowhere"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask"],
        input="菜单\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "127.0.0.1:1/nowhere" in lines[0]
    assert "s3cret" not in result.stderr


def test_unwritable_sqlite_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageUnavailable) as caught:
        open_database(f"sqlite:///{blocker}/sub/hotline.db")
    assert str(blocker) in str(caught.value)


def test_database_going_away_mid_service_answers_politely_and_stores_nothing(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url)
    hotline = build_hotline(settings)
    hotline.dialogue.handle(Inbound("console", "u", "你好"))
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    hotline.db.dispose()
    path.unlink()
    path.mkdir()  # the database file is now a directory: every connection fails
    reply = hotline.dialogue.handle(Inbound("console", "u", "菜单"))
    assert "暂时无法处理" in reply.text
    assert "未能保存" in reply.text
    assert reply.meta["error"] is True


def test_memory_outlives_flows_and_processes(hotline: Hotline) -> None:
    from bot.core.context import Flow
    from bot.core.messages import Reply

    def remember(ctx):  # type: ignore[no-untyped-def]
        ctx.memory["seen"] = ctx.memory.get("seen", 0) + 1
        ctx.state = {"step": "x"}  # flows overwrite their state freely
        return Reply((f"seen {ctx.memory['seen']}",))

    hotline.dialogue.flows["remember"] = Flow("remember", remember, lambda ctx: None)
    hotline.dialogue.handle(Inbound("console", "m", "菜单"))
    from bot.core.context import MenuItem

    hotline.services.vocabulary.menu_items["记住"] = MenuItem("remember", "记住", ())
    try:
        assert hotline.dialogue.handle(Inbound("console", "m", "记住")).text == "seen 1"
        hotline.dialogue.handle(Inbound("console", "m", "8"))  # another flow, then the menu
        hotline.dialogue.handle(Inbound("console", "m", "菜单"))
        assert hotline.dialogue.handle(Inbound("console", "m", "记住")).text == "seen 2"
    finally:
        del hotline.services.vocabulary.menu_items["记住"]


def test_a_message_id_never_returns_another_users_reply(hotline: Hotline) -> None:
    mine = hotline.dialogue.handle(Inbound("web", "alice", "8", message_id="42"))
    theirs = hotline.dialogue.handle(Inbound("web", "mallory", "你好", message_id="42"))
    assert theirs.text != mine.text
    assert "12368" in theirs.text  # mallory got the welcome, not alice's reply


def test_a_failed_statement_never_carries_its_parameters_into_the_error(database_url: str) -> None:
    """Errors are logged; a statement's parameters may hold a typed password or an ID number."""
    db = open_database(database_url)
    secret = "110101199003071234"
    try:
        with pytest.raises(DBAPIError) as caught, db.transaction() as session:
            session.execute(text("SELECT :x"), {"x": (secret, object())})  # no driver binds this
    finally:
        db.dispose()
    assert secret not in str(caught.value)
    assert "hidden" in str(caught.value)

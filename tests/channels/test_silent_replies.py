"""A silent reply (an open hand-off between acknowledgements) sends nothing on any channel."""

from __future__ import annotations

from bot.channels.telegram import messages_of
from bot.channels.wechat import reply_parts
from bot.core.messages import Reply

SILENT = Reply((), meta={"silent": True})


def test_telegram_sends_nothing_for_a_silent_reply() -> None:
    assert messages_of(SILENT) == []
    assert len(messages_of(Reply((), ("返回菜单",)))) == 1  # a keyboard still needs a message


def test_wechat_has_no_part_for_a_silent_reply() -> None:
    assert reply_parts(SILENT) == []
    assert reply_parts(Reply(("已转给工作人员",))) == ["已转给工作人员"]

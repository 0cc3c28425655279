"""Reading WeChat XML: recorded messages parse; hostile or foreign XML is refused before any other work."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.channels.wechat import cdata_safe, passive_xml
from bot.channels.wechat_xml import MAX_BODY, BadXml, message_of, parse_fields
from tests.channels.fakes import FIXTURES
from tests.channels.wechat_platform import WeChatPlatform

HOSTILE = sorted(path.name for path in (FIXTURES / "wechat" / "hostile").iterdir())


def test_recorded_text_message_parses() -> None:
    xml = WeChatPlatform().message("text", "oUser0000000000000000000001", "案件查询", msg_id=24123456789)
    message = message_of(parse_fields(xml.encode()))
    assert (message.from_user, message.msg_type, message.get("Content"), message.get("MsgId")) == (
        "oUser0000000000000000000001",
        "text",
        "案件查询",
        "24123456789",
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_and_foreign_xml_is_refused(name: str) -> None:
    body = (FIXTURES / "wechat" / "hostile" / name).read_bytes()
    with pytest.raises(BadXml):
        message_of(parse_fields(body))


def test_huge_body_is_refused_without_parsing() -> None:
    body = b"<xml><Content>" + b"a" * MAX_BODY + b"</Content></xml>"
    with pytest.raises(BadXml, match="too large"):
        parse_fields(body)


@given(st.binary(max_size=300))
def test_random_bytes_never_escape_as_another_error(body: bytes) -> None:
    with contextlib.suppress(BadXml):
        message_of(parse_fields(body))


@given(st.text(max_size=200))
def test_reply_content_survives_any_text(text: str) -> None:
    # Replies quote what users typed; "]]>" or markup in it must not change the XML's structure.
    printable = "".join(char for char in text if char.isprintable())
    assume(printable.strip())
    message = message_of(parse_fields(WeChatPlatform().message("text", "oUser0000000000000000000001", "hi")))
    fields = parse_fields(passive_xml(message, printable))
    assert fields["Content"] == printable.strip()  # the parser trims surrounding spaces, nothing else
    assert fields["ToUserName"] == "oUser0000000000000000000001"


def test_cdata_safe_splits_the_terminator() -> None:
    assert "]]>" not in cdata_safe("a]]>b").replace("]]]]><![CDATA[>", "")

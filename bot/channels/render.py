"""Reply rendering shared by the channels: links as text lines, and the text a channel without buttons shows."""

from __future__ import annotations

from bot.core.messages import Reply


def link_lines(reply: Reply) -> str:
    return "\n".join(f"{link.title}：{link.url}" for link in reply.links)


def with_links(text: str, reply: Reply) -> str:
    """The text followed by the reply's links, one per line (every platform makes URLs clickable)."""
    links = link_lines(reply)
    if not links:
        return text
    return f"{text}\n\n{links}" if text else links


def plain_text(reply: Reply) -> str:
    """For channels with real buttons: the options are not repeated in the text."""
    return with_links(reply.text, reply)


def numbered_text(reply: Reply) -> str:
    """For channels without buttons (WeChat, SMS): options as numbered lines the user answers with a number."""
    return with_links(reply.numbered_text(), reply)

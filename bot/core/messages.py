"""The channel-neutral message shapes: what a user sent (Inbound) and what the hotline answers (Reply)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Inbound:
    """One message from one user on one channel, as every adapter hands it to the dialogue."""

    channel: str
    user_key: str
    text: str = ""
    # A platform's id for the message (WeChat MsgId, Telegram update id); a repeat is answered from the log.
    message_id: str | None = None
    # Photos or files the user sent, as references the channel can resolve later (media ids, URLs).
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Reply:
    """What the hotline says: text parts, options the user may pick (by number or words), and links."""

    parts: tuple[str, ...]
    options: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    # Explanation for `hotline ask --explain` and the turn log; never shown to users.
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        return "\n\n".join(part for part in self.parts if part)

    def with_options(self, *options: str) -> Reply:
        return Reply(self.parts, tuple(options), self.links, self.meta)

    def explained(self, **meta: Any) -> Reply:
        return Reply(self.parts, self.options, self.links, {**self.meta, **meta})

    def numbered_text(self) -> str:
        """The text with options as numbered lines, for channels without buttons (WeChat text, SMS, console)."""
        if not self.options:
            return self.text
        lines = [f"{number}. {label}" for number, label in enumerate(self.options, 1)]
        return self.text + "\n\n" + "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parts": list(self.parts),
            "options": list(self.options),
            "links": [{"title": link.title, "url": link.url} for link in self.links],
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        return cls(
            tuple(data.get("parts", ())),
            tuple(data.get("options", ())),
            tuple(Link(item["title"], item["url"]) for item in data.get("links", ())),
            dict(data.get("meta", {})),
        )


def say(*parts: str, options: tuple[str, ...] | list[str] = ()) -> Reply:
    """A reply of one or more text parts with optional options; the common case in flows."""
    return Reply(tuple(parts), tuple(options))

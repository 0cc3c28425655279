"""The terminal channel: `hotline chat` (a pleasant interactive chat) and the same adapter for scripts and tests."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from bot.core.dialogue import Dialogue
from bot.core.messages import Inbound, Reply
from bot.core.push import take_for_user

CHANNEL = "console"


@dataclass
class ConsoleChannel:
    """One terminal user talking to the dialogue; tests drive it with say() and read replies."""

    dialogue: Dialogue
    user_key: str = "local"
    channel: str = CHANNEL
    replies: list[Reply] = field(default_factory=list)
    # Messages pushed to this user (staff replies, notices), taken before each turn when show_pushes is on.
    # Off by default: `hotline ask` prints one JSON line per input line and must not swallow them.
    show_pushes: bool = False
    pushes: list[Reply] = field(default_factory=list)

    def say(self, text: str, message_id: str | None = None) -> Reply:
        if self.show_pushes:
            self.pushes.extend(self.take_pushes())
        reply = self.dialogue.handle(Inbound(self.channel, self.user_key, text, message_id))
        self.replies.append(reply)
        return reply

    def take_pushes(self) -> list[Reply]:
        """Pending pushes for this user, marked delivered in their own transaction."""
        with self.dialogue.db.transaction() as session:
            return take_for_user(session, self.channel, self.user_key)

    def converse(self, lines: Iterable[str]) -> Iterator[Reply]:
        for line in lines:
            yield self.say(line.rstrip("\n"))


def render(reply: Reply) -> str:
    """Options as numbered lines: the console has no buttons."""
    return reply.numbered_text()


def run_chat(channel: ConsoleChannel, first: str = "你好") -> None:
    """Interactive chat with colours on a terminal; plain line-by-line replies when stdin is not one."""
    channel.show_pushes = True
    if not sys.stdin.isatty():
        for line in sys.stdin:
            seen = len(channel.pushes)
            reply = channel.say(line.rstrip("\n"))
            for pushed in channel.pushes[seen:]:
                print(render(pushed), end="\n\n", flush=True)
            if reply.parts or reply.options:  # a hand-off to a person stays quiet between acknowledgements
                print(render(reply), end="\n\n", flush=True)
        return
    console = Console()
    console.print(
        Panel.fit("浙江法院 12368 执行服务热线 · 智能助手\n输入 q 或按 Ctrl+D 退出", style="bold cyan")
    )
    _show(console, channel.say(first))
    while True:
        try:
            line = console.input("[bold green]您：[/] ")
        except (EOFError, KeyboardInterrupt):
            console.print("\n再见！如需帮助请拨打 12368。")
            return
        if line.strip().lower() in {"q", "quit", "exit"}:
            console.print("再见！如需帮助请拨打 12368。")
            return
        seen = len(channel.pushes)
        reply = channel.say(line)
        for pushed in channel.pushes[seen:]:
            console.print(
                Panel(Text(pushed.text), title="12368 · 消息", title_align="left", border_style="magenta")
            )
        if reply.parts or reply.options:
            _show(console, reply)


def _show(console: Console, reply: Reply) -> None:
    body = Text(reply.text)
    for number, label in enumerate(reply.options, 1):
        body.append(f"\n  {number}. ", style="bold yellow")
        body.append(label)
    for link in reply.links:
        body.append(f"\n  {link.title}：{link.url}", style="underline blue")
    console.print(Panel(body, title="12368", title_align="left", border_style="cyan"))

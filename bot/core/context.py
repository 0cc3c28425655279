"""What a flow receives each turn (Context), what a flow is (Flow), and the shared services it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.core.messages import Inbound, Reply
from bot.core.normalize import key
from bot.core.texts import Texts

if TYPE_CHECKING:
    from bot.case_lookup.catalogue import Catalogue
    from bot.courts.directory import CourtDirectory
    from bot.courts.notice import Notice
    from bot.knowledge.service import Knowledge
    from bot.notify.rules import NotifyRules


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str
    words: tuple[str, ...]


COMMANDS = ("menu", "back", "cancel", "human", "greet")


@dataclass(frozen=True)
class Vocabulary:
    """Command words and menu words by their comparison key, computed once rather than every turn."""

    commands: dict[str, str]
    menu_items: dict[str, MenuItem]

    @classmethod
    def build(cls, texts: Texts, menu: tuple[MenuItem, ...]) -> Vocabulary:
        commands = {key(word): command for command in COMMANDS for word in texts.words(f"commands.{command}")}
        items = {key(word): item for item in menu for word in (item.label, *item.words)}
        return cls(commands, items)


@dataclass
class Services:
    """Read-only things every turn may use; built once per process by the app factory."""

    settings: Settings
    texts: Texts
    menu: tuple[MenuItem, ...]
    vocabulary: Vocabulary
    catalogue: Catalogue | None = None
    courts: CourtDirectory | None = None
    notice: Notice | None = None
    knowledge: KnowledgeHolder | None = None
    notify_rules: NotifyRules | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass
class KnowledgeHolder:
    """The current knowledge base; replaced whole on reload so a turn never sees half of one."""

    current: Knowledge


FlowStep = Callable[["Context"], Reply]
FlowAnswer = Callable[["Context"], "Reply | None"]


@dataclass(frozen=True)
class Flow:
    """A small state machine: start, then each message; on_message returns None for "not mine"."""

    name: str
    start: FlowStep
    on_message: FlowAnswer
    back: FlowAnswer | None = None
    # A flow that asks for photos receives a message that carries only attachments (no words).
    takes_attachments: bool = False


@dataclass
class Context:
    session: Session
    services: Services
    inbound: Inbound
    text: str
    flow: str | None
    state: dict[str, Any]
    flows: dict[str, Flow]
    intent: str | None = None
    # What outlives the current flow within the conversation, e.g. the case a party has verified.
    memory: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return key(self.text)

    @property
    def texts(self) -> Texts:
        return self.services.texts

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def start(self, flow: str, **state: Any) -> Reply:
        """Enter a flow (or the honest "being set up" answer when no flow of that name exists yet)."""
        self.flow, self.state = flow, dict(state)
        self.intent = self.intent or flow
        if flow not in self.flows:
            self.finish()
            return unavailable(self, flow)
        return self.flows[flow].start(self)

    def finish(self) -> None:
        self.flow, self.state = None, {}


def unavailable(ctx: Context, flow: str) -> Reply:
    label = next((item.label for item in ctx.services.menu if item.key == flow), flow)
    return Reply(
        (ctx.texts("unavailable", label=label),),
        (ctx.texts("options.human"), ctx.texts("options.menu")),
    )

"""法院通讯录与执行须知: find a court's contact card, or read the 《法院强制执行须知》 section by section."""

from __future__ import annotations

import re

from bot.core.context import Context, Flow
from bot.core.messages import Reply
from bot.knowledge.normalize import sentences

# Words that make a message about a court a request for its contact details. "在哪个法院申请" asks
# which court has jurisdiction, not where a court is: that is a question for the knowledge base.
CONTACT_WORDS = re.compile(r"电话|号码|地址|在哪(?!一?[个家]法院)|怎么走|联系|值班|执行局|执行指挥中心|位置")
COURT_WORDS = re.compile(r"法院|中院|高院")
SHORT = 12  # characters: a message this short that names a court is about that court
MAX_CHOICES = 8


def start(ctx: Context) -> Reply:
    ctx.state = {"step": "ask"}
    return Reply((ctx.texts("directory.prompt"),), (ctx.texts("directory.notice"), ctx.texts("options.menu")))


def on_message(ctx: Context) -> Reply | None:
    notice = ctx.services.notice
    if notice and ctx.text == ctx.texts("directory.notice"):
        return _notice_contents(ctx)
    if notice and ctx.state.get("step") == "notice":
        section = next((s for s in notice.sections if s.title == ctx.text), None)
        if section:
            return _notice_section(ctx, section.id)
    return court_reply(ctx, strict=True)


def back(ctx: Context) -> Reply | None:
    """One step up: a section to the contents, anything else in the flow to its first question."""
    step = ctx.state.get("step")
    if step == "section":
        return _notice_contents(ctx)
    if step in {"notice", "pick", "court"}:
        return start(ctx)
    return None


def court_reply(ctx: Context, strict: bool) -> Reply | None:
    """The contact card of the court the message names; with strict, say so when none matches."""
    directory = ctx.services.courts
    if directory is None:
        return Reply((ctx.texts("directory.not_ready"),), (ctx.texts("options.menu"),))
    # Near misses (西胡法院) are guessed in the directory, or when the message is little more than a name.
    courts = directory.find(ctx.text, guess=strict or len(ctx.text) <= SHORT)
    if not courts:
        if strict and len(ctx.text) <= SHORT:
            return Reply(
                (ctx.texts("directory.not_found", query=ctx.text),),
                (ctx.texts("directory.notice"), ctx.texts("options.menu")),
            )
        return None
    exact = [court for court in courts if court.name == ctx.text]
    if len(courts) == 1 or exact:
        ctx.flow, ctx.state = "directory", {"step": "court"}
        ctx.intent = "directory"
        court = exact[0] if exact else courts[0]
        return Reply((court.contact_text(),), (ctx.texts("directory.notice"), ctx.texts("options.menu")))
    ctx.flow, ctx.state = "directory", {"step": "pick"}
    ctx.intent = "directory"
    return Reply((ctx.texts("directory.many"),), tuple(court.name for court in courts[:MAX_CHOICES]))


def detect(ctx: Context) -> Reply | None:
    """Outside the flow: "西湖区法院执行局电话" answers with the card at once. The court and the
    contact words must share a sentence: in a story, 接到我姐电话 and 被法院限高 are not a lookup."""
    if ctx.services.courts is None or not any(
        CONTACT_WORDS.search(sentence) and COURT_WORDS.search(sentence) for sentence in sentences(ctx.text)
    ):
        return None
    return court_reply(ctx, strict=False)


def _notice_contents(ctx: Context) -> Reply:
    notice = ctx.services.notice
    assert notice is not None
    ctx.state = {"step": "notice"}
    intro = ctx.texts("directory.notice_intro", title=notice.title, count=len(notice.sections))
    return Reply((intro,), (*(section.title for section in notice.sections), ctx.texts("options.menu")))


def _notice_section(ctx: Context, section_id: str) -> Reply:
    notice = ctx.services.notice
    assert notice is not None
    section = notice.section(section_id)
    ctx.state = {"step": "section"}
    basis = "依据：" + "；".join(section.basis) if section.basis else ""
    others = tuple(s.title for s in notice.sections if s.id != section_id)
    return Reply((f"【{section.title}】\n{section.text}", basis), (*others, ctx.texts("options.menu")))


FLOW = Flow("directory", start, on_message, back)

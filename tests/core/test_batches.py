"""Group commit: turns served together keep each user's order, commit together, and fail alone."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import func, select

from bot.core.context import Context, Flow, MenuItem
from bot.core.lanes import TurnLanes
from bot.core.messages import Inbound, Reply
from bot.hotline import Hotline
from bot.storage.models import Conversation, Turn


@contextmanager
def menu_word(hotline: Hotline, word: str, start: Flow) -> Iterator[None]:
    """A flow reachable by a menu word, for the length of a test."""
    hotline.dialogue.flows[start.name] = start
    hotline.services.vocabulary.menu_items[word] = MenuItem(start.name, word, ())
    try:
        yield
    finally:
        del hotline.services.vocabulary.menu_items[word]
        del hotline.dialogue.flows[start.name]


def count(ctx: Context) -> Reply:
    ctx.memory["seen"] = ctx.memory.get("seen", 0) + 1
    ctx.finish()
    return Reply((f"seen {ctx.memory['seen']}",))


def explode(ctx: Context) -> Reply:
    raise RuntimeError("a bug in one flow")


def turns_of(hotline: Hotline, user: str) -> int:
    with hotline.db.transaction() as session:
        return session.scalar(
            select(func.count())
            .select_from(Turn)
            .join(Conversation, Conversation.id == Turn.conversation_id)
            .where(Conversation.user_key == user)
        )


def test_a_batch_answers_each_user_as_if_alone(hotline: Hotline) -> None:
    script = {"1": ["菜单", "8", "返回"], "2": ["菜单", "5", "返回菜单", "2"]}
    alone = {
        who: [hotline.dialogue.handle(Inbound("web", f"alone{who}", text)).text for text in texts]
        for who, texts in script.items()
    }
    # Interleaved in one batch: each user's messages in their own order, the other user's in between.
    batch = [
        ("1", "菜单"),
        ("2", "菜单"),
        ("1", "8"),
        ("2", "5"),
        ("2", "返回菜单"),
        ("1", "返回"),
        ("2", "2"),
    ]
    replies = hotline.dialogue.handle_many([Inbound("web", f"batch{who}", text) for who, text in batch])
    together: dict[str, list[str]] = {"1": [], "2": []}
    for (who, _), reply in zip(batch, replies, strict=True):
        together[who].append(reply.text)
    assert together == alone
    assert turns_of(hotline, "batch1") == 3
    assert turns_of(hotline, "batch2") == 4
    with hotline.db.transaction() as session:
        versions = dict(
            session.execute(
                select(Conversation.user_key, Conversation.version).where(
                    Conversation.user_key.in_(["batch1", "batch2"])
                )
            ).all()
        )
    assert versions == {"batch1": 3, "batch2": 4}


def test_the_same_message_twice_in_one_batch_is_one_turn(hotline: Hotline) -> None:
    first, retry = hotline.dialogue.handle_many(
        [Inbound("wechat", "o1", "8", message_id="m1"), Inbound("wechat", "o1", "8", message_id="m1")]
    )
    assert first == retry
    assert turns_of(hotline, "o1") == 1
    # And a retry in a later batch is answered from the log.
    assert hotline.dialogue.handle_many([Inbound("wechat", "o1", "8", message_id="m1")]) == [first]
    assert turns_of(hotline, "o1") == 1


def test_a_failing_turn_costs_only_its_own_reply(hotline: Hotline) -> None:
    with (
        menu_word(hotline, "计数", Flow("count", count, count)),
        menu_word(hotline, "爆炸", Flow("explode", explode, explode)),
    ):
        replies = hotline.dialogue.handle_many(
            [Inbound("web", "a", "计数"), Inbound("web", "bad", "爆炸"), Inbound("web", "c", "计数")]
        )
    assert [reply.text for reply in (replies[0], replies[2])] == ["seen 1", "seen 1"]
    assert replies[1].meta == {"intent": "internal_error", "error": True}
    assert "未被保存" in replies[1].text
    assert (turns_of(hotline, "a"), turns_of(hotline, "bad"), turns_of(hotline, "c")) == (1, 0, 1)


def test_lanes_keep_each_users_order_and_commit_before_answering(hotline: Hotline) -> None:
    sizes: list[int] = []

    def serve(inbounds: Sequence[Inbound]) -> list[Reply]:
        sizes.append(len(inbounds))
        return hotline.dialogue.handle_many(inbounds)

    users, each = 40, 5

    async def run() -> dict[int, list[str]]:
        lanes = TurnLanes(serve, lanes=3, max_batch=16)
        try:
            # Every message is queued before any is answered; a user's messages queue in their order.
            tasks = {
                user: [
                    asyncio.ensure_future(lanes.submit(Inbound("web", f"lane{user}", "计数")))
                    for _ in range(each)
                ]
                for user in range(users)
            }
            return {user: [(await task).text for task in queued] for user, queued in tasks.items()}
        finally:
            lanes.close()

    with menu_word(hotline, "计数", Flow("count", count, count)):
        answered = asyncio.run(run())
    assert all(texts == [f"seen {n}" for n in range(1, each + 1)] for texts in answered.values())
    assert sum(sizes) == users * each
    assert max(sizes) > 1  # they were served in batches, not one by one
    assert sum(turns_of(hotline, f"lane{user}") for user in range(users)) == users * each

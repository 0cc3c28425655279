"""The pacer keeps Telegram's limits: per chat one message per interval, overall at most the global rate."""

from __future__ import annotations

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.pacing import Pacer

REQUESTS = st.lists(
    st.tuples(st.floats(min_value=0, max_value=5), st.sampled_from("abcdef"), st.integers(1, 4)), max_size=60
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@given(REQUESTS)
def test_limits_hold_for_any_arrival_pattern(requests: list[tuple[float, str, int]]) -> None:
    clock = Clock()
    pacer = Pacer(per_chat_rate=1.0, global_rate=30.0, clock=clock)
    sends: list[tuple[float, str]] = []
    for gap, chat, count in requests:
        clock.now += gap
        times = pacer.reserve(chat, count)
        assert times == sorted(times) and times[0] >= clock.now - 1e-9
        sends.extend((time, chat) for time in times)
    for chat in set(chat for _, chat in sends):
        own = sorted(time for time, sent_to in sends if sent_to == chat)
        assert all(later - earlier >= 1.0 - 1e-6 for earlier, later in itertools.pairwise(own))
    # At most one message per 1/30 s cell, hence at most 30 in any second.
    cells = [math.floor(time * 30 + 1e-6) for time, _ in sends]
    assert len(cells) == len(set(cells))


def test_other_chats_are_not_held_up_by_one_long_reply() -> None:
    clock = Clock()
    pacer = Pacer(per_chat_rate=1.0, global_rate=30.0, clock=clock)
    long_reply = pacer.reserve("a", 5)
    assert long_reply[-1] - long_reply[0] >= 4.0
    assert pacer.reserve("b")[0] - clock.now < 0.1  # fits between a's messages


def test_a_chat_waits_for_its_previous_reply() -> None:
    clock = Clock()
    pacer = Pacer(per_chat_rate=1.0, global_rate=30.0, clock=clock)
    first = pacer.reserve("a", 2)
    second = pacer.reserve("a", 1)
    assert second[0] >= first[-1] + 1.0

"""The five public lists of §3.5 and the two kinds of public notice, by the codes the API and the data use."""

from __future__ import annotations

from typing import Literal, get_args

# In the order of §3.5 of the rules; labels users read live in data/texts.yaml under lists.kinds.
ListKind = Literal["unfinished", "dishonest", "exit_ban", "bidding_ban", "consumption_ban"]
LIST_KINDS: tuple[ListKind, ...] = get_args(ListKind)

NoticeKind = Literal["reward", "auction"]  # 悬赏公告 (§3.3), 拍卖公告 (§3.4)
NOTICE_KINDS: tuple[NoticeKind, ...] = get_args(NoticeKind)

SubjectType = Literal["person", "organisation"]
PERSON: SubjectType = "person"
ORGANISATION: SubjectType = "organisation"

# 被执行人的履行情况 as the national site words it: 全部未履行 / 部分未履行.
Performance = Literal["none", "partial"]


def is_list_kind(value: str) -> bool:
    return value in LIST_KINDS

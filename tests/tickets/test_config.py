"""Due dates by kind: the shipped file, the defaults, the end of the local day, and a malformed file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.tickets import KINDS
from bot.tickets.config import (
    DEFAULT_DUE_DAYS,
    TicketConfigError,
    TicketPolicy,
    load_policy,
    parse_policy,
    policy_in,
)
from tests.conftest import REPO

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_shipped_file_names_every_kind_with_the_documented_defaults() -> None:
    policy = load_policy(REPO / "data" / "tickets.yaml")
    assert set(policy.due_days) == set(KINDS)
    assert dict(policy.due_days) == dict(DEFAULT_DUE_DAYS)


def test_due_at_is_the_end_of_the_last_day_in_shanghai_stored_as_utc() -> None:
    # Created 23:30 on 27 November in Shanghai (15:30 UTC): three days for judge contact end on 30 November.
    due = TicketPolicy().due_at("judge_contact", datetime(2026, 11, 27, 15, 30, tzinfo=UTC), "Asia/Shanghai")
    assert due.tzinfo == UTC
    local = due.astimezone(SHANGHAI)
    assert (local.month, local.day, local.hour, local.minute) == (11, 30, 23, 59)


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert policy_in(tmp_path).due_days == DEFAULT_DUE_DAYS


def test_the_court_may_change_one_kind(tmp_path: Path) -> None:
    (tmp_path / "tickets.yaml").write_text("due_days:\n  complaint: 5\n", encoding="utf-8")
    policy = policy_in(tmp_path)
    assert policy.due_days["complaint"] == 5 and policy.due_days["report"] == DEFAULT_DUE_DAYS["report"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ([1, 2], "顶层"),
        ({"due_days": [1]}, "due_days"),
        ({"due_days": {"complain": 5}}, "未知的工单类型"),
        ({"due_days": {"complaint": -1}}, "整数天数"),
        ({"due_days": {"complaint": "五"}}, "整数天数"),
        ({"due_days": {"complaint": True}}, "整数天数"),
    ],
)
def test_a_malformed_file_is_refused_with_a_reason_in_chinese(data: object, says: str) -> None:
    with pytest.raises(TicketConfigError, match=says):
        parse_policy(data)

"""The Chinese names of ticket kinds and statuses, and how times are shown (Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.tickets import (
    ANSWERED,
    CLOSED,
    COMPLAINT,
    HANDOFF,
    IN_PROGRESS,
    JUDGE_CONTACT,
    NOTE,
    OPEN,
    REPORT,
    STAFF,
    SUGGESTION,
    SYSTEM,
    USER,
)

KIND_LABELS = {
    COMPLAINT: "投诉",
    REPORT: "举报",
    SUGGESTION: "意见建议",
    JUDGE_CONTACT: "联系法官",
    HANDOFF: "转人工",
}
STATUS_LABELS = {OPEN: "待处理", IN_PROGRESS: "处理中", ANSWERED: "已答复", CLOSED: "已办结"}
AUTHOR_LABELS = {USER: "来访人", STAFF: "工作人员答复", SYSTEM: "系统", NOTE: "内部备注"}
CHANNEL_LABELS = {
    "web": "网页在线咨询",
    "wechat": "微信公众号",
    "telegram": "Telegram",
    "console": "终端（测试）",
}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every table stores UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_time(moment: datetime | None) -> str:
    """A stored instant as staff in Zhejiang read it: 2026-11-27 14:05."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")

"""How long each kind of ticket may take (data/tickets.yaml), with the defaults documented in that file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import yaml

from bot.tickets import COMPLAINT, HANDOFF, JUDGE_CONTACT, KINDS, REPORT, SUGGESTION

FILE_NAME = "tickets.yaml"
# The same values as data/tickets.yaml ships with: a missing file or kind still gets a sensible deadline.
DEFAULT_DUE_DAYS: Mapping[str, int] = MappingProxyType(
    {COMPLAINT: 10, REPORT: 15, SUGGESTION: 15, JUDGE_CONTACT: 3, HANDOFF: 1}
)
MAX_DUE_DAYS = 365


class TicketConfigError(ValueError):
    """data/tickets.yaml is malformed; the message says where, in Chinese, for the staff who edit it."""


@dataclass(frozen=True)
class TicketPolicy:
    due_days: Mapping[str, int] = field(default_factory=lambda: DEFAULT_DUE_DAYS)

    def due_at(self, kind: str, created: datetime, timezone: str) -> datetime:
        """The end of the last allowed day (24:00 in the court's zone), as an aware datetime."""
        zone = ZoneInfo(timezone)
        last_day = created.astimezone(zone).date() + timedelta(days=self.due_days.get(kind, 1))
        # Stored as UTC: SQLite keeps no offset, and everything the project stores is UTC.
        return datetime.combine(last_day, time(23, 59, 59), zone).astimezone(UTC)


def parse_policy(data: object, where: str = FILE_NAME) -> TicketPolicy:
    if data is None:
        return TicketPolicy()
    if not isinstance(data, Mapping):
        raise TicketConfigError(f"{where}：顶层应为键值对")
    days = data.get("due_days") or {}
    if not isinstance(days, Mapping):
        raise TicketConfigError(f"{where}：due_days 应为“类型: 天数”的键值对")
    unknown = sorted(set(map(str, days)) - set(KINDS))
    if unknown:
        raise TicketConfigError(f"{where}：due_days 中有未知的工单类型 {unknown}，应为 {list(KINDS)} 之一")
    merged = dict(DEFAULT_DUE_DAYS)
    for kind, value in days.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DUE_DAYS:
            raise TicketConfigError(f"{where}：{kind} 的期限应为 0 到 {MAX_DUE_DAYS} 之间的整数天数")
        merged[str(kind)] = value
    return TicketPolicy(MappingProxyType(merged))


def load_policy(path: Path) -> TicketPolicy:
    """The policy in path; the defaults when the file does not exist."""
    if not path.exists():
        return TicketPolicy()
    with path.open(encoding="utf-8") as handle:
        return parse_policy(yaml.safe_load(handle), str(path))


def policy_in(data_dir: Path) -> TicketPolicy:
    """The policy of a data directory, read again only when the file changes (tickets are few, turns many)."""
    path = data_dir / FILE_NAME
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _cached(path, stamp)


@lru_cache(maxsize=8)
def _cached(path: Path, stamp: int) -> TicketPolicy:
    return load_policy(path)

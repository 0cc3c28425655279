"""The 《法院强制执行须知》 (§3.1 of the disclosure rules): sections the bot sends one message each."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# One WeChat text message; a section is sent as "【title】\ntext" and must fit in one.
MAX_MESSAGE_CHARS = 600
_ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")


class NoticeDataError(ValueError):
    """The notice file is malformed; the message says where, in Chinese, for the staff."""


@dataclass(frozen=True)
class NoticeSection:
    id: str
    title: str
    text: str
    basis: tuple[str, ...]

    def message(self) -> str:
        return f"【{self.title}】\n{self.text}"


@dataclass(frozen=True)
class Notice:
    title: str
    sections: tuple[NoticeSection, ...]

    def section(self, section_id: str) -> NoticeSection:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


def load_notice(path: Path) -> Notice:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise NoticeDataError(f"{path}：顶层应为键值对")
    title = str(data.get("title") or "").strip()
    if not title:
        raise NoticeDataError(f"{path}：缺少 title")
    items = data.get("sections")
    if not isinstance(items, list) or not items:
        raise NoticeDataError(f"{path}：sections 应为非空列表")
    sections = tuple(_parse_section(item, i) for i, item in enumerate(items, start=1))
    seen: set[str] = set()
    for section in sections:
        if section.id in seen:
            raise NoticeDataError(f"须知“{section.title}”一节：id {section.id} 与前面的节重复")
        seen.add(section.id)
    return Notice(title=title, sections=sections)


def _parse_section(item: Any, index: int) -> NoticeSection:
    where = f"须知第 {index} 节"
    if not isinstance(item, Mapping):
        raise NoticeDataError(f"{where}：应为键值对")
    unknown = set(item) - {"id", "title", "text", "basis"}
    if unknown:
        raise NoticeDataError(f"{where}：未知字段 {sorted(unknown)}")
    section_id = str(item.get("id") or "").strip()
    title = str(item.get("title") or "").strip()
    text = str(item.get("text") or "").strip()
    if not _ID_RE.match(section_id):
        raise NoticeDataError(f"{where}：id 应为小写英文字母、数字和连字符，如 dishonest-list")
    if not title or not text:
        raise NoticeDataError(f"{where}（{section_id}）：title 和 text 不能为空")
    basis = item.get("basis")
    if not isinstance(basis, list) or not all(str(b).strip() for b in basis) or not basis:
        raise NoticeDataError(f"{where}（{section_id}）：basis 应为非空的法律依据列表")
    section = NoticeSection(section_id, title, text, tuple(str(b).strip() for b in basis))
    length = len(section.message())
    if length > MAX_MESSAGE_CHARS:
        raise NoticeDataError(
            f"{where}（{section_id}）：标题加正文共 {length} 字，超过一条消息的上限 {MAX_MESSAGE_CHARS} 字"
        )
    return section

"""The notification rules of §3.2–§3.7 as data: which events, whom to tell, by when, in which words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.case_lookup.case_number import TYPE_CODES
from bot.case_lookup.catalogue import Catalogue
from bot.notify.templates import Template, TemplateError

PARTY_ROLES = ("applicant", "respondent", "interested", "outsider")
# 报告人 and 举报人 of §3.3 are not parties: the event names them in details.reporter / details.informant.
DETAIL_ROLES = ("reporter", "informant")
Anchor = Literal["event", "filing", "confirmed"]
ANCHORS: tuple[Anchor, ...] = ("event", "filing", "confirmed")
_WITHIN = re.compile(r"^(\d{1,2})日内$")


class RulesError(ValueError):
    """The rules file cannot be used as it stands; the message says where and why, in Chinese."""


@dataclass(frozen=True)
class Rule:
    """One duty to notify: events of these kinds (in these case types) → these recipients, by a deadline."""

    code: str
    section: str
    title: str
    kinds: tuple[str, ...]
    case_types: tuple[str, ...]  # empty: every case type
    recipients: tuple[str, ...]
    days: int  # 0 = 当日; 3 = 3日内
    counted_from: Anchor
    template: Template

    @property
    def deadline_label(self) -> str:
        return "当日" if self.days == 0 else f"{self.days}日内"

    def applies(self, kind: str, case_type: str) -> bool:
        return kind in self.kinds and (not self.case_types or case_type in self.case_types)


@dataclass(frozen=True)
class NotifyRules:
    """Every rule, indexed by event kind, with the labels the templates need."""

    rules: tuple[Rule, ...]
    kind_labels: Mapping[str, str]
    role_labels: Mapping[str, str]
    hotline: str = "12368"
    # A notice this many days past due when its event arrives is recorded as skipped, not texted (0: never).
    stale_days: int = 0
    by_kind: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)

    def for_event(self, kind: str, case_type: str) -> list[Rule]:
        return [rule for rule in self.by_kind.get(kind, ()) if rule.applies(kind, case_type)]

    def get(self, code: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.code == code), None)

    @classmethod
    def load(cls, path: Path, catalogue: Catalogue, hotline: str = "12368") -> NotifyRules:
        """Read and check the rules file: unknown kinds, roles, deadlines or template fields are refused."""
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        return cls.from_data(data, catalogue, hotline, source=path.name)

    @classmethod
    def from_data(
        cls, data: Any, catalogue: Catalogue, hotline: str = "12368", source: str = ""
    ) -> NotifyRules:
        prefix = f"{source}：" if source else ""
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            raise RulesError(f"{prefix}应包含 rules 列表")
        role_labels = {**catalogue.roles, **_mapping(data.get("roles", {}), f"{prefix}roles")}
        rules: list[Rule] = []
        for index, item in enumerate(data["rules"], 1):
            try:
                rules.append(_rule(item, catalogue, role_labels))
            except (RulesError, TemplateError) as error:
                code = item.get("code") if isinstance(item, dict) else None
                raise RulesError(f"{prefix}第{index}条规则（{code or '无代码'}）：{error}") from None
        seen: set[str] = set()
        for rule in rules:
            if rule.code in seen:
                raise RulesError(f"{prefix}规则代码重复：{rule.code}")
            seen.add(rule.code)
        by_kind: dict[str, list[Rule]] = {}
        for rule in rules:
            for kind in rule.kinds:
                by_kind.setdefault(kind, []).append(rule)
        labels = {code: kind.label for code, kind in catalogue.kinds.items()}
        stale_days = data.get("stale_days", 0)
        if not isinstance(stale_days, int) or stale_days < 0:
            raise RulesError(f"{prefix}stale_days 应为不小于0的整数")
        return cls(
            tuple(rules),
            labels,
            role_labels,
            hotline,
            stale_days,
            {kind: tuple(found) for kind, found in by_kind.items()},
        )


def _mapping(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise RulesError(f"{where} 应为“代码: 名称”的映射")
    return {str(key): value for key, value in value.items()}


def _strings(item: dict[str, Any], key: str, *, required: bool = True) -> tuple[str, ...]:
    value = item.get(key, [] if not required else None)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RulesError(f"{key} 应为文字列表")
    if required and not value:
        raise RulesError(f"{key} 不能为空")
    return tuple(value)


def _days(text: Any) -> int:
    if text in ("当日", 0):
        return 0
    match = _WITHIN.match(str(text))
    if not match:
        raise RulesError(f"期限“{text}”无法识别：应为“当日”或“3日内”这样的写法")
    return int(match.group(1))


def _rule(item: Any, catalogue: Catalogue, role_labels: Mapping[str, str]) -> Rule:
    if not isinstance(item, dict):
        raise RulesError("应为一个映射")
    code, section, title = (str(item.get(key, "")).strip() for key in ("code", "section", "title"))
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,47}", code):
        raise RulesError("code 应为小写英文字母、数字和下划线，不超过48个字符")
    if not section or not title:
        raise RulesError("须填写 section（条款）和 title（说明）")
    kinds = _strings(item, "kinds")
    unknown = [kind for kind in kinds if kind not in catalogue.kinds]
    if unknown:
        raise RulesError(f"事件类型不在 case_events.yaml 中：{'、'.join(unknown)}")
    case_types = _strings(item, "case_types", required=False)
    stray = [case_type for case_type in case_types if case_type not in TYPE_CODES]
    if stray:
        raise RulesError(f"案件类型代字无法识别：{'、'.join(stray)}")
    recipients = _strings(item, "recipients")
    bad = [role for role in recipients if role not in (*PARTY_ROLES, *DETAIL_ROLES)]
    if bad:
        raise RulesError(
            f"收件人身份无法识别：{'、'.join(bad)}（可用：{'、'.join((*PARTY_ROLES, *DETAIL_ROLES))}）"
        )
    unlabelled = [role for role in recipients if role not in role_labels]
    if unlabelled:
        raise RulesError(f"收件人身份缺少中文名称：{'、'.join(unlabelled)}（请在 roles 中补充）")
    counted_from = item.get("counted_from", "event")
    if counted_from not in ANCHORS:
        raise RulesError(f"counted_from 应为以下之一：{'、'.join(ANCHORS)}")
    template, fallback = item.get("template"), item.get("fallback")
    if not isinstance(template, str) or (fallback is not None and not isinstance(fallback, str)):
        raise RulesError("template（及 fallback）应为文字")
    return Rule(
        code=code,
        section=section,
        title=title,
        kinds=kinds,
        case_types=case_types,
        recipients=recipients,
        days=_days(item.get("deadline")),
        counted_from=counted_from,
        template=Template.checked(template.strip(), fallback.strip() if fallback else None, "模板"),
    )


def load_rules(data_dir: Path, catalogue: Catalogue | None = None, hotline: str = "12368") -> NotifyRules:
    """data/notify_rules.yaml checked against data/case_events.yaml (loaded here unless given)."""
    catalogue = catalogue or Catalogue.load(data_dir / "case_events.yaml")
    return NotifyRules.load(data_dir / "notify_rules.yaml", catalogue, hotline)

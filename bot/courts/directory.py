"""Directory of Zhejiang courts: look a court up by case-number code or by the names people use."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import yaml
import zhconv
from rapidfuzz import fuzz

LEVELS = ("高级", "中级", "基层", "专门")
_CODE_RE = re.compile(r"^浙(?:\d{2}|\d{4})?$")
_PHONE_RE = re.compile(r"^0\d{2,3}-\d{7,8}$")
# A court code inside a case number: "(2024)浙0102执1234号", "浙01执复12号", "(2024)浙执1号".
# The bare "浙" (high court) needs a case-type character after it, so "浙江" or a plate "浙A" do not count.
_CASE_CODE_RE = re.compile(r"浙(\d{4}|\d{2})(?!\d)|浙(?=[执民刑行赔破司财知认协请监])")
# A key naming a court outright is "strong"; a bare place name ("西湖", "杭州") is "weak" and is only
# used when no strong key matched, so "被执行人是路桥公司，在义乌法院" means 义乌, not 路桥.
_COURT_WORDS = ("法院", "中院", "高院")
# Removed before a partial match, so "余杭的法院电话" is compared as "余杭".
_FILLER_RE = re.compile(
    r"人民法院|法院|中院|高院|执行局|执行|电话|号码|地址|在哪里|在哪|怎么走|的|吗|呢|[?？!！,，.。、\s]"
)
_FUZZY_MIN_SCORE = 75.0
# A message this long is not a question about a court; the rest is not scanned, so a pasted
# document costs no more than a short question.
_MAX_QUERY_CHARS = 500
# A guess (partial or fuzzy match) offers at most this many courts to choose from.
_MAX_GUESSES = 5
_COURT_FIELDS = frozenset(
    {
        "code",
        "name",
        "level",
        "parent",
        "city",
        "district",
        "aliases",
        "former_names",
        "former_codes",
        "address",
        "address_source",
        "duty_phone",
        "duty_phone_source",
    }
)


class CourtDataError(ValueError):
    """The court directory file is malformed; the message says where, in Chinese, for the staff."""


@dataclass(frozen=True)
class CardTexts:
    """The words of a court's contact card, editable in courts.yaml under `texts`."""

    hotline: str = "12368"
    address_label: str = "地址"
    phone_label: str = "执行指挥中心值班电话"
    phone_unknown: str = "执行指挥中心值班电话待法院补充，可拨打 {hotline} 转接"


@dataclass(frozen=True)
class Court:
    code: str
    name: str
    level: str
    parent: str | None = None
    city: str | None = None
    district: str | None = None
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    former_codes: tuple[str, ...] = ()
    address: str | None = None
    address_source: str | None = None
    duty_phone: str | None = None
    duty_phone_source: str | None = None
    texts: CardTexts = field(default_factory=CardTexts, compare=False, repr=False)

    def names(self) -> tuple[str, ...]:
        """Every name this court is known by: official, aliases, former names."""
        return (self.name, *self.aliases, *self.former_names)

    def contact_text(self) -> str:
        lines = [self.name]
        if self.address:
            lines.append(f"{self.texts.address_label}：{self.address}")
        if self.duty_phone:
            lines.append(f"{self.texts.phone_label}：{self.duty_phone}")
        else:
            lines.append(self.texts.phone_unknown.format(hotline=self.texts.hotline))
        return "\n".join(lines)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    court: Court

    @property
    def length(self) -> int:
        return self.end - self.start


def normalize(text: str) -> str:
    """Full-width to half-width, traditional to simplified, no whitespace."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", zhconv.convert(text, "zh-cn"))


class CourtDirectory:
    def __init__(self, courts: Iterable[Court], hotline: str = "12368") -> None:
        self._courts = tuple(courts)
        self.hotline = hotline
        _validate(self._courts)
        self._by_code = {c.code: c for c in self._courts}
        self._by_former_code = {fc: c for c in self._courts for fc in c.former_codes}
        strong: dict[str, Court] = {}
        weak: dict[str, Court] = {}
        for court in self._courts:
            for key in court.names():
                (strong if any(w in key for w in _COURT_WORDS) else weak)[normalize(key)] = court
        self._strong = strong
        self._weak = weak

    @classmethod
    def load(cls, path: Path) -> CourtDirectory:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, Mapping) or not isinstance(data.get("courts"), list):
            raise CourtDataError(f"{path}：顶层应包含 courts 列表")
        hotline = str(data.get("hotline", "12368"))
        texts_data = data.get("texts") or {}
        if not isinstance(texts_data, Mapping):
            raise CourtDataError(f"{path}：texts 应为键值对")
        unknown = set(texts_data) - {"address_label", "phone_label", "phone_unknown"}
        if unknown:
            raise CourtDataError(f"{path}：texts 中有未知字段 {sorted(unknown)}")
        texts = CardTexts(hotline=hotline, **{k: str(v) for k, v in texts_data.items()})
        courts = [_parse_court(item, i, texts) for i, item in enumerate(data["courts"], start=1)]
        return cls(courts, hotline=hotline)

    def all(self) -> tuple[Court, ...]:
        return self._courts

    def by_code(self, code: str) -> Court | None:
        """The court of a case-number code ("浙0102"); old codes of merged courts lead to their successor."""
        code = normalize(code)
        return self._by_code.get(code) or self._by_former_code.get(code)

    def children(self, code: str) -> tuple[Court, ...]:
        return tuple(c for c in self._courts if c.parent == code)

    def find(self, text: str, guess: bool = True) -> list[Court]:
        """The courts a user means in free text, best match first; empty when none is meant. Without
        guess, only a name or a case code counts, not a piece of a name or a near miss: a sentence that
        merely mentions 法院 (马上让法院…) must not become 上城区法院."""
        norm = normalize(text[:_MAX_QUERY_CHARS])
        if not norm:
            return []
        found: list[Court] = []
        for match in _CASE_CODE_RE.finditer(norm):
            court = self.by_code("浙" + (match.group(1) or ""))
            if court is not None:
                found.append(court)
        hits = _longest_hits(norm, self._strong) or _longest_hits(norm, self._weak)
        found.extend(hit.court for hit in sorted(hits, key=lambda h: (-h.length, h.start)))
        if not found and guess:
            found = self._partial(norm) or self._fuzzy(norm)
        return list(dict.fromkeys(found))

    def _partial(self, norm: str) -> list[Court]:
        # "互联网" or "海事" alone: the text is a piece of a name; the tightest name wins.
        core = _FILLER_RE.sub("", norm)
        if len(core) < 2:
            return []
        keys = sorted((k for k in (*self._strong, *self._weak) if core in k), key=len)
        courts = dict.fromkeys(self._strong.get(k) or self._weak[k] for k in keys)
        return list(courts)[:_MAX_GUESSES]

    def _fuzzy(self, norm: str) -> list[Court]:
        # Typos next to a court word ("西胡法院"): compare the few characters before it with the
        # strong keys of the same length range; keep only the best-scoring courts.
        scored: dict[Court, float] = {}
        for match in islice(re.finditer("|".join(_COURT_WORDS), norm), _MAX_GUESSES):
            for width in range(2, 6):
                start = match.start() - width
                if start < 0:
                    break
                piece = norm[start : match.end()]
                for key, court in self._strong.items():
                    score = fuzz.ratio(piece, key)
                    if score >= _FUZZY_MIN_SCORE and score > scored.get(court, 0.0):
                        scored[court] = score
        if not scored:
            return []
        best = max(scored.values())
        return [c for c, s in scored.items() if s == best][:_MAX_GUESSES]


def _longest_hits(text: str, keys: Mapping[str, Court]) -> list[_Hit]:
    """Every key occurring in text, longest first, dropping those inside a longer one."""
    hits: list[_Hit] = []
    for key, court in keys.items():
        start = text.find(key)
        while start >= 0:
            hits.append(_Hit(start, start + len(key), court))
            start = text.find(key, start + 1)
    chosen: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (-h.length, h.start)):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return chosen


def _parse_court(item: Any, index: int, texts: CardTexts) -> Court:
    where = f"courts.yaml 第 {index} 个法院"
    if not isinstance(item, Mapping):
        raise CourtDataError(f"{where}：应为键值对")
    unknown = set(item) - _COURT_FIELDS
    if unknown:
        raise CourtDataError(f"{where}：未知字段 {sorted(unknown)}")
    for required in ("code", "name", "level"):
        if not str(item.get(required) or "").strip():
            raise CourtDataError(f"{where}：缺少 {required}")

    def optional(key: str) -> str | None:
        value = item.get(key)
        return str(value).strip() if value is not None and str(value).strip() else None

    def strings(key: str) -> tuple[str, ...]:
        value = item.get(key) or []
        if not isinstance(value, list):
            raise CourtDataError(f"{where}：{key} 应为列表")
        return tuple(str(v).strip() for v in value if str(v).strip())

    return Court(
        code=str(item["code"]).strip(),
        name=str(item["name"]).strip(),
        level=str(item["level"]).strip(),
        parent=optional("parent"),
        city=optional("city"),
        district=optional("district"),
        aliases=strings("aliases"),
        former_names=strings("former_names"),
        former_codes=strings("former_codes"),
        address=optional("address"),
        address_source=optional("address_source"),
        duty_phone=optional("duty_phone"),
        duty_phone_source=optional("duty_phone_source"),
        texts=texts,
    )


def _validate(courts: tuple[Court, ...]) -> None:
    by_code: dict[str, Court] = {}
    for court in courts:
        where = f"{court.name}（{court.code}）"
        if court.level not in LEVELS:
            raise CourtDataError(f"{where}：level 应为 {'/'.join(LEVELS)} 之一")
        for code in (court.code, *court.former_codes):
            if not _CODE_RE.match(code):
                raise CourtDataError(f"{where}：代字 {code} 格式不对，应为“浙”“浙01”或“浙0102”这样的形式")
            if code in by_code:
                raise CourtDataError(f"{where}：代字 {code} 与 {by_code[code].name} 重复")
            by_code[code] = court
        if court.duty_phone is not None:
            if not _PHONE_RE.match(court.duty_phone):
                raise CourtDataError(f"{where}：duty_phone 应为“区号-号码”，如 0571-88581111")
            if court.duty_phone_source is None:
                raise CourtDataError(f"{where}：填写了 duty_phone，必须同时填写出处 duty_phone_source")
        if court.address is not None and court.address_source is None:
            raise CourtDataError(f"{where}：填写了 address，必须同时填写出处 address_source")
    names: dict[str, Court] = {}
    for court in courts:
        where = f"{court.name}（{court.code}）"
        _validate_parent(court, by_code.get(court.parent) if court.parent else None, where)
        for key in court.names():
            other = names.setdefault(normalize(key), court)
            if other is not court:
                raise CourtDataError(f"{where}：名称“{key}”同时指向 {other.name}")


def _validate_parent(court: Court, parent: Court | None, where: str) -> None:
    if court.level == "高级":
        if court.parent is not None or court.code != "浙":
            raise CourtDataError(f"{where}：高级人民法院代字应为“浙”，且没有上级法院")
        return
    if parent is None:
        raise CourtDataError(f"{where}：上级法院 {court.parent} 不存在")
    expected = {"中级": ("高级",), "基层": ("中级",), "专门": ("高级", "中级")}[court.level]
    if parent.level not in expected:
        raise CourtDataError(f"{where}：上级法院 {parent.name} 的级别不对")
    if court.level == "中级" and len(court.code) != 3:
        raise CourtDataError(f"{where}：中级人民法院代字应为“浙”加两位数字")
    if court.level == "基层" and (len(court.code) != 5 or court.code[:3] != parent.code):
        raise CourtDataError(f"{where}：基层法院代字应以上级法院代字 {parent.code} 开头，共四位数字")

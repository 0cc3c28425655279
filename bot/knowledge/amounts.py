"""Find money amounts, day counts and date ranges in Chinese text as people type them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

# One-to-one character replacements only, so positions in the text stay valid. The full-width comma
# "，" is deliberately kept: it separates clauses ("8000，300天"), it is not a thousands separator.
_FULLWIDTH = MappingProxyType(
    {
        **{0xFF10 + i: 0x30 + i for i in range(10)},
        **{0xFF21 + i: 0x41 + i for i in range(26)},
        **{0xFF41 + i: 0x61 + i for i in range(26)},
        0xFF0E: ord("."),
        0xFF05: ord("%"),
        0xFF0D: ord("-"),
        0xFF0F: ord("/"),
        0x3000: ord(" "),
    }
)
_CN_DIGITS = MappingProxyType(
    {
        **dict.fromkeys("零〇", 0),
        **dict.fromkeys("一壹", 1),
        **dict.fromkeys("二贰貳两兩", 2),
        **dict.fromkeys("三叁參", 3),
        **dict.fromkeys("四肆", 4),
        **dict.fromkeys("五伍", 5),
        **dict.fromkeys("六陆陸", 6),
        **dict.fromkeys("七柒", 7),
        **dict.fromkeys("八捌", 8),
        **dict.fromkeys("九玖", 9),
    }
)
_CN_UNITS = MappingProxyType(
    {**dict.fromkeys("十拾", 10), **dict.fromkeys("百佰", 100), **dict.fromkeys("千仟", 1000)}
)
_CN_BIG = MappingProxyType({**dict.fromkeys("万萬", 10**4), **dict.fromkeys("亿億", 10**8)})
_TEN_THOUSAND, _HUNDRED_MILLION = Decimal(10**4), Decimal(10**8)

_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?")
_FULL_DATE = r"(?<!\d)(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})(?!\d)\s*[日号]?"
_MONTH_DAY = r"(?<![\d年\-/.])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"
_DATE = re.compile(f"{_FULL_DATE}|{_MONTH_DAY}")
_CASE_NO = re.compile(r"[(（]\s*\d{4}\s*[)）][^\d\s，。,]{1,4}\d{0,6}[^\d\s，。,]{1,4}\d+\s*号")
_CURRENCY_AFTER = re.compile(r"\s*(?:元|块|圆|塊)")
_CURRENCY_BEFORE = re.compile(r"(?:¥|￥|RMB|rmb|人民币)\s*$")
_JIAO_FEN = re.compile(
    r"\s*(?:([0-9零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖])\s*[角毛])?\s*(?:零?\s*([0-9一二两三四五六七八九壹贰叁肆伍陆柒捌玖])\s*分)?"
)
# A number followed by one of these counts something other than money (or is only approximate).
_NOT_MONEY_AFTER = re.compile(r"\s*(?:[天日年月号周个次件人条项岁%倍分秒点楼室层期届多余来几]|小时|分钟)")
_NOT_MONEY_BEFORE = re.compile(r"(?:第|分之)\s*$")
_MONEY_CUE = re.compile(r"标的|金额|价额|数额|欠|债|借|本金|执行款|货款|工资|赔|钱|款")
_DAYS_AFTER = re.compile(r"\s*(?:个)?(?:自然)?(?:天|日)(?!\s*(?:之内|以内|内))")


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "unit", "big" or "zero"
    value: Decimal
    single: bool = False  # a lone digit, which may abbreviate the next lower unit ("五万八")


@dataclass(frozen=True)
class _Number:
    value: Decimal
    start: int
    end: int
    arabic: bool
    magnitude: bool  # carries 万/亿/w, or an Arabic figure with a unit ("3千", "5k")
    cn_unit: bool


def normalize_digits(text: str) -> str:
    """Full-width digits, letters and signs to ASCII, keeping every character's position."""
    return text.translate(_FULLWIDTH)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: "#" * len(m.group()), text)


def _tokens(text: str, i: int) -> tuple[list[_Token], int]:
    tokens: list[_Token] = []
    ends: list[int] = []
    n = len(text)
    while i < n:
        c = text[i]
        last = tokens[-1].kind if tokens else None
        match = _ARABIC.match(text, i) if last != "num" else None
        if match:
            raw = match.group().replace(",", "")
            tokens.append(_Token("num", Decimal(raw), single=len(raw) == 1))
            i = match.end()
            nxt = text[i + 1] if i + 1 < n else ""
            if i < n and text[i] in "wWkK" and not (nxt.isascii() and nxt.isalpha()):
                big = text[i] in "wW"
                tokens.append(_Token("big" if big else "unit", _TEN_THOUSAND if big else Decimal(1000)))
                i += 1
        elif c in "零〇":
            if last not in ("unit", "big"):
                break
            tokens.append(_Token("zero", Decimal(0)))
            i += 1
        elif c in _CN_DIGITS and last != "num":
            value, i = Decimal(_CN_DIGITS[c]), i + 1
            single = True
            if i + 1 < n and text[i] == "点" and text[i + 1] in _CN_DIGITS:
                j = i + 1
                while j < n and text[j] in _CN_DIGITS:
                    j += 1
                fraction = "".join(str(_CN_DIGITS[d]) for d in text[i + 1 : j])
                value, i, single = Decimal(f"{value}.{fraction}"), j, False
            tokens.append(_Token("num", value, single=single))
        elif c in _CN_UNITS and (tokens or c in "十拾"):
            tokens.append(_Token("unit", Decimal(_CN_UNITS[c])))
            i += 1
        elif c in _CN_BIG and last in ("num", "unit", "big"):
            tokens.append(_Token("big", Decimal(_CN_BIG[c])))
            i += 1
        else:
            break
        ends.append(i)
    while tokens and tokens[-1].kind == "zero":
        tokens.pop()
        ends.pop()
    return tokens, (ends[-1] if ends else i)


def _evaluate(tokens: list[_Token]) -> Decimal:
    total = section = Decimal(0)
    pending: Decimal | None = None
    scale: Decimal | None = None
    previous = ""
    for index, token in enumerate(tokens):
        if token.kind == "num":
            value = token.value
            # "五万八" is 58,000 and "三千五" 3,500: a last lone digit right after a unit counts in tenths of it.
            if previous in ("unit", "big") and token.single and index == len(tokens) - 1 and scale:
                value = value * scale / 10
            pending = value
        elif token.kind == "unit":
            section += (pending if pending is not None else Decimal(1)) * token.value
            pending, scale = None, token.value
        elif token.kind == "big":
            carried = section + (pending or 0)
            if token.value == _HUNDRED_MILLION:
                total = (total + carried) * token.value
            else:
                total += carried * token.value
            section, pending, scale = Decimal(0), None, token.value
        previous = token.kind
    return total + section + (pending or 0)


def _numbers(text: str) -> list[_Number]:
    found: list[_Number] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if not (c.isascii() and c.isdigit()) and (c not in _CN_DIGITS or c in "零〇") and c not in "十拾":
            i += 1
            continue
        tokens, end = _tokens(text, i)
        if not tokens:
            i += 1
            continue
        kinds = [t.kind for t in tokens]
        arabic = text[i].isascii()
        magnitude = "big" in kinds or (arabic and "unit" in kinds)
        found.append(_Number(_evaluate(tokens), i, end, arabic, magnitude, "unit" in kinds or "big" in kinds))
        i = end
    return found


def _prepared(text: str) -> str:
    return _mask(_mask(normalize_digits(text), _CASE_NO), _DATE)


def _jiao_fen(text: str, pos: int) -> tuple[Decimal, int]:
    match = _JIAO_FEN.match(text, pos)
    if not match or not match.group(0).strip():
        return Decimal(0), pos
    jiao, fen = (Decimal(_digit(g)) if g else Decimal(0) for g in match.groups())
    return jiao / 10 + fen / 100, match.end()


def _digit(char: str) -> int:
    return int(char) if char.isdigit() and char.isascii() else _CN_DIGITS[char]


def _as_amount(text: str, number: _Number) -> Decimal | None:
    before = text[max(0, number.start - 8) : number.start]
    if _NOT_MONEY_BEFORE.search(before):
        return None
    currency = _CURRENCY_AFTER.match(text, number.end)
    if currency:
        extra, _ = _jiao_fen(text, currency.end())
        return number.value + extra
    if _CURRENCY_BEFORE.search(before):
        return number.value
    if _NOT_MONEY_AFTER.match(text, number.end):
        return None
    if number.magnitude:
        return number.value
    long_plain_figure = number.arabic and len(text[number.start : number.end].replace(",", "")) >= 9
    if _MONEY_CUE.search(before[-6:]) and not long_plain_figure and (number.arabic or number.cn_unit):
        return number.value
    return None


def find_amounts(text: str) -> list[Decimal]:
    """Money amounts in the order they appear ("标的20万" → 200000, "五万八" → 58000)."""
    prepared = _prepared(text)
    amounts = (_as_amount(prepared, number) for number in _numbers(prepared))
    return [amount for amount in amounts if amount is not None]


def find_days(text: str) -> int | None:
    """The first explicit day count ("365天", "迟延了47日"); years or months are never turned into days."""
    prepared = _prepared(text)
    for number in _numbers(prepared):
        before = prepared[max(0, number.start - 2) : number.start]
        if before.endswith(("第", "月")) or number.value != number.value.to_integral_value():
            continue
        if _DAYS_AFTER.match(prepared, number.end):
            return int(number.value)
    return None


def find_date_range(text: str) -> tuple[date, date] | None:
    """The first two dates as (start, end), e.g. "2024-01-15到2024-12-31"; None unless end ≥ start."""
    dates: list[date] = []
    for match in _DATE.finditer(normalize_digits(text)):
        year_text, month_text, day_text, month_only, day_only = match.groups()
        if year_text:
            year, month, day = int(year_text), int(month_text), int(day_text)
        elif dates:
            # "2024年1月15日至12月31日": a date without a year takes the previous one's.
            year, month, day = dates[-1].year, int(month_only), int(day_only)
        else:
            continue
        try:
            dates.append(date(year, month, day))
        except ValueError:
            continue
        if len(dates) == 2:
            start, end = dates
            return (start, end) if end >= start else None
    return None

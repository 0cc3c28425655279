"""Enforcement application fee and delayed-performance interest: exact figures, the working, the reply."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

from bot.knowledge.amounts import find_amounts, find_date_range, find_days

FEE_BASIS = "《诉讼费用交纳办法》第十四条第（一）项"
FEE_CAVEAT = (
    "以上为按标准测算，具体以法院核算为准；执行申请费不由申请执行人预交，"
    "执行后交纳，由被执行人负担（《诉讼费用交纳办法》第二十条、第三十八条）。"
)
INTEREST_BASIS = (
    "《中华人民共和国民事诉讼法》第二百六十四条；"
    "《最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释》"
)
INTEREST_CAVEAT = (
    "以上为按日万分之一点七五测算的加倍部分债务利息，不含一般债务利息（按生效法律文书确定的方法另行计算），"
    "具体以法院核算为准。"
)
DAILY_RATE = Decimal("0.000175")
_BASE_FEE = Decimal(50)
_FIRST_BAND_TOP = Decimal(10_000)
# (lower, upper, percent) — each band charges its percent on the part of the amount inside it.
_FEE_BANDS: tuple[tuple[Decimal, Decimal | None, Decimal], ...] = (
    (Decimal(10_000), Decimal(500_000), Decimal("1.5")),
    (Decimal(500_000), Decimal(5_000_000), Decimal(1)),
    (Decimal(5_000_000), Decimal(10_000_000), Decimal("0.5")),
    (Decimal(10_000_000), None, Decimal("0.1")),
)
_MAX_AMOUNT = Decimal(10) ** 15
_FEN = Decimal("0.01")


def _exact() -> Context:
    # Inexact is trapped: any arithmetic that would have to round raises instead of losing a fen.
    return Context(
        prec=100, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact]
    )


def _to_fen(value: Decimal) -> Decimal:
    return value.quantize(_FEN, rounding=ROUND_HALF_UP, context=Context(prec=100))


def plain(value: Decimal) -> str:
    """A Decimal as people write it: no exponent, no trailing zeros ("7350.000" → "7350")."""
    return format(value.normalize(Context(prec=100)), "f")


@dataclass(frozen=True)
class Calculation:
    """An exact result, the same rounded half up to the fen, and the steps that led to it."""

    label: str
    result: Decimal
    rounded: Decimal
    working: str
    basis: str
    caveat: str
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        """The reply a citizen reads: the figure, the working, the basis, a caveat."""
        return "\n".join(
            [
                f"{self.label}为 {self.rounded:,.2f} 元",
                f"计算过程：{self.working}",
                *self.notes,
                f"依据：{self.basis}",
                self.caveat,
            ]
        )


def _result_line(expression: str, result: Decimal) -> str:
    rounded = _to_fen(result)
    tail = f" ≈ {rounded}" if rounded != result else ""
    return f"{expression} = {plain(result)}{tail}"


def _checked_money(value: Decimal, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what}须为 Decimal 或整数")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{what}无效，请核对")
    if value <= 0:
        raise ValueError(f"{what}必须大于0元")
    if value > _MAX_AMOUNT:
        raise ValueError(f"{what}过大，超出可计算范围，请核对")
    return value


def application_fee(amount: Decimal) -> Calculation:
    """执行申请费 for an enforcement amount, banded and cumulative under art. 14 of the Measures."""
    amount = _checked_money(amount, "执行金额")
    with localcontext(_exact()):
        if amount <= _FIRST_BAND_TOP:
            result = _BASE_FEE
            working = f"{plain(amount)} ≤ 10000，每件交纳50元 → 50"
        else:
            expressions, parts = ["50"], [_BASE_FEE]
            for lower, upper, percent in _FEE_BANDS:
                if amount <= lower:
                    break
                top = amount if upper is None or amount < upper else upper
                expressions.append(f"({plain(top)}−{plain(lower)})×{plain(percent)}%")
                parts.append((top - lower) * percent / 100)
            result = sum(parts, Decimal(0))
            steps = " + ".join(expressions) + " = " + " + ".join(plain(p) for p in parts)
            working = _result_line(steps, result)
    return Calculation("执行申请费", result, _to_fen(result), working, FEE_BASIS, FEE_CAVEAT)


def application_fee_without_amount() -> str:
    """The reply for a case with no money amount (e.g. handing over a thing, doing an act)."""
    return (
        "没有执行金额或者价额的申请执行案件，执行申请费每件交纳50元至500元，具体数额由法院确定。\n"
        f"依据：{FEE_BASIS}\n{FEE_CAVEAT}"
    )


@dataclass(frozen=True)
class Segment:
    """A stretch of delay during which the unpaid money debt stayed the same."""

    debt: Decimal
    days: int

    def __post_init__(self) -> None:
        _checked_money(self.debt, "债务金额")
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 0:
            raise ValueError("迟延履行天数必须是不小于0的整数")


def days_between(start: date, end: date) -> int:
    """Days of delay from the last day of the performance period to the day of payment, first day not counted."""
    if end < start:
        raise ValueError("履行完毕日期早于履行期间届满日期，请核对")
    return (end - start).days


def delay_interest(segments: Sequence[Segment]) -> Calculation:
    """加倍部分债务利息 = Σ unpaid debt (general interest excluded) × 0.000175 × days, summed exactly."""
    if not segments:
        raise ValueError("至少需要一段迟延履行期间")
    with localcontext(_exact()):
        parts = [Decimal(s.debt) * DAILY_RATE * s.days for s in segments]
        result = sum(parts, Decimal(0))
        lines = [f"{plain(Decimal(s.debt))}×{DAILY_RATE}×{s.days}" for s in segments]
        if len(segments) == 1:
            working = _result_line(lines[0], result)
        else:
            numbered = [
                f"第{i}段：{line} = {plain(p)}"
                for i, (line, p) in enumerate(zip(lines, parts, strict=True), 1)
            ]
            total = _result_line("合计：" + " + ".join(plain(p) for p in parts), result)
            working = "\n" + "\n".join([*numbered, total])
    return Calculation("加倍部分债务利息", result, _to_fen(result), working, INTEREST_BASIS, INTEREST_CAVEAT)


def _period_note(start: date, end: date, days: int) -> str:
    return (
        f"迟延天数：自履行期间届满之日 {start.isoformat()} 起算至 {end.isoformat()}，"
        f"首日不计入，按“终止日−起算日”计为 {days} 天。"
    )


def delay_interest_for_period(debt: Decimal, start: date, end: date) -> Calculation:
    """One unpaid debt from the end of the performance period (start) to full payment (end)."""
    days = days_between(start, end)
    calculation = delay_interest([Segment(debt, days)])
    return replace(calculation, notes=(_period_note(start, end, days),))


def segments_from_payments(
    debt: Decimal, due: date, payments: Sequence[tuple[date, Decimal]], final: date | None = None
) -> list[Segment]:
    """Segments for a debt paid in instalments after the performance period ended on `due`.

    Assumption (kept simple on purpose): each payment reduces the base of the doubled interest in
    full from the day it is made, as the interpretation's art. 4 orders (the money debt first, the
    doubled interest after). Costs and general interest the document also awards are left out; where
    they are outstanding the court applies part of a payment to them and the base falls by less.
    `final` closes the last segment and is needed while part of the debt is still unpaid.
    """
    remaining = _checked_money(debt, "债务金额")
    segments: list[Segment] = []
    since = due
    for paid_on, amount in sorted(payments, key=lambda p: p[0]):
        amount = _checked_money(amount, "还款金额")
        if remaining <= 0:
            break
        if paid_on > since:
            segments.append(Segment(remaining, days_between(since, paid_on)))
            since = paid_on
        remaining -= min(amount, remaining)
    if remaining > 0:
        if final is None:
            raise ValueError("尚未履行完毕的部分需要给出计算截止日期")
        if final > since:
            segments.append(Segment(remaining, days_between(since, final)))
        elif final < since:
            raise ValueError("计算截止日期早于最后一次还款日期，请核对")
    return segments


_LITIGATION = re.compile(r"诉讼费|起诉|打官司|(?<!执行)案件受理费|一审|二审|上诉|立案费")
_LITIGATION_FEE = re.compile(r"诉讼费|(?<!执行)案件受理费|打官司|起诉")
_OTHER_APPLICATIONS = re.compile(r"保全|支付令|公示催告|破产")
_FEE_NOUN = re.compile(r"申请费|执行费|受理费|执行[^，。,？?]{0,4}费")
_FEE_ASK = re.compile(r"[交缴]多少|[交缴]钱|[交缴]费|花多少|[要需]多少钱|[要需]要?[交缴]|收多少|收费|费用")
_INTEREST = re.compile(
    r"(?:迟延|延迟|加倍|双倍|翻倍|逾期履行|拖延履行)[^。？?]{0,14}利息|利息[^。？?]{0,6}(?:加倍|翻倍|双倍)"
)
_DRAGGED_INTEREST = re.compile(r"拖[^。？?]{0,12}利息")
_ENFORCEMENT_CONTEXT = re.compile(r"判决|裁定|调解书|执行|老赖|法院|生效")
_OTHER_COST_CLAUSE = re.compile(r"诉讼费|受理费|上诉费|律师费|保全费|鉴定费|公告费")
_CLAUSE = re.compile(r"[^，。；;？?！!\n]+")
_MAX_TEXT = 2000


def _amounts(text: str) -> list[Decimal]:
    # "诉讼费8000元" is not the sum to enforce: a clause about another cost gives no base to compute on.
    clauses = _CLAUSE.findall(text)
    kept = [c for c in clauses if "执行" in c or not _OTHER_COST_CLAUSE.search(c)]
    return find_amounts("，".join(kept))


def _asks_fee(text: str, asks_interest: bool) -> bool:
    enforcement = "执行" in text
    if (_LITIGATION.search(text) or _OTHER_APPLICATIONS.search(text)) and not enforcement:
        return False
    if _FEE_NOUN.search(text):
        return True
    return enforcement and not asks_interest and bool(_FEE_ASK.search(text))


def _asks_interest(text: str) -> bool:
    if _INTEREST.search(text):
        return True
    return bool(_DRAGGED_INTEREST.search(text) and _ENFORCEMENT_CONTEXT.search(text))


def _several_amounts_note(amounts: list[Decimal], what: str) -> tuple[str, ...]:
    if len(set(amounts)) < 2:
        return ()
    return (
        f"您提到了多个金额，以上按第一个金额 {plain(amounts[0])} 元计算{what}；如需按其他金额计算，请只告诉我那一个金额。",
    )


def _fee_reply(text: str, amounts: list[Decimal]) -> str | None:
    try:
        calculation = application_fee(amounts[0])
    except ValueError:
        return None
    notes = _several_amounts_note(amounts, "（执行标的额一般为法律文书确定的全部给付金额）")
    if _LITIGATION_FEE.search(text):
        notes += ("起诉时的诉讼费（案件受理费）另按《诉讼费用交纳办法》第十三条计算，这里只计算执行申请费。",)
    return replace(calculation, notes=notes).text()


def _interest_reply(text: str, amounts: list[Decimal]) -> str | None:
    period = find_date_range(text)
    days = find_days(text)
    try:
        if period is not None:
            calculation = delay_interest_for_period(amounts[0], *period)
        elif days is not None:
            calculation = delay_interest([Segment(amounts[0], days)])
        else:
            return None
    except ValueError:
        return None
    notes = calculation.notes + _several_amounts_note(
        amounts, "（如已部分履行，已履行部分计算至每次履行之日，应分段计算）"
    )
    return replace(calculation, notes=notes).text()


def answer_calculation(text: str) -> str | None:
    """The reply to a fee or delayed-interest question that gives a figure to compute with, else None."""
    text = text[:_MAX_TEXT]
    amounts = _amounts(text)
    if not amounts:
        return None
    asks_interest = _asks_interest(text)
    replies = [
        _interest_reply(text, amounts) if asks_interest else None,
        _fee_reply(text, amounts) if _asks_fee(text, asks_interest) else None,
    ]
    found = [reply for reply in replies if reply]
    return "\n\n".join(found) if found else None

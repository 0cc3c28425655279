"""Agent assist: the caller's question → the top knowledge answers with their legal basis, and the calculators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from aiohttp import web

from bot.hotline import Hotline
from bot.knowledge.amounts import find_amounts
from bot.knowledge.calculators import (
    Calculation,
    Segment,
    answer_calculation,
    application_fee,
    delay_interest,
    delay_interest_for_period,
)
from bot.web.console.render import render
from bot.web.runtime import HOTLINE, run_sync

MAX_QUESTION = 500
SHOWN = 3
BANDS = {"high": "匹配度高", "middle": "可能相关", "low": "匹配度低"}


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    basis: tuple[str, ...]
    score: float
    faq_id: str


@dataclass(frozen=True)
class Consulted:
    band: str
    answers: list[Answer]
    calculation: str | None


def consult(hotline: Hotline, question: str) -> Consulted | None:
    """The same knowledge the bot answers with (reloads included), or None when none is loaded."""
    holder = hotline.services.knowledge
    if holder is None:
        return None
    result = holder.current.consult(question, k=SHOWN)
    answers = [
        Answer(hit.entry.question, hit.entry.answer, hit.entry.basis, hit.score, hit.entry.id)
        for hit in result.hits
    ]
    return Consulted(result.band, answers, answer_calculation(question))


def parse_money(text: str) -> Decimal:
    """ "123456.78", "1,234", "20万", "五万八" → a Decimal; ValueError with a Chinese reason otherwise."""
    compact = text.strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        return Decimal(compact)
    except InvalidOperation:
        found = find_amounts(text)
        if not found:
            raise ValueError("金额无法识别，请输入数字，如 200000 或 20万") from None
        return found[0]


def parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what}格式应为 YYYY-MM-DD") from None


def fee(amount: str) -> Calculation:
    return application_fee(parse_money(amount))


def interest(debt: str, start: str, end: str, days: str) -> Calculation:
    money = parse_money(debt)
    if days.strip():
        if not days.strip().isdigit():
            raise ValueError("迟延天数应为整数")
        return delay_interest([Segment(money, int(days.strip()))])
    return delay_interest_for_period(money, parse_day(start, "起算日"), parse_day(end, "截止日"))


def _run(calculate: str, values: dict[str, str]) -> tuple[Calculation | None, str]:
    try:
        if calculate == "fee":
            return fee(values["amount"]), ""
        return interest(values["debt"], values["start"], values["end"], values["days"]), ""
    except (ValueError, TypeError) as error:
        return None, str(error)


async def assist_page(request: web.Request) -> web.Response:
    query = request.query
    question = query.get("q", "").strip()[:MAX_QUESTION]
    values = {name: query.get(name, "").strip()[:40] for name in ("amount", "debt", "start", "end", "days")}
    calculate = query.get("calc", "")
    consulted = await run_sync(request.app, consult, request.app[HOTLINE], question) if question else None
    calculation, error = (None, "")
    if calculate in ("fee", "interest"):
        calculation, error = await run_sync(request.app, _run, calculate, values)
    return render(
        request,
        "assist.html",
        question=question,
        consulted=consulted,
        bands=BANDS,
        values=values,
        calculate=calculate,
        calculation=calculation,
        calc_error=error,
    )

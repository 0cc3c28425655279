"""法律知识咨询: answer enforcement-law questions from the knowledge base, and the two calculators."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from bot.core.context import Context, Flow
from bot.core.messages import Reply
from bot.knowledge.amounts import find_amounts, find_date_range, find_days
from bot.knowledge.calculators import (
    Segment,
    answer_calculation,
    application_fee,
    delay_interest,
    delay_interest_for_period,
)
from bot.knowledge.faq import FaqEntry
from bot.knowledge.service import Knowledge
from bot.storage.models import AnswerFeedback, KnowledgeGap

MAX_RELATED = 3


def start(ctx: Context) -> Reply:
    ctx.state = {"step": "ask"}
    return Reply((ctx.texts("consult.prompt"),), _tools(ctx))


def on_message(ctx: Context) -> Reply | None:
    step = ctx.state.get("step")
    if ctx.text == ctx.texts("consult.fee_option"):
        ctx.state = {"step": "fee"}
        return Reply((ctx.texts("consult.fee_ask"),), (ctx.texts("options.menu"),))
    if ctx.text == ctx.texts("consult.interest_option"):
        ctx.state = {"step": "interest"}
        return Reply((ctx.texts("consult.interest_ask"),), (ctx.texts("options.menu"),))
    if step == "fee":
        return _fee(ctx)
    if step == "interest":
        return _interest(ctx)
    if ctx.state.get("faq_id") and ctx.text in {ctx.texts("consult.useful"), ctx.texts("consult.useless")}:
        return _feedback(ctx)
    return answer(ctx)


def back(ctx: Context) -> Reply | None:
    return start(ctx) if ctx.state.get("step") in {"fee", "interest", "answered"} else None


def detect(ctx: Context) -> Reply:
    """Free text outside any flow is a question: the last intent tried, so it always answers."""
    ctx.flow = "consult"
    return answer(ctx)


def answer(ctx: Context) -> Reply:
    ctx.intent = "consult"
    calculation = answer_calculation(ctx.text)
    if calculation:
        ctx.state = {"step": "ask"}
        ctx.intent = "calculator"
        return Reply((calculation,), _tools(ctx))
    if ctx.services.knowledge is None:
        return Reply((ctx.texts("consult.not_ready"),), (ctx.texts("options.human"),))
    knowledge = ctx.services.knowledge.current
    chosen = _chosen_suggestion(ctx, knowledge)
    if chosen:
        return _answer_entry(ctx, knowledge, chosen, score=1.0)
    consultation = knowledge.consult(ctx.text)
    top = consultation.top
    if consultation.band == "high" and top:
        return _answer_entry(ctx, knowledge, top.entry, top.score)
    _record_gap(ctx, consultation.band, top.entry.id if top else None, top.score if top else None)
    if consultation.band == "middle":
        questions = [hit.entry.question for hit in consultation.hits[:MAX_RELATED]]
        ctx.state = {
            "step": "suggested",
            "suggestions": [hit.entry.id for hit in consultation.hits[:MAX_RELATED]],
        }
        reply = Reply((ctx.texts("consult.suggest"),), (*questions, ctx.texts("options.human")))
        return reply.explained(band="middle", score=round(top.score, 3) if top else None)
    ctx.state = {"step": "ask"}
    reply = Reply((ctx.texts("consult.decline"),), (ctx.texts("options.human"), ctx.texts("options.menu")))
    return reply.explained(band="low", score=round(top.score, 3) if top else None)


def _answer_entry(ctx: Context, knowledge: Knowledge, entry: FaqEntry, score: float) -> Reply:
    related = [knowledge.entry(entry_id) for entry_id in entry.related]
    questions = [item.question for item in related if item][:MAX_RELATED]
    ctx.state = {"step": "answered", "faq_id": entry.id, "related": [item.id for item in related if item]}
    basis = ctx.texts("consult.basis", basis="；".join(entry.basis))
    options = (
        *questions,
        ctx.texts("consult.useful"),
        ctx.texts("consult.useless"),
        ctx.texts("options.menu"),
    )
    return Reply((entry.answer, basis), options).explained(
        faq_id=entry.id, score=round(score, 3), band="high"
    )


def _chosen_suggestion(ctx: Context, knowledge: Knowledge) -> FaqEntry | None:
    """A suggested or related question picked by number or words answers that entry directly."""
    offered = [*ctx.state.get("suggestions", ()), *ctx.state.get("related", ())]
    for entry_id in offered:
        entry = knowledge.entry(entry_id)
        if entry and entry.question == ctx.text:
            return entry
    return None


def _feedback(ctx: Context) -> Reply:
    useful = ctx.text == ctx.texts("consult.useful")
    ctx.session.add(
        AnswerFeedback(
            faq_id=ctx.state["faq_id"], useful=useful, question=ctx.text, channel=ctx.inbound.channel
        )
    )
    ctx.intent = "feedback"
    ctx.state = {"step": "ask"}
    text = ctx.texts("consult.thanks_useful" if useful else "consult.thanks_useless")
    return Reply((text,), (ctx.texts("options.human"), ctx.texts("options.menu")))


def _record_gap(ctx: Context, band: str, faq_id: str | None, score: float | None) -> None:
    ctx.session.add(
        KnowledgeGap(
            question=ctx.text[:1000],
            normalized=ctx.key[:500],
            band=band,
            best_faq_id=faq_id,
            score=score,
            channel=ctx.inbound.channel,
        )
    )


def _fee(ctx: Context) -> Reply:
    amounts = find_amounts(ctx.text)
    if not amounts:
        return Reply((ctx.texts("consult.amount_missing"),), (ctx.texts("options.menu"),))
    return _calculated(ctx, lambda: application_fee(amounts[0]).text())


def _interest(ctx: Context) -> Reply:
    amounts = find_amounts(ctx.text)
    if not amounts:
        return Reply((ctx.texts("consult.amount_missing"),), (ctx.texts("options.menu"),))
    period = find_date_range(ctx.text)
    if period:
        return _calculated(ctx, lambda: delay_interest_for_period(amounts[0], *period).text())
    days = find_days(ctx.text)
    if days is None:
        return Reply((ctx.texts("consult.days_missing"),), (ctx.texts("options.menu"),))
    return _calculated(ctx, lambda: delay_interest([Segment(Decimal(amounts[0]), days)]).text())


def _calculated(ctx: Context, compute: Callable[[], str]) -> Reply:
    ctx.intent = "calculator"
    try:
        text = compute()
    except ValueError as error:
        return Reply((str(error),), (ctx.texts("options.menu"),))
    ctx.state = {"step": "ask"}
    return Reply((text,), _tools(ctx))


def _tools(ctx: Context) -> tuple[str, ...]:
    return (ctx.texts("consult.fee_option"), ctx.texts("consult.interest_option"), ctx.texts("options.menu"))


FLOW = Flow("consult", start, on_message, back)

"""Lookup results in words: the chat reply's parts and the JSON of the public endpoint, masked alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.core.texts import Texts
from bot.public_lists.search import EntryView, SubjectResult
from bot.public_lists.service import LookupResult

# A chat message stays readable: a list with more entries says how many more and points to the web page.
CHAT_ENTRIES_PER_LIST = 5


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def entry_lines(texts: Texts, entry: EntryView) -> list[str]:
    """The details of one entry for a chat message, one line each; the web page shows every field."""
    lines = [texts("lists.entry.published", date=entry.published_on.isoformat())]
    if entry.conduct:
        lines.append(texts("lists.entry.conduct", conduct=entry.conduct))
    if entry.performance:
        lines.append(
            texts("lists.entry.performance", performance=texts(f"lists.performance.{entry.performance}"))
        )
    if entry.amount is not None:
        lines.append(texts("lists.entry.amount", amount=money(entry.amount)))
    return lines


def _subject_block(texts: Texts, subject: SubjectResult) -> list[str]:
    if subject.shown_code:
        head = texts("lists.found_intro", name=subject.name, code=subject.shown_code)
    else:
        head = texts("lists.found_intro_no_code", name=subject.name)
    if subject.legal_representative:
        head += "\n" + texts("lists.legal_representative", name=subject.legal_representative)
    parts = [head]
    for kind, entries in subject.by_kind():
        lines = [texts("lists.list_heading", label=texts(f"lists.kinds.{kind}"), count=len(entries))]
        for number, entry in enumerate(entries[:CHAT_ENTRIES_PER_LIST], 1):
            lines.append(
                texts("lists.entry.head", number=number, case_no=entry.case_no, court=entry.court_name)
            )
            lines.extend("   " + line for line in entry_lines(texts, entry))
        if len(entries) > CHAT_ENTRIES_PER_LIST:
            lines.append(texts("lists.more_on_web", count=len(entries) - CHAT_ENTRIES_PER_LIST))
        parts.append("\n".join(lines))
    return parts


def chat_parts(texts: Texts, result: LookupResult) -> tuple[str, ...]:
    """The reply's text parts for any outcome of a lookup."""
    if result.status == "invalid":
        assert result.error is not None
        return (texts("lists.invalid", reason=result.error.reason),)
    if result.status == "limited":
        return (texts("lists.limited", minutes=max(1, -(-result.retry_after // 60))),)
    assert result.query is not None
    if result.status == "needs_id":
        return (texts("lists.needs_id", name=result.query.name),)
    if result.status == "not_found":
        return (not_found_text(texts, result),)
    parts: list[str] = []
    for subject in result.subjects:
        parts.extend(_subject_block(texts, subject))
    parts.append(texts("lists.source_note"))
    return tuple(parts)


def not_found_text(texts: Texts, result: LookupResult) -> str:
    assert result.query is not None
    query = result.query
    if query.code is None:
        what = texts("lists.not_found_org_name", name=query.name)
    elif not query.name:
        what = texts("lists.not_found_credit_code", code=query.code.shown)
    else:
        what = texts("lists.not_found_code", name=query.name, code=query.code.shown)
    return texts("lists.not_found", what=what)


def entry_json(texts: Texts, entry: EntryView) -> dict[str, Any]:
    return {
        "case_no": entry.case_no,
        "court": entry.court_name,
        "filed_on": entry.filed_on.isoformat() if entry.filed_on else None,
        "basis_document": entry.basis_document,
        "basis_issuer": entry.basis_issuer,
        "obligation": entry.obligation,
        "performance": entry.performance,
        "performance_label": texts(f"lists.performance.{entry.performance}") if entry.performance else None,
        "amount": str(entry.amount) if entry.amount is not None else None,
        "conduct": entry.conduct,
        "published_on": entry.published_on.isoformat(),
    }


def result_json(texts: Texts, result: LookupResult) -> dict[str, Any]:
    """The JSON answer: status, a message in Chinese, and per subject every list with its entries."""
    if result.status == "found":
        message = texts("lists.found_count", count=len(result.subjects)) + texts("lists.source_note")
    else:
        message = "\n\n".join(chat_parts(texts, result))
    data: dict[str, Any] = {"status": result.status, "message": message}
    if result.status == "invalid" and result.error is not None:
        data["field"] = result.error.field
    if result.status == "limited":
        data["retry_after"] = result.retry_after
    data["subjects"] = [
        {
            "subject_type": subject.subject_type,
            "name": subject.name,
            "code": subject.shown_code,
            "legal_representative": subject.legal_representative,
            "lists": [
                {
                    "kind": kind,
                    "label": texts(f"lists.kinds.{kind}"),
                    "entries": [entry_json(texts, entry) for entry in entries],
                }
                for kind, entries in subject.by_kind()
            ],
        }
        for subject in result.subjects
    ]
    return data

"""`hotline check`: validate and normalise identifiers, one JSON-ready result per value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.case_lookup.case_number import CaseNumberError, parse_case_number
from bot.identity.id_number import IdNumberError, check_id_number
from bot.identity.masking import mask_id_number
from bot.identity.uscc import UsccError, check_uscc


def _case_no(value: str) -> dict[str, Any]:
    number = parse_case_number(value)
    return {"canonical": number.canonical, "is_enforcement": number.is_enforcement}


CHECKS: dict[str, Callable[[str], dict[str, Any]]] = {
    "case-no": _case_no,
    "id": lambda value: {"canonical": check_id_number(value)},
    "uscc": lambda value: {"canonical": check_uscc(value)},
}


def check(kind: str, value: str) -> dict[str, Any]:
    """{"input", "valid": true, "canonical", …} or {"input", "valid": false, "error": "<why, in Chinese>"}."""
    try:
        return {"input": value, "valid": True, **CHECKS[kind](value)}
    except (CaseNumberError, IdNumberError, UsccError) as error:
        return {"input": value, "valid": False, "error": str(error)}


def masked_input(kind: str, value: str) -> str:
    """ID numbers are personal data: callers that log a check see only the masked form."""
    return mask_id_number(value) if kind == "id" and len(value) == 18 else value

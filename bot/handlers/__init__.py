"""The conversation flows, one module each, and the order in which free text is tried against intents."""

from __future__ import annotations

from bot.core.context import Flow
from bot.core.router import Detector
from bot.handlers import (
    case_query,
    complaint,
    consult,
    directory,
    handoff,
    judge_contact,
    list_search,
    suggestion,
    ticket_status,
)


def build_flows() -> dict[str, Flow]:
    flows = [
        case_query.FLOW,
        complaint.FLOW,
        consult.FLOW,
        directory.FLOW,
        handoff.FLOW,
        judge_contact.FLOW,
        list_search.FLOW,
        suggestion.FLOW,
        ticket_status.FLOW,
    ]
    return {flow.name: flow for flow in flows}


def detectors() -> list[Detector]:
    """Free text outside a flow is offered to these in order; the first that answers wins.
    The knowledge base comes last: whatever is left is a question, answered or honestly declined."""
    return [ticket_status.detect, case_query.detect, directory.detect, consult.detect]

"""The conversation flows, one module each, and the order in which free text is tried against intents."""

from __future__ import annotations

from bot.core.context import Flow
from bot.core.router import Detector
from bot.handlers import case_query, consult, directory, handoff, list_search


def build_flows() -> dict[str, Flow]:
    flows = [case_query.FLOW, consult.FLOW, directory.FLOW, handoff.FLOW, list_search.FLOW]
    return {flow.name: flow for flow in flows}


def detectors() -> list[Detector]:
    """Free text outside a flow is offered to these in order; the first that answers wins.
    The knowledge base comes last: whatever is left is a question, answered or honestly declined."""
    return [case_query.detect, directory.detect, consult.detect]

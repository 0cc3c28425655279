"""The conversation flows, one module each, and the order in which free text is tried against intents."""

from __future__ import annotations

from bot.core.context import Flow
from bot.core.router import Detector
from bot.handlers import directory, handoff


def build_flows() -> dict[str, Flow]:
    flows = [directory.FLOW, handoff.FLOW]
    return {flow.name: flow for flow in flows}


def detectors() -> list[Detector]:
    """Free text outside a flow is offered to these in order; the first that answers wins."""
    return [directory.detect]

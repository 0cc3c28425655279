"""Tickets: complaints, reports, suggestions, judge contact and hand-offs, numbered, routed and tracked."""

from __future__ import annotations

COMPLAINT, REPORT, SUGGESTION, JUDGE_CONTACT, HANDOFF = (
    "complaint",
    "report",
    "suggestion",
    "judge_contact",
    "handoff",
)
KINDS = (COMPLAINT, REPORT, SUGGESTION, JUDGE_CONTACT, HANDOFF)

OPEN, IN_PROGRESS, ANSWERED, CLOSED = "open", "in_progress", "answered", "closed"
STATUSES = (OPEN, IN_PROGRESS, ANSWERED, CLOSED)

# Authors of a ticket's messages. A "note" is staff-internal and never shown to the user.
USER, STAFF, SYSTEM, NOTE = "user", "staff", "system", "note"

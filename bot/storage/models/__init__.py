"""SQLAlchemy models, one module per domain; importing this package registers every table."""

from bot.storage.models.cases import (
    Case,
    CaseEvent,
    CaseView,
    Party,
    StaffAccount,
    StaffAssignment,
    StaffMember,
    VerificationFailure,
    VerificationLock,
)
from bot.storage.models.core import AnswerFeedback, Base, Conversation, KnowledgeGap, Turn, utcnow

__all__ = [
    "AnswerFeedback",
    "Base",
    "Case",
    "CaseEvent",
    "CaseView",
    "Conversation",
    "KnowledgeGap",
    "Party",
    "StaffAccount",
    "StaffAssignment",
    "StaffMember",
    "Turn",
    "VerificationFailure",
    "VerificationLock",
    "utcnow",
]

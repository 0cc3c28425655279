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
from bot.storage.models.core import AnswerFeedback, Base, ChatPush, Conversation, KnowledgeGap, Turn, utcnow
from bot.storage.models.lists import ListEntry, PublicNotice, QueryCounter
from bot.storage.models.notify import NoticeOptIn, Notification, NotificationReason
from bot.storage.models.tickets import AuditEntry, StaffSession, Ticket, TicketCounter, TicketMessage

__all__ = [
    "AnswerFeedback",
    "AuditEntry",
    "Base",
    "Case",
    "CaseEvent",
    "CaseView",
    "ChatPush",
    "Conversation",
    "KnowledgeGap",
    "ListEntry",
    "NoticeOptIn",
    "Notification",
    "NotificationReason",
    "Party",
    "PublicNotice",
    "QueryCounter",
    "StaffAccount",
    "StaffAssignment",
    "StaffMember",
    "StaffSession",
    "Ticket",
    "TicketCounter",
    "TicketMessage",
    "Turn",
    "VerificationFailure",
    "VerificationLock",
    "utcnow",
]

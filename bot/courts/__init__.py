"""Court directory (codes, names, duty phones) and the 《法院强制执行须知》 notice."""

from bot.courts.directory import CardTexts, Court, CourtDataError, CourtDirectory
from bot.courts.notice import Notice, NoticeDataError, NoticeSection, load_notice

__all__ = [
    "CardTexts",
    "Court",
    "CourtDataError",
    "CourtDirectory",
    "Notice",
    "NoticeDataError",
    "NoticeSection",
    "load_notice",
]

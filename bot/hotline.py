"""Assembling the hotline for one process: settings, database, read-only services and the dialogue."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.case_lookup.catalogue import Catalogue
from bot.config import Settings
from bot.core.context import KnowledgeHolder, MenuItem, Services, Vocabulary
from bot.core.dialogue import Dialogue
from bot.core.texts import Texts
from bot.handlers import build_flows, detectors
from bot.storage.db import Database, open_database

log = logging.getLogger(__name__)


@dataclass
class Hotline:
    settings: Settings
    db: Database
    services: Services
    dialogue: Dialogue

    def close(self) -> None:
        self.db.dispose()


def load_services(settings: Settings) -> Services:
    """Everything read-only a turn needs, loaded once per process."""
    data = settings.data_dir
    texts = Texts.load(data / "texts.yaml", hotline=settings.hotline_phone)
    menu = tuple(
        MenuItem(item["key"], item["label"], tuple(item.get("words", ()))) for item in texts.raw("menu.items")
    )
    services = Services(settings=settings, texts=texts, menu=menu, vocabulary=Vocabulary.build(texts, menu))
    services.catalogue = Catalogue.load(data / "case_events.yaml")
    if (data / "courts.yaml").exists():
        from bot.courts.directory import CourtDirectory

        services.courts = CourtDirectory.load(data / "courts.yaml")
    if (data / "notice.yaml").exists():
        from bot.courts.notice import load_notice

        services.notice = load_notice(data / "notice.yaml")
    if (data / "notify_rules.yaml").exists():
        from bot.notify.rules import load_rules

        services.notify_rules = load_rules(data, services.catalogue, settings.hotline_phone)
    if (data / "faq").is_dir():
        from bot.knowledge.service import Knowledge

        services.knowledge = KnowledgeHolder(Knowledge.from_directory(data / "faq"))
    return services


def build_hotline(
    settings: Settings, database: Database | None = None, services: Services | None = None
) -> Hotline:
    db = database or open_database(settings.database_url, settings.db_pool_size)
    services = services or load_services(settings)
    dialogue = Dialogue(db, services, build_flows(), detectors())
    return Hotline(settings, db, services, dialogue)

"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured) and transcript helpers."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.channels.console import ConsoleChannel
from bot.config import Settings
from bot.core.context import Services
from bot.hotline import Hotline, build_hotline, load_services
from bot.storage.db import Database, migrate, open_database
from bot.storage.models import Base
from bot.storage.scratch import create_database, drop_database

PG_ENV = "HOTLINE_TEST_DATABASE_URL"
REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval"


def pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test starts from a copy of it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A database of its own for this test run (and xdist worker), dropped at the end."""
    admin = pg_admin_url()
    if not admin:
        pytest.skip(
            f"PostgreSQL not configured: set {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        )
    url, name = create_database(admin, "hotline_test")
    migrated = create_engine(url)
    migrate(migrated)
    migrated.dispose()
    yield url
    drop_database(admin, name)


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """Each test that takes this runs twice: on a fresh SQLite file and on a clean PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "hotline.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_database_url")
    yield url
    _truncate_all(url)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "hotline.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for tests: the given database, cheap password hashing, no .env file."""
    values: dict[str, object] = {
        "database_url": database_url,
        "argon2_time_cost": 1,
        "argon2_memory_cost": 1024,
        "api_tokens": ["test-token"],
        "secret_key": "test-secret",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = open_database(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def services() -> Services:
    """Read-only services (texts, courts, knowledge) load once per test session, as once per process."""
    return load_services(make_settings("sqlite://"))


@pytest.fixture
def hotline(settings: Settings, db: Database, services: Services) -> Hotline:
    return build_hotline(settings, db, services)


class Transcript:
    """A user at the console adapter: say() a line, then look at reply() — tests read like transcripts."""

    def __init__(self, channel: ConsoleChannel) -> None:
        self.channel = channel

    def say(self, text: str, message_id: str | None = None) -> str:
        return self.channel.say(text, message_id).text

    def reply(self) -> str:
        return self.channel.replies[-1].text

    def options(self) -> tuple[str, ...]:
        return self.channel.replies[-1].options

    @property
    def meta(self) -> dict[str, object]:
        return self.channel.replies[-1].meta


@pytest.fixture
def user(hotline: Hotline) -> Transcript:
    return Transcript(ConsoleChannel(hotline.dialogue, "tester"))

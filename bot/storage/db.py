"""Opening the database: engine, migrations to head, and one serialized transaction per turn."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


class StorageUnavailable(RuntimeError):
    """The database cannot be opened or reached; the message names the (password-free) URL and why."""


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
    )

    # pysqlite's own transaction handling defers BEGIN; we take the write lock at the start of every
    # transaction (BEGIN IMMEDIATE) so two processes can never interleave one conversation's turn.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_engine_for(url: str, pool_size: int = 10) -> Engine:
    """Errors never quote a statement's parameters (hide_parameters): they are logged, and a parameter
    may be a typed password, an ID number or a phone."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, hide_parameters=True
    )


def _alembic_config(connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; cheap when it already is."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # Several workers starting at once: one migrates, the others wait for it.
            connection.execute(text("SELECT pg_advisory_xact_lock(12368)"))
        command.upgrade(_alembic_config(connection), "head")


def open_database(url: str, pool_size: int = 10, run_migrations: bool = True) -> Database:
    """Open (and migrate) the database at url, or raise StorageUnavailable saying which URL and why."""
    try:
        engine = create_engine_for(url, pool_size)
        if run_migrations:
            migrate(engine)
        else:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StorageUnavailable(f"无法打开数据库 {safe_url(url)}：{reason}") from None
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
